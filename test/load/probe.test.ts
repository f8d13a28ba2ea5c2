// The start-up probe against real local servers that misbehave on purpose: it resolves within its deadline
// whatever the server does, at once when the signal aborts, and releases its socket and timer every time.
// Timing is asserted on the real clock with generous margins; the tests wait on events, never on sleeps.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { probeTarget } from '../../src/load/probe.ts';
import { closedPort } from '../helpers/knob-server.ts';

/** Generous: a loaded CI machine may be slow to run a timer, but not by this much. */
const SLACK_MS = 1500;
/** A misbehaving server stops itself after this, so a probe that ignores its deadline fails instead of hanging. */
const SERVER_LIFETIME_MS = 4000;

interface Misbehaving {
  url: string;
  /** Resolves with the first connection the server accepts. */
  accepted: Promise<net.Socket>;
  /** Resolves when that connection has closed (the probe let go of it). */
  released: Promise<void>;
  /** Bytes written after the first, trickled one at a time. */
  trickled(): number;
  close(): Promise<void>;
}

/** A raw TCP server that hands each connection to `behave`; it stops itself after `lifetimeMs`. */
async function misbehaving(
  behave: (socket: net.Socket, count: () => void) => () => void,
  lifetimeMs = SERVER_LIFETIME_MS,
): Promise<Misbehaving> {
  const sockets = new Set<net.Socket>();
  const cleanups = new Set<() => void>();
  let trickled = 0;
  let onAccepted!: (socket: net.Socket) => void;
  const accepted = new Promise<net.Socket>((resolve) => (onAccepted = resolve));
  const released = accepted.then(
    (socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve()))),
  );
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    // Read (and drop) the request, so the client's FIN is seen and 'close' follows when the probe lets go.
    socket.resume();
    const cleanup = behave(socket, () => trickled++);
    cleanups.add(cleanup);
    socket.once('close', () => {
      sockets.delete(socket);
      cleanup();
      cleanups.delete(cleanup);
    });
    onAccepted(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = async () => {
    clearTimeout(lifetime);
    for (const cleanup of cleanups) cleanup();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const lifetime = setTimeout(() => void close(), lifetimeMs);
  lifetime.unref();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, accepted, released, trickled: () => trickled, close };
}

/** Accepts and never answers. */
const silent = (lifetimeMs?: number) => misbehaving(() => () => {}, lifetimeMs);

/** Starts a status line, then sends one more header byte every 200 ms, forever: the headers never end. */
const trickling = () =>
  misbehaving((socket, count) => {
    socket.write('HTTP/1.1 200 OK\r\nX-Trickle: ');
    const drip = setInterval(() => {
      socket.write('a');
      count();
    }, 200);
    return () => clearInterval(drip);
  });

/** Answers 200 at once, then a body that never ends. */
const endlessBody = () =>
  misbehaving((socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n');
    const drip = setInterval(() => socket.write('1\r\na\r\n'), 20);
    return () => clearInterval(drip);
  });

async function timed<T>(work: Promise<T>): Promise<{ value: T; elapsedMs: number }> {
  const start = performance.now();
  const value = await work;
  return { value, elapsedMs: performance.now() - start };
}

function assertAroundDeadline(elapsedMs: number, deadlineMs: number) {
  // Timers may fire a millisecond early on their own clock; never much earlier, and late only on a busy machine.
  assert.ok(elapsedMs >= deadlineMs - 50, `resolved after ${elapsedMs.toFixed(0)} ms, before the ${deadlineMs} ms deadline`);
  assert.ok(elapsedMs < deadlineMs + SLACK_MS, `resolved after ${elapsedMs.toFixed(0)} ms, well past the ${deadlineMs} ms deadline`);
}

