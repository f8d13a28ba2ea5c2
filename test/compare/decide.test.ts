// The comparison decision on seeded synthetic rounds: decided against the tolerance, the intervals agree with the
// verdicts, the rates compared on their totals, and a simulation of each verdict's error rate at several noise levels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompareSettings, Scenario } from '../../src/config/types.ts';
import { compareScenarios, type CompareInput } from '../../src/compare/decide.ts';
import type { ComparisonEntry, Round } from '../../src/result.ts';
import { formatMetricChange, formatMetricInterval, formatMetricSize } from '../../src/report/format.ts';
import { mulberry32 } from '../../src/stats/rng.ts';
import { simulatedPairs } from '../helpers/simulated-pairs.ts';
import { outcomes } from '../helpers/outcomes.ts';

// A fixed design (one look at 10 pairs) unless a test says otherwise.
const settings: CompareSettings = {
  pairs: 10,
  minPairs: 10,
  budgetMs: 600_000,
  alpha: 0.05,
  roundMs: 5000,
  armWarmupMs: 0,
  extendOnce: false,
  metrics: ['qps', 'p50', 'p99'],
};
const withRates: CompareSettings = { ...settings, metrics: ['qps', 'p50', 'p99', 'error_rate', 'failure_rate'] };
const scenario = {
  name: 's',
  durationMs: 10_000,
  tolerance: { qps: 0.05, p50: 0.05, p95: 0.1, p99: 0.1, error_rate: 0.0005, failure_rate: 0.0005 },
} as Scenario;

interface Noise {
  /** Shared per-pair environment factor (σ of its log): drift both arms of a pair see. */
  env?: number;
  /** Independent per-round noise (σ of each round's log). */
  own?: number;
}

/** Rounds with a shared per-pair environment factor and independent noise; head = base slowed by `slowdown`. */
function rounds(seed: number, slowdown: number, patch: (r: Round) => void = () => {}, noise: Noise = {}): CompareInput {
  const random = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const envSd = noise.env ?? 0.1;
  const own = noise.own ?? 0.03;
  const base: Round[] = [];
  const head: Round[] = [];
  for (let index = 0; index < 10; index++) {
    const env = Math.exp(envSd * gauss());
    const round = (arm: 'base' | 'head', factor: number): Round => ({
      index,
      arm,
      order: 0,
      metrics: {
        qps: (1000 * env * Math.exp(own * gauss())) / factor,
        p50: (5 / env) * factor * Math.exp(own * gauss()),
        p95: 8,
        p99: (20 / env) * factor * Math.exp(own * gauss()),
      },
      outcomes: outcomes(5000),
      generatorSaturated: false,
    });
    base.push(round('base', 1));
    head.push(round('head', slowdown));
  }
  for (const r of [...base, ...head]) patch(r);
  return { scenario, rounds: { base, head } };
}

function verdicts(result: Partial<Record<string, ComparisonEntry>>): Record<string, string> {
  return Object.fromEntries(Object.entries(result).map(([metric, e]) => [metric, e!.verdict]));
}

test('A/A over 400 seeded gates: at most 1% report a regression; a 10% slowdown (twice δ) is found in at least 95%', () => {
  const failing = (slowdown: number) => {
    let gates = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const [result] = compareScenarios([rounds(seed, slowdown)], settings, 'paired');
      if (Object.values(result!).some((e) => e!.verdict === 'regression')) gates++;
    }
    return gates;
  };
  const aa = failing(1);
  assert.ok(aa <= 4, `A/A false fails ${aa} of 400`);
  const found = failing(1.1);
  assert.ok(found >= 380, `a 10% slowdown found in ${found} of 400`);
});

test('a 20% slowdown is a regression on every metric, with the change and a CI that lies past the tolerance', () => {
  const [result] = compareScenarios([rounds(7, 1.2)], settings, 'paired');
  for (const metric of ['qps', 'p50', 'p99'] as const) assert.equal(result![metric]!.verdict, 'regression', metric);
  const qps = result!.qps!;
  assert.ok(qps.change < -0.12 && qps.change > -0.22, `qps change ${qps.change}`);
  assert.ok(qps.low! <= qps.change && qps.change <= qps.high!);
  // A QPS tolerance of 5% is a ratio of 1.05: the CI's upper end lies below 1/1.05 − 1.
  assert.ok(qps.high! < 1 / 1.05 - 1, `qps CI ${qps.low} … ${qps.high}`);
  assert.ok(result!.p50!.low! > 0.05 && result!.p99!.low! > 0.1);
  assert.equal(qps.p, 1 / 1024);
  assert.equal(qps.tolerance, 0.05);
  // Holm across the family of three: thresholds α/3, α/2, α; each CI at 1 − 2 × its threshold.
  const entries = [result!.qps!, result!.p50!, result!.p99!];
  assert.deepEqual(entries.map((e) => e.alpha).sort(), [0.05 / 3, 0.025, 0.05].sort());
  for (const e of entries) assert.equal(e.confidence, 1 - 2 * e.alpha);
  for (const e of entries) assert.ok(e.mde! > e.tolerance, `mde ${e.mde}`);
  assert.equal(qps.reason, undefined);
});

