// The results contract, schemaVersion 1: what `perfgate run --json` writes and what `perfgate compare`,
// `run --baseline-file` and the report sub-action read back. This zod schema is the single source: the types in
// src/result.ts are inferred from it, src/results/read.ts validates with it, and `scripts/gen-schema.ts` turns it
// into dist/results.schema.json.
//
// Names here are a public contract: extend (with optional fields), never rename.
//
// Read files may come from a hostile fork (the report sub-action), so the schema is strict about values: every
// number is finite, every string bounded, every enum a known value; nothing but escaped text reaches a report.
// Unknown keys are dropped, not refused, so a file with fields a later perfgate adds still reads.
import { z } from 'zod';
import { BUDGET_METRICS, COMPARE_METRICS, METRICS, ROUND_METRICS, type Op } from '../config/types.ts';
import { HISTORY_METRICS } from '../history/schema.ts';
import { FAILURE_KINDS } from '../result.ts';

const text = (max = 10_000) => z.string().max(max);
/** Finite (zod 4's z.number() refuses Infinity and NaN). */
const finite = z.number();
const count = z.int().nonnegative();
const described = <T extends z.ZodType>(schema: T, description: string): T => schema.meta({ description });

const OPS = ['>=', '<=', '>', '<'] as const satisfies readonly Op[];

export const verdictSchema = z.enum(['pass', 'fail', 'inconclusive']);
export const budgetStatusSchema = z.enum(['pass', 'fail', 'inconclusive']);
export const comparisonVerdictSchema = z.enum(['regression', 'improvement', 'unchanged', 'inconclusive']);
export const failureKindSchema = described(
  z.enum(FAILURE_KINDS),
  'Why a request got no complete response: truncated = the connection closed partway through the response; ' +
    'interrupted = still in flight when the run was interrupted (SIGINT, SIGTERM), so never waited for.',
);
const metricSchema = z.enum(METRICS);
const compareMetricSchema = z.enum(COMPARE_METRICS);
const roundMetricSchema = z.enum(ROUND_METRICS);

/** Where something was written in perf/*.yaml: `file` as the user named it (relative to the cwd when possible), 1-based. */
const sourceLocationSchema = z.object({ file: text(4096), line: count, col: count }).meta({
  id: 'SourceLocation',
  description:
    'A position in a perf/*.yaml file: file as named (relative to the working directory when possible), 1-based line and column.',
});

export const latencySummarySchema = z
  .object({
    min: finite,
    p50: finite,
    p90: finite,
    p95: finite,
    p99: finite,
    p999: finite,
    max: finite,
    mean: finite,
  })
  .meta({
    id: 'LatencySummary',
    description:
      'Latency in milliseconds (decimals, from microsecond samples), from our own histogram of every response; ' +
      'timed-out requests are recorded at the timeout.',
  });

export const outcomesSchema = z
  .object({
    total: described(count, 'Every request that ended in the measured window: success + httpErrors + failures.'),
    success: described(count, '2xx and 3xx responses.'),
    httpErrors: described(count, 'Responses with any other status.'),
    failures: described(
      count,
      'Requests that got no complete response: timeouts, refused or reset connections, truncated responses, and those cut off by an interrupt.',
    ),
    byStatus: described(
      z.record(z.string().regex(/^\d{3}$/, 'expected a 3-digit HTTP status code'), count),
      'Count per HTTP status code, e.g. { "200": 9990, "500": 10 }.',
    ),
    byFailure: described(
      z.object({
        timeout: count,
        refused: count,
        reset: count,
        truncated: described(count, 'Absent from results written before it was counted apart.').optional(),
        interrupted: described(
          count,
          'Still in flight when the run was interrupted: not a timeout of the service. Absent from results written before it was counted apart.',
        ).optional(),
        other: count,
      }),
      'Count per failure kind.',
    ),
    checkFailures: described(
      count,
      "HTTP errors of kind check: responses whose status passed for a success but that failed their request's `expect` " +
        '(an unexpected 2xx/3xx status, the JSON value, the body text or a header); counted in httpErrors. Present when a request has `expect`.',
    ).optional(),
    checks: described(
      z.object({
        checked: described(count, 'Responses whose body and header checks ran (those with only a status check are not counted).'),
        skipped: described(
          count,
          'Responses whose body and header checks were left out to spare the load generator (each second: every response ' +
            'until 10,000 responses or 1,000,000 body characters were checked, then 1 in 10); their status was still checked, ' +
            'and they count as successes.',
        ),
        failures: described(
          z
            .array(
              z.object({
                request: described(count, 'The mix entry (0-based), when the scenario has more than one.').optional(),
                status: count,
                reason: described(text(300), 'What was wrong, e.g. "$.code is 500, expected 0"; never a header value.'),
                body: described(text(200), "The response body's first 200 characters."),
                count: described(count, 'How many responses failed exactly so.'),
              }),
            )
            .max(5),
          'The first few distinct check failures.',
        ),
      }),
      'How the responses were checked (present when a request has `expect`).',
    ).optional(),
  })
  .meta({ id: 'Outcomes', description: 'How the requests that ended in the window ended.' });

