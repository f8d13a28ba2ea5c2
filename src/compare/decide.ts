// Base vs head, per (scenario, metric), decided against the tolerance δ rather than against zero (#13), so a true
// change inside ±δ is called a regression at most at rate α, at any noise level:
// - QPS and latency: per-pair oriented log-ratios r_i (positive = worse) and d = ln(1 + δ); exact signed-rank tests
//   of r − d ("worse by more than δ"), r + d ("better by more than δ") and both ("within δ", TOST); the
//   Hodges–Lehmann estimate with the exact interval dual to those tests. Unpaired (saved runs): Mann–Whitney, the
//   shift applied to the head's log values.
// - error_rate and failure_rate: each arm's totals over its rounds (rates near zero make per-pair ratios useless);
//   the difference of the two rates with Newcombe's hybrid score interval, p-values dual to it, δ absolute.
// Holm across the whole family (scenarios × metrics, and each mix entry's QPS, p50 and p99) for regressions and
// improvements, each "unchanged" at α on its own (an equivalence statement about one metric, which never fails a
// gate); every interval is shown at the level its verdict was reached at, so it agrees with the verdict. Only two
// guards remain: a saturated load generator (its rounds measured the client, not the service) and fewer than two
// pairs.
import { median } from 'simple-statistics';
import {
  DEFAULT_TOLERANCE,
  ENTRY_COMPARE_METRICS,
  isRateMetric,
  type CompareMetric,
  type CompareSettings,
  type RateMetric,
  type RoundMetric,
  type Scenario,
} from '../config/types.ts';
import { METRIC } from '../metrics.ts';
import { formatConfidence, formatMetricChange, formatMetricSize } from '../report/format.ts';
import type { ComparisonEntry, ComparisonVerdict, Round } from '../result.ts';
import { hodgesLehmannAt, hodgesLehmannShiftAt } from '../stats/hodges-lehmann.ts';
import { holm, type HolmDecision } from '../stats/holm.ts';
import { newcombeIntervalAt, newcombePValue, type Proportion } from '../stats/newcombe.ts';
import { lookSchedule, sequentialNominalLevel } from '../stats/sequential.ts';
import { mannWhitneyToleranceTests, signedRankToleranceTests, type ToleranceTests } from '../stats/tolerance.ts';
import { entryNames, entryRounds } from './entries.ts';

/** What a comparison reads of a scenario: a saved result supplies these too, so no Scenario is rebuilt from it. */
export type ComparedScenarioSpec = Pick<Scenario, 'name' | 'tolerance' | 'durationMs'>;

export interface CompareInput {
  scenario: ComparedScenarioSpec;
  /** Paired by Round.index in paired mode. */
  rounds: { base: Round[]; head: Round[] };
}

export type CompareMode = 'paired' | 'unpaired';

/** An interval in the decision's own space, where positive = worse: oriented log values, or a rate difference. */
interface Interval {
  estimate: number;
  low: number | null;
  high: number | null;
}

interface Test {
  scenario: number;
  /** A mix entry's test: its index in the scenario's entries. */
  entry?: number;
  metric: CompareMetric;
  /** Shown per arm: medians over rounds, or each arm's rate over all its rounds. */
  base: number;
  head: number;
  delta: number;
  /** δ in the decision's space: ln(1 + δ) for QPS and latency, δ itself for the rates. */
  bound: number;
  p: ToleranceTests;
  /** The interval dual to the tests, each side at one-sided level alpha. */
  interval(alpha: number): Interval;
  /** How much data there was, in words, for the minimum detectable effect: "10 pairs". */
  sample: string;
  guard?: string;
  /** Facts a reader needs next to the verdict (head-only failures, pairs left out). */
  notes: string[];
}

const NO_INTERVAL: Interval = { estimate: NaN, low: null, high: null };

type MetricComparisons = Partial<Record<CompareMetric, ComparisonEntry>>;

