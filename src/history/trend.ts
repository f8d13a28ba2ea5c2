// Series and steps over the recorded history, pure: lines grouped by (runner key, scenario, metric) in the order
// they were recorded — runs from different runners are never in one series — and E-Divisive means
// (stats/e-divisive.ts) run over each, every step with the commits between which it happened and its size.
import type { ScenarioResult } from '../result.ts';
import { eDivisive, stepsOf } from '../stats/e-divisive.ts';
import { runnerKey, type HistoryLine, type HistoryMetric } from './schema.ts';

interface Point {
  sha: string;
  time: string;
  value: number;
}

export interface Series {
  runner: string;
  scenario: string;
  metric: HistoryMetric;
  points: Point[];
}

export interface Shift {
  metric: HistoryMetric;
  /** The first run after the step, in the series. */
  index: number;
  /** The last commit before the step and the first after it. */
  from: string;
  to: string;
  /** When the first run after the step was recorded. */
  time: string;
  /** Medians of the segments on either side. */
  before: number;
  after: number;
  /** after / before − 1 (NaN when before is 0: a rate from nothing). */
  change: number;
  p: number;
}

/** Change points are looked for in the last this many runs of a series (E-Divisive is O(n²) per shuffle). */
const ANALYSED_RUNS = 500;
/** The seed of the permutation tests: the same history gives the same change points. */
const HISTORY_SEED = 13;

/** The series of the lines, by runner, scenario and metric, each in recorded order (a series needs a value). */
export function seriesOf(lines: readonly HistoryLine[], metrics: readonly HistoryMetric[]): Series[] {
  const byKey = new Map<string, Series>();
  for (const line of lines) {
    const runner = runnerKey(line.runner);
    for (const metric of metrics) {
      const value = line.metrics[metric];
      if (value === undefined) continue;
      const key = JSON.stringify([runner, line.scenario, metric]);
      let series = byKey.get(key);
      if (!series) byKey.set(key, (series = { runner, scenario: line.scenario, metric, points: [] }));
      series.points.push({ sha: line.sha, time: line.time, value });
    }
  }
  return [...byKey.values()];
}

/** The steps of a series (in its last ANALYSED_RUNS runs), in order; indexes are into the whole series. */
export function shiftsOf(series: Series): Shift[] {
  const offset = Math.max(0, series.points.length - ANALYSED_RUNS);
  const points = series.points.slice(offset);
  const values = points.map((p) => p.value);
  if (new Set(values).size < 2) return [];
  return stepsOf(values, eDivisive(values, { seed: HISTORY_SEED })).map((step) => ({
    metric: series.metric,
    index: step.index + offset,
    from: points[step.index - 1]!.sha,
    to: points[step.index]!.sha,
    time: points[step.index]!.time,
    before: step.before,
    after: step.after,
    change: step.before === 0 ? Number.NaN : step.change,
    p: step.p,
  }));
}

/** Where `value` sits among `values`: the share of them below it, ties counted half (0..1). */
function percentileOf(value: number, values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let below = 0;
  for (const v of values) below += v < value ? 1 : v === value ? 0.5 : 0;
  return below / values.length;
}

/** How many of main's latest runs a PR's results carry, and within which a change point is "recent". */
const RECENT_RUNS = 20;

/** The metrics whose change points a PR's results carry, and a recording run checks for new ones. */
const STEP_METRICS = ['qps', 'p50', 'p99'] as const;

/** What a PR's results carry of one scenario's history (results/schema.ts: scenarios[i].history). */
export type ScenarioHistory = NonNullable<ScenarioResult['history']>;
type Position = NonNullable<NonNullable<ScenarioHistory['base']>['qps']>;

/**
 * A scenario's recent history on `runner`: the last RECENT_RUNS values of QPS and p99, the change points within
 * them (of QPS, p50, p99), and where the PR's base and head sit against those runs. Undefined when this runner
 * has no QPS history of the scenario.
 */
export function scenarioHistory(
  lines: readonly HistoryLine[],
  scenario: string,
  runner: string,
  source: string,
  arms: { base?: Partial<Record<'qps' | 'p99', number>>; head?: Partial<Record<'qps' | 'p99', number>> },
): ScenarioHistory | undefined {
  const mine = lines.filter((l) => l.scenario === scenario && runnerKey(l.runner) === runner);
  const all = seriesOf(mine, STEP_METRICS);
  const qps = all.find((s) => s.metric === 'qps');
  if (!qps) return undefined;
  const recent = qps.points.slice(-RECENT_RUNS);
  const p99 = all.find((s) => s.metric === 'p99')?.points.slice(-RECENT_RUNS) ?? [];
  const changes = all.flatMap((series) =>
    shiftsOf(series)
      .filter((shift) => shift.index >= series.points.length - RECENT_RUNS)
      .map(({ index: _index, change, ...rest }) => ({ ...rest, change: Number.isFinite(change) ? change : null })),
  );
  const position = (values: Partial<Record<'qps' | 'p99', number>> | undefined) => {
    if (!values) return undefined;
    const out: Partial<Record<'qps' | 'p99', Position>> = {};
    const of = { qps: recent.map((p) => p.value), p99: p99.map((p) => p.value) };
    for (const metric of ['qps', 'p99'] as const) {
      const value = values[metric];
      if (value !== undefined && of[metric].length > 0) out[metric] = { value, percentile: percentileOf(value, of[metric]) };
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  const base = position(arms.base);
  const head = position(arms.head);
  return {
    source,
    runner,
    runs: qps.points.length,
    commits: recent.map((p) => p.sha),
    qps: recent.map((p) => p.value),
    p99: p99.map((p) => p.value),
    changes,
    ...(base ? { base } : {}),
    ...(head ? { head } : {}),
  };
}

/**
 * The change points that recording `recorded` (the last lines of `lines`) brought to main's history: per series of
 * a recorded line's runner and scenario (QPS, p50, p99), those found now that were not found in the series without
 * this run's values — the same step, by the run after it — and lie within the last RECENT_RUNS runs. A step is
 * found first once a few runs after it are recorded (E-Divisive's least segment), so it is "new" in the run that
 * makes it significant, and old in every run after.
 */
export function newShifts(lines: readonly HistoryLine[], recorded: readonly HistoryLine[]): Array<{ scenario: string; shift: Shift }> {
  const keys = new Set(recorded.map((l) => JSON.stringify([runnerKey(l.runner), l.scenario])));
  const mine = lines.filter((l) => keys.has(JSON.stringify([runnerKey(l.runner), l.scenario])));
  const out: Array<{ scenario: string; shift: Shift }> = [];
  for (const series of seriesOf(mine, STEP_METRICS)) {
    const added = recorded.filter(
      (l) => runnerKey(l.runner) === series.runner && l.scenario === series.scenario && l.metrics[series.metric] !== undefined,
    ).length;
    if (added === 0) continue;
    const known = new Set(shiftsOf({ ...series, points: series.points.slice(0, -added) }).map((s) => s.index));
    for (const shift of shiftsOf(series)) {
      if (!known.has(shift.index) && shift.index >= series.points.length - RECENT_RUNS) out.push({ scenario: series.scenario, shift });
    }
  }
  return out;
}
