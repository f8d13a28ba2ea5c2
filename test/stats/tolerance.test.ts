// Tests against a tolerance (#13): exact values for each new function, and the duality between every interval and
// the tests it is reported with (an interval past the tolerance ⇔ the test rejects at that level).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hodgesLehmann, hodgesLehmannAt, hodgesLehmannShiftAt } from '../../src/stats/hodges-lehmann.ts';
import { mannWhitneyPValue } from '../../src/stats/mann-whitney.ts';
import { newcombeInterval, newcombeIntervalAt, newcombePValue } from '../../src/stats/newcombe.ts';
import { mulberry32 } from '../../src/stats/rng.ts';
import { signedRankCriticalValue, signedRankPValue } from '../../src/stats/signed-rank.ts';
import { mannWhitneyToleranceTests, signedRankToleranceTests } from '../../src/stats/tolerance.ts';
import { wilsonInterval } from '../../src/stats/wilson.ts';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

test("Newcombe's hybrid score interval matches his Table II (method 10), 95%", () => {
  // Newcombe (1998), Statistics in Medicine 17:873–890, Table II, examples (a)–(h), method 10, to 4 decimals.
  const table: Array<[number, number, number, number, number, number]> = [
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
    [10, 10, 0, 10, 0.6075, 1],
  ];
  for (const [x1, n1, x2, n2, low, high] of table) {
    const ci = newcombeInterval({ events: x1, n: n1 }, { events: x2, n: n2 });
    close(ci.estimate, x1 / n1 - x2 / n2, 1e-15, `${x1}/${n1} − ${x2}/${n2} estimate`);
    close(ci.low, low, 5e-5, `${x1}/${n1} − ${x2}/${n2} low`);
    close(ci.high, high, 5e-5, `${x1}/${n1} − ${x2}/${n2} high`);
  }
  // By hand, (f): with no events the Wilson upper bound is z²/(n + z²) = 3.841459/13.841459 = 0.277533 (z = 1.959964),
  // and the difference's interval is ±that.
  const f = newcombeInterval({ events: 0, n: 10 }, { events: 0, n: 10 });
  close(f.high, 3.841459 / 13.841459, 1e-6, '(f) high');
  close(f.low, -f.high, 1e-15, '(f) symmetric');
});

test('Wilson interval for a given z, and Newcombe at a one-sided level', () => {
  // The hand-computed case of exact-tests: 95 of 100, z = 1.6448536 → [0.900839, 0.975453].
  const [low, high] = wilsonInterval(95, 100, 1.6448536269514722);
  close(low, 0.900839, 1e-6, 'low');
  close(high, 0.975453, 1e-6, 'high');
  // One-sided 2.5% per side is the two-sided 95% interval.
  const a = { events: 56, n: 70 };
  const b = { events: 48, n: 80 };
  const at = newcombeIntervalAt(a, b, 0.025);
  const two = newcombeInterval(a, b, 0.95);
  close(at.low, two.low, 1e-12, 'low');
  close(at.high, two.high, 1e-12, 'high');
});

test('the Newcombe p-value is dual to the interval: p < α ⇔ the interval at α lies past the bound', () => {
  const a = { events: 56, n: 70 };
  const b = { events: 48, n: 80 };
  // The 95% lower bound is 0.0524: "above 0.0524" has p = 0.025.
  const lower = newcombeIntervalAt(a, b, 0.025).low;
  close(newcombePValue(a, b, 'above', lower), 0.025, 1e-10, 'p at the 95% lower bound');
  const upper = newcombeIntervalAt(a, b, 0.01).high;
  close(newcombePValue(a, b, 'below', upper), 0.01, 1e-10, 'p at the 98% upper bound');
  // The estimate not past the bound: p = 1.
  assert.equal(newcombePValue(a, b, 'above', 0.3), 1);
  assert.equal(newcombePValue(a, b, 'below', 0.1), 1);
  const random = mulberry32(5);
  for (let i = 0; i < 300; i++) {
    const n1 = 100 + Math.floor(random() * 50_000);
    const n2 = 100 + Math.floor(random() * 50_000);
    const x = { events: Math.floor(random() * random() * n1 * 0.05), n: n1 };
    const y = { events: Math.floor(random() * random() * n2 * 0.05), n: n2 };
    const bound = (random() - 0.5) * 0.004;
    for (const alpha of [0.05, 0.025, 0.05 / 3, 0.01, 0.005, 0.05 / 15]) {
      const ci = newcombeIntervalAt(x, y, alpha);
      assert.equal(newcombePValue(x, y, 'above', bound) < alpha, ci.low > bound, `${JSON.stringify([x, y, bound, alpha])} above`);
      assert.equal(newcombePValue(x, y, 'below', bound) < alpha, ci.high < bound, `${JSON.stringify([x, y, bound, alpha])} below`);
    }
  }
});

