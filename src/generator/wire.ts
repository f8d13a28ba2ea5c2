// What the runner and a generator inside Docker say to each other (`perfgate generate`), one JSON object per line.
// In, on stdin: one window's load spec first, then at most a stop. Out, on stdout: progress, the warm-up's request
// count, and last the window's LoadMeasurement, validated here with the results' own schema, so what comes back
// is exactly what a local runLoad returns (JSON carries every double exactly) or one clear error.
import { StringDecoder } from 'node:string_decoder';
import { z } from 'zod';
import type { Scenario } from '../config/types.ts';
import type { LoadOptions, LoadProgress } from '../load/run-load.ts';
import type { LoadMeasurement } from '../result.ts';
import { loadMeasurementSchema } from '../results/schema.ts';

/** One window, as runLoad takes it, minus what cannot cross a process boundary (the signal, the callbacks). */
export type WindowSpec = Pick<LoadOptions, 'origin' | 'scenario' | 'warmupMs' | 'durationMs' | 'amount'>;

const count = z.int().nonnegative();

/**
 * The spec's envelope is checked; the scenario is the runner's own normalised config (the same perfgate built both
 * ends), so only its shape's load-bearing keys are checked and the rest passes through as written.
 */
const windowSpecSchema = z.object({
  origin: z.url({ protocol: /^https?$/ }),
  scenario: z.looseObject({
    name: z.string(),
    requests: z.array(z.looseObject({ weight: z.number(), request: z.looseObject({ method: z.string(), path: z.string() }) })).min(1),
    connections: count,
    warmupMs: count,
    durationMs: count,
    timeoutMs: count,
  }),
  warmupMs: count.optional(),
  durationMs: count.optional(),
  amount: count.optional(),
});

const progressSchema = z.object({
  phase: z.enum(['warmup', 'measure']),
  elapsedMs: z.number(),
  totalMs: z.number(),
  requests: count,
  success: count,
  httpErrors: count,
  failures: count,
  qps: z.number(),
});

/** Runner → generator. */
export type Inbound = { window: WindowSpec } | { stop: string };

/** Generator → runner. */
export type Outbound = { progress: LoadProgress } | { warmupSettled: number } | { result: LoadMeasurement };

const inboundSchema = z.union([z.object({ window: windowSpecSchema }), z.object({ stop: z.string().max(500) })]);

const outboundSchema = z.union([
  z.object({ progress: progressSchema }),
  z.object({ warmupSettled: count }),
  z.object({ result: loadMeasurementSchema }),
]);

/** One line of the protocol: the message's JSON and a newline (JSON never holds a raw newline). */
export function line(message: Inbound | Outbound): string {
  return `${JSON.stringify(message)}\n`;
}

export function parseInbound(text: string): Inbound {
  const parsed = inboundSchema.parse(JSON.parse(text));
  return 'window' in parsed ? { window: { ...parsed.window, scenario: parsed.window.scenario as unknown as Scenario } } : parsed;
}

export function parseOutbound(text: string): Outbound {
  return outboundSchema.parse(JSON.parse(text)) as Outbound;
}

/** Splits a stream's chunks into whole lines, whatever the chunks' boundaries. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer | string): void; end(): void } {
  // A multi-byte character may be split between chunks: the decoder holds its first bytes back.
  const decoder = new StringDecoder('utf8');
  let pending = '';
  return {
    push(chunk) {
      pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      let at = pending.indexOf('\n');
      while (at >= 0) {
        const text = pending.slice(0, at);
        pending = pending.slice(at + 1);
        if (text.trim()) onLine(text);
        at = pending.indexOf('\n');
      }
    },
    end() {
      pending += decoder.end();
      if (pending.trim()) onLine(pending);
      pending = '';
    },
  };
}
