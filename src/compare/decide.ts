// Base vs head, per (scenario, metric): paired log-ratios, an exact one-sided signed-rank test, the
// Hodges–Lehmann estimate with its exact CI, a tolerance δ, Holm across the whole family — and guards that
// turn the answer into "inconclusive" when the data cannot support one.
import { coefficientOfVariation, median } from 'simple-statistics';
import type { CompareMetric, CompareSettings, Scenario } from '../config/types.ts';
import type { ComparisonEntry, ComparisonVerdict, Round } from '../result.ts';
import { hodgesLehmann, hodgesLehmannShift, type Estimate } from '../stats/hodges-lehmann.ts';
import { holm } from '../stats/holm.ts';
import { mannWhitneyNullCounts, mannWhitneyPValue } from '../stats/mann-whitney.ts';
import { signedRankPValue } from '../stats/signed-rank.ts';

export interface CompareInput {
  scenario: Scenario;
  /** Paired by Round.index in paired mode. */
  rounds: { base: Round[]; head: Round[] };
}

export type CompareMode = 'paired' | 'unpaired';

const CONFIDENCE = 0.95;
const NAMES: Record<CompareMetric, string> = { qps: 'QPS', p50: 'p50', p95: 'p95', p99: 'p99' };

interface Test {
  scenario: number;
  metric: CompareMetric;
  base: number[];
  head: number[];
  /** Log-ratios (paired) or log values' shift (unpaired), oriented so positive = worse. */
  estimate: Estimate;
  pWorse: number;
  pBetter: number;
  /** The smallest p-value this design can produce: 2^-n paired, 1/C(m+n, m) unpaired. */
  smallestP: number;
  guard?: string;
}

export function compareScenarios(
  inputs: CompareInput[],
  settings: CompareSettings,
  mode: CompareMode,
): Array<Partial<Record<CompareMetric, ComparisonEntry>>> {
  const tests: Test[] = [];
  inputs.forEach((input, scenario) => {
    for (const metric of settings.metrics) tests.push(buildTest(input, scenario, metric, settings, mode));
  });
  // Regressions gate the merge: Holm over the "worse" p-values. Improvements are held to the same thresholds.
  const decisions = holm(
    tests.map((t) => t.pWorse),
    settings.alpha,
  );
  const improvements = holm(
    tests.map((t) => t.pBetter),
    settings.alpha,
  );
  const out: Array<Partial<Record<CompareMetric, ComparisonEntry>>> = inputs.map(() => ({}));
  tests.forEach((test, i) => {
    const delta = inputs[test.scenario]!.scenario.tolerance[test.metric];
    out[test.scenario]![test.metric] = decide(test, delta, decisions[i]!.threshold, decisions[i]!.reject, improvements[i]!.reject, mode);
  });
  return out;
}

function buildTest(input: CompareInput, scenario: number, metric: CompareMetric, settings: CompareSettings, mode: CompareMode): Test {
  const worseWhenHigher = metric !== 'qps';
  let base: number[];
  let head: number[];
  if (mode === 'paired') {
    const byIndex = new Map(input.rounds.head.map((r) => [r.index, r]));
    const pairs = input.rounds.base.filter((r) => byIndex.has(r.index)).map((r) => [r, byIndex.get(r.index)!] as const);
    base = pairs.map(([b]) => b.metrics[metric]);
    head = pairs.map(([, h]) => h.metrics[metric]);
  } else {
    base = input.rounds.base.map((r) => r.metrics[metric]);
    head = input.rounds.head.map((r) => r.metrics[metric]);
  }
  const guard = guardReason(input, metric, base, head, settings, mode);
  const usable = base.every((v) => v > 0) && head.every((v) => v > 0);
  const orient = (x: number) => (worseWhenHigher ? x : -x);
  let estimate: Estimate = { estimate: NaN, low: null, high: null, coverage: null };
  let pWorse = 1;
  let pBetter = 1;
  let smallestP = 1;
  if (usable && base.length > 0 && head.length > 0) {
    if (mode === 'paired') {
      const r = base.map((b, i) => orient(Math.log(head[i]! / b)));
      estimate = hodgesLehmann(r, CONFIDENCE);
      pWorse = signedRankPValue(r, 'greater');
      pBetter = signedRankPValue(r, 'less');
      smallestP = 2 ** -r.length;
    } else {
      const lb = base.map((v) => orient(Math.log(v)));
      const lh = head.map((v) => orient(Math.log(v)));
      estimate = hodgesLehmannShift(lb, lh, CONFIDENCE);
      pWorse = mannWhitneyPValue(lh, lb, 'greater');
      pBetter = mannWhitneyPValue(lh, lb, 'less');
      const counts = mannWhitneyNullCounts(lb.length, lh.length);
      smallestP = 1 / counts.reduce((a, b) => a + b, 0);
    }
  }
  return { scenario, metric, base, head, estimate, pWorse, pBetter, smallestP, ...(guard ? { guard } : usable ? {} : { guard: `a round had no successful responses, so its ${NAMES[metric]} cannot be compared` }) };
}