const entryNameSchema = described(text(1000), 'The mix entry\'s name: its `name:`, else "METHOD path" as written.');

export const entryMeasurementSchema = z
  .object({
    name: entryNameSchema,
    outcomes: outcomesSchema,
    latency: latencySummarySchema,
    qps: described(finite, "This entry's successful responses per second of the scenario's measured window (its share of the QPS)."),
    bytesPerSec: finite,
    bytesPerResponse: finite,
  })
  .meta({
    id: 'EntryMeasurement',
    description:
      "One mix entry's part of a measured window: its own outcomes and latency histogram (every request is in exactly one entry).",
  });

export const loadMeasurementSchema = z
  .object({
    connections: count,
    rate: described(finite, 'Open model only: the requested rate (req/s).').optional(),
    achievedRate: described(
      finite,
      'Open model only: requests that ended per second (any outcome); below 95% of `rate` the model did not hold.',
    ).optional(),
    backlog: described(
      z.object({ unsent: count, oldestWaitMs: finite }),
      'Open model only: requests that were due but never sent when the window ended (every connection was still ' +
        "waiting for an answer), and how long the oldest had waited (ms). Sent requests' waits are in the latency.",
    ).optional(),
    scheduleLag: described(
      z.object({ p99Ms: finite, maxMs: finite }),
      'Open model only: how late the generator itself sent requests to connections that were already free (ms). ' +
        "Left out of the latency (it is not the service's); large values mean the schedule was not kept.",
    ).optional(),
    durationMs: described(finite, 'Length of the measured window actually run.'),
    outcomes: outcomesSchema,
    latency: latencySummarySchema,
    qps: described(finite, 'Successful responses per second of the measured window.'),
    bytesPerSec: described(finite, 'Response bytes per second (headers + body) received in the measured window.'),
    bytesPerResponse: described(
      finite,
      'Mean bytes per response (headers + body, as received): with QPS, what a network link must carry.',
    ).optional(),
    generator: z.object({
      cpu: described(
        finite,
        'Load generator CPU use during the window, in cores (1 = one core fully busy); with workers, the sum of theirs.',
      ),
      saturated: described(
        z.boolean(),
        'True when the generator was the bottleneck (with workers: any one of them was): its numbers then measure the client.',
      ),
      workers: described(
        count,
        'Worker threads that sent the load, each with its share of the connections (generator.workers); absent in results written before there were workers: 1.',
      ).optional(),
      perWorker: described(
        z.array(finite).max(1024),
        "With more than one worker: each worker thread's CPU use during its window, in cores; one at or above 0.9 was saturated.",
      ).optional(),
      saturatedWorkers: described(
        z.array(count).max(1024),
        'With more than one worker and any saturated: which ones (1-based, as in perWorker).',
      ).optional(),
    }),
    aborted: described(
      text(),
      'Present when the window was cut short (target died, SIGINT): the figures cover what was measured.',
    ).optional(),
    entries: described(z.array(entryMeasurementSchema).max(1000), 'Per mix entry, in mix order (present for a `mix:`).').optional(),
  })
  .meta({ id: 'LoadMeasurement', description: 'One measured window of load against one target.' });

export const serverCostSchema = z
  .object({
    cpuMsPerRequest: finite,
    peakMemoryBytes: finite,
    cpuCores: described(finite, 'Mean CPU use in cores over the window.'),
  })
  .meta({ id: 'ServerCost', description: 'Server-side cost of a scenario, sampled from the app container (#3).' });