/** A scenario's comparison: its own metrics, and each mix entry's (in mix order). */
export interface ScenarioComparison {
  metrics: MetricComparisons;
  entries: Array<{ name: string; comparison: MetricComparisons }>;
}

/** Each scenario's metrics, decided in one Holm family with every scenario's mix entries (see compareFamily). */
export function compareScenarios(inputs: CompareInput[], settings: CompareSettings, mode: CompareMode): MetricComparisons[] {
  return compareFamily(inputs, settings, mode).map((c) => c.metrics);
}

/**
 * Every scenario's metrics and, for a mix (rounds with entries), each entry's QPS, p50 and p99: all of them one
 * family, so a slow endpoint is found without raising the chance of a false regression anywhere in the run.
 */
export function compareFamily(inputs: CompareInput[], settings: CompareSettings, mode: CompareMode): ScenarioComparison[] {
  const tests: Test[] = [];
  const names = inputs.map((input) => entryNames(input.rounds));
  inputs.forEach((input, scenario) => {
    for (const metric of settings.metrics) {
      tests.push(isRateMetric(metric) ? rateTest(input, scenario, metric, mode) : ratioTest(input, scenario, metric, settings, mode));
    }
    names[scenario]!.forEach((name, entry) => {
      const rounds = { scenario: input.scenario, rounds: entryRounds(input.rounds, name) };
      for (const metric of ENTRY_COMPARE_METRICS.filter((m) => settings.metrics.includes(m))) {
        tests.push({ ...ratioTest(rounds, scenario, metric, settings, mode), entry });
      }
    });
  });
  // Three families, each Holm-corrected across every (scenario, metric) at the family-wise α. With sequential pairs
  // each test is looked at repeatedly, so its share of α buys a smaller per-look level (nominal).
  const nominal = nominalLevels(tests, settings, mode);
  const regression = holm(
    tests.map((t) => t.p.regression),
    settings.alpha,
    nominal,
  );
  const improvement = holm(
    tests.map((t) => t.p.improvement),
    settings.alpha,
    nominal,
  );
  // "Unchanged" is a statement about one metric and never fails a gate, so each is held to α on its own (TOST):
  // wrong (the true change beyond ±δ) at most α of the time per metric, at every noise level. A Holm family over
  // every (scenario, metric) would make "unchanged" out of reach on a noisy runner for no protection a gate needs.
  const unchanged = tests.map((t, i): HolmDecision => {
    const threshold = nominal(settings.alpha, i);
    return { threshold, reject: t.p.unchanged < threshold, level: threshold };
  });
  const out: ScenarioComparison[] = names.map((entries) => ({ metrics: {}, entries: entries.map((name) => ({ name, comparison: {} })) }));
  tests.forEach((test, i) => {
    const scenario = out[test.scenario]!;
    const into = test.entry === undefined ? scenario.metrics : scenario.entries[test.entry]!.comparison;
    into[test.metric] = decide(test, regression[i]!, improvement[i]!, unchanged[i]!, mode);
  });
  return out;
}

/**
 * Per test, the level a share of α buys at each look. Paired rank tests looked at after min_pairs, +2, … pairs:
 * the calibrated constant level of stats/sequential.ts. The rates (decided on totals, not on ranks): the share split
 * evenly over the looks (Bonferroni), valid whatever their correlation. One look: the share itself.
 */
function nominalLevels(tests: Test[], settings: CompareSettings, mode: CompareMode): (share: number, index: number) => number {
  const looks = mode === 'paired' ? lookSchedule(settings.minPairs ?? settings.pairs, 2, settings.pairs) : [settings.pairs];
  if (looks.length <= 1) return (share) => share;
  return (share, index) => (isRateMetric(tests[index]!.metric) ? share / looks.length : sequentialNominalLevel(share, looks));
}

function toleranceOf(scenario: ComparedScenarioSpec, metric: CompareMetric): number {
  return (scenario.tolerance as Partial<Record<CompareMetric, number>>)[metric] ?? DEFAULT_TOLERANCE[metric];
}

