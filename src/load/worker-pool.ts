// Every core (#14): one window's connections spread over worker threads, each running runLoad on its share in its
// own autocannon instance with its own request ledger, so every request still has exactly one outcome, counted
// in the thread that sent it. The threads start their windows together (a barrier), and their counts are merged
// exactly: outcomes summed, latency histograms added (µs, per response), the window spanning all of theirs.
import { Worker } from 'node:worker_threads';
import type { Scenario } from '../config/types.ts';
import type { LoadMeasurement, Outcomes } from '../result.ts';
import type { Backlog } from './constant-rate.ts';
import { mergedEntries, type EntryTally } from './entry-recorder.ts';
import { LatencyRecorder, type EncodedLatency } from './latency-recorder.ts';
import { mergeOutcomes } from './outcome-counter.ts';
import type { LoadOptions, LoadProgress } from './run-load.ts';
import { SATURATION_CORES } from './saturation.ts';

/** What one thread's window came to, in a form that crosses threads (structured clone). */
export interface WindowRecord {
  outcomes: Outcomes;
  bytes: number;
  latency: EncodedLatency;
  /** Requests settled in the unrecorded warm-up. */
  warmupRequests: number;
  /** Its measured window, in epoch ms (performance.timeOrigin + now: one clock for every thread of the process). */
  windowStart: number;
  windowEnd: number;
  /** This thread's CPU time during its window (ms). */
  cpuMs: number;
  /** Open model: the schedule's own lateness, and what was due but unsent at the end. */
  lag?: EncodedLatency;
  backlog?: Backlog;
  /** A mix: each entry's own counts, in mix order. */
  entries?: EntryTally[];
}

/** What the main thread tells a worker thread: one window to run on its share, or to stop that window now. */
export type ToWorker = { type: 'run'; share: WorkerShare } | { type: 'abort'; reason: string };

/** What a worker thread tells the main thread: it has loaded (once), how its window goes, and how it ended. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; progress: LoadProgress }
  | { type: 'done'; record: WindowRecord; aborted?: string }
  | { type: 'error'; message: string };

/** A worker thread's window: its share of the load. */
export interface WorkerShare {
  origin: string;
  scenario: Scenario;
  warmupMs?: number;
  durationMs?: number;
  amount?: number;
  /** Open model: how long after the others' start this worker starts, so the workers' tickets interleave instead of coinciding. */
  delayMs: number;
  progress: boolean;
}

/** Threads for this window: the scenario's workers, never more than its connections or its request count. */
export function workersFor(scenario: Scenario, amount: number | undefined): number {
  return Math.max(1, Math.min(scenario.workers ?? 1, scenario.connections, amount ?? Number.POSITIVE_INFINITY));
}

/** `total` split into `parts` as evenly as it goes, the remainder to the first ones. */
function split(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

/**
 * Worker `index` of `workers`: its connections and its part of the request count split as evenly as they go, an
 * equal part of the open model's rate, and its own stripe of the tokens (token k goes to worker k mod workers while
 * each gets at least one; fewer tokens than workers: each worker rotates through all of them from its own start).
 */
export function shareOf(
  scenario: Scenario,
  amount: number | undefined,
  index: number,
  workers: number,
): { scenario: Scenario; amount?: number } {
  const share: Scenario = { ...scenario, workers: 1, connections: split(scenario.connections, workers, index) };
  if (scenario.rate !== undefined) share.rate = scenario.rate / workers;
  if (scenario.tokens) {
    const all = scenario.tokens.tokens;
    const tokens =
      all.length >= workers
        ? all.filter((_, k) => k % workers === index)
        : [...all.slice(index % all.length), ...all.slice(0, index % all.length)];
    share.tokens = { ...scenario.tokens, tokens };
  }
  delete share.amount;
  return amount !== undefined ? { scenario: share, amount: split(amount, workers, index) } : { scenario: share };
}

/**
 * The worker thread's entry. Run from sources it is the .ts beside this file; bundled (scripts/build.ts) it is
 * dist/load-worker.js beside dist/cli.js and dist/action.js, which this module is then part of.
 */
function workerEntry(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './load-worker.ts' : './load-worker.js', import.meta.url);
}

