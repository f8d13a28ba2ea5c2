// The runner's side of a generator inside Docker: runLoad's contract, kept by a `perfgate generate` process over
// its stdin and stdout (wire.ts). Progress and the warm-up's count arrive as they happen; an abort (Ctrl-C, the
// app exiting) is sent as a stop line, so the window ends there as a local one does and its partial measurement
// still comes back. A process that ends without a measurement is an infrastructure failure, never a made-up zero.
import { InfrastructureError, firstLine } from '../errors.ts';
import type { LoadOptions } from '../load/run-load.ts';
import type { LoadMeasurement } from '../result.ts';
import { line, lineSplitter, parseOutbound } from './wire.ts';

/** One started `perfgate generate` (services/generator-container.ts execs it; the tests run it in-process). */
export interface GeneratorProcess {
  write(text: string): void;
  stdout: NodeJS.ReadableStream;
  /** When the process has ended: its exit code (null when unknown) and the tail of its stderr. */
  ended: Promise<{ exitCode: number | null; stderr: string }>;
  /** Closes its stdin. */
  close(): void;
}

export type RunLoad = (options: LoadOptions) => Promise<LoadMeasurement>;

/**
 * How long past a window's own bound (warm-up + window + the drain) the runner waits for its measurement before
 * calling the generator lost: the process's start-up and the copy back, with a wide margin.
 */
const GRACE_MS = 60_000;

export function remoteRunLoad(start: () => Promise<GeneratorProcess>): RunLoad {
  return async (options) => {
    const { scenario, signal } = options;
    const generator = await start();
    let result: LoadMeasurement | undefined;
    let fault: string | undefined;
    const split = lineSplitter((text) => {
      try {
        const message = parseOutbound(text);
        if ('progress' in message) options.onProgress?.(message.progress);
        else if ('warmupSettled' in message) options.onWarmupSettled?.(message.warmupSettled);
        else result = message.result;
      } catch (error) {
        fault ??= `an unreadable line from the generator (${firstLine(error)}): ${text.slice(0, 200)}`;
      }
    });
    generator.stdout.on('data', (chunk: Buffer) => split.push(chunk));
    // Every line read before the end counts: the measurement is the last one.
    const read = new Promise<void>((resolve) => generator.stdout.on('end', () => resolve(split.end())));
    const { origin, warmupMs, durationMs, amount } = options;
    generator.write(line({ window: { origin, scenario, warmupMs, durationMs, amount } }));
    const stop = () => generator.write(line({ stop: String(signal?.reason ?? 'aborted') }));
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    const boundMs = (warmupMs ?? scenario.warmupMs) + (durationMs ?? scenario.durationMs) + 2 * Math.max(1000, scenario.timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const lost = new Promise<'lost'>((resolve) => (timer = setTimeout(() => resolve('lost'), boundMs + GRACE_MS)));
    try {
      const ended = await Promise.race([Promise.all([generator.ended, read]).then(([end]) => end), lost]);
      if (ended === 'lost') {
        throw new InfrastructureError(
          `The load generator in Docker gave no measurement for "${scenario.name}" within ${Math.round((boundMs + GRACE_MS) / 1000)}s.`,
        );
      }
      if (result && !fault) return result;
      const why = fault ?? `it exited with code ${ended.exitCode ?? 'unknown'} without a measurement`;
      throw new InfrastructureError(
        `The load generator in Docker failed during "${scenario.name}": ${why}.`,
        ended.stderr.trim() ? { generator: ended.stderr } : {},
      );
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      generator.close();
    }
  };
}
