// A raw TCP server that misbehaves on purpose, per request, and counts what it did: fault tests compare
// perfgate's outcome counts with these. One request per head ("...\r\n\r\n"): the tests send GETs only.
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { LoadMeasurement } from '../../src/result.ts';

/** What the server does with the n-th request (1-based) for `path`. */
export type Fault =
  | 'ok' // 200 with a 2-byte body
  | 'reset' // RST, no response
  | 'hang' // never answers; the socket stays open
  | 'truncate' // headers promise 1,000 bytes, 10 arrive, then FIN
  | 'close' // 200 with `Connection: close`, then FIN (a gunicorn sync worker)
  | 'until-close' // 200 with no length: the body ends when the connection closes
  | 'garbage'; // a response that is not HTTP

export interface FaultServer {
  url: string;
  /** Requests received, by what was done with them. */
  counts: Record<Fault, number>;
  received(): number;
  close(): Promise<void>;
}

export async function startFaultServer(faultOf: (n: number, path: string) => Fault): Promise<FaultServer> {
  const counts: Record<Fault, number> = { ok: 0, reset: 0, hang: 0, truncate: 0, close: 0, 'until-close': 0, garbage: 0 };
  let n = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    let open = true;
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while (open && (end = buffered.indexOf('\r\n\r\n')) >= 0) {
        const path = buffered.slice(0, end).split(' ')[1] ?? '/';
        buffered = buffered.slice(end + 4);
        const fault = faultOf(++n, path);
        counts[fault]++;
        switch (fault) {
          case 'ok':
            socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
            break;
          case 'reset':
            open = false;
            socket.resetAndDestroy();
            break;
          case 'hang':
            open = false;
            break;
          case 'truncate':
            open = false;
            socket.end(`HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(10)}`);
            break;
          case 'close':
            open = false;
            socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok');
            break;
          case 'until-close':
            open = false;
            socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nthe body ends with the connection');
            break;
          case 'garbage':
            open = false;
            socket.write('HELLO THIS IS NOT HTTP\r\n\r\n');
            break;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    received: () => n,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * perfgate's counts, kind by kind, against what the server did. An interrupted run did not wait for what was in
 * flight: a hung request, or an answer on its way, is then `interrupted`, and only then.
 */
export function assertAccounted(m: LoadMeasurement, s: FaultServer): void {
  const o = m.outcomes;
  assert.equal(o.total, s.received(), `perfgate counted ${o.total} requests, the server received ${s.received()}`);
  const answered = s.counts.ok + s.counts.close + s.counts['until-close'];
  const cut = o.byFailure.interrupted ?? 0;
  if (m.aborted === undefined) assert.equal(cut, 0, 'nothing is cut off without an interrupt');
  assert.ok(o.success <= answered && o.byFailure.timeout <= s.counts.hang, 'successes and timeouts');
  assert.equal(o.success + o.byFailure.timeout + cut, answered + s.counts.hang, 'successes, timeouts and interrupted');
  assert.equal(o.byFailure.reset, s.counts.reset, 'resets');
  assert.equal(o.byFailure.truncated ?? 0, s.counts.truncate, 'truncated');
  assert.equal(o.byFailure.other, s.counts.garbage, 'not HTTP');
  assert.equal(o.success + o.httpErrors + o.failures, o.total);
}