/**
 * Threads kept between windows: loading a thread's modules takes most of a second, and a comparison runs dozens of
 * short rounds. An idle thread is unref'd, so it never keeps the process alive.
 */
const idle: Worker[] = [];

/** A thread that has loaded its modules: an idle one, or a new one once it says it is ready. */
function borrow(): Promise<Worker> {
  const kept = idle.pop();
  if (kept) {
    kept.ref();
    return Promise.resolve(kept);
  }
  const thread = new Worker(workerEntry());
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromWorker) => {
      if (message.type !== 'ready') return;
      thread.off('error', reject);
      thread.off('message', onMessage);
      resolve(thread);
    };
    thread.on('message', onMessage);
    thread.once('error', reject);
  });
}

/** Back to the idle threads once its window ended cleanly; a thread whose window failed is ended. */
function giveBack(thread: Worker, clean: boolean): Promise<void> {
  thread.removeAllListeners('message');
  thread.removeAllListeners('error');
  thread.removeAllListeners('exit');
  if (!clean) return thread.terminate().then(() => undefined);
  thread.unref();
  idle.push(thread);
  thread.once('exit', () => {
    const at = idle.indexOf(thread);
    if (at >= 0) idle.splice(at, 1);
  });
  return Promise.resolve();
}

export async function runWorkers(options: LoadOptions, workers: number): Promise<LoadMeasurement> {
  const { scenario, signal } = options;
  const amount = options.amount ?? scenario.amount;
  // The barrier: every thread has loaded its modules before any sends, so the windows open together.
  const borrowed = await Promise.allSettled(Array.from({ length: workers }, borrow));
  const failed = borrowed.find((b) => b.status === 'rejected');
  if (failed) {
    // A thread that could not start (its entry missing from a bundle, say): none of the others is kept waiting.
    await Promise.all(borrowed.map((b) => (b.status === 'fulfilled' ? b.value.terminate() : undefined)));
    throw failed.reason;
  }
  const threads = borrowed.map((b) => (b as PromiseFulfilledResult<Worker>).value);
  const progress: Array<LoadProgress | undefined> = threads.map(() => undefined);
  const clean = threads.map(() => false);

  const results = threads.map(
    (thread, index) =>
      new Promise<{ record: WindowRecord; aborted?: string }>((resolve, reject) => {
        thread.on('message', (message: FromWorker) => {
          if (message.type === 'progress') progress[index] = message.progress;
          else if (message.type === 'done') {
            clean[index] = true;
            resolve(message.aborted ? { record: message.record, aborted: message.aborted } : { record: message.record });
          } else if (message.type === 'error') reject(new Error(message.message));
        });
        thread.on('error', reject);
        thread.on('exit', (code) =>
          reject(new Error(`load worker ${index + 1} of ${workers} exited (code ${code}) before its window ended`)),
        );
      }),
  );
  threads.forEach((thread, index) => {
    const { scenario: share, amount: shareAmount } = shareOf(scenario, amount, index, workers);
    const message: ToWorker = {
      type: 'run',
      share: {
        origin: options.origin,
        scenario: share,
        ...(options.warmupMs !== undefined ? { warmupMs: options.warmupMs } : {}),
        ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
        ...(shareAmount !== undefined ? { amount: shareAmount } : {}),
        delayMs: scenario.rate ? (index * 1000) / scenario.rate : 0,
        progress: options.onProgress !== undefined,
      },
    };
    thread.postMessage(message);
  });

  const abortAll = (reason: string) => threads.forEach((t) => t.postMessage({ type: 'abort', reason } satisfies ToWorker));
  const onAbort = () => abortAll(String(signal?.reason ?? 'aborted'));
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const ticker = options.onProgress
    ? setInterval(() => {
        const known = progress.filter((p) => p !== undefined);
        if (known.length > 0) options.onProgress!(progressOf(known));
      }, 1000)
    : undefined;

  try {
    const parts = await Promise.all(
      results.map((result) =>
        result.catch((error: unknown) => {
          // One thread failed: the others stop now rather than load a target nobody will read the results of.
          abortAll('a load worker failed');
          throw error;
        }),
      ),
    );
    const records = parts.map((p) => p.record);
    options.onWarmupSettled?.(records.reduce((sum, r) => sum + r.warmupRequests, 0));
    const aborted = parts.find((p) => p.aborted)?.aborted;
    return mergedMeasurement(scenario, records, aborted);
  } finally {
    if (ticker) clearInterval(ticker);
    signal?.removeEventListener('abort', onAbort);
    await Promise.all(threads.map((thread, index) => giveBack(thread, clean[index]!)));
  }
}

