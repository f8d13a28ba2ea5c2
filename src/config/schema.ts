// The perf/*.yaml schema: the single source of truth. `scripts/gen-schema.ts` turns it into the draft-07
// JSON Schema in dist/perf.schema.json for editors; config/load.ts validates with it and then normalises.
import { z } from 'zod';
import { BUDGET_METRIC, METRIC } from '../metrics.ts';
import { parseBudget } from './budget.ts';
import { parseJsonPath, parseStatus } from './expect.ts';
import {
  DURATION_RANGES,
  describeRange,
  inRange,
  MAX_CONNECTIONS,
  MAX_RATE,
  MAX_REQUESTS,
  MAX_WORKERS,
  type DurationRange,
} from './limits.ts';
import { BUDGET_METRICS, COMPARE_METRICS, DEFAULT_TOLERANCE, type BudgetMetric } from './types.ts';
import { parseBandwidth, parseDuration, parseRate, parseSize, show, type Parsed } from './units.ts';

function unit(parse: (input: unknown) => Parsed, description: string) {
  return z
    .union([z.string(), z.number()])
    .superRefine((value, ctx) => {
      const parsed = parse(value);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
    })
    .meta({ description });
}

/** A duration within one of the ranges in limits.ts, refused at its line otherwise; the description states the range. */
function duration(what: string, range: DurationRange) {
  const allowed = describeRange(range);
  // A bare number is seconds: its bounds go into the JSON Schema for editors (the superRefine enforces both forms).
  const seconds = {
    ...(range.minInclusive ? { minimum: range.minMs / 1000 } : { exclusiveMinimum: range.minMs / 1000 }),
    maximum: range.maxMs / 1000,
  };
  return z
    .union([z.string(), z.number().meta(seconds)])
    .superRefine((value, ctx) => {
      const parsed = parseDuration(value);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
      else if (!inRange(parsed.value, range)) {
        const why = parsed.value < range.minMs && range.whyMin ? ` (${range.whyMin})` : '';
        ctx.addIssue({ code: 'custom', message: `expected a duration ${allowed}, got ${show(value)}${why}` });
      }
    })
    .meta({ description: `${what}: a duration like 500ms, 10s or 2m, ${allowed}` });
}
const rate = (what: string) => unit(parseRate, `${what}: a percentage like 99.95% or 0.1%`);
const size = (what: string) => unit(parseSize, `${what}: a size like 512m or 1g`);
const bandwidth = (what: string) => unit(parseBandwidth, `${what}: a bandwidth like 1Gbit/s or 100Mbit/s`);
const positiveInt = (what: string, max: number) => z.int().min(1).max(max).meta({ description: what });

const headers = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .meta({ description: 'HTTP headers. Values may use ${env.NAME}; they are never printed.' });

