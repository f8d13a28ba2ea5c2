// Drift on main (#13): which of the change points a recorded run brought to main's history warn or fail it
// (history: warn_on_change / fail_on_change). Direction-aware: only a step for the worse — QPS down, latency up —
// counts; a step for the better is news, never a problem. Pure.
import type { DriftMetric, DriftSettings } from '../config/types.ts';
import { METRIC } from '../metrics.ts';
import type { ScenarioResult } from '../result.ts';

export type Drift = NonNullable<ScenarioResult['drift']>[number];

/** A new change point as the history reports it (history/trend.ts' Shift). */
export interface NewStep {
  metric: string;
  from: string;
  to: string;
  time: string;
  before: number;
  after: number;
  /** after / before − 1; NaN from a zero base. */
  change: number;
  p: number;
}

/** Relative thresholds are written as percentages: 10% must catch a step of 0.1 computed as 0.09999999999999998. */
const EPSILON = 1e-9;

function isDriftMetric(metric: string): metric is DriftMetric {
  return metric === 'qps' || metric === 'p50' || metric === 'p99';
}

/** Whether a step of `change` is for the worse in `metric`. */
export function isWorse(metric: DriftMetric, change: number): boolean {
  return METRIC[metric].better === 'higher' ? change < 0 : change > 0;
}

/** The steps for the worse at least as large as a threshold: each with the threshold it reached and whether it fails. */
export function driftOf(steps: readonly NewStep[], settings: DriftSettings): Drift[] {
  const out: Drift[] = [];
  for (const step of steps) {
    const metric = step.metric;
    if (!isDriftMetric(metric) || !Number.isFinite(step.change) || !isWorse(metric, step.change)) continue;
    const size = Math.abs(step.change);
    const fail = settings.fail[metric];
    const warn = settings.warn[metric];
    const fails = fail !== undefined && size >= fail - EPSILON;
    if (!fails && (warn === undefined || size < warn - EPSILON)) continue;
    const { from, to, time, before, after, change, p } = step;
    out.push({ metric, from, to, time, before, after, change, p, threshold: fails ? fail : warn!, fails });
  }
  return out;
}
