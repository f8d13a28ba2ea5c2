// One window of load with autocannon: an unrecorded warm-up, then a measured window, on the same warm
// connections. We record every response ourselves (µs latency, outcomes by kind); autocannon only drives.
import autocannon from 'autocannon';
import { isMainThread } from 'node:worker_threads';
import type { Scenario } from '../config/types.ts';
import type { LoadMeasurement } from '../result.ts';
import { ConstantRateSchedule, type Backlog, type PacedClient } from './constant-rate.ts';
import { EntryRecorder } from './entry-recorder.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { readIntoOneBuffer, trimClient, type ConnectingClient, type TrimmableClient } from './lean-client.ts';
import { OutcomeCounter } from './outcome-counter.ts';
import { RequestLedger, type LedgerClient } from './request-ledger.ts';
import { autocannonRequests, entryOf } from './request-plan.ts';
import { responseChecker } from './response-check.ts';
import { SATURATION_CORES } from './saturation.ts';
import { runWorkers, workersFor, type WindowRecord } from './worker-pool.ts';

export interface LoadOptions {
  origin: string;
  scenario: Scenario;
  /** Default scenario.warmupMs; 0 = none. Not recorded. */
  warmupMs?: number;
  /** Default scenario.durationMs. */
  durationMs?: number;
  /** Default scenario.amount: the measured window ends after this many requests (duration still bounds it). */
  amount?: number;
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
  /** Told once every request has settled: how many ended in the unrecorded warm-up (the diagnosis divides by them too). */
  onWarmupSettled?: (requests: number) => void;
  /** A worker thread's share of the load (worker-pool.ts): its raw counts, for the merge. */
  onWindowRecorded?: (record: WindowRecord) => void;
}

export interface LoadProgress {
  phase: 'warmup' | 'measure';
  elapsedMs: number;
  totalMs: number;
  requests: number;
  success: number;
  httpErrors: number;
  failures: number;
  qps: number;
}

/** How often autocannon checks for stop: it keeps sending until then, so keep it short. */
const STOP_CHECK_MS = 50;

/** In a worker thread only that thread's CPU is its own; in the main thread the whole process is the generator. */
const cpuUsage = isMainThread
  ? (since?: NodeJS.CpuUsage) => process.cpuUsage(since)
  : (since?: NodeJS.CpuUsage) => process.threadCpuUsage(since);

/**
 * One measured window. With `scenario.workers` above 1 the connections (and the open model's rate) are spread over
 * that many worker threads, each running this same function on its share, and their counts merged exactly.
 */