export const budgetResultSchema = z
  .object({
    metric: described(
      z.enum(BUDGET_METRICS),
      'A load metric, or sql_per_request / redis_per_request: statements or commands per HTTP request (the diagnosis).',
    ),
    op: z.enum(OPS),
    limit: described(finite, 'Canonical units, like `value`.'),
    value: described(
      finite.nullable(),
      "In the metric's unit; null when it could not be measured (a diagnosis budget whose counters were not read: `reason` says why).",
    ),
    pass: described(z.boolean(), 'True only when the budget is established to hold.'),
    status: budgetStatusSchema,
    text: described(text(200), 'As written, e.g. "<= 500ms".'),
    reason: described(text(), 'Why it failed or is inconclusive, in words a reader understands without statistics.').optional(),
    link: described(
      z.object({ bandwidth: finite, ceiling: finite }),
      'Set when the production link, not the measured QPS, failed a QPS budget: bytes/s and the req/s it carries.',
    ).optional(),
    /** Where the budget is written. */
    at: sourceLocationSchema,
  })
  .meta({ id: 'BudgetResult', description: 'One budget of a scenario, checked against its measurement.' });

export const comparisonEntrySchema = z
  .object({
    base: described(finite, "Median over rounds per arm in the metric's unit; for the rates, the arm's rate over all its rounds."),
    head: finite,
    change: described(
      finite,
      'Head vs base: the relative change (Hodges–Lehmann estimate), e.g. -0.12 = 12% lower; for the rates the ' +
        'difference head − base, e.g. 0.001 = 0.1 percentage points more.',
    ),
    low: described(
      finite.nullable(),
      'Confidence interval of the change at `confidence`, which agrees with the verdict: exact (Hodges–Lehmann) for ' +
        "QPS and latency, Newcombe's hybrid score interval for the rates. null where n is too small for a finite CI.",
    ),
    high: finite.nullable(),
    confidence: described(finite, 'Two-sided level of [low, high]: 1 − 2 × the Holm level the verdict was reached at (#13).'),
    p: described(
      finite,
      'p-value of the test that decided: "worse by more than the tolerance" for a regression or an inconclusive ' +
        'metric, "better by more than the tolerance" for an improvement, "within the tolerance" for unchanged.',
    ),
    alpha: described(finite, 'Holm-adjusted threshold that test was held to.'),
    tolerance: described(finite, 'δ: relative for QPS and latency, absolute (rate units) for the rates.'),
    mde: described(
      finite.nullable(),
      "Minimum detectable effect, in the tolerance's units: the smallest true worsening that would have been called a " +
        "regression at this comparison's spread and Holm level — the tolerance plus half the CI's width (for QPS and " +
        'latency in log space: expm1(ln(1 + δ) + half-width)). null where no finite CI exists.',
    ),
    verdict: comparisonVerdictSchema,
    reason: text().optional(),
  })
  .meta({
    id: 'ComparisonEntry',
    description:
      'QPS and latency: relative figures (0.05 = 5%), from paired per-round log-ratios. error_rate and failure_rate: ' +
      "absolute figures in rate units (0.0005 = 0.05 percentage points), from each arm's totals over all rounds.",
  });

export const roundSchema = z
  .object({
    index: count,
    arm: z.enum(['base', 'head']),
    order: described(z.literal([0, 1]), '0 = this arm ran first in its pair, 1 = second.'),
    metrics: described(z.record(roundMetricSchema, finite), 'QPS and latency of this round; the rates come from `outcomes`.'),
    outcomes: outcomesSchema,
    generatorSaturated: z.boolean(),
    entries: described(
      z
        .array(
          z.object({
            name: entryNameSchema,
            metrics: described(z.record(roundMetricSchema, finite), "This entry's QPS (its successful responses per second) and latency."),
            outcomes: outcomesSchema,
          }),
        )
        .max(1000),
      'Per mix entry (present for a `mix:`), so its comparison can be recomputed.',
    ).optional(),
  })
  .meta({ id: 'Round', description: 'One round of one arm of an interleaved comparison.' });

const armFigure = (description: string) =>
  described(
    z.object({
      base: described(finite, 'The base arm over all its rounds (present when there is one).').optional(),
      head: described(finite, 'The head arm: over all its rounds in a comparison, else over the measured run (warm-up included).'),
    }),
    description,
  );

