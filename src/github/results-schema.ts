// Validates a results JSON that arrives from elsewhere (an artifact uploaded by a fork's workflow): the report
// sub-action treats it as hostile data. Every number must be a finite number and every enum a known value,
// so nothing but escaped text can reach the Markdown.
import { z } from 'zod';
import { COMPARE_METRICS, METRICS, ROUND_METRICS } from '../config/types.ts';
import type { RunResult } from '../result.ts';

const text = (max = 10_000) => z.string().max(max);
const finite = z.number().finite();
const count = z.number().int().nonnegative();
const verdict = z.enum(['pass', 'fail', 'inconclusive']);
const metric = z.enum(METRICS);
const compareMetric = z.enum(COMPARE_METRICS);
const roundMetric = z.enum(ROUND_METRICS);

const outcomes = z.object({
  total: count,
  success: count,
  httpErrors: count,
  failures: count,
  byStatus: z.record(z.string().regex(/^\d{3}$/), count),
  byFailure: z.object({ timeout: count, refused: count, reset: count, truncated: count.optional(), other: count }),
});

const latency = z.object({
  min: finite,
  p50: finite,
  p90: finite,
  p95: finite,
  p99: finite,
  p999: finite,
  max: finite,
  mean: finite,
});

const location = z.object({ file: text(4096), line: count, col: count });

const comparisonEntry = z.object({
  base: finite,
  head: finite,
  change: finite,
  low: finite.nullable(),
  high: finite.nullable(),
  confidence: finite,
  p: finite,
  alpha: finite,
  tolerance: finite,
  mde: finite.nullable(),
  verdict: z.enum(['regression', 'improvement', 'unchanged', 'inconclusive']),
  reason: text().optional(),
});

const scenario = z.object({
  name: text(1000),
  verdict,
  connections: count,
  rate: finite.optional(),
  sweepOf: text(1000).optional(),
  metrics: z.record(metric, finite),
  measurement: z.object({
    connections: count,
    rate: finite.optional(),
    achievedRate: finite.optional(),
    backlog: z.object({ unsent: count, oldestWaitMs: finite }).optional(),
    scheduleLag: z.object({ p99Ms: finite, maxMs: finite }).optional(),
    durationMs: finite,
    outcomes,
    latency,
    qps: finite,
    bytesPerSec: finite,
    bytesPerResponse: finite.optional(),
    generator: z.object({ cpu: finite, saturated: z.boolean() }),
    aborted: text().optional(),
  }),
  server: z.object({ cpuMsPerRequest: finite, peakMemoryBytes: finite, cpuCores: finite }).optional(),
  budgets: z
    .array(
      z.object({
        metric,
        op: z.enum(['>=', '<=', '>', '<']),
        limit: finite,
        value: finite,
        pass: z.boolean(),
        status: verdict,
        text: text(200),
        reason: text().optional(),
        link: z.object({ bandwidth: finite, ceiling: finite }).optional(),
        at: location,
      }),
    )
    .max(1000),
  comparison: z.partialRecord(compareMetric, comparisonEntry).optional(),
  rounds: z
    .array(
      z.object({
        index: count,
        arm: z.enum(['base', 'head']),
        order: z.union([z.literal(0), z.literal(1)]),
        metrics: z.record(roundMetric, finite),
        outcomes,
        generatorSaturated: z.boolean(),
      }),
    )
    .max(10_000)
    .optional(),
  warnings: z.array(text()).max(1000),
  error: text().optional(),
});

const ref = z.object({ ref: text(1000), sha: text(100) });

export const runResultSchema = z.object({
  schemaVersion: z.literal(1),
  verdict,
  startedAt: text(100),
  finishedAt: text(100),
  tool: z.object({ name: z.literal('perfgate'), version: text(100), node: text(100) }),
  config: z.array(text(4096)).max(1000),
  target: text(4096),
  scenarios: z.array(scenario).max(10_000),
  base: ref.optional(),
  head: ref.optional(),
  pairs: count.optional(),
  seed: text(200).optional(),
  comparisonSkipped: text().optional(),
  startup: z.record(text(200), finite).optional(),
  environment: z.object({ platform: text(100), cpus: count, cpuModel: text(500), runner: text(500).optional() }),
  github: z
    .object({
      repository: text(200),
      pullRequest: z.number(),
      headSha: text(100),
      runId: text(100).optional(),
      runUrl: text(2000).optional(),
      commentKey: text(500).optional(),
    })
    .optional(),
  warnings: z.array(text()).max(1000),
});

/** Parses untrusted results; the error lists the first few problems with their JSON paths. */
export function parseRunResult(value: unknown): { ok: true; result: RunResult } | { ok: false; problems: string[] } {
  const parsed = runResultSchema.safeParse(value);
  if (parsed.success) return { ok: true, result: parsed.data as RunResult };
  const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { ok: false, problems };
}
