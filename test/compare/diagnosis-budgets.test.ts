// Budgets on the diagnosis (#11): sql_per_request and redis_per_request judged on the head's measured run from the
// counters' deltas per request, exact (no confidence bound); without counters, not measurable, a failure with the
// reason, never a silent pass.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateBudgets } from '../../src/compare/budgets.ts';
import { scenarioVerdict } from '../../src/compare/verdict.ts';
import type { Budget, Scenario } from '../../src/config/types.ts';
import { describeFinding } from '../../src/report/headline.ts';
import { formatMetric, metricLabel } from '../../src/report/format.ts';
import type { LoadMeasurement, ScenarioResult } from '../../src/result.ts';
import { runResultSchema } from '../../src/results/schema.ts';

const at = { file: 'perf/api.yaml', line: 14, col: 24 };
const budget = (metric: Budget['metric'], op: Budget['op'], limit: number): Budget => ({ metric, op, limit, text: `${op} ${limit}`, at });

function scenario(budgets: Budget[]): Scenario {
  return {
    name: 'list posts',
    requests: [{ weight: 1, request: { method: 'GET', path: '/', headers: {} } }],
    connections: 4,
    warmupMs: 0,
    durationMs: 1000,
    timeoutMs: 10_000,
    budgets,
    tolerance: { qps: 0.1, p50: 0.1, p95: 0.15, p99: 0.2 },
    at,
  };
}

function measurement(total = 1200, aborted?: string): LoadMeasurement {
  return {
    connections: 4,
    durationMs: 1000,
    outcomes: {
      total,
      success: total,
      httpErrors: 0,
      failures: 0,
      byStatus: { '200': total },
      byFailure: { timeout: 0, refused: 0, reset: 0, other: 0 },
    },
    latency: { min: 0.1, p50: 1, p90: 2, p95: 3, p99: 4, p999: 5, max: 6, mean: 1.2 },
    qps: total,
    bytesPerSec: 1000,
    generator: { cpu: 0.3, saturated: false },
    ...(aborted ? { aborted } : {}),
  };
}

type Diagnosis = NonNullable<ScenarioResult['diagnosis']>;
const figure = (head: number) => ({ head });
const postgres = (statements: number): Diagnosis['postgres'] => ({
  statementsPerRequest: figure(statements),
  rowsPerRequest: figure(statements),
  execMsPerRequest: figure(0.02),
  blocksReadPerRequest: figure(0),
  top: [],
});
const redis = (commands: number): Diagnosis['redis'] => ({
  commandsPerRequest: figure(commands),
  byCommand: { GET: figure(commands) },
  hitRatio: { head: 1 },
});

test('sql_per_request and redis_per_request hold or fail on the exact counts per request, at their own lines', () => {
  const s = scenario([budget('sql_per_request', '<=', 3), budget('redis_per_request', '<=', 2), budget('p99', '<=', 500)]);
  const diagnosis: Diagnosis = { postgres: postgres(6.0125), redis: redis(1) };
  const [sql, cache, p99] = evaluateBudgets(s, measurement(), { diagnosis, unread: {} });
  assert.deepEqual(sql, {
    metric: 'sql_per_request',
    op: '<=',
    limit: 3,
    text: '<= 3',
    at,
    value: 6.0125,
    status: 'fail',
    pass: false,
    reason: '6.01 SQL statements per request, over the <= 3 budget',
  });
  assert.deepEqual([cache!.status, cache!.value, cache!.reason], ['pass', 1, undefined]);
  assert.equal(p99!.status, 'pass');
  // The exact limit holds: counts per request are not samples.
  const [exact] = evaluateBudgets(scenario([budget('sql_per_request', '<=', 3)]), measurement(), {
    diagnosis: { postgres: postgres(3) },
    unread: {},
  });
  assert.equal(exact!.status, 'pass');
});

