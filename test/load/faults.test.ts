// Servers that misbehave on purpose: every request the server received has exactly one outcome in perfgate's
// counts, of the right kind, and no request vanishes (reset, truncated, hung past the window's end).
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { runLoad } from '../../src/load/run-load.ts';
import type { LoadMeasurement } from '../../src/result.ts';
import { assertAccounted, startFaultServer, type Fault, type FaultServer } from '../helpers/fault-server.ts';
import { scenario } from '../helpers/scenario.ts';

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function measure(faultOf: (n: number) => Fault, overrides: Parameters<typeof scenario>[0]): Promise<LoadMeasurement> {
  server = await startFaultServer(faultOf);
  return runLoad({ origin: server.url, scenario: scenario(overrides) });
}

describe('every request has exactly one outcome', () => {
  test('a server that resets every request: every one is a reset failure, none vanishes', async () => {
    const m = await measure(() => 'reset', { durationMs: 500, connections: 4 });
    assert.ok(server!.received() > 50, `server received ${server!.received()}`);
    assertAccounted(m, server!);
    assert.equal(m.outcomes.success, 0);
    assert.equal(m.qps, 0);
  });

  test('1 in 20 hangs, timeout longer than the window: the hung requests are waited for and count as timeouts', async () => {
    const m = await measure((n) => (n % 20 === 0 ? 'hang' : 'ok'), { durationMs: 500, timeoutMs: 1000, connections: 4 });
    // All four connections hang within the first 80 requests, and their requests outlive the window.
    assert.equal(server!.counts.hang, 4);
    assertAccounted(m, server!);
    assert.ok(m.latency.max >= 1000, `max ${m.latency.max} ms: a hung request is in the latency at its timeout`);
  });

  test('1 in 20 hangs, timeout shorter than the window: timeouts inside the window and at its end are all counted', async () => {
    const m = await measure((n) => (n % 20 === 0 ? 'hang' : 'ok'), { durationMs: 2500, timeoutMs: 1000, connections: 4 });
    assert.ok(server!.counts.hang >= 8, `${server!.counts.hang} hung`);
    assertAccounted(m, server!);
    assert.ok(m.latency.p99 >= 1000 || m.outcomes.byFailure.timeout / m.outcomes.total < 0.01, `p99 ${m.latency.p99}`);
  });

  test('half the responses truncated: each is a truncated failure, and latency stays paired with its own request', async () => {
    const m = await measure((n) => (n % 2 === 0 ? 'truncate' : 'ok'), { durationMs: 500, connections: 4 });
    assert.ok(server!.counts.truncate > 20, `${server!.counts.truncate} truncated`);
    assertAccounted(m, server!);
    // A sub-millisecond server: a latency paired with the wrong request would read hundreds of ms.
    assert.ok(m.latency.p50 < 20, `p50 ${m.latency.p50} ms`);
  });

  test('a server that closes after every response (Connection: close) loses no request', async () => {
    const m = await measure(() => 'close', { durationMs: 500, connections: 4 });
    assert.ok(server!.received() > 50, `server received ${server!.received()}`);
    assertAccounted(m, server!);
    assert.equal(m.outcomes.failures, 0);
  });

  test('a body that ends with the connection is a complete response', async () => {
    const m = await measure(() => 'until-close', { durationMs: 500, connections: 2 });
    assertAccounted(m, server!);
    assert.equal(m.outcomes.failures, 0);
  });

  test('a response that is not HTTP is a failure of kind other, and the connection recovers', async () => {
    const m = await measure((n) => (n % 5 === 0 ? 'garbage' : 'ok'), { durationMs: 500, connections: 4 });
    assert.ok(server!.counts.garbage > 5);
    assertAccounted(m, server!);
  });

  test('a mix of every fault, request-count window: the count is exact and every kind is accounted for', async () => {
    const faults: Fault[] = ['ok', 'reset', 'ok', 'truncate', 'close', 'ok', 'garbage', 'until-close', 'ok', 'ok'];
    const m = await measure((n) => faults[n % faults.length]!, { amount: 600, durationMs: 10_000, connections: 4 });
    assert.equal(m.outcomes.total, 600);
    assertAccounted(m, server!);
  });

  test('open model: a request still in flight at the window end is waited for and counted', async () => {
    const m = await measure((n) => (n % 25 === 0 ? 'hang' : 'ok'), { rate: 200, durationMs: 600, timeoutMs: 1000, connections: 4 });
    assertAccounted(m, server!);
    assert.ok(m.outcomes.byFailure.timeout >= 1);
  });

  test('interrupted while requests hang: each is a failure of kind interrupted at once, none a timeout or lost', async () => {
    server = await startFaultServer((n) => (n > 40 ? 'hang' : 'ok'));
    const controller = new AbortController();
    const m = await runLoad({
      origin: server.url,
      scenario: scenario({ durationMs: 60_000, timeoutMs: 60_000, connections: 4 }),
      signal: controller.signal,
      // Once every connection holds a request the server will never answer, the run is interrupted.
      onProgress: () => {
        if (server!.counts.hang === 4) controller.abort('SIGINT');
      },
    });
    assert.match(m.aborted ?? '', /SIGINT/);
    assert.ok(m.durationMs < 30_000, `window ${m.durationMs} ms: not waited for`);
    assert.equal(m.outcomes.byFailure.interrupted, 4);
    assert.equal(m.outcomes.byFailure.timeout, 0);
    assert.equal(m.outcomes.total, server.received(), 'every request the server received has its outcome');
    assert.equal(m.outcomes.success, server.counts.ok);
  });
});
