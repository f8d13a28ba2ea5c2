// What a budget metric is, in one place: its label, its kind and unit, which way is better, an example budget, how it
// is read from a measured window, and whether and how base and head are compared. Budget parsing, the config schema,
// budget and comparison reasons and every report read this table. As with k6's metric types, the kind decides the
// rest: the unit, how a limit is parsed (config/budget.ts) and how a value is shown (report/format.ts formatValue).
import type { BudgetMetric, CompareMetric, DiagnosisMetric, MetricName, RateMetric } from './config/types.ts';
import type { LatencySummary, LoadMeasurement, Outcomes, ScenarioResult } from './result.ts';

/**
 * latency: a time from the histogram (ms); throughput: successful responses per second; share: a fraction of all
 * requests; per-request: what a service beside the app did per HTTP request, from its own counters (the diagnosis).
 */
export type MetricKind = 'latency' | 'throughput' | 'share' | 'per-request';

/** The unit of each kind, canonical past config loading: ms, req/s, a fraction 0..1 shown as a percentage, a count per request. */
export const UNIT = { latency: 'ms', throughput: 'req/s', share: '%', 'per-request': 'per request' } as const satisfies Record<
  MetricKind,
  string
>;

interface MetricSpecOf<K extends MetricKind> {
  /** What every report, reason and headline calls it. */
  label: string;
  kind: K;
  unit: (typeof UNIT)[K];
  better: 'higher' | 'lower';
  /** A budget as written in YAML, for examples in errors and the schema. */
  example: string;
  /** Its value in a measured window, in the unit above (shares as fractions). */
  read(m: LoadMeasurement): number;
}

type MetricSpec =
  | MetricSpecOf<'latency'>
  | MetricSpecOf<'throughput'>
  | (MetricSpecOf<'share'> & {
      /** The requests the share counts, out of `outcomes.total`. */
      count(outcomes: Outcomes): number;
    });

type Diagnosis = NonNullable<ScenarioResult['diagnosis']>;

/** A diagnosis metric: read from the counters of a service beside the app, never from the load. */
interface DiagnosisSpec extends Omit<MetricSpecOf<'per-request'>, 'read'> {
  /** The service whose counters it needs. */
  source: 'postgres' | 'redis';
  /** Its value in the head's diagnosis; undefined when that service's counters were not read. */
  read(d: Diagnosis | undefined): number | undefined;
}

/** The table's entry for one metric. Whether it is compared, and how, is checked against config/types.ts's lists. */
type Entry<M extends MetricName> = MetricSpec & {
  /**
   * How base and head are compared: 'relative', the change as a ratio to the base with a relative tolerance δ (QPS,
   * latency); 'absolute', head − base in percentage points with an absolute δ (the rates); undefined, not compared.
   */
  compare: M extends RateMetric ? 'absolute' : M extends CompareMetric ? 'relative' : undefined;
};

const latency = (label: string, key: keyof LatencySummary): MetricSpecOf<'latency'> => ({
  label,
  kind: 'latency',
  unit: UNIT.latency,
  better: 'lower',
  example: '<= 500ms',
  read: (m) => m.latency[key],
});

const share = (label: string, better: 'higher' | 'lower', example: string, count: (o: Outcomes) => number): MetricSpec => ({
  label,
  kind: 'share',
  unit: UNIT.share,
  better,
  example,
  read: (m) => (m.outcomes.total === 0 ? 0 : count(m.outcomes) / m.outcomes.total),
  count,
});

export const METRIC: { readonly [M in MetricName]: Entry<M> } = {
  qps: {
    label: 'QPS',
    kind: 'throughput',
    unit: UNIT.throughput,
    better: 'higher',
    example: '>= 1000',
    read: (m) => m.qps,
    compare: 'relative',
  },
  p50: { ...latency('p50', 'p50'), compare: 'relative' },
  p90: { ...latency('p90', 'p90'), compare: undefined },
  p95: { ...latency('p95', 'p95'), compare: 'relative' },
  p99: { ...latency('p99', 'p99'), compare: 'relative' },
  p999: { ...latency('p99.9', 'p999'), compare: undefined },
  max: { ...latency('max latency', 'max'), compare: undefined },
  mean: { ...latency('mean latency', 'mean'), compare: undefined },
  success: { ...share('success rate', 'higher', '>= 99.95%', (o) => o.success), compare: undefined },
  error_rate: { ...share('HTTP error rate', 'lower', '<= 0.1%', (o) => o.httpErrors), compare: 'absolute' },
  failure_rate: { ...share('client failure rate', 'lower', '<= 0.1%', (o) => o.failures), compare: 'absolute' },
};

const perRequest = (label: string, source: DiagnosisSpec['source'], example: string, read: DiagnosisSpec['read']): DiagnosisSpec => ({
  label,
  kind: 'per-request',
  unit: UNIT['per-request'],
  better: 'lower',
  example,
  source,
  read,
});

/** The diagnosis metrics (#11): budgets only, never compared as metrics (the diagnosis shows base beside head instead). */
export const DIAGNOSIS_METRIC: { readonly [M in DiagnosisMetric]: DiagnosisSpec & { compare: undefined } } = {
  sql_per_request: {
    ...perRequest('SQL statements per request', 'postgres', '<= 3', (d) => d?.postgres?.statementsPerRequest.head),
    compare: undefined,
  },
  redis_per_request: {
    ...perRequest('Redis commands per request', 'redis', '<= 2', (d) => d?.redis?.commandsPerRequest.head),
    compare: undefined,
  },
};

/** What every budget metric has, load and diagnosis alike. */
type BudgetMetricSpec = Pick<MetricSpecOf<MetricKind>, 'label' | 'kind' | 'better' | 'example'> & { unit: string };

/** Every budget metric's label, kind, unit, direction and example: budget parsing and every report read this. */
export const BUDGET_METRIC: { readonly [M in BudgetMetric]: BudgetMetricSpec } = {
  ...METRIC,
  ...DIAGNOSIS_METRIC,
};

/** The budget metrics of one measured window, in the units of the results contract. */
export function metricsOf(m: LoadMeasurement): Record<MetricName, number> {
  return Object.fromEntries(Object.entries(METRIC).map(([name, spec]) => [name, spec.read(m)])) as Record<MetricName, number>;
}
