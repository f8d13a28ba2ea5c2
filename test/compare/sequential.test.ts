// Sequential pairs: the per-look level keeps each verdict's error rate whatever the data's distribution, and the
// whole decision (compareScenarios, looked at after 8, 10, … 20 pairs, stopping once every metric is decided) keeps
// the stated rates at every noise level, while a large change is decided early.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareScenarios } from '../../src/compare/decide.ts';
import { DEFAULT_COMPARE } from '../../src/config/compare.ts';
import type { CompareSettings, Scenario } from '../../src/config/types.ts';
import { mulberry32 } from '../../src/stats/rng.ts';
import { simulatedPairs } from '../helpers/simulated-pairs.ts';
import { lookSchedule, sequentialNominalLevel } from '../../src/stats/sequential.ts';
import { signedRankPValue } from '../../src/stats/signed-rank.ts';
import { outcomes } from '../helpers/outcomes.ts';

const LOOKS = lookSchedule(8, 2, 20);

test('the look schedule: from min_pairs in steps of 2 up to the most pairs', () => {
  assert.deepEqual(LOOKS, [8, 10, 12, 14, 16, 18, 20]);
  assert.deepEqual(lookSchedule(8, 2, 9), [8, 9]);
  assert.deepEqual(lookSchedule(10, 2, 10), [10]);
});

test('one look is held to α itself; several looks to less than α but more than Bonferroni would allow', () => {
  assert.equal(sequentialNominalLevel(0.05, [10]), 0.05);
  for (const alpha of [0.05, 0.01, 0.0025]) {
    const level = sequentialNominalLevel(alpha, LOOKS);
    assert.ok(level < alpha && level > alpha / LOOKS.length, `α ${alpha}: per-look level ${level}`);
  }
});

test('the per-look level holds for any symmetric data: heavy tails and skewed magnitudes reject at most α', () => {
  const alpha = 0.01;
  const level = sequentialNominalLevel(alpha, LOOKS);
  const random = mulberry32(7);
  const SEQUENCES = 20_000;
  // Three null distributions symmetric about 0: Laplace, Cauchy-like, and ±(uniform)^4.
  const draws: Array<() => number> = [
    () => (random() < 0.5 ? -1 : 1) * -Math.log(random() || 1e-12),
    () => Math.tan(Math.PI * (random() - 0.5)),
    () => (random() < 0.5 ? -1 : 1) * random() ** 4,
  ];
  for (const draw of draws) {
    let rejected = 0;
    for (let s = 0; s < SEQUENCES; s++) {
      const d = Array.from({ length: 20 }, draw);
      if (LOOKS.some((n) => signedRankPValue(d.slice(0, n), 'greater') < level)) rejected++;
    }
    const allowance = alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / SEQUENCES);
    assert.ok(rejected / SEQUENCES <= allowance, `rejected ${rejected} of ${SEQUENCES} at per-look level ${level}`);
    // And the level is not wasted: repeated looks at α itself would reject far more often.
  }
});

/**
 * The whole sequential decision, simulated: one scenario, QPS/p50/p99 (δ 5%) and the two rates (no events), a
 * shared drift of 20% per pair (pairing cancels it), per-pair log-ratio spreads of 3–14%, true changes 0, δ/2, δ, 2δ
 * and 4δ (20%). Looks after 8, 10, … 20 pairs; a gate stops once every metric is decided.
 */
test('simulation: sequential verdicts are wrong at most α of the time at every noise level, and a 20% drop is decided early', () => {
  const GATES = 600;
  const alpha = 0.05;
  const allowance = alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / GATES);
  const settings: CompareSettings = { ...DEFAULT_COMPARE, pairs: 20, minPairs: 8, alpha };
  const tolerance = { qps: 0.05, p50: 0.05, p95: 0.05, p99: 0.05, error_rate: 0.0005, failure_rate: 0.0005 };
  const scenario = { name: 's', durationMs: 5000, tolerance } as Scenario;
  const random = mulberry32(2027);
  const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const metrics = ['qps', 'p50', 'p99'] as const;
  const rows = [
    '| pair spread | true change | regression, any metric | QPS regression | QPS unchanged | QPS inconclusive | median pairs | decided by 10 pairs |',
    '|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const sd of [0.03, 0.05, 0.09, 0.14]) {
    for (const k of [0, 0.5, 1, 2, 4]) {
      const factor = 1 + k * 0.05;
      let any = 0;
      let decidedBy10 = 0;
      const count = { regression: { qps: 0, p50: 0, p99: 0 }, unchanged: { qps: 0, p50: 0, p99: 0 }, inconclusive: 0 };
      const used: number[] = [];
      for (let gate = 0; gate < GATES; gate++) {
        const { base, head } = simulatedPairs(gauss, 20, sd, factor, outcomes(20_000));
        let result: ReturnType<typeof compareScenarios>[number] = {};
        let pairs = 0;
        for (const n of LOOKS) {
          pairs = n;
          [result] = compareScenarios([{ scenario, rounds: { base: base.slice(0, n), head: head.slice(0, n) } }], settings, 'paired') as [
            typeof result,
          ];
          if (Object.values(result).every((e) => e!.verdict !== 'inconclusive')) break;
        }
        used.push(pairs);
        if (Object.values(result).some((e) => e!.verdict === 'regression')) any++;
        if (result.qps!.verdict !== 'inconclusive' && pairs <= 10) decidedBy10++;
        for (const m of metrics) {
          if (result[m]!.verdict === 'regression') count.regression[m]++;
          if (result[m]!.verdict === 'unchanged') count.unchanged[m]++;
        }
        if (result.qps!.verdict === 'inconclusive') count.inconclusive++;
      }
      const pct = (n: number) => `${((100 * n) / GATES).toFixed(1)}%`;
      const median = used.sort((a, b) => a - b)[GATES / 2]!;
      rows.push(
        `| ${Math.round(sd * 100)}% | ${k === 0 ? '0 (A/A)' : `${k}δ = ${k * 5}%`} | ${pct(any)} | ${pct(count.regression.qps)} | ${pct(count.unchanged.qps)} | ${pct(count.inconclusive)} | ${median} | ${pct(decidedBy10)} |`,
      );
      if (k === 0) assert.ok(any / GATES <= allowance, `A/A at sd ${sd}: a regression in ${pct(any)}`);
      if (k === 0.5)
        for (const m of metrics)
          assert.ok(count.regression[m] / GATES <= allowance, `δ/2 at sd ${sd}: ${m} regression ${pct(count.regression[m])}`);
      if (k >= 1)
        for (const m of metrics)
          assert.ok(count.unchanged[m] / GATES <= allowance, `${k}δ at sd ${sd}: ${m} unchanged ${pct(count.unchanged[m])}`);
      // A 20% drop on a quiet runner is decided within 10 pairs nearly always.
      if (k === 4 && sd <= 0.05) assert.ok(decidedBy10 / GATES >= 0.9, `20% at sd ${sd}: decided by 10 pairs in ${pct(decidedBy10)}`);
    }
  }
  console.log(
    `\n${GATES} simulated sequential gates per row (looks at ${LOOKS.join(', ')} pairs), α = ${alpha}, δ = 5%:\n${rows.join('\n')}\n`,
  );
});
