// The validated, normalised configuration: what the loader (config/load.ts) hands to the rest of perfgate.
// Units are canonical everywhere past this point: milliseconds for times and latencies, fractions (0..1)
// for rates, requests per second for qps, bytes for sizes.

export const METRICS = ['qps', 'p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean', 'success', 'error_rate', 'failure_rate'] as const;
export type MetricName = (typeof METRICS)[number];

/**
 * Budgets on the diagnosis (#11): counts per request read from the database's and the cache's own counters, not from
 * the load; opt-in gates (a scenario needs a Postgres or Redis perfgate can read: services: with stats, or diagnose:).
 */
const DIAGNOSIS_METRICS = ['sql_per_request', 'redis_per_request'] as const;
export type DiagnosisMetric = (typeof DIAGNOSIS_METRICS)[number];

/** Every metric a budget may name: the load's, then the diagnosis'. */
export const BUDGET_METRICS = [...METRICS, ...DIAGNOSIS_METRICS] as const;
export type BudgetMetric = (typeof BUDGET_METRICS)[number];

export function isDiagnosisMetric(metric: BudgetMetric): metric is DiagnosisMetric {
  return (DIAGNOSIS_METRICS as readonly string[]).includes(metric);
}

/** Metrics measured per round (a QPS and latency percentiles): each pair of rounds gives one log-ratio (#4). */
export const ROUND_METRICS = ['qps', 'p50', 'p95', 'p99'] as const;
export type RoundMetric = (typeof ROUND_METRICS)[number];

/** Shares of requests, compared on their totals over all rounds of each arm, with an absolute tolerance (#13). */
export const RATE_METRICS = ['error_rate', 'failure_rate'] as const;
export type RateMetric = (typeof RATE_METRICS)[number];

/** What is compared per mix entry (#11): its QPS (its successful responses per second), p50 and p99. */
export const ENTRY_COMPARE_METRICS = ['qps', 'p50', 'p99'] as const satisfies readonly RoundMetric[];

/** Metrics compared between the base and head arms (#4, #13). */
export const COMPARE_METRICS = [...ROUND_METRICS, ...RATE_METRICS] as const;
export type CompareMetric = (typeof COMPARE_METRICS)[number];

export function isRateMetric(metric: CompareMetric): metric is RateMetric {
  return metric === 'error_rate' || metric === 'failure_rate';
}

/**
 * Default comparison tolerance δ. Relative for QPS and latency (0.1 = a ratio of 1.1 either way); absolute for the
 * two rates, in rate units (0.0005 = 0.05 percentage points). Chosen from measured noise on 2-core runners
 * (BENCHMARKS.md, "Fourth look"): a quiet 5 s round's paired log-ratio spread was 8–10% for QPS and p50 and 17–25%
 * for p99, so tighter defaults could almost never read "unchanged" within 20 pairs there. `perfgate calibrate`
 * recommends tighter ones where a runner is quieter.
 */
export const DEFAULT_TOLERANCE: Record<CompareMetric, number> = {
  qps: 0.1,
  p50: 0.1,
  p95: 0.15,
  p99: 0.2,
  error_rate: 0.0005,
  failure_rate: 0.0005,
};

export type Op = '>=' | '<=' | '>' | '<';

/** Where something was written: `file` as the user named it (relative to the cwd when possible), 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export interface Budget {
  metric: BudgetMetric;
  op: Op;
  /**
   * Canonical units: ms for latency metrics, a fraction for success/error_rate/failure_rate, req/s for qps, a count
   * per request for sql_per_request and redis_per_request.
   */
  limit: number;
  /** As written, e.g. ">= 99.95%". */
  text: string;
  at: SourceLocation;
}

export interface RequestTemplate {
  method: string;
  /** Path plus query, e.g. /api/v1/posts?page=1. `${env.X}` references are already resolved. */
  path: string;
  /** Header values may be secrets: never print them. */
  headers: Record<string, string>;
  body?: string;
  /** What a good response looks like (`expect:`); absent = any 2xx or 3xx is a success. */
  expect?: ResponseExpectation;
}

/**
 * A response check. A response whose status is not expected counts as an HTTP error by its status when it is not a
 * 2xx or 3xx, and as a check failure when it is one; a response failing `json`, `bodyContains` or `header` is a
 * check failure.
 */
export interface ResponseExpectation {
  /** Expected status codes and classes (2 = 2xx); absent = 2xx and 3xx. */
  status?: { codes: number[]; classes: number[] };
  /** The value at a JSONPath (a subset: keys and indexes); `equals` absent = the value exists. */
  json?: { path: string; steps: Array<string | number>; equals?: unknown };
  bodyContains?: string;
  /** Header name (lower case) → true: present, false: absent, a string: its value (or its part before a `;`) equals it. */
  header?: Record<string, string | boolean>;
}

export interface WeightedRequest {
  weight: number;
  request: RequestTemplate;
  /** A `mix:` entry: its name (unique in the scenario), its own budgets, where it is written. Absent for `request:`. */
  entry?: MixEntry;
}

export interface MixEntry {
  /** `name:`, else "METHOD path" as written (before `${env.…}` is resolved, so no secret is in it). */
  name: string;
  budgets: Budget[];
  at: SourceLocation;
}

/** One token per request, rotating through the list (tokens.csv). */
interface TokenSource {
  /** Absolute path. */
  file: string;
  header: string;
  /** Prepended to each token, e.g. "Bearer ". */
  prefix: string;
  tokens: string[];
}