const diagnosisSchema = z
  .object({
    postgres: described(
      z.object({
        statementsPerRequest: armFigure('SQL statements executed per HTTP request (pg_stat_statements calls).'),
        rowsPerRequest: armFigure('Rows returned or affected per request.'),
        execMsPerRequest: armFigure('Statement execution time per request, in ms (total_exec_time; planning not included).'),
        blocksReadPerRequest: armFigure(
          "Shared blocks (8 kB pages) read from outside Postgres's buffer cache per request (shared_blks_read).",
        ),
        top: described(
          z
            .array(
              z.object({
                query: described(text(2000), 'The statement as Postgres normalises it ($1 for constants), cut at 2000 characters.'),
                callsPerRequest: armFigure('Calls of this statement per request.'),
                execMsPerRequest: armFigure('Execution time of this statement per request, in ms.'),
                newInHead: described(z.boolean(), 'True when the base never ran this statement and the head does.').optional(),
              }),
            )
            .max(100),
          'The statements that changed most between the arms (calls per request, then ms per request); without a base, the most called.',
        ),
      }),
      'What the Postgres perfgate started did, per request (pg_stat_statements deltas between windows).',
    ).optional(),
    redis: described(
      z.object({
        commandsPerRequest: armFigure("Redis commands per request (INFO commandstats; perfgate's own INFO left out)."),
        byCommand: described(
          z.record(text(200), armFigure('Calls of this command per request.')),
          'Per command, upper case (GET, SET, CLIENT|SETINFO…).',
        ),
        hitRatio: described(
          z.object({ base: finite.nullable().optional(), head: finite.nullable() }),
          'keyspace_hits / (keyspace_hits + keyspace_misses), 0..1; null when no key was looked up.',
        ),
      }),
      'What the Redis perfgate started did, per request (INFO deltas between windows).',
    ).optional(),
    app: described(
      z.object({
        cpuMsPerRequest: armFigure('App container CPU time per request, in ms.'),
        peakMemoryBytes: armFigure(
          "The app container's memory high-water mark by the end of the arm's last window, in bytes (cgroup memory.peak; " +
            "memory.current at the window ends where the kernel has none, or the stats sampler's peak working set).",
        ),
      }),
      "The app container: its cgroup's CPU time read between windows (else the Docker stats sampler's).",
    ).optional(),
  })
  .meta({
    id: 'Diagnosis',
    description:
      'What the database, the cache and the app did per request, each figure { head } without a base and { base, head } with ' +
      'one; counters read between measured windows, never during one. Diagnostics, not gates.',
  });

const historyPositionSchema = z.object({
  value: finite,
  percentile: described(finite, "The share of main's recent runs below the value, ties counted half (0..1)."),
});
const historyPositionsSchema = z.object({ qps: historyPositionSchema.optional(), p99: historyPositionSchema.optional() });

const scenarioHistorySchema = z
  .object({
    source: described(text(500), 'Where the history was read: "perfgate-history on origin".'),
    runner: described(text(700), 'The runner key of the series (platform, CPUs, CPU model): only runs on such a runner are in it.'),
    runs: described(count, 'Runs of this scenario recorded on such a runner.'),
    commits: described(z.array(text(100)).max(1000), 'The commits of the last runs (at most 20), oldest first.'),
    qps: described(z.array(finite).max(1000), 'QPS (req/s) of those runs, in order.'),
    p99: described(z.array(finite).max(1000), 'p99 (ms) of those runs, in order.'),
    changes: described(
      z
        .array(
          z.object({
            metric: z.enum(HISTORY_METRICS),
            from: described(text(100), 'The last commit before the step.'),
            to: described(text(100), 'The first commit after it.'),
            time: described(text(100), 'When the first run after the step was recorded.'),
            before: described(finite, 'Median of the runs before the step (up to the previous change point).'),
            after: described(finite, 'Median of the runs after it.'),
            change: described(finite.nullable(), 'after / before − 1; null when before is 0.'),
            p: described(finite, 'Permutation p-value of the change point (E-Divisive means, docs/statistics.md §4).'),
          }),
        )
        .max(100),
      'Change points among the last runs.',
    ),
    base: described(historyPositionsSchema, "Where the PR's base (median over its rounds) sits against those runs.").optional(),
    head: described(historyPositionsSchema, "Where the PR's head sits against those runs.").optional(),
  })
  .meta({
    id: 'ScenarioHistory',
    description: "The main branch's recent history of a scenario on this kind of runner, from the history branch (#13).",
  });