/** The rounds that take part: matched by index when paired, all of them when not. */
function roundsOf(input: CompareInput, mode: CompareMode): { base: Round[]; head: Round[] } {
  if (mode === 'unpaired') return input.rounds;
  const byIndex = new Map(input.rounds.head.map((r) => [r.index, r]));
  const base = input.rounds.base.filter((r) => byIndex.has(r.index));
  return { base, head: base.map((r) => byIndex.get(r.index)!) };
}

const count = new Intl.NumberFormat('en-US');

function commonGuard(rounds: { base: Round[]; head: Round[] }, mode: CompareMode): string | undefined {
  const n = Math.min(rounds.base.length, rounds.head.length);
  if (n < 2) return `only ${n} ${mode === 'paired' ? 'pair' : 'round'}${n === 1 ? ' was' : 's were'} measured`;
  if ([...rounds.base, ...rounds.head].some((r) => r.generatorSaturated)) {
    return 'the load generator was saturated in some rounds, so they measured the client, not the service';
  }
  return undefined;
}

/** QPS or a latency percentile: one oriented log-ratio per pair (paired), or log values per arm (unpaired). */
function ratioTest(input: CompareInput, scenario: number, metric: RoundMetric, settings: CompareSettings, mode: CompareMode): Test {
  const delta = toleranceOf(input.scenario, metric);
  const bound = Math.log1p(delta);
  const rounds = roundsOf(input, mode);
  const notes: string[] = [];
  let base = rounds.base;
  let head = rounds.head;
  // Rounds carry the latency of every request that ended, failures at the time they took to fail; 0 means none
  // ended at all, which has no latency to compare: such pairs (or rounds) are left out of the latency test.
  if (metric !== 'qps') {
    const timed = (r: Round) => r.metrics[metric] > 0;
    if (mode === 'paired') {
      const keep = base.map((b, i) => timed(b) && timed(head[i]!));
      const dropped = keep.filter((k) => !k).length;
      if (dropped > 0) notes.push(`${dropped} pair${dropped === 1 ? '' : 's'} left out: a round had no request that ended`);
      base = base.filter((_, i) => keep[i]);
      head = head.filter((_, i) => keep[i]);
    } else {
      base = base.filter(timed);
      head = head.filter(timed);
    }
  }
  const failures = failureNote(rounds, metric);
  if (failures) notes.push(failures);
  // A round with no successful response has QPS 0: floor it at half a request per window, so a head that answered
  // nothing is a clear QPS regression instead of a log of zero.
  const windowMs = settings.roundMs || input.scenario.durationMs;
  const floor = metric === 'qps' ? (windowMs > 0 ? 0.5 / (windowMs / 1000) : 1e-9) : 0;
  const value = (r: Round) => Math.max(r.metrics[metric], floor);
  // Oriented so positive = worse: a higher latency, a lower QPS.
  const sign = metric === 'qps' ? -1 : 1;
  const guard = commonGuard({ base, head }, mode);
  const shown = {
    base: base.length > 0 ? median(base.map((r) => r.metrics[metric])) : 0,
    head: head.length > 0 ? median(head.map((r) => r.metrics[metric])) : 0,
  };
  // What every form of this test shares; without a pair or round left, the guard says why.
  const common = { scenario, metric, ...shown, delta, bound, notes, ...(guard ? { guard } : {}) };
  if (base.length === 0 || head.length === 0) {
    return {
      ...common,
      p: { regression: 1, improvement: 1, unchanged: 1, smallestP: 1 },
      interval: () => NO_INTERVAL,
      sample: '0 pairs',
    };
  }
  if (mode === 'paired') {
    // ln(head) − ln(base), not ln(head / base): mirrored pairs then give exactly opposite ratios.
    const r = base.map((b, i) => sign * (Math.log(value(head[i]!)) - Math.log(value(b))));
    return {
      ...common,
      p: signedRankToleranceTests(r, bound),
      interval: (alpha) => hodgesLehmannAt(r, alpha),
      sample: `${r.length} pairs`,
    };
  }
  const lb = base.map((r) => sign * Math.log(value(r)));
  const lh = head.map((r) => sign * Math.log(value(r)));
  return {
    ...common,
    p: mannWhitneyToleranceTests(lb, lh, bound),
    interval: (alpha) => hodgesLehmannShiftAt(lb, lh, alpha),
    sample: `${lb.length} base and ${lh.length} head rounds`,
  };
}

