// E-Divisive means: the statistic against its definition (exact values and a brute-force O(n³) reference), and the
// detector on seeded series with known steps: found at the right index, and no change point where there is none.
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
