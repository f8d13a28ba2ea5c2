// One window of load with autocannon: an unrecorded warm-up, then a measured window, on the same warm
// connections. We record every response ourselves (µs latency, outcomes by kind); autocannon only drives.
import http from 'node:http';
import https from 'node:https';
import autocannon from 'autocannon';
import type { Scenario } from '../config/types.ts';
import type { LoadMeasurement } from '../result.ts';
import { ConstantRateSchedule, type Backlog, type PacedClient } from './constant-rate.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { failureKind, OutcomeCounter } from './outcome-counter.ts';
import { autocannonRequests } from './request-plan.ts';

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

/**
 * autocannon is single-threaded: at this share of one core the generator, not the service, sets the pace.
 * (Measured here: a saturated generator sits at 0.97–1.0; an idle-waiting one well under 0.8.)
 */
export const SATURATION_CORES = 0.9;

/** How often autocannon checks for stop: it keeps sending until then, so keep it short. */
const STOP_CHECK_MS = 50;

export async function runLoad(options: LoadOptions): Promise<LoadMeasurement> {
  const { scenario } = options;
  const warmupMs = options.warmupMs ?? scenario.warmupMs;
  const durationMs = options.durationMs ?? scenario.durationMs;
  const amount = options.amount ?? scenario.amount;
  // autocannon's timeout has whole-second resolution with a 1 s minimum (the config enforces it too).
  const timeoutMs = Math.max(1000, scenario.timeoutMs);

  const latency = new LatencyRecorder();
  const counter = new OutcomeCounter();
  let recording = warmupMs <= 0;
  let aborted: string | undefined;
  let windowStart = 0;
  let windowEnd = 0;
  let cpuStart = process.cpuUsage();
  const warmup = new OutcomeCounter();

  // Open model: our constant schedule paces the connections, and each latency counts from when its request was
  // due. A timed-out request is recorded at the timeout plus its wait, from the client's own timeout event
  // (autocannon's reqError does not say which connection failed).
  const schedule = scenario.rate ? new ConstantRateSchedule(scenario.rate) : undefined;
  // `_doRequest` is autocannon's internal "send the next request" (lib/httpClient.js), which the schedule wraps.
  const paced = (client: autocannon.Client) => client as unknown as PacedClient;
  const setupClient = schedule
    ? (client: autocannon.Client) => {
        schedule.attach(paced(client));
        // 'timeout' is emitted by the client (lib/httpClient.js) though the types list only some events.
        (client as NodeJS.EventEmitter).on('timeout', () => {
          if (recording) latency.recordMs(timeoutMs + schedule.waitMs(paced(client)));
        });
      }
    : undefined;
  let backlog: Backlog | undefined;

  let settle: (error?: Error) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  // The callback form returns the running instance (events, stop) and reports validation errors.
  const instance = autocannon(
    {
      url: options.origin,
      connections: scenario.connections,
      pipelining: 1,
      // Hard bound on the whole run: warm-up + window + one timeout; we normally stop it ourselves first.
      duration: (warmupMs + durationMs + timeoutMs) / 1000 + 1,
      timeout: timeoutMs / 1000,
      sampleInt: STOP_CHECK_MS,
      requests: autocannonRequests(scenario),
      ...(setupClient ? { setupClient } : {}),
      // Our recorder replaces autocannon's whole-millisecond statistics.
      skipAggregateResult: true,
    } as autocannon.Options,
    (error: Error | null) => settle(error ?? undefined),
  );

  instance.on('response', (client: autocannon.Client, statusCode: number, resBytes: number, responseTime: number) => {
    if (!recording) {
      warmup.response(statusCode, resBytes);
      return;
    }
    counter.response(statusCode, resBytes);
    latency.recordMs(schedule ? responseTime + schedule.waitMs(paced(client)) : responseTime);
    if (amount !== undefined && counter.total >= amount) finish();
  });
  instance.on('reqError', (error: unknown) => {
    const kind = failureKind(error);
    if (!recording) {
      warmup.failure(kind);
      return;
    }
    counter.failure(kind);
    // A timed-out request is recorded at the timeout: leaving it out would make P99 look better.
    if (kind === 'timeout' && !schedule) latency.recordMs(timeoutMs);
    if (amount !== undefined && counter.total >= amount) finish();
  });

  const started = performance.now();
  let finished = false;
  const timers: NodeJS.Timeout[] = [];
  function startWindow() {
    recording = true;
    windowStart = performance.now();
    cpuStart = process.cpuUsage();
    timers.push(setTimeout(finish, durationMs));
  }
  function finish() {
    if (finished) return;
    finished = true;
    if (!recording) windowStart = performance.now();
    windowEnd = performance.now();
    recording = false;
    cpuUsed = process.cpuUsage(cpuStart);
    backlog = schedule?.stop();
    // On invalid options autocannon hands back a bare emitter without stop().
    (instance as { stop?: () => void }).stop?.();
  }
  let cpuUsed = { user: 0, system: 0 };

  if (warmupMs > 0) timers.push(setTimeout(startWindow, warmupMs));
  else {
    windowStart = started;
    cpuStart = process.cpuUsage();
    timers.push(setTimeout(finish, durationMs));
  }

  const onAbort = () => {
    aborted = `interrupted (${String(options.signal?.reason ?? 'aborted')})`;
    finish();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  const progress = options.onProgress
    ? setInterval(() => {
        const now = performance.now();
        const inWarmup = !recording && !finished && now - started < warmupMs;
        const source = inWarmup ? warmup : counter;
        const elapsed = inWarmup ? now - started : now - (windowStart || now);
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
    // Also when autocannon rejects its options: the schedule's timer must not keep the process alive.
    finish();
    for (const t of timers) clearTimeout(t);
    if (progress) clearInterval(progress);
    options.signal?.removeEventListener('abort', onAbort);
  }

  const windowMs = Math.max(1, windowEnd - windowStart);
  const seconds = windowMs / 1000;
  const cores = (cpuUsed.user + cpuUsed.system) / 1000 / windowMs;
  const outcomes = counter.outcomes();
  const measurement: LoadMeasurement = {
    connections: scenario.connections,
    durationMs: windowMs,
    outcomes,
    latency: latency.summary(),
    qps: outcomes.success / seconds,
    bytesPerSec: counter.bytes / seconds,
    bytesPerResponse: outcomes.success + outcomes.httpErrors > 0 ? counter.bytes / (outcomes.success + outcomes.httpErrors) : 0,
    generator: { cpu: cores, saturated: cores >= SATURATION_CORES },
  };
  if (scenario.rate) {
    measurement.rate = scenario.rate;
    measurement.achievedRate = outcomes.total / seconds;
    if (backlog && backlog.unsent > 0) measurement.backlog = backlog;
    measurement.scheduleLag = schedule!.lag();
  }
  if (aborted) measurement.aborted = aborted;
  return measurement;
}

/** One request to see whether anything answers at the origin (any HTTP status counts as reachable). */
export function probeTarget(origin: string, timeoutMs: number): Promise<{ ok: true } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    const get = origin.startsWith('https:') ? https.get : http.get;
    const request = get(origin, { timeout: timeoutMs, agent: false, rejectUnauthorized: false }, (response) => {
      response.resume();
      resolve({ ok: true });
    });
    request.on('timeout', () => {
      request.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'ECONNREFUSED'
          ? 'connection refused (nothing listens there)'
          : error.code === 'ENOTFOUND'
            ? 'unknown host'
            : error.message;
      resolve({ ok: false, reason });
    });
  });
}