/** Why the rounds cannot support a verdict, in words a reader understands; undefined when they can. */
function guardReason(input: CompareInput, metric: CompareMetric, base: number[], head: number[], settings: CompareSettings, mode: CompareMode): string | undefined {
  const rounds = [...input.rounds.base, ...input.rounds.head];
  if (base.length < 2 || head.length < 2) return `only ${Math.min(base.length, head.length)} ${mode === 'paired' ? 'pair' : 'round'}s were measured`;
  const failed = rounds.filter((r) => r.outcomes.failures > 0);
  if (failed.length > 0) {
    const arms = [...new Set(failed.map((r) => r.arm))].join(' and ');
    return `requests failed without a response (timeouts, refused or reset connections) in ${failed.length} round${failed.length === 1 ? '' : 's'} of the ${arms} arm${arms.includes('and') ? 's' : ''}`;
  }
  const limit = input.scenario.maxErrorRate;
  const erroring = rounds.filter((r) => r.outcomes.total > 0 && r.outcomes.httpErrors / r.outcomes.total > limit);
  if (erroring.length > 0) {
    return `HTTP errors exceeded the scenario's ${(limit * 100).toPrecision(2)}% limit in ${erroring.length} round${erroring.length === 1 ? '' : 's'}`;
  }
  if (rounds.some((r) => r.generatorSaturated)) return 'the load generator was saturated in some rounds, so they measured the client, not the service';
  if (base.length >= 2 && base.every((v) => v > 0)) {
    const cv = coefficientOfVariation(base);
    if (cv > settings.maxBaseCv) {
      return `the base varied too much between rounds (${NAMES[metric]} CV ${(cv * 100).toFixed(0)}%, limit ${(settings.maxBaseCv * 100).toFixed(0)}%): the machine was too noisy to tell`;
    }
  }
  return undefined;
}

function decide(test: Test, delta: number, alpha: number, regressionSignificant: boolean, improvementSignificant: boolean, mode: CompareMode): ComparisonEntry {
  const worseWhenHigher = test.metric !== 'qps';
  const { estimate, low, high } = test.estimate;
  // Convert the oriented log estimate (positive = worse) into the metric's relative change, head vs base.
  const relative = (x: number) => (worseWhenHigher ? Math.expm1(x) : Math.expm1(-x));
  const change = Number.isFinite(estimate) ? relative(estimate) : 0;
  const bounds = low === null || high === null ? null : [relative(low), relative(high)].sort((a, b) => a - b);
  // "Worsening" as a fraction of the base: slower latency = +x, lower QPS = −x both count as x.
  const worsening = (x: number) => (worseWhenHigher ? Math.expm1(x) : -Math.expm1(-x));
  const entry = (verdict: ComparisonVerdict, reason?: string): ComparisonEntry => ({
    base: test.base.length ? median(test.base) : NaN,
    head: test.head.length ? median(test.head) : NaN,
    change,
    low: bounds ? bounds[0]! : null,
    high: bounds ? bounds[1]! : null,
    p: test.pWorse,
    alpha,
    tolerance: delta,
    verdict,
    ...(reason ? { reason } : {}),
  });
  const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}%`;
  const ci = bounds ? `, CI ${pct(bounds[0]!)} to ${pct(bounds[1]!)}` : '';
  const tol = `${(delta * 100).toFixed(0)}%`;
  const weak = mode === 'unpaired' ? ' (saved runs: weak evidence)' : '';

  if (test.smallestP >= alpha) {
    return entry('inconclusive', `too few ${mode === 'paired' ? 'pairs' : 'rounds'} to ever reach significance at the corrected α ${alpha.toPrecision(2)}; add pairs`);
  }
  if (test.guard) return entry('inconclusive', test.guard);
  const worse = worsening(estimate);
  if (regressionSignificant && worse >= delta) return entry('regression', undefined);
  if (improvementSignificant && -worse >= delta) return entry('improvement', undefined);
  const worstCase = high === null ? Infinity : worsening(high);
  const bestCase = low === null ? -Infinity : worsening(low);
  if (worstCase < delta && -bestCase < delta) return entry('unchanged', undefined);
  if (high === null) return entry('inconclusive', `too few pairs for a 95% confidence interval; the change was ${pct(change)}${weak}`);
  if (worse >= delta) {
    return entry('inconclusive', `${NAMES[test.metric]} looks ${pct(change)} worse${ci}, but the pairs disagree too much to be sure (p = ${test.pWorse.toPrecision(2)}, needed below ${alpha.toPrecision(2)})${weak}`);
  }
  return entry('inconclusive', `the change (${pct(change)}${ci}) could still exceed the ${tol} tolerance; more pairs would tell${weak}`);
}
