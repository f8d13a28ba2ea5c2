// Calibration: an A/A comparison (the same commit in both arms) read as this runner's noise. Per scenario and compared
// metric: the spread of the paired log-ratios (QPS, latency) or each arm's rate, the MDE compareScenarios reports at
// that many pairs (a fixed design: every pair counted), and the tolerance the config's own sequential design
// (min_pairs … pairs) could call "unchanged" on an A/A:
//
//   δ ≥ MARGIN × h,  h = the half-width of the CI the final look would show, at the per-look level "unchanged" is
//   held to (α for each metric on its own, compare/decide.ts);
//
// on the log scale for QPS and latency (δ = expm1(MARGIN·h), rounded up to a whole percent), in rate units for the
// rates (rounded up to 0.01 percentage points); never below a floor (1%, 0.01 pp), and below the defaults when this
// runner is quieter than the machines they were chosen on. Pure: the rounds come in, the numbers go out
// (pipeline/calibrate.ts measures and writes them).
import {
  DEFAULT_TOLERANCE,
  isRateMetric,
  type CompareMetric,
  type CompareSettings,
  type RateMetric,
  type RoundMetric,
} from '../config/types.ts';
import type { Round } from '../result.ts';
import { hodgesLehmannAt } from '../stats/hodges-lehmann.ts';
import { newcombeIntervalAt, type Proportion } from '../stats/newcombe.ts';
import { lookSchedule, sequentialNominalLevel } from '../stats/sequential.ts';
import { compareScenarios, type CompareInput } from './decide.ts';

/** The recommended tolerance is at least this multiple of the final look's CI half-width (docs/statistics.md). */
export const CALIBRATION_MARGIN = 1.75;

/** No recommendation is finer than these: below them a change is not worth a verdict on any runner. */
const FLOOR = { ratio: 0.01, rate: 0.0001 };

interface MetricCalibration {
  /** QPS and latency: the sample standard deviation of the paired log-ratios ln(head) − ln(base). */
  spread?: number;
  /** The rates: each arm's rate over all its rounds. */
  base?: number;
  head?: number;
  /** What compareScenarios reports at the pairs measured (relative for QPS and latency, rate units for the rates). */
  mde: number | null;
  /** The smallest tolerance the config's design would call "unchanged" on an A/A, at its most pairs. */
  recommended: { tolerance: number; pairs: number };
}

export type ScenarioCalibration = Partial<Record<CompareMetric, MetricCalibration>>;

/**
 * Each input's calibration, in order. `settings` is the config's compare: its metrics, α and the design the
 * recommendation is for (min_pairs … pairs); the rounds may hold any number of pairs (a half-width measured on n
 * pairs is carried to `pairs` by √(n / pairs), rates by scaling each arm's totals).
 */
export function calibrateScenarios(inputs: CompareInput[], settings: CompareSettings): ScenarioCalibration[] {
  const measured = Math.max(2, ...inputs.map((input) => pairedRounds(input).base.length));
  // The MDE as a gate at these pairs would report it: one look, every pair counted.
  const fixed: CompareSettings = { ...settings, pairs: measured, minPairs: measured };
  const entries = compareScenarios(inputs, fixed, 'paired');
  // "Unchanged" is held to α for each metric on its own, so the recommendation is for that level, not Holm's α / m.
  const levels = finalLookLevels(settings, 1);
  return inputs.map((input, i) => {
    const out: ScenarioCalibration = {};
    for (const metric of settings.metrics) {
      const mde = entries[i]?.[metric]?.mde ?? null;
      out[metric] = isRateMetric(metric)
        ? rateCalibration(input, metric, mde, levels.rate, settings.pairs)
        : ratioCalibration(input, metric, mde, levels.ratio, settings);
    }
    return out;
  });
}

/**
 * The one-sided level the final look of the config's design holds a test to at a share α / family (1 for "unchanged",
 * held to α per metric; scenarios × metrics for the strictest Holm threshold):
 * the rank tests' constant per-look level (stats/sequential.ts), the rates' share split over the looks; as
 * compare/decide.ts does.
 */
export function finalLookLevels(
  settings: Pick<CompareSettings, 'alpha' | 'pairs' | 'minPairs'>,
  family: number,
): { ratio: number; rate: number } {
  const share = settings.alpha / Math.max(1, family);
  const looks = lookSchedule(Math.min(settings.minPairs, settings.pairs), 2, settings.pairs);
  if (looks.length <= 1) return { ratio: share, rate: share };
  return { ratio: sequentialNominalLevel(share, looks), rate: share / looks.length };
}

