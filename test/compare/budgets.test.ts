import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Budget, Scenario } from '../../src/config/types.ts';
import { evaluateBudgets } from '../../src/compare/budgets.ts';
import { runVerdict, scenarioVerdict } from '../../src/compare/verdict.ts';
import type { LoadMeasurement } from '../../src/result.ts';

const at = { file: 'perf/api.yaml', line: 12, col: 12 };
const budget = (metric: Budget['metric'], op: Budget['op'], limit: number, text: string): Budget => ({ metric, op, limit, text, at });

function scenario(budgets: Budget[], extra: Partial<Scenario> = {}): Scenario {
  return {
    ...extra,
    name: 's',
    requests: [{ weight: 1, request: { method: 'GET', path: '/', headers: {} } }],
    connections: 50,
    warmupMs: 0,
    durationMs: 10_000,
    timeoutMs: 10_000,
    maxErrorRate: 0.001,
    budgets,
    tolerance: { qps: 0.05, p50: 0.05, p95: 0.1, p99: 0.1 },
    at,
  };
}

function measurement(
  o: {
    success?: number;
    httpErrors?: number;
    failures?: number;
    p99?: number;
    cpu?: number;
    aborted?: string;
    bytesPerResponse?: number;
  } = {},
): LoadMeasurement {
  const success = o.success ?? 10_000;
  const httpErrors = o.httpErrors ?? 0;
  const failures = o.failures ?? 0;
  const m: LoadMeasurement = {
    connections: 50,
    durationMs: 10_000,
    outcomes: {
      total: success + httpErrors + failures,
      success,
      httpErrors,
      failures,
      byStatus: { '200': success },
      byFailure: { timeout: failures, refused: 0, reset: 0, other: 0 },
    },
    latency: { min: 0.1, p50: 1, p90: 2, p95: 3, p99: o.p99 ?? 4, p999: 5, max: 6, mean: 1.2 },
    qps: success / 10,
    bytesPerSec: 1000,
    generator: { cpu: o.cpu ?? 0.5, saturated: (o.cpu ?? 0.5) >= 0.9 },
  };
  if (o.aborted) m.aborted = o.aborted;
  if (o.bytesPerResponse !== undefined) {
    m.bytesPerResponse = o.bytesPerResponse;
    m.bytesPerSec = o.bytesPerResponse * m.qps;
  }
  return m;
}

test('latency and QPS budgets pass and fail with reasons in plain words; QPS states its concurrency', () => {
  const results = evaluateBudgets(
    scenario([budget('p99', '<=', 3, '<= 3ms'), budget('qps', '>=', 2000, '>= 2000'), budget('p50', '<', 2, '< 2ms')]),
    measurement(),
  );
  assert.deepEqual(
    results.map((r) => [r.metric, r.status, r.pass]),
    [
      ['p99', 'fail', false],
      ['qps', 'fail', false],
      ['p50', 'pass', true],
    ],
  );
  assert.equal(results[0]!.reason, 'p99 was 4.00 ms, over the <= 3ms budget');
  assert.equal(results[1]!.reason, 'QPS was 1,000 req/s at 50 connections, under the >= 2000 budget');
  assert.deepEqual(results[0]!.at, at);
});

test('reasons show values as the reports do: grouped milliseconds, a near miss never rounded to 100%, one label per metric', () => {
  const slow = evaluateBudgets(
    scenario([budget('p99', '<=', 1000, '<= 1s'), budget('max', '<=', 5, '<= 5ms')]),
    measurement({ p99: 1234.5 }),
  );
  assert.equal(slow[0]!.reason, 'p99 was 1,235 ms, over the <= 1s budget');
  assert.equal(slow[1]!.reason, 'max latency was 6.00 ms, over the <= 5ms budget');
  const [success] = evaluateBudgets(
    scenario([budget('success', '>=', 0.99999, '>= 99.999%')]),
    measurement({ success: 10_000_000 - 500, failures: 500 }),
  );
  assert.equal(success!.reason, 'success rate 99.995% of 10,000,000 requests, under the >= 99.999% budget');
  const [failures] = evaluateBudgets(
    scenario([budget('failure_rate', '<=', 0.001, '<= 0.1%')]),
    measurement({ success: 9_000, failures: 1_000 }),
  );
  assert.equal(failures!.reason, 'client failure rate 10% of 10,000 requests, over the <= 0.1% budget');
});

