// The start-up probe: is anything answering HTTP at the target? One GET /, bounded by an overall deadline and
// by the run's AbortSignal (Ctrl-C, SIGTERM).
//
// Node's request `timeout` option is an idle-socket timeout: a server that trickles one header byte a second
// never lets it fire. So the deadline here is a timer over the whole attempt (DNS, connect, TLS, headers), and
// the request is destroyed when it fires, when the signal aborts, and as soon as any response arrives.
import http from 'node:http';
import https from 'node:https';
import { MAX_TIMER_MS } from '../config/limits.ts';

export type ProbeOutcome =
  /** Any HTTP response, 500 included: something is listening and speaks HTTP. */
  | { outcome: 'reachable'; status: number }
  | { outcome: 'unreachable'; reason: string }
  /** The signal aborted first; nothing is known about the target. */
  | { outcome: 'interrupted'; reason: string };

export interface ProbeOptions {
  /** The whole probe resolves within this, whatever the server does. */
  deadlineMs: number;
  signal?: AbortSignal | undefined;
}

export function probeTarget(origin: string, options: ProbeOptions): Promise<ProbeOutcome> {
  const { deadlineMs, signal } = options;
  if (!(deadlineMs > 0 && deadlineMs <= MAX_TIMER_MS))
    throw new RangeError(`probe deadline must be 1..${MAX_TIMER_MS} ms, got ${deadlineMs}`);
  const interrupted = (): ProbeOutcome => ({ outcome: 'interrupted', reason: `interrupted (${String(signal?.reason ?? 'aborted')})` });
  if (signal?.aborted) return Promise.resolve(interrupted());

  return new Promise((resolve) => {
    let request: http.ClientRequest | undefined;
    let settled = false;
    const settle = (outcome: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
      // Frees the socket whatever state it is in; a late 'error' from it lands on the listener below.
      request?.destroy();
      resolve(outcome);
    };
    const onAbort = () => settle(interrupted());
    const deadline = setTimeout(() => settle({ outcome: 'unreachable', reason: `no answer within ${deadlineMs} ms` }), deadlineMs);
    signal?.addEventListener('abort', onAbort, { once: true });

    try {
      const get = origin.startsWith('https:') ? https.get : http.get;
      request = get(origin, { agent: false, rejectUnauthorized: false }, (response) => {
        // The status line and headers are enough; the body (maybe endless) is not read.
        settle({ outcome: 'reachable', status: response.statusCode ?? 0 });
      });
    } catch (error) {
      settle({ outcome: 'unreachable', reason: error instanceof Error ? error.message : String(error) });
      return;
    }
    request.on('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'ECONNREFUSED'
          ? 'connection refused (nothing listens there)'
          : error.code === 'ENOTFOUND'
            ? 'unknown host'
            : error.message;
      settle({ outcome: 'unreachable', reason });
    });
  });
}
