// The results contract: what `--json` writes and what the reports, the comparison and the action read.
// Names here are a public contract (schemaVersion 1): extend, never rename.
import type { CompareMetric, MetricName, Op, RoundMetric, SourceLocation } from './config/types.ts';

export type Verdict = 'pass' | 'fail' | 'inconclusive';
export type BudgetStatus = 'pass' | 'fail' | 'inconclusive';
export type ComparisonVerdict = 'regression' | 'improvement' | 'unchanged' | 'inconclusive';
/** Why a request got no complete response: truncated = the connection closed partway through the response. */
export type FailureKind = 'timeout' | 'refused' | 'reset' | 'truncated' | 'other';

/** Latency in milliseconds (decimals, from microsecond samples). */
export interface LatencySummary {
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface Outcomes {
  /** Every request that ended in the measured window: success + httpErrors + failures. */
  total: number;
  /** 2xx and 3xx responses. */
  success: number;
  /** Responses with any other status. */
  httpErrors: number;
  /** Requests that got no complete response: timeouts, refused or reset connections, truncated responses. */
  failures: number;
  /** Count per HTTP status code, e.g. { "200": 9990, "500": 10 }. */
  byStatus: Record<string, number>;
  /** `truncated` is absent from results written before it was counted apart. */
  byFailure: Record<Exclude<FailureKind, 'truncated'>, number> & { truncated?: number };
}

/** One measured window of load against one target. */
export interface LoadMeasurement {
  connections: number;
  /** Open model only: the requested rate (req/s). */
  rate?: number;
  /** Open model only: requests that ended per second (any outcome); below 95% of `rate` the model did not hold. */
  achievedRate?: number;
  /**
   * Open model only: requests that were due but never sent when the window ended (every connection was still
   * waiting for an answer), and how long the oldest had waited (ms). Sent requests' waits are in the latency.
   */
  backlog?: { unsent: number; oldestWaitMs: number };
  /**
   * Open model only: how late the generator itself sent requests to connections that were already free (ms).
   * Left out of the latency (it is not the service's); large values mean the schedule was not kept.
   */
  scheduleLag?: { p99Ms: number; maxMs: number };
  /** Length of the measured window actually run. */
  durationMs: number;
  outcomes: Outcomes;
  /** From our own µs histogram of every response; timed-out requests are recorded at the timeout. */
  latency: LatencySummary;
  /** Successful responses per second of the measured window. */
  qps: number;
  /** Response bytes per second (headers + body) received in the measured window. */
  bytesPerSec: number;
  /** Mean bytes per response (headers + body, as received): with QPS, what a network link must carry. */
  bytesPerResponse?: number;
  generator: {
    /** Load generator process CPU use during the window, in cores (1 = one core fully busy). */
    cpu: number;
    /** True when the generator was the bottleneck: its numbers then measure the client. */
    saturated: boolean;
  };
  /** Present when the window was cut short (target died, SIGINT): the figures cover what was measured. */
  aborted?: string;
}

/** Server-side cost of a scenario, sampled from the app container (#3). */
export interface ServerCost {
  cpuMsPerRequest: number;
  peakMemoryBytes: number;
  /** Mean CPU use in cores over the window. */
  cpuCores: number;
}

export interface BudgetResult {
  metric: MetricName;
  op: Op;
  /** Canonical units, like `value`. */
  limit: number;
  value: number;
  /** True only when the budget is established to hold. */
  pass: boolean;
  status: BudgetStatus;
  /** As written, e.g. "<= 500ms". */
  text: string;
  /** Why it failed or is inconclusive, in words a reader understands without statistics. */
  reason?: string;
  /** Set when the production link, not the measured QPS, failed a QPS budget: bytes/s and the req/s it carries. */
  link?: { bandwidth: number; ceiling: number };
  at: SourceLocation;
}

/**
 * QPS and latency: relative figures (0.05 = 5%), from paired per-round log-ratios. error_rate and failure_rate:
 * absolute figures in rate units (0.0005 = 0.05 percentage points), from each arm's totals over all rounds.
 */
export interface ComparisonEntry {
  /** Median over rounds per arm in the metric's unit; for the rates, the arm's rate over all its rounds. */
  base: number;
  head: number;
  /**
   * Head vs base: the relative change (Hodges–Lehmann estimate), e.g. -0.12 = 12% lower; for the rates the
   * difference head − base, e.g. 0.001 = 0.1 percentage points more.
   */
  change: number;
  /**
   * Confidence interval of the change at `confidence`, which agrees with the verdict: exact (Hodges–Lehmann) for
   * QPS and latency, Newcombe's hybrid score interval for the rates. null where n is too small for a finite CI.
   */
  low: number | null;
  high: number | null;
  /** Two-sided level of [low, high]: 1 − 2 × the Holm level the verdict was reached at (#13). */
  confidence: number;
  /**
   * p-value of the test that decided: "worse by more than the tolerance" for a regression or an inconclusive
   * metric, "better by more than the tolerance" for an improvement, "within the tolerance" for unchanged.
   */
  p: number;
  /** Holm-adjusted threshold that test was held to. */
  alpha: number;
  /** δ: relative for QPS and latency, absolute (rate units) for the rates. */
  tolerance: number;
  /**
   * Minimum detectable effect, in the tolerance's units: the smallest true worsening that would have been called a
   * regression at this comparison's spread and Holm level — the tolerance plus half the CI's width (for QPS and
   * latency in log space: expm1(ln(1 + δ) + half-width)). null where no finite CI exists.
   */
  mde: number | null;
  verdict: ComparisonVerdict;
  reason?: string;
}

export interface Round {
  index: number;
  arm: 'base' | 'head';
  /** 0 = this arm ran first in its pair, 1 = second. */
  order: 0 | 1;
  /** QPS and latency of this round; the rates come from `outcomes`. */
  metrics: Record<RoundMetric, number>;
  outcomes: Outcomes;
  generatorSaturated: boolean;
}

export interface ScenarioResult {
  name: string;
  verdict: Verdict;
  /** The concurrency every figure (QPS above all) was measured at. */
  connections: number;
  rate?: number;
  /** One level of a concurrency sweep: the swept scenario's name (reports draw the levels as one curve). */
  sweepOf?: string;
  /** Keyed by metric name: latency in ms, rates as fractions 0..1, qps in req/s. */
  metrics: Record<MetricName, number>;
  measurement: LoadMeasurement;
  server?: ServerCost;
  budgets: BudgetResult[];
  comparison?: Partial<Record<CompareMetric, ComparisonEntry>>;
  rounds?: Round[];
  warnings: string[];
  /** Set when the scenario could not be measured (target died, …). */
  error?: string;
}

export interface RunResult {
  schemaVersion: 1;
  verdict: Verdict;
  startedAt: string;
  finishedAt: string;
  tool: { name: 'perfgate'; version: string; node: string };
  config: string[];
  /** The origin load was sent to. */
  target: string;
  scenarios: ScenarioResult[];
  /** Comparison (#4). */
  base?: { ref: string; sha: string };
  head?: { ref: string; sha: string };
  pairs?: number;
  seed?: string;
  /** Why a requested comparison did not happen (base could not be built, …). */
  comparisonSkipped?: string;
  /** Stack start-up phases in ms (#3). */
  startup?: Record<string, number>;
  environment: { platform: string; cpus: number; cpuModel: string; runner?: string };
  /** Pull request context, for the fork-safe report sub-action (#5). */
  github?: {
    repository: string;
    pullRequest: number;
    headSha: string;
    runId?: string;
    runUrl?: string;
    /** The sticky-comment key the run job used, so the report sub-action updates the same comment. */
    commentKey?: string;
  };
  warnings: string[];
}