export const entryResultSchema = z
  .object({
    name: entryNameSchema,
    metrics: described(
      z.record(metricSchema, finite),
      "As the scenario's metrics, over this entry's requests alone; qps is its successful responses per second of the window.",
    ),
    outcomes: outcomesSchema,
    budgets: described(z.array(budgetResultSchema).max(1000), "The entry's own budgets (`mix[].budgets`).").optional(),
    comparison: described(
      z.partialRecord(compareMetricSchema, comparisonEntrySchema),
      "Base vs head for this entry's QPS, p50 and p99 (paired per round), decided in the same Holm family as the scenarios' metrics.",
    ).optional(),
    at: described(sourceLocationSchema, 'Where the entry is written.').optional(),
  })
  .meta({ id: 'EntryResult', description: 'One mix entry of a scenario: its own outcomes, latency, budgets and comparison.' });

const driftSchema = z
  .object({
    metric: z.enum(['qps', 'p50', 'p99']),
    from: described(text(100), 'The last commit before the step.'),
    to: described(text(100), 'The first commit after it.'),
    time: described(text(100), 'When the first run after the step was recorded.'),
    before: described(finite, 'Median of the runs before the step (up to the previous change point).'),
    after: described(finite, 'Median of the runs after it.'),
    change: described(finite, 'after / before − 1: negative for QPS, positive for latency (a step for the worse).'),
    p: described(finite, 'Permutation p-value of the change point (E-Divisive means, docs/statistics.md §4).'),
    threshold: described(finite, 'The size it reached: fail_on_change when it fails the run, else warn_on_change (relative).'),
    fails: described(z.boolean(), 'Whether it fails the run (history: fail_on_change).'),
  })
  .meta({
    id: 'Drift',
    description:
      "A change point for the worse on main's history, found when this run was recorded and not before, at least as large as history: warn_on_change or fail_on_change (#13).",
  });

export const scenarioResultSchema = z
  .object({
    name: text(1000),
    verdict: verdictSchema,
    connections: described(count, 'The concurrency every figure (QPS above all) was measured at.'),
    rate: finite.optional(),
    sweepOf: described(
      text(1000),
      "One level of a concurrency sweep: the swept scenario's name (reports draw the levels as one curve).",
    ).optional(),
    metrics: described(z.record(metricSchema, finite), 'Keyed by metric name: latency in ms, rates as fractions 0..1, qps in req/s.'),
    measurement: loadMeasurementSchema,
    server: serverCostSchema.optional(),
    diagnosis: diagnosisSchema.optional(),
    budgets: z.array(budgetResultSchema).max(1000),
    comparison: z.partialRecord(compareMetricSchema, comparisonEntrySchema).optional(),
    rounds: z.array(roundSchema).max(10_000).optional(),
    sequential: described(
      z.object({ pairs: count, stop: z.enum(['decided', 'max-pairs', 'budget', 'interrupted']) }),
      'Sequential pairs: how many pairs this scenario used, and why they stopped (every metric decided, the most pairs, the time budget, an interruption).',
    ).optional(),
    history: scenarioHistorySchema.optional(),
    drift: described(
      z.array(driftSchema).max(100),
      "New change points for the worse on main's history, when this run was recorded (--record).",
    ).optional(),
    entries: described(
      z.array(entryResultSchema).max(1000),
      'Per mix entry, in mix order (present for a `mix:`): beside the totals above.',
    ).optional(),
    warnings: z.array(text()).max(1000),
    error: described(text(), 'Set when the scenario could not be measured (target died, …).').optional(),
    /** Where the scenario is written; absent from results written before perfgate recorded it. */
    at: sourceLocationSchema.optional(),
  })
  .meta({ id: 'ScenarioResult', description: 'One scenario as measured and judged.' });

const refSchema = z.object({ ref: text(1000), sha: text(100) });

/** "i of n": one matrix job's part of a sharded or pooled run (#14). */
const partSchema = z.object({ index: z.int().min(1).max(256), count: z.int().min(1).max(256) }).refine((p) => p.index <= p.count, {
  message: 'index must be at most count',
});

