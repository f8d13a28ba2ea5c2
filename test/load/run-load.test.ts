// Real autocannon traffic against a real server on loopback; measured values are checked against what the
// server was told to do.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { probeTarget } from '../../src/load/probe.ts';
import { runLoad } from '../../src/load/run-load.ts';
import { weightedPicker } from '../../src/load/request-plan.ts';
import { closedPort, startKnobServer, type KnobServer } from '../helpers/knob-server.ts';
import { scenario } from '../helpers/scenario.ts';

describe('runLoad', () => {
  let server: KnobServer;
  before(async () => {
    server = await startKnobServer();
  });
  after(() => server.close());

  test('a 5 ms server delay shows as p50 within 5–7 ms, in microsecond resolution', async () => {
    server.knobs.delayMs = 5;
    const m = await runLoad({ origin: server.url, scenario: scenario({ durationMs: 1000 }) });
    server.knobs.delayMs = 0;
    assert.ok(m.latency.p50 >= 5 && m.latency.p50 <= 7, `p50 ${m.latency.p50}`);
    assert.notEqual(m.latency.p50, Math.floor(m.latency.p50), 'latency keeps sub-millisecond digits');
    assert.ok(m.outcomes.success > 300, `${m.outcomes.success} successes`);
    assert.equal(m.outcomes.failures, 0);
    assert.ok(Math.abs(m.qps - m.outcomes.success / (m.durationMs / 1000)) < 1e-9);
  });

  test('1% injected 500s show as an HTTP error rate of about 1%, by status code', async () => {
    server.knobs.errorRate = 0.01;
    const m = await runLoad({ origin: server.url, scenario: scenario({ amount: 5000, durationMs: 10_000 }) });
    server.knobs.errorRate = 0;
    const share = m.outcomes.httpErrors / m.outcomes.total;
    assert.ok(share > 0.008 && share < 0.012, `error share ${share}`);
    assert.equal(m.outcomes.byStatus['500'], m.outcomes.httpErrors);
    assert.equal(m.outcomes.success + m.outcomes.httpErrors + m.outcomes.failures, m.outcomes.total);
    assert.equal(m.outcomes.success, m.outcomes.byStatus['200']);
  });

  test('refused connections count as client failures of kind refused, and the probe says so', async () => {
    const port = await closedPort();
    const origin = `http://127.0.0.1:${port}`;
    const probe = await probeTarget(origin, { deadlineMs: 1000 });
    assert.equal(probe.outcome, 'unreachable');
    assert.match((probe as { reason: string }).reason, /refused/);
    const m = await runLoad({ origin, scenario: scenario({ durationMs: 300, connections: 2 }) });
    assert.equal(m.outcomes.success, 0);
    assert.ok(m.outcomes.byFailure.refused > 0);
    assert.equal(m.outcomes.failures, m.outcomes.byFailure.refused);
    assert.equal(m.qps, 0);
  });

  test('stalled requests time out, count as failures, and raise P99 to the timeout instead of hiding', async () => {
    server.knobs.stallRate = 0.05;
    try {
      const m = await runLoad({ origin: server.url, scenario: scenario({ durationMs: 2500, timeoutMs: 1000, connections: 8 }) });
      assert.ok(m.outcomes.byFailure.timeout > 0, 'timeouts counted');
      assert.equal(m.outcomes.failures, m.outcomes.byFailure.timeout);
      assert.ok(m.latency.p99 >= 1000, `p99 ${m.latency.p99} should be at least the 1 s timeout`);
    } finally {
      server.knobs.stallRate = 0;
    }
  });

  test('weights 3:1 give 75/25 by path, and tokens rotate one per request', async () => {
    server.reset();
    const mixed = scenario({
      requests: [
        { weight: 3, request: { method: 'GET', path: '/a', headers: {} } },
        { weight: 1, request: { method: 'GET', path: '/b', headers: {} } },
      ],
      tokens: { file: 'tokens.csv', header: 'authorization', prefix: 'Bearer ', tokens: ['t1', 't2', 't3'] },
      amount: 2000,
      durationMs: 10_000,
    });
    const m = await runLoad({ origin: server.url, scenario: mixed });
    const a = server.requests.get('GET /a') ?? 0;
    const b = server.requests.get('GET /b') ?? 0;
    assert.ok(m.outcomes.total >= 2000);
    assert.ok(Math.abs(a / (a + b) - 0.75) < 0.01, `a=${a} b=${b}`);
    assert.deepEqual([...server.tokens.keys()].sort(), ['Bearer t1', 'Bearer t2', 'Bearer t3']);
    const counts = [...server.tokens.values()];
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 4 + 1, `tokens spread evenly: ${counts}`);
  });

  test('warm-up requests are sent but not counted', async () => {
    server.reset();
    const m = await runLoad({ origin: server.url, scenario: scenario({ warmupMs: 400, durationMs: 400 }) });
    assert.ok(server.total() > m.outcomes.total, `server saw ${server.total()}, measured ${m.outcomes.total}`);
    assert.ok(m.durationMs >= 380 && m.durationMs < 700, `window ${m.durationMs}`);
  });

  test('the request count and the duration both end the window; an abort returns partial results', async () => {
    const counted = await runLoad({ origin: server.url, scenario: scenario({ amount: 500, durationMs: 10_000 }) });
    assert.ok(counted.outcomes.total >= 500 && counted.outcomes.total < 600, `${counted.outcomes.total}`);
    assert.ok(counted.durationMs < 10_000);

    const controller = new AbortController();
    let aborted = false;
    const run = runLoad({
      origin: server.url,
      scenario: scenario({ durationMs: 20_000 }),
      signal: controller.signal,
      onProgress: (p) => {
        if (!aborted && p.requests > 0) {
          aborted = true;
          controller.abort('SIGINT');
        }
      },
    });
    const partial = await run;
    assert.match(partial.aborted ?? '', /SIGINT/);
    assert.ok(partial.durationMs < 5000);
    assert.ok(partial.outcomes.total > 0);
  });

  test('open model: 200 req/s for 2 s sends about 400 requests, evenly spaced rather than in a burst each second', async () => {
    server.reset();
    const m = await runLoad({ origin: server.url, scenario: scenario({ rate: 200, connections: 10, durationMs: 2000 }) });
    assert.equal(m.rate, 200);
    assert.ok(m.outcomes.total >= 370 && m.outcomes.total <= 420, `${m.outcomes.total} requests`);
    assert.ok(m.achievedRate! >= 185 && m.achievedRate! <= 210, `achieved ${m.achievedRate}`);
    assert.equal(m.backlog, undefined, 'a service this fast never falls behind');
    // 100 ms buckets should hold 20 requests each; autocannon's own token bucket sent each second's 200 at once.
    const first = server.arrivals[0]!;
    const buckets = new Array<number>(20).fill(0);
    for (const t of server.arrivals) {
      const i = Math.floor((t - first) / 100);
      if (i < buckets.length) buckets[i]!++;
    }
    assert.ok(Math.max(...buckets) <= 32, `requests per 100 ms: ${buckets.join(' ')}`);
    assert.ok(Math.min(...buckets.slice(0, 19)) >= 10, `requests per 100 ms: ${buckets.join(' ')}`);
  });

  test('open model: a rate the service cannot sustain shows as queueing in the latency, and the backlog is reported', async () => {
    // Two connections at 20 ms per answer carry at most 100 req/s; 200 req/s are due. Timed from when each
    // request was sent, latency would read 20 ms; timed from when it was due, it grows with the queue.
    server.knobs.delayMs = 20;
    try {
      const m = await runLoad({ origin: server.url, scenario: scenario({ rate: 200, connections: 2, durationMs: 2000 }) });
      assert.ok(m.achievedRate! < 120, `achieved ${m.achievedRate}`);
      assert.ok(m.latency.p50 > 200, `p50 ${m.latency.p50} ms includes the wait for a free connection`);
      assert.ok(m.latency.p99 > 600, `p99 ${m.latency.p99} ms`);
      assert.ok(m.backlog && m.backlog.unsent > 100, `backlog ${JSON.stringify(m.backlog)}`);
      assert.ok(m.backlog!.oldestWaitMs > 500, `oldest wait ${m.backlog!.oldestWaitMs} ms`);
    } finally {
      server.knobs.delayMs = 0;
    }
  });

  test('open model: a timed-out request is a failure recorded at the timeout, never left out of P99', async () => {
    server.knobs.stallRate = 0.05;
    try {
      const m = await runLoad({
        origin: server.url,
        scenario: scenario({ rate: 100, connections: 20, durationMs: 2500, timeoutMs: 1000 }),
      });
      assert.ok(m.outcomes.byFailure.timeout > 0, 'timeouts counted');
      assert.ok(m.latency.p99 >= 1000, `p99 ${m.latency.p99} should be at least the 1 s timeout`);
    } finally {
      server.knobs.stallRate = 0;
    }
  });

  test('bytes per second and the generator CPU are recorded', async () => {
    server.knobs.payloadBytes = 10_000;
    const m = await runLoad({ origin: server.url, scenario: scenario({ durationMs: 500 }) });
    server.knobs.payloadBytes = 2;
    assert.ok(m.bytesPerSec > 10_000 * m.qps * 0.99, `${m.bytesPerSec} B/s at ${m.qps} req/s`);
    // The body plus the status line and headers, as received on the wire.
    assert.ok(m.bytesPerResponse! > 10_000 && m.bytesPerResponse! < 10_300, `${m.bytesPerResponse} B per response`);
    assert.ok(m.generator.cpu > 0 && m.generator.cpu < 2.5, `cpu ${m.generator.cpu}`);
    assert.equal(m.generator.saturated, m.generator.cpu >= 0.9);
  });
});

test('weightedPicker interleaves smoothly and exactly', () => {
  const pick = weightedPicker([
    { weight: 3, request: { method: 'GET', path: '/a', headers: {} } },
    { weight: 1, request: { method: 'GET', path: '/b', headers: {} } },
  ]);
  assert.deepEqual(
    Array.from({ length: 8 }, () => pick().path),
    ['/a', '/a', '/b', '/a', '/a', '/a', '/b', '/a'],
  );
});