test('success >= 99.95% is judged with a Wilson bound: too few requests is inconclusive with the number needed', () => {
  const target = budget('success', '>=', 0.9995, '>= 99.95%');
  const few = evaluateBudgets(scenario([target]), measurement({ success: 1204 }))[0]!;
  assert.equal(few.status, 'inconclusive');
  assert.equal(
    few.reason,
    'only 1,204 requests: establishing >= 99.95% with 95% confidence needs at least 5,409 even with none failing; raise duration or connections',
  );
  assert.equal(evaluateBudgets(scenario([target]), measurement({ success: 6000 }))[0]!.status, 'pass');
  // In an open model more connections send no more requests: the advice is the rate.
  assert.match(evaluateBudgets(scenario([target], { rate: 100 }), measurement({ success: 1204 }))[0]!.reason!, /raise duration or rate$/);
  const failing = evaluateBudgets(scenario([target]), measurement({ success: 9950, httpErrors: 50 }))[0]!;
  assert.equal(failing.status, 'fail');
  assert.match(failing.reason!, /success rate 99.5% of 10,000 requests, under the >= 99.95% budget/);
  // Client failures count against success too.
  assert.equal(evaluateBudgets(scenario([target]), measurement({ success: 9990, failures: 10 }))[0]!.status, 'fail');
});

test('error and failure rates are judged by their upper bound', () => {
  const results = evaluateBudgets(
    scenario([budget('error_rate', '<=', 0.001, '<= 0.1%'), budget('failure_rate', '<=', 0.01, '<= 1%')]),
    measurement({ success: 20_000 }),
  );
  assert.deepEqual(
    results.map((r) => r.status),
    ['pass', 'pass'],
  );
  const noisy = evaluateBudgets(scenario([budget('error_rate', '<=', 0.001, '<= 0.1%')]), measurement({ success: 1000 }))[0]!;
  assert.equal(noisy.status, 'inconclusive');
  assert.match(noisy.reason!, /needs at least 2,703/);
});

test('a saturated generator makes a failing QPS or latency budget inconclusive, not a service failure', () => {
  const [qps, p99] = evaluateBudgets(
    scenario([budget('qps', '>=', 2000, '>= 2000'), budget('p99', '<=', 3, '<= 3ms')]),
    measurement({ cpu: 0.98 }),
  );
  assert.equal(qps!.status, 'inconclusive');
  assert.match(qps!.reason!, /load generator was saturated \(98% of a core\)/);
  assert.equal(p99!.status, 'inconclusive');
  assert.equal(
    p99!.reason,
    'p99 was 4.00 ms, over the <= 3ms budget; but the load generator was saturated (98% of a core), so this measures the client, not the service',
  );
  // The client can only lower QPS and add latency: what passes despite it passes.
  assert.equal(evaluateBudgets(scenario([budget('qps', '>=', 500, '>= 500')]), measurement({ cpu: 0.98 }))[0]!.status, 'pass');
  assert.equal(evaluateBudgets(scenario([budget('p99', '<=', 5, '<= 5ms')]), measurement({ cpu: 0.98 }))[0]!.status, 'pass');
});

test('a cut-short run cannot pass a budget; nothing measured is inconclusive', () => {
  assert.equal(
    evaluateBudgets(scenario([budget('p99', '<=', 10, '<= 10ms')]), measurement({ aborted: 'SIGINT' }))[0]!.status,
    'inconclusive',
  );
  assert.equal(evaluateBudgets(scenario([budget('p99', '<=', 1, '<= 1ms')]), measurement({ aborted: 'SIGINT' }))[0]!.status, 'fail');
  assert.equal(evaluateBudgets(scenario([budget('p99', '<=', 10, '<= 10ms')]), measurement({ success: 0 }))[0]!.status, 'inconclusive');
});