test('a 20% speed-up is an improvement, not a regression', () => {
  const [result] = compareScenarios([rounds(11, 1 / 1.2)], settings, 'paired');
  assert.equal(result!.qps!.verdict, 'improvement');
  assert.equal(result!.p99!.verdict, 'improvement');
  assert.ok(result!.p99!.high! < -0.1 / 1.1, 'the CI lies below the tolerance');
});

test('a true change inside the tolerance with a tight spread is not a regression', () => {
  for (let seed = 1; seed <= 50; seed++) {
    // 4% slower with 0.5% noise: the old rule (p against zero) called this significant; it is inside δ = 5%.
    const [result] = compareScenarios([rounds(seed, 1.04, undefined, { own: 0.005 })], settings, 'paired');
    assert.notEqual(result!.qps!.verdict, 'regression', `seed ${seed}`);
    assert.notEqual(result!.p50!.verdict, 'regression', `seed ${seed}`);
    // And with spread this tight, it is established to be within the tolerance.
    assert.equal(result!.p99!.verdict, 'unchanged', `seed ${seed} p99 (δ 10%)`);
  }
  const [tight] = compareScenarios([rounds(3, 1.04, undefined, { own: 0.002 })], settings, 'paired');
  assert.equal(tight!.qps!.verdict, 'unchanged');
  assert.ok(tight!.qps!.low! > -0.05 / 1.05 && tight!.qps!.high! < 0.05, 'the CI lies inside ±δ');
});

test('a huge regression on a base that varies 36% between rounds is a regression: paired drift cancels', () => {
  const input = rounds(11, 1.5, undefined, { env: 0.35, own: 0.03 });
  const qps = input.rounds.base.map((r) => r.metrics.qps);
  const mean = qps.reduce((a, b) => a + b, 0) / qps.length;
  const cv = Math.sqrt(qps.reduce((a, b) => a + (b - mean) ** 2, 0) / (qps.length - 1)) / mean;
  assert.ok(cv > 0.35 && cv < 0.4, `base QPS CV ${cv}`);
  const [result] = compareScenarios([input], settings, 'paired');
  assert.deepEqual(verdicts(result!), { qps: 'regression', p50: 'regression', p99: 'regression' });
});

test('failures only in the head: a failure_rate regression, while QPS and latency are still decided', () => {
  const input = rounds(7, 1.2, (r) => {
    if (r.arm === 'head') r.outcomes = outcomes(5000, 0, 100);
  });
  const [result] = compareScenarios([input], withRates, 'paired');
  assert.deepEqual(verdicts(result!), {
    qps: 'regression',
    p50: 'regression',
    p99: 'regression',
    error_rate: 'unchanged',
    failure_rate: 'regression',
  });
  const failures = result!.failure_rate!;
  assert.equal(failures.base, 0);
  assert.equal(failures.head, 0.02);
  assert.ok(Math.abs(failures.change - 0.02) < 1e-12);
  assert.ok(failures.low! > 0.0005, 'the Newcombe CI lies above +δ');
  assert.equal(failures.tolerance, 0.0005);
  assert.match(
    result!.p99!.reason!,
    /^head had 1,000 client failures \(base 0\); failed requests are in the latency at the time they took to fail$/,
  );
  assert.match(result!.qps!.reason!, /head had 1,000 client failures \(base 0\); QPS counts successful responses only/);

  // The same failures with no slowdown and little noise: QPS and latency are decided on their own data, unchanged.
  const quiet = rounds(7, 1, (r) => r.arm === 'head' && (r.outcomes = outcomes(5000, 0, 100)), { own: 0.005 });
  const [same] = compareScenarios([quiet], withRates, 'paired');
  assert.deepEqual(verdicts(same!), {
    qps: 'unchanged',
    p50: 'unchanged',
    p99: 'unchanged',
    error_rate: 'unchanged',
    failure_rate: 'regression',
  });
  assert.match(same!.p50!.reason!, /head had 1,000 client failures/);
});

