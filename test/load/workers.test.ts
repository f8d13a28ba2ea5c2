// Two worker threads, each with its own autocannon and request ledger, against servers that count what they did:
// every request the server received still has exactly one outcome in the merged counts (#14), as with one thread
// (faults.test.ts), and mixes, tokens, checks, progress and interrupts hold across the threads.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, test } from 'node:test';
import { runLoad, type LoadProgress } from '../../src/load/run-load.ts';
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
  return runLoad({ origin: server.url, scenario: scenario({ workers: 2, ...overrides }) });
}

describe('two worker threads: every request has exactly one outcome', () => {
  test('a mix of every fault, closed connections included, over a 500 ms window: the server and perfgate agree kind by kind', async () => {
    const faults: Fault[] = ['ok', 'reset', 'ok', 'truncate', 'close', 'ok', 'garbage', 'until-close', 'ok', 'ok'];
    const m = await measure((n) => faults[n % faults.length]!, { durationMs: 500, connections: 4 });
    assert.ok(server!.received() > 50, `server received ${server!.received()}`);
    assertAccounted(m, server!);
    assert.equal(m.generator.workers, 2);
    assert.equal(m.generator.perWorker?.length, 2);
  });

  test('a request-count window of 601 over two threads is exactly 601, every kind accounted for', async () => {
    const faults: Fault[] = ['ok', 'reset', 'ok', 'truncate', 'close', 'ok', 'garbage', 'until-close', 'ok', 'ok'];
    const m = await measure((n) => faults[n % faults.length]!, { amount: 601, durationMs: 10_000, connections: 4 });
    assert.equal(m.outcomes.total, 601);
    assertAccounted(m, server!);
  });

  test('1 in 20 hangs past the window: the hung requests of both threads are waited for and count as timeouts', async () => {
    const m = await measure((n) => (n % 20 === 0 ? 'hang' : 'ok'), { durationMs: 500, timeoutMs: 1000, connections: 4 });
    assert.equal(server!.counts.hang, 4);
    assertAccounted(m, server!);
    assert.ok(m.latency.max >= 1000, `max ${m.latency.max} ms: a hung request is in the latency at its timeout`);
  });

  test('open model: a request still in flight at the window end is waited for and counted, the rate split over both threads', async () => {
    const m = await measure((n) => (n % 25 === 0 ? 'hang' : 'ok'), { rate: 200, durationMs: 600, timeoutMs: 1000, connections: 4 });
    assertAccounted(m, server!);
    assert.ok(m.outcomes.byFailure.timeout >= 1);
    assert.equal(m.rate, 200);
    // Each thread's two connections can both be held by hung requests: what was due then is the backlog.
    const due = m.outcomes.total + (m.backlog?.unsent ?? 0);
    assert.ok(due >= 100 && due <= 140, `${due} requests due at 200 req/s for 0.6 s`);
  });

  test('interrupted: the window ends at once with what was measured, and every request the server got is counted', async () => {
    server = await startFaultServer((n) => (n % 50 === 0 ? 'hang' : 'ok'));
    const controller = new AbortController();
    const seen: LoadProgress[] = [];
    const m = await runLoad({
      origin: server.url,
      scenario: scenario({ workers: 2, connections: 4, durationMs: 20_000, timeoutMs: 10_000 }),
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.requests > 0) controller.abort('SIGINT');
      },
    });
    assert.equal(m.aborted, 'interrupted (SIGINT)');
    assert.ok(m.durationMs < 5000, `window ${m.durationMs} ms`);
    assert.ok(seen.length >= 1 && seen[0]!.phase === 'measure');
    assertAccounted(m, server!);
  });
});

describe('two worker threads: what each request is', () => {
  test("weights 3:1, tokens, expect checks and each entry's own counts hold across the threads", async () => {
    const byPath = new Map<string, number>();
    const byToken = new Map<string, number>();
    const target = http.createServer((req, res) => {
      byPath.set(req.url!, (byPath.get(req.url!) ?? 0) + 1);
      const token = String(req.headers.authorization);
      byToken.set(token, (byToken.get(token) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' }).end(req.url === '/a' ? '{"code":0}' : '{"code":1}');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    try {
      const m = await runLoad({
        origin,
        scenario: scenario({
          workers: 2,
          connections: 4,
          amount: 800,
          durationMs: 10_000,
          requests: [
            {
              weight: 3,
              request: { method: 'GET', path: '/a', headers: {}, expect: { json: { path: '$.code', steps: ['code'], equals: 0 } } },
              entry: { name: 'GET /a', budgets: [], at: { file: 'perf/t.yaml', line: 3, col: 5 } },
            },
            {
              weight: 1,
              request: { method: 'GET', path: '/b', headers: {} },
              entry: { name: 'GET /b', budgets: [], at: { file: 'perf/t.yaml', line: 6, col: 5 } },
            },
          ],
          tokens: { file: '/tokens.csv', header: 'authorization', prefix: 'Bearer ', tokens: ['t1', 't2', 't3', 't4'] },
        }),
      });
      assert.equal(m.outcomes.total, 800);
      // Each thread's smooth round robin is exact over its own 400: 300 /a and 100 /b in each.
      assert.deepEqual(Object.fromEntries(byPath), { '/a': 600, '/b': 200 });
      // Tokens striped: t1 and t3 on one thread, t2 and t4 on the other, each rotating one per request.
      assert.deepEqual(Object.fromEntries([...byToken].sort()), { 'Bearer t1': 200, 'Bearer t2': 200, 'Bearer t3': 200, 'Bearer t4': 200 });
      assert.equal(m.outcomes.success, 800);
      assert.equal(m.outcomes.checks!.checked, 600);
      assert.equal(m.outcomes.checkFailures, 0);
      // Each entry's counts merged across the threads: they add up to the total, entry by entry.
      assert.deepEqual(
        m.entries!.map((e) => [e.name, e.outcomes.total, e.outcomes.success, e.outcomes.checks?.checked]),
        [
          ['GET /a', 600, 600, 600],
          ['GET /b', 200, 200, 0],
        ],
      );
      assert.ok(m.entries![0]!.latency.p50 > 0 && m.entries![0]!.latency.max <= m.latency.max);
    } finally {
      await new Promise((resolve) => target.close(resolve));
    }
  });
});