/** The fewest pairs whose exact interval exists at a one-sided level: 2^-n below it. */
export function pairsForInterval(level: number): number {
  let n = 1;
  while (2 ** -n >= level) n++;
  return n;
}

function ratioCalibration(
  input: CompareInput,
  metric: RoundMetric,
  mde: number | null,
  level: number,
  settings: CompareSettings,
): MetricCalibration {
  const r = logRatios(input, metric, settings.roundMs || input.scenario.durationMs);
  const spread = standardDeviation(r);
  const iv = hodgesLehmannAt(r, level);
  // Too few pairs for the interval at that level (the command refuses such --pairs): the recommendation is unknown,
  // so it stays at the default rather than guessing.
  if (iv.low === null || iv.high === null)
    return { spread, mde, recommended: { tolerance: DEFAULT_TOLERANCE[metric], pairs: settings.pairs } };
  const half = ((iv.high - iv.low) / 2) * Math.sqrt(r.length / settings.pairs);
  const tolerance = Math.max(FLOOR.ratio, ceilTo(Math.expm1(CALIBRATION_MARGIN * half), 0.01));
  return { spread, mde, recommended: { tolerance, pairs: settings.pairs } };
}

function rateCalibration(input: CompareInput, metric: RateMetric, mde: number | null, level: number, pairs: number): MetricCalibration {
  const rounds = pairedRounds(input);
  const n = rounds.base.length;
  const events = (r: Round) => (metric === 'error_rate' ? r.outcomes.httpErrors : r.outcomes.failures);
  const total = (arm: Round[], scale: number): Proportion => ({
    events: arm.reduce((sum, r) => sum + events(r), 0) * scale,
    n: arm.reduce((sum, r) => sum + r.outcomes.total, 0) * scale,
  });
  const rate = (p: Proportion) => (p.n > 0 ? p.events / p.n : 0);
  const scale = n > 0 ? pairs / n : 1;
  const base = total(rounds.base, scale);
  const head = total(rounds.head, scale);
  if (base.n === 0 || head.n === 0)
    return { base: rate(base), head: rate(head), mde, recommended: { tolerance: DEFAULT_TOLERANCE[metric], pairs } };
  const half = halfWidth(newcombeIntervalAt(head, base, level));
  const tolerance = Math.max(FLOOR.rate, ceilTo(CALIBRATION_MARGIN * half, 0.0001));
  return { base: rate(base), head: rate(head), mde, recommended: { tolerance, pairs } };
}

function halfWidth(iv: { low: number; high: number }): number {
  return (iv.high - iv.low) / 2;
}

/** The base and head rounds with the same pair index, in the base's order (as compare/decide.ts pairs them). */
function pairedRounds(input: CompareInput): { base: Round[]; head: Round[] } {
  const byIndex = new Map(input.rounds.head.map((r) => [r.index, r]));
  const base = input.rounds.base.filter((r) => byIndex.has(r.index));
  return { base, head: base.map((r) => byIndex.get(r.index)!) };
}

/**
 * ln(head) − ln(base) per pair, as compare/decide.ts forms them: a pair where either round had no request that
 * ended is left out of a latency; QPS is floored at half a request per window.
 */
export function logRatios(input: CompareInput, metric: RoundMetric, windowMs: number): number[] {
  const { base, head } = pairedRounds(input);
  const floor = metric === 'qps' ? (windowMs > 0 ? 0.5 / (windowMs / 1000) : 1e-9) : 0;
  const value = (r: Round) => Math.max(r.metrics[metric], floor);
  const out: number[] = [];
  base.forEach((b, i) => {
    const h = head[i]!;
    if (metric !== 'qps' && !(b.metrics[metric] > 0 && h.metrics[metric] > 0)) return;
    out.push(Math.log(value(h)) - Math.log(value(b)));
  });
  return out;
}

/** The sample standard deviation (n − 1); 0 for fewer than two values. */
function standardDeviation(x: number[]): number {
  if (x.length < 2) return 0;
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  return Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1));
}

/** Up to the next multiple of `step`, forgiving float noise (0.07000000001 stays 0.07). */
function ceilTo(x: number, step: number): number {
  if (!(x > 0)) return 0;
  const units = x / step;
  const rounded = Math.abs(units - Math.round(units)) < 1e-9 ? Math.round(units) : Math.ceil(units);
  return Number((rounded * step).toFixed(10));
}
