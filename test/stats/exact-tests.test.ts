// Exact statistics against published tables and hand-computed cases.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hodgesLehmann, hodgesLehmannShift, walshAverages } from '../../src/stats/hodges-lehmann.ts';
import { holm } from '../../src/stats/holm.ts';
import { mannWhitneyNullCounts, mannWhitneyPValue, mannWhitneyU } from '../../src/stats/mann-whitney.ts';
import { normalQuantile } from '../../src/stats/normal.ts';
import { mulberry32, seedFromString } from '../../src/stats/rng.ts';
import { signFlipPValue } from '../../src/stats/sign-flip.ts';
import {
  absoluteRanks,
  signedRankCdf,
  signedRankCriticalValue,
  signedRankNullCounts,
  signedRankPValue,
} from '../../src/stats/signed-rank.ts';
import { requestsNeeded, wilsonLowerBound, wilsonUpperBound } from '../../src/stats/wilson.ts';

test('signed-rank lower critical values for n = 5..12 match the published table', () => {
  // Wilcoxon signed-rank critical values T (reject when W ≤ T), one-sided α = .05/.025/.01/.005, as printed in
  // standard tables (e.g. Zar, Biostatistical Analysis, Table B.12); "-" = no value exists (-1 here).
  const table: Record<number, [number, number, number, number]> = {
    5: [0, -1, -1, -1],
    6: [2, 0, -1, -1],
    7: [3, 2, 0, -1],
    8: [5, 3, 1, 0],
    9: [8, 5, 3, 1],
    10: [10, 8, 5, 3],
    11: [13, 10, 7, 5],
    12: [17, 13, 9, 7],
  };
  for (const [n, expected] of Object.entries(table)) {
    assert.deepEqual(
      [0.05, 0.025, 0.01, 0.005].map((a) => signedRankCriticalValue(Number(n), a)),
      expected,
      `n = ${n}`,
    );
  }
});