/** The threads' latest progress as one: counts summed, the slowest thread's phase and time. */
function progressOf(parts: LoadProgress[]): LoadProgress {
  const phase = parts.some((p) => p.phase === 'warmup') ? 'warmup' : 'measure';
  const now = parts.filter((p) => p.phase === phase);
  const sum = (f: (p: LoadProgress) => number) => now.reduce((s, p) => s + f(p), 0);
  return {
    phase,
    elapsedMs: Math.min(...now.map((p) => p.elapsedMs)),
    totalMs: now[0]!.totalMs,
    requests: sum((p) => p.requests),
    success: sum((p) => p.success),
    httpErrors: sum((p) => p.httpErrors),
    failures: sum((p) => p.failures),
    qps: sum((p) => p.qps),
  };
}

/**
 * The threads' windows as one, in the results' units (the same figures as run-load.ts' measurementOf). The threads'
 * windows are equally long but open a few ms apart (each on its own timer, after the barrier): the window is their
 * mean length, so the rates are the sum of the threads' rates rather than diluted by that skew. A thread is
 * saturated at SATURATION_CORES of its own window.
 */
export function mergedMeasurement(scenario: Scenario, records: readonly WindowRecord[], aborted?: string): LoadMeasurement {
  const windowMs = Math.max(1, records.reduce((sum, r) => sum + (r.windowEnd - r.windowStart), 0) / records.length);
  const seconds = windowMs / 1000;
  const outcomes = mergeOutcomes(records.map((r) => r.outcomes));
  const bytes = records.reduce((sum, r) => sum + r.bytes, 0);
  const latency = new LatencyRecorder();
  for (const r of records) latency.add(r.latency);
  const perWorker = records.map((r) => r.cpuMs / Math.max(1, r.windowEnd - r.windowStart));
  const saturated = perWorker.flatMap((cores, i) => (cores >= SATURATION_CORES ? [i + 1] : []));
  const responses = outcomes.success + outcomes.httpErrors;
  const measurement: LoadMeasurement = {
    connections: scenario.connections,
    durationMs: windowMs,
    outcomes,
    latency: latency.summary(),
    qps: outcomes.success / seconds,
    bytesPerSec: bytes / seconds,
    bytesPerResponse: responses > 0 ? bytes / responses : 0,
    generator: {
      cpu: perWorker.reduce((sum, c) => sum + c, 0),
      saturated: saturated.length > 0,
      workers: records.length,
      perWorker,
      ...(saturated.length > 0 ? { saturatedWorkers: saturated } : {}),
    },
  };
  if (scenario.rate) {
    measurement.rate = scenario.rate;
    measurement.achievedRate = outcomes.total / seconds;
    const unsent = records.reduce((sum, r) => sum + (r.backlog?.unsent ?? 0), 0);
    if (unsent > 0) measurement.backlog = { unsent, oldestWaitMs: Math.max(...records.map((r) => r.backlog?.oldestWaitMs ?? 0)) };
    const lags = new LatencyRecorder();
    for (const r of records) if (r.lag) lags.add(r.lag);
    const lag = lags.summary();
    measurement.scheduleLag = lags.count > 0 ? { p99Ms: lag.p99, maxMs: lag.max } : { p99Ms: 0, maxMs: 0 };
  }
  if (aborted) measurement.aborted = aborted;
  const names = scenario.requests.map((r) => r.entry?.name);
  if (records.every((r) => r.entries) && names.every((name) => name !== undefined)) {
    measurement.entries = mergedEntries(
      names,
      records.map((r) => r.entries!),
      windowMs,
    );
  }
  return measurement;
}