test('A/A with no failures and no HTTP errors in either arm: both rates unchanged', () => {
  const [result] = compareScenarios([rounds(3, 1)], withRates, 'paired');
  assert.equal(result!.error_rate!.verdict, 'unchanged');
  assert.equal(result!.failure_rate!.verdict, 'unchanged');
  const e = result!.failure_rate!;
  assert.equal(e.change, 0);
  assert.ok(e.low! > -0.0005 && e.high! < 0.0005, `CI ${e.low} … ${e.high}`);
  // 50,000 requests per arm and no events: the CI is ±(Wilson upper bound of 0/50,000) at the Holm level.
  assert.ok(Math.abs(e.high! + e.low!) < 1e-15);
  // Too few requests to establish "within 0.05 percentage points": inconclusive, with what could be detected.
  const short = rounds(3, 1, (r) => (r.outcomes = outcomes(500)));
  const [few] = compareScenarios([short], withRates, 'paired');
  assert.equal(few!.failure_rate!.verdict, 'inconclusive');
  assert.match(
    few!.failure_rate!.reason!,
    /with 5,000 base and 5,000 head requests, changes of 0\.\d+ pp or more could be detected \(tolerance 0\.05 pp\)/,
  );
});

test('a head that answers nothing (QPS 0) is a clear QPS regression, not uncomparable', () => {
  const dead = rounds(9, 1, (r) => {
    if (r.arm !== 'head') return;
    r.metrics = { ...r.metrics, qps: 0, p50: 10_000, p95: 10_000, p99: 10_000 };
    r.outcomes = outcomes(5000, 0, 5000);
  });
  const [result] = compareScenarios([dead], withRates, 'paired');
  assert.deepEqual(verdicts(result!), {
    qps: 'regression',
    p50: 'regression',
    p99: 'regression',
    error_rate: 'unchanged',
    failure_rate: 'regression',
  });
  assert.equal(result!.qps!.head, 0);
  assert.ok(result!.qps!.change < -0.99);
  // One round with no successful response among a 20% slowdown: still decided (it used to make QPS inconclusive).
  const one = rounds(7, 1.2, (r) => r.arm === 'head' && r.index === 4 && (r.metrics = { ...r.metrics, qps: 0 }));
  const [slow] = compareScenarios([one], settings, 'paired');
  assert.equal(slow!.qps!.verdict, 'regression');
});

test('a saturated generator and too few pairs are the guards left; failures and errors are not guards', () => {
  const [saturated] = compareScenarios([rounds(7, 1.2, (r) => r.index === 5 && (r.generatorSaturated = true))], withRates, 'paired');
  for (const e of Object.values(saturated!)) {
    assert.equal(e!.verdict, 'inconclusive');
    assert.match(e!.reason!, /load generator was saturated/);
  }
  const noisyBase = rounds(
    7,
    1.2,
    (r) =>
      r.arm === 'base' &&
      r.index % 2 === 0 &&
      (r.metrics = { ...r.metrics, qps: r.metrics.qps * 3, p50: r.metrics.p50 / 3, p99: r.metrics.p99 / 3 }),
  );
  const [unstable] = compareScenarios([noisyBase], settings, 'paired');
  assert.doesNotMatch(unstable!.qps!.reason ?? '', /varied too much/, 'no base-CV guard');
  const errors = rounds(7, 1.2, (r) => r.arm === 'base' && r.index === 0 && (r.outcomes = outcomes(5050, 50)));
  const [erroring] = compareScenarios([errors], withRates, 'paired');
  assert.equal(erroring!.qps!.verdict, 'regression', 'HTTP errors above the old max_error_rate no longer withhold QPS');

  const input = rounds(7, 1.2);
  input.rounds.base = input.rounds.base.slice(0, 1);
  input.rounds.head = input.rounds.head.slice(0, 1);
  const [single] = compareScenarios([input], withRates, 'paired');
  for (const e of Object.values(single!)) assert.match(e!.reason!, /only 1 pair was measured/);
});

test('too few pairs for the corrected α is inconclusive, never a pass', () => {
  const input = rounds(7, 1.2);
  input.rounds.base = input.rounds.base.slice(0, 4);
  input.rounds.head = input.rounds.head.slice(0, 4);
  const [result] = compareScenarios([input], settings, 'paired');
  assert.equal(result!.qps!.verdict, 'inconclusive');
  assert.match(result!.qps!.reason!, /too few pairs to ever reach significance/);
});