/** "head had 1,234 client failures (base 0); …" when the head failed requests the base did not. */
function failureNote(rounds: { base: Round[]; head: Round[] }, metric: RoundMetric): string | undefined {
  const sum = (arm: Round[]) => arm.reduce((total, r) => total + r.outcomes.failures, 0);
  const head = sum(rounds.head);
  const base = sum(rounds.base);
  if (head <= base) return undefined;
  const what =
    metric === 'qps' ? 'QPS counts successful responses only' : 'failed requests are in the latency at the time they took to fail';
  return `head had ${count.format(head)} client failure${head === 1 ? '' : 's'} (base ${count.format(base)}); ${what}`;
}

/** error_rate or failure_rate: each arm's events over all its requests, δ absolute. */
function rateTest(input: CompareInput, scenario: number, metric: RateMetric, mode: CompareMode): Test {
  const delta = toleranceOf(input.scenario, metric);
  const rounds = roundsOf(input, mode);
  const events = (r: Round) => (metric === 'error_rate' ? r.outcomes.httpErrors : r.outcomes.failures);
  const total = (arm: Round[]): Proportion => ({
    events: arm.reduce((sum, r) => sum + events(r), 0),
    n: arm.reduce((sum, r) => sum + r.outcomes.total, 0),
  });
  const base = total(rounds.base);
  const head = total(rounds.head);
  const empty = base.n === 0 ? 'base' : head.n === 0 ? 'head' : undefined;
  const guard = commonGuard(rounds, mode) ?? (empty ? `no request ended in the ${empty} arm` : undefined);
  return {
    scenario,
    metric,
    base: base.n > 0 ? base.events / base.n : 0,
    head: head.n > 0 ? head.events / head.n : 0,
    delta,
    bound: delta,
    p: {
      regression: newcombePValue(head, base, 'above', delta),
      improvement: newcombePValue(head, base, 'below', -delta),
      unchanged: Math.max(newcombePValue(head, base, 'above', -delta), newcombePValue(head, base, 'below', delta)),
      smallestP: 0,
    },
    interval: (alpha) => (empty ? NO_INTERVAL : newcombeIntervalAt(head, base, alpha)),
    sample: `${count.format(base.n)} base and ${count.format(head.n)} head requests`,
    ...(guard ? { guard } : {}),
    notes: [],
  };
}

