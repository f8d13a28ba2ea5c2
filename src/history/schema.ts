// The history contract: one JSON line per recorded run and scenario in history.jsonl on the history branch
// (default perfgate-history). This zod schema is its single source; every line is written through
// serializeHistoryLine and read back through parseHistory. Lines come from anyone who could push to the branch,
// so reading is strict about values (finite numbers, bounded strings) and skips a line it cannot read.
//
// Names here are a contract: extend (with optional fields), never rename.
import { z } from 'zod';

/** The metrics a history line carries, each in its canonical unit: req/s, ms, fractions 0..1. */
export const HISTORY_METRICS = ['qps', 'p50', 'p99', 'error_rate', 'failure_rate'] as const;
export type HistoryMetric = (typeof HISTORY_METRICS)[number];

/** The per-round values a line carries when the run compared with a base (the head's rounds, in order). */
const ROUND_VALUES = ['qps', 'p50', 'p99'] as const;

const text = (max: number) => z.string().max(max);
const finite = z.number();

const runnerSchema = z.object({
  /** The operating system (os.platform(): linux, darwin, win32), without the kernel release. */
  platform: text(100),
  cpus: z.int().nonnegative(),
  cpuModel: text(500),
});
export type Runner = z.infer<typeof runnerSchema>;

const historyLineSchema = z.object({
  v: z.literal(1),
  /** The commit measured (40 hex digits). */
  sha: z.string().regex(/^[0-9a-f]{40}$/, 'expected a 40-digit commit sha'),
  /** When the run finished, ISO 8601. */
  time: text(100),
  runner: runnerSchema,
  scenario: text(1000),
  connections: z.int().nonnegative().optional(),
  /** The head's measured window: qps (req/s), p50 and p99 (ms), error_rate and failure_rate (0..1). */
  metrics: z.partialRecord(z.enum(HISTORY_METRICS), finite),
  /** The head's value in each interleaved round, when the run compared with a base. */
  rounds: z.partialRecord(z.enum(ROUND_VALUES), z.array(finite).max(10_000)).optional(),
  /** The perfgate version that recorded the line. */
  tool: text(100),
});
export type HistoryLine = z.infer<typeof historyLineSchema>;

/** The runner key of a series: runs with different keys are never compared. */
export function runnerKey(runner: Runner): string {
  return `${runner.platform}, ${runner.cpus} CPUs, ${runner.cpuModel}`;
}

/** A line as written to history.jsonl (one line, no trailing newline). */
export function serializeHistoryLine(line: HistoryLine): string {
  return JSON.stringify(historyLineSchema.parse(line));
}

/** Every readable line of a history.jsonl, in file order, and how many lines were skipped as unreadable. */
export function parseHistory(content: string): { lines: HistoryLine[]; skipped: number } {
  const lines: HistoryLine[] = [];
  let skipped = 0;
  for (const raw of content.split('\n')) {
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      skipped++;
      continue;
    }
    const parsed = historyLineSchema.safeParse(value);
    if (parsed.success) lines.push(parsed.data);
    else skipped++;
  }
  return { lines, skipped };
}
