// A concurrency sweep as one curve: exact peak and knee on hand-built levels, and how reports show it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metricsOf } from '../../src/metrics.ts';
import type { ScenarioResult } from '../../src/result.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { sweepFinding, sweeps } from '../../src/report/sweep.ts';
import { renderTerminal } from '../../src/report/terminal.ts';
import { budgetsOnly, measurement } from './fixture.ts';

/** One level of a sweep of "list": QPS and p99 as given. */
function level(connections: number, qps: number, p99: number, extra: Partial<ScenarioResult> = {}): ScenarioResult {
  const m = measurement({
    connections,
    qps,
    latency: { min: 0.1, p50: p99 / 4, p90: p99 / 2, p95: p99 / 1.5, p99, p999: p99 * 2, max: p99 * 3, mean: p99 / 3 },
    outcomes: {
      total: qps * 10,
      success: qps * 10,
      httpErrors: 0,
      failures: 0,
      byStatus: { '200': qps * 10 },
      byFailure: { timeout: 0, refused: 0, reset: 0, other: 0 },
    },
  });
  return {
    name: `list @ c=${connections}`,
    verdict: 'pass',
    connections,
    sweepOf: 'list',
    metrics: metricsOf(m),
    measurement: m,
    budgets: [],
    warnings: [],
    ...extra,
  };
}

const format = { qps: (v: number) => `${v} req/s`, pct: (v: number) => `${Math.round(v * 100)}%` };

test('the knee is the first level after which more connections add under 5% QPS; the peak is the highest QPS', () => {
  // 1→8 connections: ×4; 8→32: +25%; 32→64: +2% (the knee is at 32); 64→128: −1%.
  const levels = [level(64, 5100, 24), level(1, 1000, 1.2), level(8, 4000, 4), level(32, 5000, 12), level(128, 5049, 50)];
  const [sweep, ...others] = sweeps([...levels, { ...level(10, 1, 1), sweepOf: undefined, name: 'alone' }]);
  assert.equal(others.length, 0, 'a scenario outside a sweep is not a sweep');
  assert.deepEqual(
    sweep!.levels.map((l) => l.connections),
    [1, 8, 32, 64, 128],
  );
  assert.equal(sweep!.peak.connections, 64);
  assert.equal(sweep!.knee!.level.connections, 32);
  assert.equal(sweep!.knee!.next.connections, 64);
  assert.ok(Math.abs(sweep!.knee!.qpsGain - 0.02) < 1e-12);
  assert.ok(Math.abs(sweep!.knee!.p99Rise - 1) < 1e-12);
  assert.equal(
    sweepFinding(sweep!, format),
    'throughput stops scaling at 32 connections: going to 64 added 2% QPS and 100% p99 (the extra connections only queue); peak 5100 req/s at 64 connections',
  );
});

test('a sweep that never saturates says so; a saturated generator is named; an open model has no knee', () => {
  const [rising] = sweeps([level(1, 1000, 1), level(2, 1900, 1.1)]);
  assert.equal(rising!.knee, undefined);
  assert.equal(
    sweepFinding(rising!, format),
    'QPS was still rising at 2 connections (90% from 1): not saturated within this sweep; peak 1900 req/s at 2 connections',
  );

  const client = level(2, 1000, 2);
  client.measurement.generator = { cpu: 0.97, saturated: true };
  assert.match(
    sweepFinding(sweeps([level(1, 1000, 1), client])[0]!, format),
    /the load generator was saturated at 2 connections, so those levels measure the client$/,
  );

  const [open] = sweeps([level(4, 100, 20, { rate: 100 }), level(8, 100, 20, { rate: 100 })]);
  assert.equal(open!.knee, undefined);
  assert.match(sweepFinding(open!, format), /^open model: connections are a pool, not the load/);
  assert.deepEqual(sweeps([level(4, 100, 20)]), [], 'one level is not a curve');
});

test('the terminal and the markdown show the sweep as one table, with the finding and a chart', () => {
  const result = budgetsOnly({ scenarios: [level(1, 1000, 1.2), level(8, 4000, 4), level(32, 4100, 12)] });
  const text = renderTerminal(result, { color: false });
  assert.match(text, /Concurrency sweep: list\n {4}connections +QPS +p50 +p99 +errors +verdict\n {4} +1 +1,000 req\/s/);
  assert.match(text, /throughput stops scaling at 8 connections: going to 32 added \+2\.5% QPS and \+200% p99/);
  const markdown = renderMarkdown(result);
  assert.match(markdown, /#### Concurrency sweep: <code>list<\/code>\n\n\| connections \| QPS \| p50 \| p99 \| errors \| \|\n\|--:\|/);
  assert.match(markdown, /\| 8 \| 4,000 req\/s \| 1\.00 ms \| 4\.00 ms \| 0 \| ✅ \|/);
  assert.match(
    markdown,
    /xychart-beta\n {2}title "list: QPS by connections"\n {2}x-axis \[1, 8, 32\]\n {2}y-axis "req\/s" 0 --> 5000\n {2}line \[1000, 4000, 4100\]/,
  );
});