const familySchema = z
  .object({
    configDigest: described(
      text(100),
      'sha256 of what decides the measurements and the comparison: the scenarios (methods and header names, never paths, ' +
        'header values or bodies), budgets, tolerances and compare settings. Every file merged must have the same.',
    ),
    mode: described(
      z.enum(['paired', 'unpaired', 'none']),
      'How the run compared: interleaved pairs (--base), a saved run (--baseline-file, unpaired) or not at all.',
    ),
    compare: described(
      z.object({
        alpha: finite,
        metrics: z.array(compareMetricSchema).max(COMPARE_METRICS.length),
        pairs: count,
        minPairs: count,
        roundMs: finite,
      }),
      'The comparison design the decisions were made with (minPairs = pairs: one look, a fixed design).',
    ),
    scenarios: described(
      z
        .array(
          z.object({
            name: text(1000),
            tolerance: z.partialRecord(compareMetricSchema, finite),
            durationMs: finite,
          }),
        )
        .max(10_000),
      "Every scenario of the whole family (all shards), in the config's order, with what a decision reads of it.",
    ),
  })
  .meta({
    id: 'Family',
    description:
      'What `perfgate merge` needs to decide again over all shards and pool members (#14): Holm runs across every scenario here.',
  });

export const runResultSchema = z
  .object({
    schemaVersion: z.literal(1),
    verdict: verdictSchema,
    startedAt: text(100),
    finishedAt: text(100),
    tool: z.object({ name: z.literal('perfgate'), version: text(100), node: text(100) }),
    config: described(z.array(text(4096)).max(1000), 'The perf/*.yaml files read.'),
    target: described(text(4096), 'The origin load was sent to.'),
    scenarios: z.array(scenarioResultSchema).max(10_000),
    base: described(refSchema, 'Comparison (#4): the base version.').optional(),
    head: described(refSchema, 'Comparison (#4): the head version.').optional(),
    pairs: count.optional(),
    seed: text(200).optional(),
    comparisonSkipped: described(text(), 'Why a requested comparison did not happen (base could not be built, …).').optional(),
    interrupted: described(
      z.enum(['SIGINT', 'SIGTERM']),
      'Set when a signal stopped the run: the results are partial (what was measured before it), and never a pass.',
    ).optional(),
    startup: described(z.record(text(200), finite), 'Stack start-up phases in ms (#3).').optional(),
    environment: z.object({
      platform: text(100),
      cpus: count,
      cpuModel: text(500),
      runner: text(500).optional(),
      generator: described(
        z.object({
          where: described(
            z.enum(['runner', 'docker']),
            "runner: perfgate's own process sent the load; docker: a generator container on the stack's network, inside the Docker engine that ran the stack (#14).",
          ),
          host: described(text(500), 'docker: the engine, as perfgate reached it (e.g. tcp://10.0.0.5:2376).').optional(),
          image: described(text(200), 'docker: the image the generator ran in.').optional(),
        }),
        'Where the load came from (absent in results written before it was recorded: the runner).',
      ).optional(),
    }),
    github: described(
      z.object({
        repository: text(200),
        pullRequest: z.number(),
        headSha: text(100),
        runId: text(100).optional(),
        runUrl: text(2000).optional(),
        commentKey: described(
          text(500),
          'The sticky-comment key the run job used, so the report sub-action updates the same comment.',
        ).optional(),
      }),
      'Pull request context, for the fork-safe report sub-action (#5).',
    ).optional(),
    shard: described(partSchema, '`perfgate run --shard i/n` (#14): this file holds shard `index` of `count`.').optional(),
    pool: described(
      partSchema,
      '`perfgate run --pool i/n` (#14): pool member `index` of `count`, the same scenarios with pairs of its own (its own seed).',
    ).optional(),
    family: familySchema.optional(),
    merged: described(
      z.object({ files: count, shards: count, pools: count }),
      '`perfgate merge` wrote this result from `files` results files: `shards` shards × `pools` pool members.',
    ).optional(),
    warnings: z.array(text()).max(1000),
  })
  .meta({
    title: 'perfgate results',
    description:
      'What `perfgate run --json` writes (schemaVersion 1); read back by perfgate compare, run --baseline-file and perfgate/report.',
  });
