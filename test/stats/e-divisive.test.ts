// E-Divisive means: the statistic against its definition (exact values and a brute-force O(n³) reference), the
// detector on seeded series with known steps (found at the right index, none where there is none), and on MongoDB's
// published test cases (the same change points and energy values).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eDivisive, energyStatistics, stepsOf } from '../../src/stats/e-divisive.ts';
import { mulberry32 } from '../../src/stats/rng.ts';

/** q(τ) straight from the definition. */
function bruteForce(x: number[], tau: number): number {
  const a = x.slice(0, tau);
  const b = x.slice(tau);
  const m = a.length;
  const n = b.length;
  let across = 0;
  for (const u of a) for (const v of b) across += Math.abs(u - v);
  let left = 0;
  for (let i = 0; i < m; i++) for (let k = i + 1; k < m; k++) left += Math.abs(a[i]! - a[k]!);
  let right = 0;
  for (let i = 0; i < n; i++) for (let k = i + 1; k < n; k++) right += Math.abs(b[i]! - b[k]!);
  return ((m * n) / (m + n)) * ((2 * across) / (m * n) - left / ((m * (m - 1)) / 2) - right / ((n * (n - 1)) / 2));
}

const gaussian = (random: () => number) => () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());

test('the energy statistic: exact on a small series, equal to the definition on random ones', () => {
  // [0, 0, 1, 1] split in the middle: 4 cross pairs at distance 1, none within; q = 2·2/4 · (2·4/4 − 0 − 0) = 2.
  const q = energyStatistics([0, 0, 1, 1]);
  assert.equal(q[2], 2);
  assert.ok(Number.isNaN(q[1]!) && Number.isNaN(q[3]!), 'a side of one point has no within-distance');
  const random = mulberry32(7);
  for (let trial = 0; trial < 20; trial++) {
    const x = Array.from({ length: 5 + Math.floor(random() * 30) }, () => random() * 100);
    const fast = energyStatistics(x, 2);
    for (let tau = 2; tau <= x.length - 2; tau++) assert.ok(Math.abs(fast[tau]! - bruteForce(x, tau)) < 1e-9 * (1 + Math.abs(fast[tau]!)));
  }
});

test('a 10% step at run 20 of 30 (3% noise) is found at run 20 and sized; no step gives no change point in 95%+ of seeds', () => {
  const SEEDS = 100;
  let atTwenty = 0;
  let falseOnStep = 0;
  let quiet = 0;
  const sizes: number[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const noise = gaussian(mulberry32(seed));
    const stepped = Array.from({ length: 30 }, (_, i) => 1000 * (i >= 20 ? 0.9 : 1) * Math.exp(0.03 * noise()));
    const points = eDivisive(stepped, { seed });
    if (points.some((c) => c.index === 20)) atTwenty++;
    falseOnStep += points.filter((c) => Math.abs(c.index - 20) > 1).length;
    const step = stepsOf(stepped, points).find((s) => s.index === 20);
    if (step) sizes.push(step.change);
    const flat = Array.from({ length: 30 }, () => 1000 * Math.exp(0.03 * noise()));
    if (eDivisive(flat, { seed }).length === 0) quiet++;
  }
  const median = sizes.sort((a, b) => a - b)[sizes.length >> 1]!;
  console.log(
    `E-Divisive over ${SEEDS} seeds, 30 points, 3% noise: a 10% step found at its exact run in ${atTwenty}, other change points ${falseOnStep}; ` +
      `median size ${(100 * median).toFixed(1)}%; no change point on a flat series in ${quiet}`,
  );
  assert.ok(atTwenty >= 85, `found at run 20 in ${atTwenty} of ${SEEDS}`);
  assert.ok(quiet >= 95, `flat series without a change point: ${quiet} of ${SEEDS}`);
  assert.ok(Math.abs(median + 0.1) < 0.02, `step size ${median}`);
});