test('without counters the budget is not measurable: a failure that says why, with no value', () => {
  const s = scenario([budget('sql_per_request', '<=', 3), budget('redis_per_request', '<=', 2)]);
  const unread = {
    postgres: 'load went to a running target with no diagnose: { postgres: … } naming its Postgres (docs/config.md#diagnose)',
    redis: "Redis's counters could not be read around the measured run (connection refused)",
  };
  const [sql, cache] = evaluateBudgets(s, measurement(), { diagnosis: undefined, unread });
  assert.deepEqual([sql!.status, sql!.pass, sql!.value], ['fail', false, null]);
  assert.equal(sql!.reason, `not measurable: ${unread.postgres}`);
  assert.equal(cache!.reason, `not measurable: ${unread.redis}`);
  // And with no diagnosis input at all (a caller that has none), still a failure.
  const [bare] = evaluateBudgets(scenario([budget('redis_per_request', '<=', 2)]), measurement());
  assert.deepEqual([bare!.status, bare!.reason], ['fail', 'not measurable: no Redis counters were read']);
  // The scenario fails, and the reports say "not measured" where a value would be.
  assert.equal(scenarioVerdict({ budgets: [sql!, cache!], error: undefined, comparison: undefined }), 'fail');
  assert.equal(formatMetric('sql_per_request', sql!.value), 'not measured');
  const words = describeFinding({ kind: 'budget-fail', scenario: 'list posts', budget: sql! }, { name: (n) => `"${n}"`, text: (t) => t });
  assert.equal(words, 'SQL statements per request not measured breaks budget <= 3 in "list posts"');
});

test('no requests: inconclusive; a window cut short: a pass is inconclusive, a failure stays one', () => {
  const s = scenario([budget('sql_per_request', '<=', 3)]);
  const input = (n: number) => ({ diagnosis: { postgres: postgres(n) }, unread: {} });
  assert.equal(evaluateBudgets(s, measurement(0), input(0))[0]!.status, 'inconclusive');
  const cut = measurement(100, 'the app container exited');
  assert.equal(evaluateBudgets(s, cut, input(1))[0]!.status, 'inconclusive');
  assert.equal(evaluateBudgets(s, cut, input(4))[0]!.status, 'fail');
});

test('labels and values: one place for every budget metric', () => {
  assert.equal(metricLabel('sql_per_request'), 'SQL statements per request');
  assert.equal(metricLabel('redis_per_request'), 'Redis commands per request');
  assert.equal(formatMetric('redis_per_request', 2), '2.00');
});

test('the results contract takes a diagnosis budget, and a null value only as not measured', () => {
  const result = {
    schemaVersion: 1,
    verdict: 'fail',
    startedAt: 't',
    finishedAt: 't',
    tool: { name: 'perfgate', version: '0', node: 'v24' },
    config: [],
    target: 'http://127.0.0.1:1',
    scenarios: [],
    environment: { platform: 'linux', cpus: 2, cpuModel: 'x' },
    warnings: [],
  };
  const s = scenario([budget('sql_per_request', '<=', 3)]);
  const [notMeasured] = evaluateBudgets(s, measurement(), { unread: { postgres: 'none' } });
  const scenarioResult = {
    name: 's',
    verdict: 'fail',
    connections: 4,
    measurement: measurement(),
    budgets: [notMeasured],
    warnings: [],
  };
  const metrics = { qps: 1, p50: 1, p90: 1, p95: 1, p99: 1, p999: 1, max: 1, mean: 1, success: 1, error_rate: 0, failure_rate: 0 };
  const ok = runResultSchema.parse({ ...result, scenarios: [{ ...scenarioResult, metrics }] });
  assert.ok(
    !runResultSchema.safeParse({ ...result, scenarios: [{ ...scenarioResult, metrics, budgets: [{ ...notMeasured, metric: 'sql' }] }] })
      .success,
  );
  assert.equal(ok.scenarios[0]!.budgets[0]!.value, null);
  assert.equal(ok.scenarios[0]!.budgets[0]!.metric, 'sql_per_request');
});