export interface Scenario {
  name: string;
  /** Never empty; a plain `request:` becomes one entry with weight 1. */
  requests: WeightedRequest[];
  tokens?: TokenSource;
  /** The concurrency (closed model), or the connection pool size (open model). */
  connections: number;
  /** Open model: a fixed total request rate per second. Absent = closed model. */
  rate?: number;
  warmupMs: number;
  durationMs: number;
  /** Measured window as a request count instead of a duration (duration still bounds it). */
  amount?: number;
  timeoutMs: number;
  /**
   * Load generator worker threads the connections (and the open model's rate) are spread over: `generator.workers`,
   * else the machine's default (config/generator.ts). The loader sets it on every scenario; absent = 1.
   */
  workers?: number;
  /**
   * @deprecated Ignored since #13: HTTP errors are a compared metric (error_rate) instead of a reason to withhold
   * the comparison. `max_error_rate:` is still accepted in YAML.
   */
  maxErrorRate?: number;
  /** The production link (bytes/s): QPS budgets must fit through it at the measured response size. */
  bandwidth?: number;
  budgets: Budget[];
  /**
   * Comparison tolerance δ per metric: relative for QPS and latency (0.05 = 5%), absolute for the rates
   * (0.0005 = 0.05 percentage points). The loader fills every metric; a Scenario built by hand may leave the rates
   * out, and DEFAULT_TOLERANCE applies.
   */
  tolerance: Record<RoundMetric, number> & Partial<Record<RateMetric, number>>;
  /** When this scenario came from a concurrency sweep, the swept scenario's name. */
  sweepOf?: string;
  at: SourceLocation;
}

export type ReadyCheck = { kind: 'http'; path: string } | { kind: 'port' } | { kind: 'log'; message: string };

export interface Resources {
  cpus?: number;
  memoryBytes?: number;
}

/** The service under test. */
export interface AppService {
  kind: 'app';
  name: string;
  /** Absolute build context and Dockerfile path relative to it; or an image. Exactly one of build/image. */
  build?: { context: string; dockerfile: string; args: Record<string, string> };
  image?: string;
  port: number;
  /** Values may hold `${postgres.url}`-style references, resolved when the stack starts. */
  env: Record<string, string>;
  command?: string[];
  ready: ReadyCheck;
  readyTimeoutMs: number;
  resources?: Resources;
  at: SourceLocation;
}

export interface PostgresService {
  kind: 'postgres';
  name: string;
  image: string;
  /** Absolute paths of .sql/.sh files run before the app starts. */
  init: string[];
  user: string;
  password: string;
  database: string;
  /** pg_stat_statements loaded and read between windows (the diagnosis); `stats: false` turns it off. */
  stats: boolean;
  resources?: Resources;
  at: SourceLocation;
}

export interface RedisService {
  kind: 'redis';
  name: string;
  image: string;
  /** INFO commandstats and INFO stats read between windows (the diagnosis); `stats: false` turns it off. */
  stats: boolean;
  resources?: Resources;
  at: SourceLocation;
}

export interface GenericService {
  kind: 'generic';
  name: string;
  image: string;
  env: Record<string, string>;
  ports: number[];
  command?: string[];
  ready?: ReadyCheck;
  readyTimeoutMs: number;
  resources?: Resources;
  at: SourceLocation;
}

/**
 * `diagnose:`: the Postgres and Redis a running target uses, read for the diagnosis (#11). Connection strings with
 * `${env.NAME}` resolved: secrets, never printed.
 */
export interface Diagnose {
  postgres?: string;
  redis?: string;
  at: SourceLocation;
}

export interface Services {
  app: AppService;
  /** Dependencies, started in parallel before the app. Network alias = name. */
  dependencies: Array<PostgresService | RedisService | GenericService>;
}

/** The metrics whose change points on main's history can warn or fail a recording run (history: in YAML). */
export const DRIFT_METRICS = ['qps', 'p50', 'p99'] as const;
export type DriftMetric = (typeof DRIFT_METRICS)[number];

/**
 * What a new change point on main's history does when a run is recorded: a step for the worse (QPS down, latency
 * up) at least `warn[metric]` warns, at least `fail[metric]` fails the run. Relative sizes (0.1 = 10%); a metric
 * absent from a map never warns or fails.
 */
export interface DriftSettings {
  warn: Partial<Record<DriftMetric, number>>;
  fail: Partial<Record<DriftMetric, number>>;
}

export interface CompareSettings {
  /** Git ref to compare against (merge-base of HEAD and this). */
  base?: string;
  /** The most interleaved pairs a scenario gets. */
  pairs: number;
  /**
   * Sequential pairs: the first look at the data, after this many pairs; then one after every 2 more, until every
   * metric is decided, `pairs` is reached or the time budget runs out. Equal to `pairs`: one look, a fixed design.
   */
  minPairs: number;
  /** Time budget for the whole comparison (all scenarios), ms; scenarios still open share what is left. */
  budgetMs: number;
  /** Family-wise α for Holm–Bonferroni. */
  alpha: number;
  /** Measured window per arm per round. */
  roundMs: number;
  /** Unrecorded warm-up per arm before round 1. */
  armWarmupMs: number;
  /** Deprecated and ignored: sequential pairs replace it. */
  extendOnce: boolean;
  metrics: CompareMetric[];
  /** The calibration file (absolute path) whose tolerances fill those the YAML left unset, when one is named. */
  calibration?: string;
}

export interface PerfConfig {
  /** The files that were loaded (as the user named them). */
  files: string[];
  /** Directory relative paths resolve against (the first file's directory). */
  baseDir: string;
  target?: string;
  /** With target: its Postgres and Redis, whose counters the diagnosis reads. */
  diagnose?: Diagnose;
  services?: Services;
  scenarios: Scenario[];
  compare: CompareSettings;
  /** history: — what a new change point on main does when a run is recorded. */
  history: DriftSettings;
}