test('two steps are both found, and the same seed gives the same answer', () => {
  const noise = gaussian(mulberry32(42));
  const series = Array.from({ length: 60 }, (_, i) => (i < 20 ? 100 : i < 40 ? 120 : 100) * Math.exp(0.02 * noise()));
  const points = eDivisive(series, { seed: 3 });
  assert.deepEqual(
    points.map((c) => c.index),
    [20, 40],
  );
  assert.deepEqual(eDivisive(series, { seed: 3 }), points);
  const steps = stepsOf(series, points);
  assert.ok(Math.abs(steps[0]!.change - 0.2) < 0.03 && Math.abs(steps[1]!.change + 1 / 6) < 0.03, JSON.stringify(steps));
});

test('too short a series, or a constant one, has no change point', () => {
  assert.deepEqual(eDivisive([1, 2, 3, 4, 5]), []);
  assert.deepEqual(eDivisive(Array.from({ length: 20 }, () => 7)), []);
});

test("MongoDB's published cases (signal-processing-algorithms' tests): the same change points and the same q", () => {
  // github.com/mongodb/signal-processing-algorithms, tests/test_detection.py: series, expected indexes and qhat.
  const of = (n: number, set: Array<[number, number, number]>) => {
    const s: number[] = Array(n).fill(50);
    for (const [from, to, value] of set) for (let i = from; i < to; i++) s[i] = value;
    return s;
  };
  const cases: Array<[string, number[], Array<[number, number | undefined]>]> = [
    ['a simple regression', of(30, [[15, 30, 100]]), [[15, 750]]],
    ['ahead', [...Array(14).fill(50), 74, ...Array(15).fill(100)], [[15, undefined]]],
    [
      'behind',
      of(30, [
        [14, 15, 76],
        [15, 30, 100],
      ]),
      [[14, undefined]],
    ],
    [
      'a regression with an outlier before it',
      of(30, [
        [2, 3, 100],
        [15, 30, 100],
      ]),
      [[15, 649.9999999999999]],
    ],
    [
      'regression and recovery',
      of(45, [
        [2, 3, 100],
        [15, 30, 100],
        [32, 33, 100],
      ]),
      [
        [15, 544.7415329768271],
        [33, 226.66666666666674],
      ],
    ],
    [
      'two regressions',
      of(45, [
        [2, 3, 100],
        [15, 30, 100],
        [30, 45, 150],
      ]),
      [
        [15, 649.9999999999999],
        [30, 1209.1954022988505],
      ],
    ],
    [
      'random-ish data from three disjoint ranges',
      [
        ...[41, 18, 23, 3, 32, 11, 40, 13, 29, 48, 47, 35, 18, 21, 6, 2, 23, 3, 4, 7],
        ...[120, 103, 102, 81, 71, 62, 115, 61, 108, 63, 70, 98, 65, 96, 64, 74, 70, 113, 90, 114],
        ...[208, 196, 153, 150, 225, 179, 206, 165, 177, 151, 218, 217, 244, 245, 229, 195, 225, 229, 176, 250],
      ],
      [
        [20, 893.578947368421],
        [40, 2848.1169590643276],
      ],
    ],
    ['no regression', of(30, []), []],
  ];
  for (const [name, series, expected] of cases) {
    const found = eDivisive(series);
    assert.deepEqual(
      found.map((c) => c.index),
      expected.map(([index]) => index),
      name,
    );
    for (const [i, [, q]] of expected.entries()) {
      if (q !== undefined) assert.ok(Math.abs(found[i]!.q - q) < 1e-9 * q, `${name}: q ${found[i]!.q} against ${q}`);
    }
  }
  // tests/test_e_divisive.py: [0]*cp + [1]*cp has its one change point at cp. At α = 0.01 it takes 6 runs a side: with
  // 4 or 5, 2 of the C(8, 4) = 70 or C(10, 5) = 252 orders split as cleanly, too many for p ≤ 0.01 from 199 shuffles.
  for (let cp = 6; cp < 100; cp++)
    assert.deepEqual(
      eDivisive([...Array(cp).fill(0), ...Array(cp).fill(1)]).map((c) => c.index),
      [cp],
      `cp ${cp}`,
    );
  for (const cp of [4, 5]) assert.deepEqual(eDivisive([...Array(cp).fill(0), ...Array(cp).fill(1)]).length, 0, `cp ${cp}`);
});