test('an inconclusive metric states the smallest change it could have detected', () => {
  // 2% noise per round (≈ 2.8% per pair), a true 5% slowdown right at δ: neither past nor within the tolerance.
  const [result] = compareScenarios([rounds(21, 1.05, undefined, { own: 0.02 })], settings, 'paired');
  const qps = result!.qps!;
  assert.equal(qps.verdict, 'inconclusive');
  assert.ok(qps.mde! > 0.05 && qps.mde! < 0.2, `mde ${qps.mde}`);
  assert.match(qps.reason!, /with this runner's noise, 10 pairs could detect changes of \d+(\.\d)?% or more \(tolerance 5%\)/);
  // The reason shows the change, its CI and the MDE as the report's cells do.
  const ci = formatMetricInterval('qps', qps.low, qps.high).split(' … ').join(' to ');
  assert.ok(qps.reason!.includes(`(${formatMetricChange('qps', qps.change)}, CI ${ci})`), qps.reason);
  assert.ok(qps.reason!.includes(`changes of ${formatMetricSize('qps', qps.mde!)} or more`), qps.reason);
  // The interval is at the smallest of the three Holm levels, so it neither lies past +δ nor within ±δ.
  assert.ok(qps.confidence >= 1 - 2 * qps.alpha);
  assert.ok(qps.low! <= -0.05 / 1.05 || qps.high! >= 0.05);
});

test('unpaired (saved runs): Mann–Whitney on rounds; a 20% slowdown is still found, and weak evidence is said', () => {
  const [result] = compareScenarios([rounds(3, 1.2)], settings, 'unpaired');
  assert.equal(result!.p50!.verdict, 'regression');
  const [aa] = compareScenarios([rounds(3, 1)], settings, 'unpaired');
  for (const e of Object.values(aa!)) if (e!.verdict === 'inconclusive') assert.match(e!.reason!, /\(saved runs: weak evidence\)$/);
});

/**
 * The error rates of each verdict, simulated through compareScenarios: 10 pairs, QPS, p50 and p99 all with δ = 5%
 * and the same true change (QPS lower, latency higher by that factor), the two rates with no events in either arm,
 * a shared per-pair drift of 20% (which pairing cancels) and per-pair log-ratio spreads of 3–14%.
 */
test('simulation: a verdict is wrong at most α of the time, at every noise level', () => {
  const GATES = 2000;
  const alpha = 0.05;
  // Monte-Carlo allowance: 3 standard errors of a rate α over GATES gates.
  const allowance = alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / GATES);
  const sim: CompareSettings = { ...withRates, alpha };
  const tolerance = { qps: 0.05, p50: 0.05, p95: 0.05, p99: 0.05, error_rate: 0.0005, failure_rate: 0.0005 };
  const simScenario = { ...scenario, tolerance } as Scenario;
  const random = mulberry32(2026);
  const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const metrics = ['qps', 'p50', 'p99'] as const;
  const rows: string[] = [];
  rows.push(
    '| pair spread (sd of log-ratio) | true change | regression, any metric | regression QPS / p50 / p99 | unchanged QPS | inconclusive QPS | median MDE, QPS |',
  );
  rows.push('|--:|--:|--:|--:|--:|--:|--:|');
  for (const sd of [0.03, 0.05, 0.09, 0.14]) {
    for (const k of [0, 0.5, 1, 2]) {
      const factor = 1 + k * 0.05;
      let any = 0;
      const regression = { qps: 0, p50: 0, p99: 0 };
      const unchanged = { qps: 0, p50: 0, p99: 0 };
      let inconclusive = 0;
      const mdes: number[] = [];
      for (let gate = 0; gate < GATES; gate++) {
        const { base, head } = simulatedPairs(gauss, 10, sd, factor, outcomes(5000));
        const [result] = compareScenarios([{ scenario: simScenario, rounds: { base, head } }], sim, 'paired');
        if (Object.values(result!).some((e) => e!.verdict === 'regression')) any++;
        for (const m of metrics) {
          if (result![m]!.verdict === 'regression') regression[m]++;
          if (result![m]!.verdict === 'unchanged') unchanged[m]++;
        }
        if (result!.qps!.verdict === 'inconclusive') inconclusive++;
        mdes.push(result!.qps!.mde!);
        assert.equal(result!.failure_rate!.verdict, 'unchanged');
      }
      const pct = (n: number) => `${((100 * n) / GATES).toFixed(1)}%`;
      const mde = mdes.sort((a, b) => a - b)[GATES / 2]!;
      const change = k === 0 ? '0 (A/A)' : `${k === 1 ? '' : k}δ = ${(k * 5).toFixed(1)}%`;
      rows.push(
        `| ${Math.round(sd * 100)}% | ${change} | ${pct(any)} | ${metrics.map((m) => pct(regression[m])).join(' / ')} | ${pct(unchanged.qps)} | ${pct(inconclusive)} | ${(mde * 100).toFixed(1)}% |`,
      );
      if (k === 0) assert.ok(any / GATES <= allowance, `A/A at sd ${sd}: regression on some metric in ${pct(any)}`);
      if (k === 0.5)
        for (const m of metrics)
          assert.ok(regression[m] / GATES <= allowance, `a change of δ/2 at sd ${sd}: ${m} regression ${pct(regression[m])}`);
      if (k >= 1)
        for (const m of metrics)
          assert.ok(unchanged[m] / GATES <= allowance, `a change of ${k}δ at sd ${sd}: ${m} unchanged ${pct(unchanged[m])}`);
    }
  }
  console.log(`\n${GATES} simulated gates per row, 10 pairs, α = ${alpha}, δ = 5%:\n${rows.join('\n')}\n`);
});