describe('probeTarget', { timeout: 20_000 }, () => {
  let answers500: http.Server;
  let url500: string;
  before(async () => {
    answers500 = http.createServer((_req, res) => {
      res.statusCode = 500;
      res.end('boom');
    });
    await new Promise<void>((resolve) => answers500.listen(0, '127.0.0.1', resolve));
    url500 = `http://127.0.0.1:${(answers500.address() as AddressInfo).port}`;
  });
  after(async () => {
    answers500.closeAllConnections();
    await new Promise<void>((resolve) => answers500.close(() => resolve()));
  });

  test('a server that accepts and never answers: unreachable at the deadline, socket released', async () => {
    const server = await silent();
    try {
      const { value, elapsedMs } = await timed(probeTarget(server.url, { deadlineMs: 500 }));
      assert.deepEqual(value, { outcome: 'unreachable', reason: 'no answer within 500 ms' });
      assertAroundDeadline(elapsedMs, 500);
      await server.released;
    } finally {
      await server.close();
    }
  });

  test('a server that trickles a header byte every 200 ms: the deadline is overall, not idle', async () => {
    // An idle-socket timeout of 500 ms would never fire here: a byte arrives every 200 ms until the server
    // stops itself after 4 s.
    const server = await trickling();
    try {
      const { value, elapsedMs } = await timed(probeTarget(server.url, { deadlineMs: 500 }));
      assert.deepEqual(value, { outcome: 'unreachable', reason: 'no answer within 500 ms' });
      assertAroundDeadline(elapsedMs, 500);
      assert.ok(server.trickled() >= 1, 'the probe was cut off mid-headers, with bytes still arriving');
      await server.released;
    } finally {
      await server.close();
    }
  });

  test('a server that answers 500 is reachable: something listens and speaks HTTP', async () => {
    const { value, elapsedMs } = await timed(probeTarget(url500, { deadlineMs: 5000 }));
    assert.deepEqual(value, { outcome: 'reachable', status: 500 });
    assert.ok(elapsedMs < SLACK_MS, `${elapsedMs.toFixed(0)} ms`);
  });

  test('an endless body is not read: reachable at the headers, socket released', async () => {
    const server = await endlessBody();
    try {
      const { value, elapsedMs } = await timed(probeTarget(server.url, { deadlineMs: 5000 }));
      assert.deepEqual(value, { outcome: 'reachable', status: 200 });
      assert.ok(elapsedMs < SLACK_MS, `${elapsedMs.toFixed(0)} ms`);
      await server.released;
    } finally {
      await server.close();
    }
  });

  test('a refused port is unreachable at once, with the reason', async () => {
    const port = await closedPort();
    const { value, elapsedMs } = await timed(probeTarget(`http://127.0.0.1:${port}`, { deadlineMs: 5000 }));
    assert.deepEqual(value, { outcome: 'unreachable', reason: 'connection refused (nothing listens there)' });
    assert.ok(elapsedMs < SLACK_MS, `${elapsedMs.toFixed(0)} ms`);
  });

  test('Ctrl-C while the server holds the probe: interrupted at once, long before the deadline', async () => {
    const server = await silent();
    try {
      const controller = new AbortController();
      void server.accepted.then(() => controller.abort('SIGINT'));
      const { value, elapsedMs } = await timed(probeTarget(server.url, { deadlineMs: 60_000, signal: controller.signal }));
      assert.deepEqual(value, { outcome: 'interrupted', reason: 'interrupted (SIGINT)' });
      assert.ok(elapsedMs < SLACK_MS, `${elapsedMs.toFixed(0)} ms`);
      await server.released;
    } finally {
      await server.close();
    }
  });

  test('a signal aborted already: interrupted without trying', async () => {
    const value = await probeTarget('http://127.0.0.1:9', { deadlineMs: 60_000, signal: AbortSignal.abort('SIGTERM') });
    assert.deepEqual(value, { outcome: 'interrupted', reason: 'interrupted (SIGTERM)' });
  });

  test('a deadline no timer can hold is refused, not turned into 1 ms', () => {
    for (const deadlineMs of [0, -1, Number.NaN, Infinity, 2 ** 31]) {
      assert.throws(() => probeTarget(url500, { deadlineMs }), RangeError, String(deadlineMs));
    }
  });

  test('nothing the probe leaves behind keeps a process alive (deadline and interrupt, against a server that holds on)', async () => {
    // A child process probes the silent server here twice and must then exit by itself: a leaked socket would
    // keep it running as long as the server holds on (longer than the backstop below), a leaked deadline timer 60 s.
    const server = await silent(30_000);
    try {
      const probe = pathToFileURL('src/load/probe.ts').href;
      const script = `
        const { probeTarget } = await import(${JSON.stringify(probe)});
        const byDeadline = await probeTarget(${JSON.stringify(server.url)}, { deadlineMs: 300 });
        const byAbort = await probeTarget(${JSON.stringify(server.url)}, { deadlineMs: 60000, signal: AbortSignal.timeout(100) });
        console.log(JSON.stringify([byDeadline.outcome, byAbort.outcome]));`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      // Only a backstop so a regression fails instead of hanging; the exit is what is awaited.
      const backstop = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      clearTimeout(backstop);
      assert.equal(code, 0, `the child did not exit by itself (killed after 10 s): ${stderr}`);
      assert.deepEqual(JSON.parse(stdout), ['unreachable', 'interrupted']);
    } finally {
      await server.close();
    }
  });
});