export async function runLoad(options: LoadOptions): Promise<LoadMeasurement> {
  const workers = workersFor(options.scenario, options.amount ?? options.scenario.amount);
  if (workers > 1) return runWorkers(options, workers);
  const { scenario } = options;
  const warmupMs = options.warmupMs ?? scenario.warmupMs;
  const durationMs = options.durationMs ?? scenario.durationMs;
  const amount = options.amount ?? scenario.amount;
  // autocannon's timeout has a 1 s minimum (the config enforces it too).
  const timeoutMs = Math.max(1000, scenario.timeoutMs);

  const latency = new LatencyRecorder();
  // `expect:` checks each response (its status always, its body and headers on a sample past a rate): see response-check.ts.
  const check = responseChecker(scenario);
  const counter = new OutcomeCounter({ checking: check !== undefined });
  const warmup = new OutcomeCounter({ checking: check !== undefined });
  // A mix: each entry counted on its own too (the totals above stay the scenario's).
  const entries = EntryRecorder.of(scenario, { checking: check !== undefined });
  let aborted: string | undefined;
  let windowStart = 0;
  let windowEnd = 0;
  let cpuStart = cpuUsage();
  let cpuUsed = { user: 0, system: 0 };
  let backlog: Backlog | undefined;

  // Open model: our constant schedule paces the connections, and each latency counts from when its request was due.
  const schedule = scenario.rate ? new ConstantRateSchedule(scenario.rate) : undefined;
  // A request belongs to the window it was sent in; each is settled once, as a response or a failure by kind, and
  // every one of the window's is in the latency histogram at the time it took (a timeout at the timeout).
  const ledger = new RequestLedger({
    settle: ({ phase, entry, latencyMs, outcome }) => {
      const into = phase === 'window' ? counter : warmup;
      if ('failure' in outcome) into.failure(outcome.failure);
      else into.response(outcome.status, outcome.bytes, outcome.verdict);
      if (phase === 'window') {
        latency.recordMs(latencyMs);
        entries?.record(entry, latencyMs, outcome);
      }
    },
    ...(entries ? { entryOf: (client: LedgerClient) => entryOf(client.requestIterator.context) } : {}),
    ...(amount !== undefined ? { amount, onWindowFull: () => endWindow() } : {}),
    ...(schedule ? { waitMs: (client: LedgerClient) => schedule.waitMs(client) } : {}),
    ...(check
      ? {
          inspect: (client: LedgerClient, status: number, body: string, headers: string[]) =>
            check(entryOf(client.requestIterator.context), status, body, headers),
        }
      : {}),
  });
  // Without a warm-up the window opens before autocannon's first requests (it connects as it is created).
  if (warmupMs <= 0) ledger.startWindow();
  // autocannon hands each Client over before it connects; `_doRequest` and friends are its internals
  // (lib/httpClient.js), which the ledger and the schedule wrap, in that order.
  const setupClient = (client: autocannon.Client) => {
    readIntoOneBuffer(client as unknown as ConnectingClient);
    ledger.attach(client as unknown as LedgerClient);
    schedule?.attach(client as unknown as PacedClient);
    trimClient(client as unknown as TrimmableClient, { keepBodies: check !== undefined });
  };

  let settleRun: (error?: Error) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    settleRun = (error) => (error ? reject(error) : resolve());
  });
  // The callback form returns the running instance (events, stop) and reports validation errors.
  const instance = autocannon(
    {
      url: options.origin,
      connections: scenario.connections,
      pipelining: 1,
      // Hard bound on the whole run: warm-up + window + the drain (one timeout); we normally stop it ourselves first.
      duration: (warmupMs + durationMs + 2 * timeoutMs) / 1000 + 2,
      timeout: timeoutMs / 1000,
      sampleInt: STOP_CHECK_MS,
      requests: autocannonRequests(scenario),
      setupClient,
      // Our recorder replaces autocannon's whole-millisecond statistics.
      skipAggregateResult: true,
    } as autocannon.Options,
    (error: Error | null) => settleRun(error ?? undefined),
  );

  const started = performance.now();
  let phase: 'warmup' | 'window' | 'draining' | 'stopped' = 'warmup';
  const timers: NodeJS.Timeout[] = [];
  function startWindow() {
    if (phase !== 'warmup') return;
    phase = 'window';
    ledger.startWindow();
    windowStart = warmupMs > 0 ? performance.now() : started;
    cpuStart = cpuUsage();
    timers.push(setTimeout(endWindow, durationMs));
  }
  /** Sending stops; the window's requests still in flight get their outcome (up to their timeout), then we stop. */
  function endWindow() {
    if (phase === 'draining' || phase === 'stopped') return;
    if (phase === 'warmup') windowStart = performance.now();
    phase = 'draining';
    windowEnd = performance.now();
    cpuUsed = cpuUsage(cpuStart);
    backlog = schedule?.stop();
    // autocannon's ticker times each request out `timeoutMs` after it was written; this only backs it up.
    const backstop = setTimeout(() => ledger.settleRemaining('timeout'), aborted ? 0 : timeoutMs + 1000);
    timers.push(backstop);
    void ledger.drain().then(stop);
  }
  function stop() {
    if (phase === 'stopped') return;
    phase = 'stopped';
    ledger.stop();
    schedule?.stop();
    // On invalid options autocannon hands back a bare emitter without stop().
    (instance as { stop?: () => void }).stop?.();
  }

  if (warmupMs > 0) timers.push(setTimeout(startWindow, warmupMs));
  else startWindow();

  // Interrupted: the window ends now and what is still in flight is not waited for (the result says it was cut short):
  // each such request is a failure of its own kind, at once, never a timeout the service did not have.
  const onAbort = () => {
    aborted = `interrupted (${String(options.signal?.reason ?? 'aborted')})`;
    endWindow();
    ledger.settleRemaining('interrupted');
    stop();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  const progress = options.onProgress
    ? setInterval(() => {
        const now = performance.now();
        const inWarmup = phase === 'warmup';
        const source = inWarmup ? warmup : counter;
        const elapsed = inWarmup ? now - started : (phase === 'window' ? now : windowEnd) - windowStart;
        options.onProgress!({
          phase: inWarmup ? 'warmup' : 'measure',
          elapsedMs: elapsed,
          totalMs: inWarmup ? warmupMs : durationMs,
          requests: source.total,
          success: source.success,
          httpErrors: source.httpErrors,
          failures: source.failures,
          qps: elapsed > 0 ? source.success / (elapsed / 1000) : 0,
        });
      }, 1000)
    : undefined;

  try {
    await done;
  } finally {
    // Also when autocannon rejects its options or ends by its own hard bound: no timer may keep the process alive.
    endWindow();
    stop();
    for (const t of timers) clearTimeout(t);
    if (progress) clearInterval(progress);
    options.signal?.removeEventListener('abort', onAbort);
  }

  options.onWarmupSettled?.(warmup.total);
  options.onWindowRecorded?.({
    outcomes: counter.outcomes(),
    bytes: counter.bytes,
    latency: latency.encode(),
    warmupRequests: warmup.total,
    windowStart: performance.timeOrigin + windowStart,
    windowEnd: performance.timeOrigin + Math.max(windowEnd, windowStart + 1),
    cpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
    ...(schedule ? { lag: schedule.lagLatency().encode(), ...(backlog ? { backlog } : {}) } : {}),
    ...(entries ? { entries: entries.encode() } : {}),
  });
  return measurementOf({
    scenario,
    windowMs: Math.max(1, windowEnd - windowStart),
    cpuUsed,
    counter,
    latency,
    ...(entries ? { entries } : {}),
    ...(schedule ? { openModel: { schedule, backlog } } : {}),
    ...(aborted ? { aborted } : {}),
  });
}