const method = z
  .string()
  .regex(
    /^(get|head|post|put|patch|delete|options|GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/,
    'expected an HTTP method: GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS',
  )
  .meta({ description: 'HTTP method (default GET).' });

const statusItem = z.union([z.string(), z.number()]).superRefine((value, ctx) => {
  const parsed = parseStatus(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
});

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected an HTTP header name like content-type');

const expectSchema = z
  .strictObject({
    status: z
      .union([statusItem, z.array(statusItem).min(1)])
      .optional()
      .meta({ description: 'Expected status: a code (200), a class (2xx) or a list of them ([200, 3xx]). Default: any 2xx or 3xx.' }),
    json: z
      .strictObject({
        path: z
          .string()
          .superRefine((value, ctx) => {
            const parsed = parseJsonPath(value);
            if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
          })
          .meta({ description: 'A JSONPath into the response body: $, then .key, ["key"] and [0] steps, e.g. $.data.items[0].id.' }),
        equals: z.unknown().optional().meta({ description: 'The value expected there (any JSON value); absent: the value must exist.' }),
      })
      .optional()
      .meta({ description: 'The response body is JSON and has this value at this path, e.g. { path: "$.code", equals: 0 }.' }),
    body_contains: z.string().min(1).optional().meta({ description: 'The response body contains this text.' }),
    header: z
      .union([headerName, z.record(headerName, z.union([z.string(), z.number(), z.boolean()]))])
      .optional()
      .meta({
        description:
          'A header name that must be present, or name → value: true (present), false (absent), or the value it must equal (or its part before a ";" must). Header values are never printed.',
      }),
  })
  .meta({
    description: 'What a good response looks like. A response that fails it counts as an HTTP error of kind check (docs/config.md#expect).',
  });

const requestSchema = z.strictObject({
  method: method.optional(),
  path: z.string().regex(/^\//, 'expected a path starting with /, e.g. /api/v1/posts?page=1').meta({ description: 'Path and query.' }),
  headers: headers.optional(),
  body: z.string().optional().meta({ description: 'Raw request body.' }),
  json: z.unknown().optional().meta({ description: 'A JSON body (sets content-type: application/json).' }),
  expect: expectSchema.optional(),
});

function budgetValue(metric: BudgetMetric) {
  return z
    .union([z.string(), z.number()])
    .superRefine((value, ctx) => {
      const parsed = parseBudget(metric, value);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
    })
    .meta({ description: `Budget for ${metric}, e.g. "${BUDGET_METRIC[metric].example}".` });
}

const budgetsSchema = z
  .strictObject(
    Object.fromEntries(BUDGET_METRICS.map((m) => [m, budgetValue(m).optional()])) as Record<
      BudgetMetric,
      z.ZodOptional<ReturnType<typeof budgetValue>>
    >,
  )
  .meta({
    description:
      'Budgets: metric → "<op> <limit>". QPS is judged at the scenario\'s concurrency; sql_per_request and redis_per_request on what Postgres and Redis did per request (the diagnosis).',
  });

const toleranceSchema = z
  .strictObject(
    Object.fromEntries(
      COMPARE_METRICS.map((m) => [
        m,
        rate(
          METRIC[m].compare === 'absolute'
            ? `tolerance for ${m}, absolute: 0.05% = 0.05 percentage points (default ${DEFAULT_TOLERANCE[m] * 100}%)`
            : `tolerance for ${m}, relative (default ${Math.round(DEFAULT_TOLERANCE[m] * 100)}%)`,
        ).optional(),
      ]),
    ) as Record<(typeof COMPARE_METRICS)[number], z.ZodOptional<ReturnType<typeof rate>>>,
  )
  .meta({
    description:
      'Comparison tolerance δ per metric: a change is called a regression only when its confidence interval lies wholly beyond δ. Relative for qps and latency (10% = a ratio of 1.1), absolute for error_rate and failure_rate.',
  });

const loadKeys = {
  connections: positiveInt('Concurrent connections (closed model); the concurrency QPS is stated at.', MAX_CONNECTIONS).optional(),
  duration: duration('Measured window', DURATION_RANGES.window).optional(),
  warmup: duration('Unrecorded warm-up before the measured window', DURATION_RANGES.warmup).optional(),
  requests: positiveInt('Measured window as a request count (duration still bounds it).', MAX_REQUESTS).optional(),
  timeout: duration('Per-request timeout; timed-out requests count as failures at this latency', DURATION_RANGES.timeout).optional(),
  rate: z.number().positive().max(MAX_RATE).optional().meta({ description: 'Open model: a fixed total request rate per second.' }),
  max_error_rate: rate('Deprecated and ignored: HTTP errors are compared as error_rate instead').optional(),
  bandwidth: bandwidth(
    'The network link the service answers through in production; a QPS budget must fit through it at the measured response size',
  ).optional(),
  tolerance: toleranceSchema.optional(),
};

const scenarioSchema = z.strictObject({
  name: z.string().min(1).meta({ description: 'Unique scenario name.' }),
  request: requestSchema.optional(),
  mix: z
    .array(
      z.strictObject({
        weight: z.number().positive(),
        request: requestSchema,
        name: z.string().min(1).max(200).optional().meta({
          description:
            'What reports call this entry (its own results, budgets and comparison); default "METHOD path", e.g. "GET /api/posts".',
        }),
        budgets: budgetsSchema.optional().meta({ description: "This entry's own budgets, judged on its requests alone." }),
      }),
    )
    .min(1)
    .optional()
    .meta({ description: 'Weighted endpoints, like Locust tasks; each entry gets its own results beside the total.' }),
  tokens: z
    .strictObject({
      file: z.string().meta({ description: 'CSV file, relative to this YAML; one token per row (a header row is skipped).' }),
      header: z.string().default('Authorization').meta({ description: 'Header the token goes in (default Authorization).' }),
      prefix: z.string().optional().meta({ description: 'Prepended to each token, e.g. "Bearer ".' }),
      column: z
        .union([z.string(), z.int().min(0)])
        .optional()
        .meta({ description: 'CSV column (name or 0-based index); default the first.' }),
    })
    .optional()
    .meta({ description: 'One token per request, rotating.' }),
  sweep: z
    .strictObject({ connections: z.array(z.int().min(1).max(MAX_CONNECTIONS)).min(1) })
    .optional()
    .meta({ description: 'Concurrency sweep: the scenario runs once per level, each with the same budgets.' }),
  budgets: budgetsSchema.optional(),
  ...loadKeys,
});

const readySchema = z
  .union([
    z.string().regex(/^\//, 'expected a path like /health'),
    z.strictObject({ http: z.string().regex(/^\//, 'expected a path like /health') }),
    z.strictObject({ port: z.literal(true) }),
    z.strictObject({ log: z.string().min(1) }),
  ])
  .meta({ description: 'Readiness: an HTTP path answering 2xx, { port: true } or { log: "listening" }.' });

const resourcesSchema = z
  .strictObject({ cpus: z.number().positive().optional(), memory: size('Memory limit').optional() })
  .meta({ description: 'CPU and memory limits, identical for the head and base stacks.' });

const serviceSchema = z.strictObject({
  build: z.string().optional().meta({ description: 'Docker build context, relative to this YAML file.' }),
  dockerfile: z.string().optional().meta({ description: 'Dockerfile, relative to the build context (default Dockerfile).' }),
  args: z
    .record(z.string(), z.union([z.string(), z.number()]))
    .optional()
    .meta({ description: 'Build args.' }),
  image: z.string().optional().meta({ description: 'Image name:tag (instead of build).' }),
  port: z.int().min(1).max(65535).optional().meta({ description: 'The port the app listens on inside the container.' }),
  ports: z.array(z.int().min(1).max(65535)).optional().meta({ description: 'Ports a generic service exposes.' }),
  env: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .optional()
    .meta({ description: 'Environment; ${postgres.url}, ${redis.url} etc. resolve to addresses inside the private network.' }),
  command: z.union([z.string(), z.array(z.string())]).optional(),
  ready: readySchema.optional(),
  ready_timeout: duration('How long to wait for readiness (default 60s)', DURATION_RANGES.ready).optional(),
  resources: resourcesSchema.optional(),
  init: z.array(z.string()).optional().meta({ description: 'Postgres: .sql/.sh files run before the app starts.' }),
  user: z.string().optional(),
  password: z.string().optional(),
  database: z.string().optional(),
  stats: z.boolean().optional().meta({
    description:
      'Postgres and Redis: read what the service did per request between windows (pg_stat_statements, INFO commandstats) for the diagnosis (default true); false turns it off.',
  }),
});

const generatorSchema = z
  .strictObject({
    workers: positiveInt(
      'Worker threads that send the load, each with its share of the connections (default: the cores beyond what the stack is given, at least 1).',
      MAX_WORKERS,
    ).optional(),
  })
  .meta({ description: 'The load generator (docs/config.md#generator).' });

const compareSchema = z.strictObject({
  base: z.string().optional().meta({ description: 'Git ref to compare with (merge-base of HEAD and it).' }),
  pairs: z.int().min(2).max(100).optional().meta({
    description:
      'The most interleaved pairs of rounds per scenario (default 20); the comparison stops sooner once every metric is decided.',
  }),
  min_pairs: z.int().min(2).max(100).optional().meta({
    description:
      'Pairs before the first look at the data (default 8); then a look after every 2 more. Set it equal to pairs for a fixed design.',
  }),
  budget: duration('Time budget for the whole comparison, all scenarios (default 10m)', DURATION_RANGES.window).optional(),
  alpha: z.number().gt(0).lt(0.5).optional().meta({ description: 'Family-wise α for Holm–Bonferroni (default 0.05).' }),
  round: duration('Measured window per arm per round (default 5s)', DURATION_RANGES.window).optional(),
  warmup: duration('Unrecorded warm-up per arm before round 1 (default 5s)', DURATION_RANGES.warmup).optional(),
  max_base_cv: rate(
    "Deprecated and ignored: pairing cancels drift the arms share, and the pairs' own spread is the noise measure",
  ).optional(),
  extend_once: z.boolean().optional().meta({ description: 'Deprecated and ignored: sequential pairs (min_pairs … pairs) replace it.' }),
  metrics: z
    .array(z.enum(COMPARE_METRICS))
    .min(1)
    .optional()
    .meta({ description: 'Metrics compared (default qps, p50, p99, error_rate, failure_rate).' }),
  calibration: z.string().min(1).optional().meta({
    description:
      'A calibration file written by perfgate calibrate (e.g. calibration.json), relative to this YAML file: its recommended tolerance applies to each scenario and metric whose tolerance is not set in YAML.',
  }),
});

/** A threshold for a new change point on main's history: one percentage for QPS, p50 and p99, or one per metric. */
function changeThreshold(what: string) {
  const one = rate(`${what}: the step's size, relative (10% = QPS down or latency up by a tenth)`);
  return z
    .union([one, z.strictObject({ qps: one.optional(), p50: one.optional(), p99: one.optional() })])
    .meta({ description: `${what}: a percentage for QPS, p50 and p99 alike, or per metric, e.g. { qps: 10%, p99: 20% }.` });
}

const historySchema = z
  .strictObject({
    warn_on_change: changeThreshold(
      'A new change point for the worse at least this large warns in the recording run (default 5%; a metric left out of a per-metric form never warns)',
    ).optional(),
    fail_on_change: changeThreshold(
      'Opt-in: a new change point for the worse at least this large fails the recording run (exit 1; a metric left out never fails)',
    ).optional(),
  })
  .meta({
    description:
      "The main branch's history (perfgate run --record): what a new change point, found in the runs when this run is recorded, does (docs/github-action.md#drift-on-main).",
  });

const defaultsSchema = z.strictObject({ ...loadKeys, headers: headers.optional() });

export const perfFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    generator: generatorSchema.optional(),
    version: z.literal(1, 'expected version: 1').meta({ description: 'Config format version: 1.' }),
    target: z.string().optional().meta({ description: 'A service that is already running, e.g. http://127.0.0.1:8080.' }),
    diagnose: z
      .strictObject({
        postgres: z.string().min(1).optional().meta({
          description:
            'Its Postgres, e.g. ${env.DATABASE_URL}: pg_stat_statements must be loaded there (shared_preload_libraries and CREATE EXTENSION).',
        }),
        redis: z
          .string()
          .min(1)
          .optional()
          .meta({ description: 'Its Redis, e.g. ${env.REDIS_URL}: INFO commandstats and INFO stats are read.' }),
      })
      .optional()
      .meta({
        description:
          'With target: the database and cache it uses, read between windows for the diagnosis and for sql_per_request / redis_per_request budgets (connection strings are secrets, never shown).',
      }),
    services: z
      .record(z.string(), serviceSchema)
      .optional()
      .meta({ description: 'Services perfgate starts with Testcontainers: app (under test), postgres, redis, others.' }),
    defaults: defaultsSchema.optional(),
    compare: compareSchema.optional(),
    history: historySchema.optional(),
    scenarios: z.array(scenarioSchema).min(1, 'expected at least one scenario'),
  })
  .meta({ title: 'perfgate config', description: 'perf/*.yaml: budgets and scenarios for perfgate.' });

export type PerfFile = z.output<typeof perfFileSchema>;
export type ScenarioInput = z.output<typeof scenarioSchema>;
export type ServiceInput = z.output<typeof serviceSchema>;

/** The draft-07 JSON Schema for editors (yaml-language-server). */
export function jsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(perfFileSchema, { target: 'draft-07', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
