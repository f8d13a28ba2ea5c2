// history: → DriftSettings: what a new change point on main's history does when a run is recorded. A single
// percentage applies to QPS, p50 and p99 alike; a map sets some of them (the others never warn or fail).
import type { PerfFile } from './schema.ts';
import { DRIFT_METRICS, type DriftMetric, type DriftSettings } from './types.ts';
import { parseRate } from './units.ts';

/** A new step for the worse of 5% or more warns unless history: says otherwise; none fails unless asked. */
export const DEFAULT_DRIFT: DriftSettings = { warn: { qps: 0.05, p50: 0.05, p99: 0.05 }, fail: {} };

type HistoryInput = NonNullable<PerfFile['history']>;
type Threshold = NonNullable<HistoryInput['fail_on_change']>;

/** The percentages as fractions; the schema has already refused what parseRate does not accept. */
function thresholds(input: Threshold): Partial<Record<DriftMetric, number>> {
  const rate = (value: string | number) => {
    const parsed = parseRate(value);
    return parsed.ok ? parsed.value : Number.NaN;
  };
  const out: Partial<Record<DriftMetric, number>> = {};
  for (const metric of DRIFT_METRICS) {
    const value = typeof input === 'object' ? input[metric] : input;
    if (value !== undefined) out[metric] = rate(value);
  }
  return out;
}

export function normaliseHistory(input: HistoryInput): DriftSettings {
  return {
    warn: input.warn_on_change !== undefined ? thresholds(input.warn_on_change) : { ...DEFAULT_DRIFT.warn },
    fail: input.fail_on_change !== undefined ? thresholds(input.fail_on_change) : {},
  };
}