test('strict critical values: P(W+ ≤ t) < α, for tests that reject when p < α', () => {
  // n = 10: P(W+ ≤ 0) = 1/1024 exactly. At α = 1/1024 the "≤" value is 0 but no t has P < α.
  assert.equal(signedRankCriticalValue(10, 1 / 1024), 0);
  assert.equal(signedRankCriticalValue(10, 1 / 1024, true), -1);
  // All ten positive has p = 1/1024, not below α = 1/1024: no finite interval, no rejection — they agree.
  assert.equal(signedRankPValue([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'greater'), 1 / 1024);
  assert.equal(hodgesLehmannAt([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 1 / 1024).low, null);
  // Away from such exact values the strict and the usual interval coincide: n = 10 at 95% is [W(9), W(47)].
  const x = Array.from({ length: 10 }, (_, i) => 2 ** i);
  assert.deepEqual(hodgesLehmannAt(x, 0.025), hodgesLehmann(x, 0.95));
});

test('the Hodges–Lehmann intervals are dual to the shifted rank tests, exactly (continuous data)', () => {
  const random = mulberry32(11);
  const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  let rejections = 0;
  for (let trial = 0; trial < 400; trial++) {
    const n = 6 + (trial % 9);
    const shift = gauss() * 0.1;
    const x = Array.from({ length: n }, () => shift + 0.05 * gauss());
    const theta = (random() - 0.5) * 0.2;
    for (const alpha of [0.05, 0.025, 0.05 / 3, 0.0125, 0.01, 0.05 / 15]) {
      const ci = hodgesLehmannAt(x, alpha);
      const greater =
        signedRankPValue(
          x.map((v) => v - theta),
          'greater',
        ) < alpha;
      const less =
        signedRankPValue(
          x.map((v) => v - theta),
          'less',
        ) < alpha;
      assert.equal(ci.low !== null && ci.low > theta, greater, `paired n=${n} α=${alpha} lower`);
      assert.equal(ci.high !== null && ci.high < theta, less, `paired n=${n} α=${alpha} upper`);
      if (greater || less) rejections++;
    }
    const m = 3 + (trial % 6);
    const base = Array.from({ length: m }, () => 0.05 * gauss());
    const head = Array.from({ length: n }, () => shift + 0.05 * gauss());
    for (const alpha of [0.05, 0.025, 0.05 / 3, 0.01]) {
      const ci = hodgesLehmannShiftAt(base, head, alpha);
      const shifted = head.map((v) => v - theta);
      assert.equal(
        ci.low !== null && ci.low > theta,
        mannWhitneyPValue(shifted, base, 'greater') < alpha,
        `unpaired ${m}×${n} α=${alpha} lower`,
      );
      assert.equal(
        ci.high !== null && ci.high < theta,
        mannWhitneyPValue(shifted, base, 'less') < alpha,
        `unpaired ${m}×${n} α=${alpha} upper`,
      );
    }
  }
  assert.ok(rejections > 100, `the check exercised both outcomes (${rejections} rejections)`);
});

test('signed-rank tests against a tolerance, hand-computed', () => {
  // r − d = (0.5, 1.5, 2.5, 3.5, 4.5): all positive → p = 1/32 for "worse by more than d"; never "within".
  assert.deepEqual(signedRankToleranceTests([1, 2, 3, 4, 5], 0.5), { regression: 1 / 32, improvement: 1, unchanged: 1, smallestP: 1 / 32 });
  // Every |r| < d: r − d all negative and r + d all positive → TOST p = max(1/32, 1/32).
  assert.deepEqual(signedRankToleranceTests([0.1, -0.1, 0.2, -0.2, 0.05], 1), {
    regression: 1,
    improvement: 1,
    unchanged: 1 / 32,
    smallestP: 1 / 32,
  });
  // The mirror image of a regression is an improvement, with the same p (ln h − ln b is exactly antisymmetric).
  assert.equal(signedRankToleranceTests([-1, -2, -3, -4, -5], 0.5).improvement, 1 / 32);
  // A zero after the shift carries no sign and is dropped: r − d = (0, 1, 2) → 2 differences → p = 1/4, and the
  // smallest p the test could reach counts only those 2.
  const zeros = signedRankToleranceTests([1, 2, 3], 1);
  assert.equal(zeros.regression, 1 / 4);
  assert.equal(zeros.smallestP, 1 / 4);
  // r − d = (1, −2, 3): W+ = 4 of 6 → P(W+ ≥ 4) = 3/8 (as in exact-tests).
  assert.equal(signedRankToleranceTests([2, -1, 4], 1).regression, 3 / 8);
});

test('Mann–Whitney tests against a tolerance, hand-computed', () => {
  // Head − d still above every base value: complete separation of 5 vs 5 → 1/252.
  const separated = mannWhitneyToleranceTests([1, 2, 3, 4, 5], [11, 12, 13, 14, 15], 1);
  assert.equal(separated.regression, 1 / 252);
  assert.equal(separated.improvement, 1);
  assert.equal(separated.smallestP, 1 / 252);
  // Same values in both arms and d larger than the spread: within the tolerance, p = 1/252 on both sides.
  const same = mannWhitneyToleranceTests([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], 10);
  assert.equal(same.unchanged, 1 / 252);
  assert.equal(same.regression, 1);
});