test('a QPS budget must fit through the declared link at the measured response size', () => {
  // 1 Gbit/s = 125,000,000 B/s; at 25,000 B per response that is exactly 5,000 req/s.
  const link = { bandwidth: 125_000_000 };
  const big = measurement({ success: 80_000, bytesPerResponse: 25_000 }); // 8,000 req/s measured: 1.6 Gbit/s
  const [qps] = evaluateBudgets(scenario([budget('qps', '>=', 6000, '>= 6000')], link), big);
  assert.equal(qps!.status, 'fail');
  assert.equal(
    qps!.reason,
    'at 25,000 bytes per response, the 1 Gbit/s link carries at most 5,000 req/s, under the >= 6000 budget (8,000 req/s was measured here, where the network is not the limit)',
  );
  assert.deepEqual(qps!.link, { bandwidth: 125_000_000, ceiling: 5000 });
  // A budget the link can carry passes; without a declared link only the measurement counts.
  assert.equal(evaluateBudgets(scenario([budget('qps', '>=', 5000, '>= 5000')], link), big)[0]!.status, 'pass');
  assert.equal(evaluateBudgets(scenario([budget('qps', '>=', 6000, '>= 6000')]), big)[0]!.status, 'pass');
  // The link never rescues a budget the service itself failed.
  const small = measurement({ success: 10_000, bytesPerResponse: 100 });
  assert.match(
    evaluateBudgets(scenario([budget('qps', '>=', 2000, '>= 2000')], link), small)[0]!.reason!,
    /^QPS was 1,000 req\/s at 50 connections/,
  );
});

test('verdicts: fail beats inconclusive beats pass', () => {
  const b = (status: 'pass' | 'fail' | 'inconclusive') => ({ status }) as never;
  assert.equal(scenarioVerdict({ budgets: [b('pass'), b('inconclusive')] }), 'inconclusive');
  assert.equal(scenarioVerdict({ budgets: [b('pass')], comparison: { qps: { verdict: 'regression' } as never } }), 'fail');
  assert.equal(scenarioVerdict({ budgets: [b('pass')], error: 'app exited' }), 'fail');
  assert.equal(scenarioVerdict({ budgets: [b('pass')], comparison: { p99: { verdict: 'unchanged' } as never } }), 'pass');
  assert.equal(runVerdict([{ verdict: 'pass' }, { verdict: 'inconclusive' }]), 'inconclusive');
  assert.equal(runVerdict([{ verdict: 'fail' }, { verdict: 'inconclusive' }]), 'fail');
  assert.equal(runVerdict([]), 'inconclusive');
});

test('latency budgets never pass on nothing: every request failed fails them, nothing sent is inconclusive', () => {
  const budgets = [budget('p99', '<=', 100, '<= 100ms'), budget('success', '>=', 0.9995, '>= 99.95%'), budget('qps', '>=', 10, '>= 10')];
  // Reset connections fail fast: the histogram holds their (small) times, but none is a response time.
  const allFailed = { ...measurement({ success: 0, failures: 6599, p99: 0.4 }) };
  const results = evaluateBudgets(scenario(budgets), allFailed);
  assert.deepEqual(
    results.map((r) => [r.metric, r.status]),
    [
      ['p99', 'fail'],
      ['success', 'fail'],
      ['qps', 'fail'],
    ],
  );
  assert.equal(results[0]!.reason, 'no request got a complete response (all 6,599 failed), so p99 cannot be within <= 100ms');
  assert.equal(results[1]!.value, 0);
  assert.equal(scenarioVerdict({ budgets: results }), 'fail');
  assert.equal(scenarioVerdict({ budgets: [], measurement: allFailed }), 'fail', 'no budget needed: nothing succeeded');
  const nothing = evaluateBudgets(scenario(budgets), measurement({ success: 0 }));
  assert.deepEqual(
    nothing.map((r) => r.status),
    ['inconclusive', 'inconclusive', 'inconclusive'],
  );
  assert.equal(nothing[0]!.reason, 'no request was sent in the measured window');
});