function decide(
  test: Test,
  regression: HolmDecision,
  improvement: HolmDecision,
  unchanged: HolmDecision,
  mode: CompareMode,
): ComparisonEntry {
  const rate = isRateMetric(test.metric);
  const d = test.bound;
  // From the decision's space (positive = worse) to the reported change: relative for QPS and latency, head − base
  // for the rates.
  const reported = (x: number) => (rate ? x : test.metric === 'qps' ? Math.expm1(-x) : Math.expm1(x));
  // The smallest true worsening a regression verdict could reach at this spread: d + the interval's half-width.
  const detectableAt = (iv: Interval) =>
    iv.low === null || iv.high === null ? null : rate ? d + (iv.high - iv.low) / 2 : Math.expm1(d + (iv.high - iv.low) / 2);
  const entry = (
    verdict: ComparisonVerdict,
    level: number,
    held: HolmDecision,
    p: number,
    iv: Interval,
    reason?: string,
  ): ComparisonEntry => {
    const bounds = iv.low === null || iv.high === null ? null : [reported(iv.low), reported(iv.high)].sort((a, b) => a - b);
    // What a regression would have needed here, whatever the verdict: the interval at the regression's own level.
    const mde = detectableAt(test.interval(regression.threshold));
    const why = [reason, ...test.notes].filter(Boolean).join('; ');
    return {
      base: test.base,
      head: test.head,
      change: Number.isFinite(iv.estimate) ? reported(iv.estimate) : 0,
      low: bounds ? bounds[0]! : null,
      high: bounds ? bounds[1]! : null,
      confidence: 1 - 2 * level,
      p,
      alpha: held.threshold,
      tolerance: test.delta,
      mde: mde !== null && Number.isFinite(mde) ? mde : null,
      verdict,
      ...(why ? { reason: why } : {}),
    };
  };

  if (!test.guard) {
    // Each verdict needs its Holm rejection and its interval, at that same level, wholly past the tolerance. The
    // two agree exactly without ties; with ties (see docs/statistics.md) the interval is the stricter of the two.
    if (regression.reject) {
      const iv = test.interval(regression.threshold);
      if (iv.low !== null && iv.low > d) return entry('regression', regression.threshold, regression, test.p.regression, iv);
    }
    if (improvement.reject) {
      const iv = test.interval(improvement.threshold);
      if (iv.high !== null && iv.high < -d) return entry('improvement', improvement.threshold, improvement, test.p.improvement, iv);
    }
    if (unchanged.reject) {
      const iv = test.interval(unchanged.threshold);
      if (iv.low !== null && iv.high !== null && iv.low > -d && iv.high < d)
        return entry('unchanged', unchanged.threshold, unchanged, test.p.unchanged, iv);
    }
  }
  // Inconclusive: the interval at the smallest of the three levels, so it neither lies past the tolerance nor
  // within it, as none of the tests rejected.
  const level = Math.min(regression.level, improvement.level, unchanged.level);
  const iv = test.interval(level);
  const inconclusive = (reason: string) => entry('inconclusive', level, regression, test.p.regression, iv, reason);
  if (test.guard) return inconclusive(test.guard);
  const unit = mode === 'paired' ? 'pairs' : 'rounds';
  if (!rate && test.p.smallestP >= regression.threshold) {
    return inconclusive(`too few ${unit} to ever reach significance at the corrected α ${regression.threshold.toPrecision(2)}; add pairs`);
  }
  const weak = mode === 'unpaired' ? ' (saved runs: weak evidence)' : '';
  const name = METRIC[test.metric].label;
  const change = Number.isFinite(iv.estimate) ? reported(iv.estimate) : 0;
  const shown = (x: number) => formatMetricChange(test.metric, x);
  const size = (x: number) => formatMetricSize(test.metric, x);
  const tolerance = size(test.delta);
  if (iv.low === null || iv.high === null) {
    return inconclusive(
      `too few ${unit} for a ${formatConfidence(1 - 2 * level)} confidence interval; the change was ${shown(change)}${weak}`,
    );
  }
  const [low, high] = [reported(iv.low), reported(iv.high)].sort((a, b) => a - b);
  const ci = `, CI ${shown(low!)} to ${shown(high!)}`;
  const mde = detectableAt(test.interval(regression.threshold)) ?? detectableAt(iv)!;
  const detectable = rate
    ? `with ${test.sample}, changes of ${size(mde)} or more could be detected (tolerance ${tolerance})`
    : `with this runner's noise, ${test.sample} could detect changes of ${size(mde)} or more (tolerance ${tolerance})`;
  if (iv.estimate >= d) {
    return inconclusive(
      `${name} looks worse (${shown(change)}${ci}), but ${rate ? 'there were too few requests' : `the ${unit} disagree too much`} to be sure (p = ${test.p.regression.toPrecision(2)}, needed below ${regression.threshold.toPrecision(2)}); ${detectable}${weak}`,
    );
  }
  return inconclusive(`the change (${shown(change)}${ci}) could still exceed the ${tolerance} tolerance; ${detectable}${weak}`);
}