/** What one measured window comes to, in the results' units: everything per second of the sending window. */
function measurementOf(window: {
  scenario: Scenario;
  windowMs: number;
  cpuUsed: NodeJS.CpuUsage;
  counter: OutcomeCounter;
  latency: LatencyRecorder;
  entries?: EntryRecorder;
  openModel?: { schedule: ConstantRateSchedule; backlog: Backlog | undefined };
  aborted?: string;
}): LoadMeasurement {
  const { scenario, windowMs, counter } = window;
  const seconds = windowMs / 1000;
  const cores = (window.cpuUsed.user + window.cpuUsed.system) / 1000 / windowMs;
  const outcomes = counter.outcomes();
  const responses = outcomes.success + outcomes.httpErrors;
  const measurement: LoadMeasurement = {
    connections: scenario.connections,
    durationMs: windowMs,
    outcomes,
    latency: window.latency.summary(),
    qps: outcomes.success / seconds,
    bytesPerSec: counter.bytes / seconds,
    bytesPerResponse: responses > 0 ? counter.bytes / responses : 0,
    generator: { cpu: cores, saturated: cores >= SATURATION_CORES, workers: 1 },
  };
  if (scenario.rate && window.openModel) {
    const { schedule, backlog } = window.openModel;
    measurement.rate = scenario.rate;
    measurement.achievedRate = outcomes.total / seconds;
    if (backlog && backlog.unsent > 0) measurement.backlog = backlog;
    measurement.scheduleLag = schedule.lag();
  }
  if (window.aborted) measurement.aborted = window.aborted;
  if (window.entries) measurement.entries = window.entries.measurements(windowMs);
  return measurement;
}