test('the signed-rank null distribution is exact', () => {
  assert.deepEqual(signedRankNullCounts(3), [1, 1, 1, 2, 1, 1, 1]);
  assert.equal(
    signedRankNullCounts(10).reduce((a, b) => a + b, 0),
    1024,
  );
  assert.equal(signedRankCdf(10, 0), 1 / 1024);
  assert.equal(signedRankCdf(5, 0), 1 / 32);
  // All ten differences positive: the smallest possible one-sided p.
  assert.equal(signedRankPValue([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'greater'), 1 / 1024);
  assert.equal(signedRankPValue([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'less'), 1);
  // Hand-computed: d = (1, −2, 3), ranks 1, 2, 3, W+ = 4; W+ over 8 sign vectors is 0,1,2,3,3,4,5,6 → P(W+ ≥ 4) = 3/8.
  assert.equal(signedRankPValue([1, -2, 3], 'greater'), 3 / 8);
  // Zeros are dropped.
  assert.equal(signedRankPValue([0, 1, -2, 3], 'greater'), 3 / 8);
});

test('ties get midranks and an exact p over the doubled ranks', () => {
  assert.deepEqual(absoluteRanks([1, -1, 2]), [1.5, 1.5, 3]);
  // d = (1, −1, 2): doubled ranks 3, 3, 6; W+ (doubled) = 9; subsets of {3,3,6} with sum ≥ 9: {3,6},{3,6},{3,3,6} → 3/8.
  assert.equal(signedRankPValue([1, -1, 2], 'greater'), 3 / 8);
});

test('sign-flip enumeration, hand-computed', () => {
  // d = (1, 2, 3): sums of ±1 ±2 ±3 = 6, 4, 2, 0, 0, −2, −4, −6; observed 6 → 1/8; observed 0 (1, 2, −3) → 5/8.
  assert.equal(signFlipPValue([1, 2, 3], 'greater'), 1 / 8);
  assert.equal(signFlipPValue([1, 2, -3], 'greater'), 5 / 8);
  assert.equal(signFlipPValue([1, 2, -3], 'less'), 5 / 8);
});

test('Hodges–Lehmann estimate and exact CI on hand-computed data', () => {
  // x = (1, 3, 7): Walsh averages 1, 2, 4, 3, 5, 7 → sorted 1 2 3 4 5 7; median (3 + 4) / 2.
  assert.deepEqual(walshAverages([1, 3, 7]), [1, 2, 3, 4, 5, 7]);
  assert.equal(hodgesLehmann([1, 3, 7]).estimate, 3.5);
  assert.deepEqual(hodgesLehmann([1, 2, 3, 4, 5]), { estimate: 3, low: null, high: null, coverage: null });
  // n = 6 → [W(1), W(21)] at 96.9%; n = 8 → [W(4), W(33)] at 96.1%; n = 10 → [W(9), W(47)] at 95.1%.
  const spaced = (n: number) => Array.from({ length: n }, (_, i) => 2 ** i);
  for (const [n, k, coverage] of [
    [6, 1, 0.96875],
    [8, 4, 0.9609375],
    [10, 9, 0.951171875],
    [12, 14, 0.95751953125],
  ] as const) {
    const x = spaced(n);
    const w = walshAverages(x);
    const ci = hodgesLehmann(x);
    assert.equal(ci.low, w[k - 1], `n = ${n} low`);
    assert.equal(ci.high, w[w.length - k], `n = ${n} high`);
    assert.equal(ci.coverage, coverage, `n = ${n} coverage`);
  }
});

test('Mann–Whitney exact distribution and p, and the two-sample HL shift', () => {
  assert.deepEqual(mannWhitneyNullCounts(2, 2), [1, 1, 2, 1, 1]);
  assert.equal(
    mannWhitneyNullCounts(5, 5).reduce((a, b) => a + b, 0),
    252,
  );
  assert.equal(mannWhitneyU([3, 4], [1, 2]), 4);
  // Complete separation of 5 vs 5: p = 1/252 (the smallest possible, as benchstat/asv tables show).
  assert.equal(mannWhitneyPValue([6, 7, 8, 9, 10], [1, 2, 3, 4, 5], 'greater'), 1 / 252);
  assert.equal(hodgesLehmannShift([1, 2, 3], [11, 12, 13]).estimate, 10);
});

test('Holm: step-down thresholds in the original order', () => {
  // Sorted: 0.001 (α/4 = .0125 ✓), 0.01 (α/3 = .0167 ✓), 0.03 (α/2 = .025 ✗) → stop; 0.04 not rejected either.
  // level: a rejected test's own threshold; a test not rejected gets the threshold where the step-down stopped (.025).
  assert.deepEqual(holm([0.04, 0.001, 0.03, 0.01], 0.05), [
    { threshold: 0.05, reject: false, level: 0.025 },
    { threshold: 0.0125, reject: true, level: 0.0125 },
    { threshold: 0.025, reject: false, level: 0.025 },
    { threshold: 0.05 / 3, reject: true, level: 0.05 / 3 },
  ]);
  // Stopped at the first test (.02 ≥ α/3): .021 < α/2 but is not rejected, and is never below its level α/3.
  assert.deepEqual(
    holm([0.021, 0.02, 0.5], 0.05).map((d) => [d.reject, d.level]),
    [
      [false, 0.05 / 3],
      [false, 0.05 / 3],
      [false, 0.05 / 3],
    ],
  );
});

test('Wilson bounds and requests needed (exact normal quantile)', () => {
  assert.ok(Math.abs(normalQuantile(0.95) - 1.6448536269514722) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-8);
  // All successes: lower bound n / (n + z²); n ≥ t·z² / (1 − t) → 0.9995·2.70554/0.0005 = 5408.3 → 5409.
  assert.equal(requestsNeeded(0.9995), 5409);
  assert.equal(requestsNeeded(0.999), 2703);
  assert.ok(wilsonLowerBound(5409, 5409) >= 0.9995 && wilsonLowerBound(5408, 5408) < 0.9995);
  // Hand-computed: 95 of 100, one-sided 95%: (0.95 + z²/200 ∓ z·sqrt(0.95·0.05/100 + z²/40000)) / (1 + z²/100).
  // z² = 2.705543: centre 0.963528, spread 0.038316, denominator 1.027055 → [0.900839, 0.975453].
  assert.ok(Math.abs(wilsonLowerBound(95, 100) - 0.900839) < 1e-6, String(wilsonLowerBound(95, 100)));
  assert.ok(Math.abs(wilsonUpperBound(95, 100) - 0.975453) < 1e-6, String(wilsonUpperBound(95, 100)));
});

test('seeded randomness is reproducible', () => {
  const a = mulberry32(seedFromString('abc123'));
  const b = mulberry32(seedFromString('abc123'));
  const xs = [a(), a(), a()];
  assert.deepEqual(xs, [b(), b(), b()]);
  assert.equal(seedFromString(''), 0x811c9dc5);
  assert.equal(seedFromString('a'), 0xe40c292c);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
});
