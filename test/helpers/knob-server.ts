// A real HTTP server on port 0 whose behaviour the tests set: delay, error rate, stalls, payload size, tail delay.
// Like autocannon's test/helper.js: tests check measured values against what the server was told to do.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Knobs {
  /** Fixed delay per request (ms). */
  delayMs: number;
  /** Every k-th request answers 500, with k = round(1 / errorRate); deterministic. */
  errorRate: number;
  /** Every k-th request never gets an answer (k = round(1 / stallRate)). */
  stallRate: number;
  /** Body size in bytes. */
  payloadBytes: number;
  /** Every k-th request (k = round(1 / tailRate)) waits tailDelayMs more. */
  tailRate: number;
  tailDelayMs: number;
}

export interface KnobServer {
  url: string;
  port: number;
  knobs: Knobs;
  /** Requests seen, by "METHOD path". */
  requests: Map<string, number>;
  /** Values of the authorization header seen. */
  tokens: Map<string, number>;
  /** Arrival times (performance.now()) of every request. */
  arrivals: number[];
  total(): number;
  reset(): void;
  close(): Promise<void>;
}

const every = (rate: number, n: number) => rate > 0 && n % Math.max(1, Math.round(1 / rate)) === 0;

export async function startKnobServer(initial: Partial<Knobs> = {}): Promise<KnobServer> {
  const knobs: Knobs = { delayMs: 0, errorRate: 0, stallRate: 0, payloadBytes: 2, tailRate: 0, tailDelayMs: 0, ...initial };
  const requests = new Map<string, number>();
  const tokens = new Map<string, number>();
  const arrivals: number[] = [];
  let count = 0;
  const stalled = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    count++;
    const n = count;
    arrivals.push(performance.now());
    const key = `${req.method} ${req.url}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    const token = req.headers.authorization;
    if (token) tokens.set(token, (tokens.get(token) ?? 0) + 1);
    req.resume();
    if (every(knobs.stallRate, n)) {
      stalled.add(res);
      res.on('close', () => stalled.delete(res));
      return;
    }
    const status = every(knobs.errorRate, n) ? 500 : 200;
    const body = Buffer.alloc(knobs.payloadBytes, 'x');
    const send = () => {
      res.writeHead(status, { 'content-type': 'text/plain', 'content-length': body.length });
      res.end(body);
    };
    const delay = knobs.delayMs + (every(knobs.tailRate, n) ? knobs.tailDelayMs : 0);
    if (delay > 0) setTimeout(send, delay);
    else send();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    knobs,
    requests,
    tokens,
    arrivals,
    total: () => count,
    reset() {
      count = 0;
      requests.clear();
      tokens.clear();
      arrivals.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of stalled) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
