// A load worker thread (worker-pool.ts starts it and keeps it between windows): runLoad on its share of the
// connections for each window it is given, stopped by the pool's abort, its raw counts handed back for the exact
// merge.
import { parentPort } from 'node:worker_threads';
import { runLoad } from './run-load.ts';
import type { FromWorker, ToWorker, WindowRecord, WorkerShare } from './worker-pool.ts';

const port = parentPort!;
const send = (message: FromWorker) => port.postMessage(message);
let interrupt = new AbortController();

port.on('message', (message: ToWorker) => {
  if (message.type === 'abort') interrupt.abort(message.reason);
  else {
    interrupt = new AbortController();
    const signal = interrupt.signal;
    if (message.share.delayMs > 0) setTimeout(() => run(message.share, signal), message.share.delayMs);
    else run(message.share, signal);
  }
});
// Its modules are loaded: the pool's barrier waits for this from every new thread.
send({ type: 'ready' });

function run(share: WorkerShare, signal: AbortSignal): void {
  let record: WindowRecord | undefined;
  runLoad({
    origin: share.origin,
    scenario: share.scenario,
    ...(share.warmupMs !== undefined ? { warmupMs: share.warmupMs } : {}),
    ...(share.durationMs !== undefined ? { durationMs: share.durationMs } : {}),
    ...(share.amount !== undefined ? { amount: share.amount } : {}),
    signal,
    ...(share.progress ? { onProgress: (progress) => send({ type: 'progress', progress }) } : {}),
    onWindowRecorded: (r) => (record = r),
  }).then(
    (measurement) => send({ type: 'done', record: record!, ...(measurement.aborted ? { aborted: measurement.aborted } : {}) }),
    (error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
}
