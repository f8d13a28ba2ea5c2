// The bounds of what perfgate can measure, in one place. The zod schema (schema.ts) enforces them, so a value
// outside them is refused at its YAML line and dist/perf.schema.json documents them; docs/config.md states them.
//
// Why bounds at all: Node's timers hold at most 2^31−1 ms (~24.8 days) and turn a longer delay into 1 ms, so
// `duration: 9999999h` would end its window at once; and a connection count or rate far past what one load
// generator can drive measures the generator, not the service.

/** Longest measured window, warm-up (scenario or compare) and compare round. */
export const MAX_WINDOW_MS = 3_600_000;
/** autocannon refuses a timeout under 1 s. */
const MIN_TIMEOUT_MS = 1000;
export const MAX_TIMEOUT_MS = 600_000;
/** Longest wait for a started service to become ready. */
export const MAX_READY_TIMEOUT_MS = 3_600_000;
/** Connections of a scenario and each level of a concurrency sweep: 1..MAX_CONNECTIONS. */
export const MAX_CONNECTIONS = 10_000;
/** Open model: requests per second, more than 0 and at most this. */
export const MAX_RATE = 1_000_000;
/** A measured window given as a request count: 1..MAX_REQUESTS. */
export const MAX_REQUESTS = 1_000_000_000;
/** Load generator worker threads (`generator.workers`): 1..MAX_WORKERS. */
export const MAX_WORKERS = 256;

/** The largest delay setTimeout honours; anything above fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface DurationRange {
  minMs: number;
  /** false: the value must be more than minMs (0 is refused). */
  minInclusive: boolean;
  maxMs: number;
  /** Said when a value is below the minimum. */
  whyMin?: string;
}

export const DURATION_RANGES = {
  /** duration, compare round: a window of 0 measures nothing. */
  window: { minMs: 0, minInclusive: false, maxMs: MAX_WINDOW_MS },
  /** warmup, compare warmup: 0 means none. */
  warmup: { minMs: 0, minInclusive: true, maxMs: MAX_WINDOW_MS },
  timeout: {
    minMs: MIN_TIMEOUT_MS,
    minInclusive: true,
    maxMs: MAX_TIMEOUT_MS,
    whyMin: 'the load generator cannot time a request out sooner than 1s',
  },
  ready: { minMs: 0, minInclusive: false, maxMs: MAX_READY_TIMEOUT_MS },
} as const satisfies Record<string, DurationRange>;

export function inRange(ms: number, range: DurationRange): boolean {
  return Number.isFinite(ms) && (range.minInclusive ? ms >= range.minMs : ms > range.minMs) && ms <= range.maxMs;
}

/** "more than 0 and at most 1h", "from 0 (none) to 1h", "from 1s to 10m". */
export function describeRange(range: DurationRange): string {
  if (!range.minInclusive) return `more than ${formatLimit(range.minMs)} and at most ${formatLimit(range.maxMs)}`;
  return `from ${formatLimit(range.minMs)}${range.minMs === 0 ? ' (none)' : ''} to ${formatLimit(range.maxMs)}`;
}

/** Whole limits in the largest unit that divides them: 3600000 → "1h", 600000 → "10m", 1000 → "1s", 0 → "0". */
function formatLimit(ms: number): string {
  if (ms === 0) return '0';
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
