// The runner's side of a generator inside Docker: runLoad's contract, kept by a `perfgate generate` process over
// its stdin and stdout (wire.ts). One process serves the windows one after another (they never overlap) and is
// started again if it went away. Progress and the warm-up's count arrive as they happen; an abort (Ctrl-C, the app
// exiting) is sent as a stop line, so the window ends there as a local one does and its partial measurement still
// comes back. A window that ends without a measurement is an infrastructure failure, never a made-up zero.
import { InfrastructureError, firstLine } from '../errors.ts';
import type { LoadOptions } from '../load/run-load.ts';
import type { LoadMeasurement } from '../result.ts';
import { line, lineSplitter, parseOutbound, type Outbound } from './wire.ts';

/** One started `perfgate generate` (services/generator-container.ts execs it; the tests run it in-process). */
export interface GeneratorProcess {
  write(text: string): void;
  stdout: NodeJS.ReadableStream;
  /** When the process has ended: its exit code (null when unknown) and the tail of its stderr. */
  ended: Promise<{ exitCode: number | null; stderr: string }>;
  /** Closes its stdin: the process stops what it runs and exits. */
  close(): void;
}

export type RunLoad = (options: LoadOptions) => Promise<LoadMeasurement>;

/**
 * How long past a window's own bound (warm-up + window + the drain) the runner waits for its measurement before
 * calling the generator lost: a process start-up and the copy back, with a wide margin.
 */
const GRACE_MS = 60_000;

/** runLoad through generator processes that `start` starts; close() ends the one running. */
export function remoteRunLoad(start: () => Promise<GeneratorProcess>): RunLoad & { close(): void } {
  let session: Session | undefined;
  const run: RunLoad = async (options) => {
    if (!session || session.gone) session = openSession(await start());
    try {
      return await session.run(options);
    } catch (error) {
      // The process had ended between windows (its end not yet seen): this window never started. Once more, anew.
      if (!(error instanceof NeverStarted)) throw error;
      session = openSession(await start());
      return session.run(options);
    }
  };
  return Object.assign(run, { close: () => session?.close() });
}

/** A window whose process ended before it said anything about it. */
class NeverStarted extends InfrastructureError {}

interface Session {
  readonly gone: boolean;
  run(options: LoadOptions): Promise<LoadMeasurement>;
  close(): void;
}

type Ending =
  { kind: 'result'; measurement: LoadMeasurement } | { kind: 'ended'; exitCode: number | null; stderr: string } | { kind: 'lost' };

function openSession(generator: GeneratorProcess): Session {
  let gone = false;
  let fault: string | undefined;
  let listener: ((message: Outbound) => void) | undefined;
  const split = lineSplitter((text) => {
    try {
      listener?.(parseOutbound(text));
    } catch (error) {
      fault ??= `an unreadable line from the generator (${firstLine(error)}): ${text.slice(0, 200)}`;
    }
  });
  generator.stdout.on('data', (chunk: Buffer) => split.push(chunk));
  // Every line read before the end counts.
  const read = new Promise<void>((resolve) => generator.stdout.on('end', () => resolve(split.end())));
  const ended = Promise.all([generator.ended, read]).then(([end]): Ending => {
    gone = true;
    return { kind: 'ended', ...end };
  });
  const close = () => {
    gone = true;
    generator.close();
  };

  const run = async (options: LoadOptions): Promise<LoadMeasurement> => {
    const { scenario, signal, origin, warmupMs, durationMs, amount } = options;
    let heard = false;
    const measured = new Promise<Ending>((resolve) => {
      listener = (message) => {
        heard = true;
        if ('progress' in message) options.onProgress?.(message.progress);
        else if ('warmupSettled' in message) options.onWarmupSettled?.(message.warmupSettled);
        else resolve({ kind: 'result', measurement: message.result });
      };
    });
    const boundMs = (warmupMs ?? scenario.warmupMs) + (durationMs ?? scenario.durationMs) + 2 * Math.max(1000, scenario.timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const lost = new Promise<Ending>((resolve) => (timer = setTimeout(() => resolve({ kind: 'lost' }), boundMs + GRACE_MS)));
    const stop = () => generator.write(line({ stop: String(signal?.reason ?? 'aborted') }));
    generator.write(line({ window: { origin, scenario, warmupMs, durationMs, amount } }));
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    try {
      const ending = await Promise.race([measured, ended, lost]);
      if (ending.kind === 'result' && !fault) return ending.measurement;
      // Whatever went wrong, this process is not trusted with another window.
      close();
      if (ending.kind === 'lost') {
        throw new InfrastructureError(
          `The load generator in Docker gave no measurement for "${scenario.name}" within ${Math.round((boundMs + GRACE_MS) / 1000)}s.`,
        );
      }
      const why = fault ?? (ending.kind === 'ended' ? `it exited with code ${ending.exitCode ?? 'unknown'} without a measurement` : '');
      const stderr = ending.kind === 'ended' ? ending.stderr.trim() : '';
      const Failure = ending.kind === 'ended' && !heard && !fault ? NeverStarted : InfrastructureError;
      throw new Failure(`The load generator in Docker failed during "${scenario.name}": ${why}.`, stderr ? { generator: stderr } : {});
    } finally {
      listener = undefined;
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
    }
  };

  return {
    get gone() {
      return gone;
    },
    run,
    close,
  };
}
