// The history's pure parts: the lines of a run, reading hostile lines, and change points over generated series
// through seriesOf/shiftsOf (seeded: exact counts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { historyLinesOf } from '../../src/history/record.ts';
import { parseHistory, serializeHistoryLine, type HistoryLine } from '../../src/history/schema.ts';
import { seriesOf, shiftsOf } from '../../src/history/trend.ts';
import { metricsOf } from '../../src/metrics.ts';
import type { RunResult } from '../../src/result.ts';
import { mulberry32 } from '../../src/stats/rng.ts';
import { listPosts, measurement } from '../report/fixture.ts';

const SHA = 'a'.repeat(40);

function line(value: number, index: number, cpus = 2): HistoryLine {
  return {
    v: 1,
    sha: index.toString(16).padStart(40, '0'),
    time: `2026-10-01T00:00:${String(index % 60).padStart(2, '0')}.000Z`,
    runner: { platform: 'linux', cpus, cpuModel: 'CPU' },
    scenario: 's',
    metrics: { qps: value },
    tool: '0.1.0',
  };
}

function run(overrides: Partial<RunResult> = {}): RunResult {
  const m = measurement();
  return {
    schemaVersion: 1,
    verdict: 'fail',
    startedAt: '2026-10-01T00:00:00.000Z',
    finishedAt: '2026-10-01T00:01:00.000Z',
    tool: { name: 'perfgate', version: '0.1.0', node: 'v24' },
    config: [],
    target: 'http://127.0.0.1:1',
    scenarios: [listPosts(), { ...listPosts(), name: 'broken', metrics: metricsOf(m), error: 'target died' }],
    environment: { platform: 'darwin 24.1.0', cpus: 8, cpuModel: 'Apple M3' },
    warnings: [],
    ...overrides,
  };
}

test("a run's lines: one per measured scenario, the head's rounds, the OS without its release; none when interrupted", () => {
  const lines = historyLinesOf(run(), SHA);
  assert.equal(lines.length, 1);
  const [first] = lines;
  assert.deepEqual(first!.runner, { platform: 'darwin', cpus: 8, cpuModel: 'Apple M3' });
  assert.equal(first!.scenario, 'list posts');
  assert.equal(first!.time, '2026-10-01T00:01:00.000Z');
  assert.deepEqual(first!.metrics, {
    qps: 1231,
    p50: 0.734,
    p99: 412.3,
    error_rate: 30 / 12_350,
    failure_rate: 10 / 12_350,
  });
  // The fixture's head rounds have QPS 1100, 1101, 1102 and p99 412.
  assert.deepEqual(first!.rounds, { qps: [1100, 1101, 1102], p50: [0.7, 0.7, 0.7], p99: [412, 412, 412] });
  assert.deepEqual(historyLinesOf(run({ interrupted: 'SIGINT' }), SHA), []);
});

test('hostile or broken lines are skipped and counted; good ones kept', () => {
  const good = serializeHistoryLine(line(1000, 1));
  const content = [
    good,
    'not json',
    JSON.stringify({ ...line(1, 2), metrics: { qps: 'fast' } }),
    JSON.stringify({ ...line(1, 3), sha: 'HEAD' }),
    JSON.stringify({ ...line(1, 4), scenario: 'x'.repeat(1001) }),
    '',
    good,
  ].join('\n');
  const { lines, skipped } = parseHistory(content);
  assert.equal(skipped, 4);
  assert.equal(lines.length, 2);
  assert.throws(() => serializeHistoryLine({ ...line(1, 5), metrics: { qps: Number.NaN } }));
});

test('runners never share a series, and a constant series has no change point', () => {
  const lines = [line(1000, 0), line(2000, 1, 4), line(1000, 2), line(2000, 3, 4)];
  const series = seriesOf(lines, ['qps', 'p99']);
  assert.deepEqual(
    series.map((s) => [s.runner, s.metric, s.points.map((p) => p.value)]),
    [
      ['linux, 2 CPUs, CPU', 'qps', [1000, 1000]],
      ['linux, 4 CPUs, CPU', 'qps', [2000, 2000]],
    ],
  );
  assert.deepEqual(
    shiftsOf({ ...series[0]!, points: Array.from({ length: 30 }, (_, i) => ({ sha: SHA, time: String(i), value: 5 })) }),
    [],
  );
});

test('over 100 seeded series of 30 runs (3% noise): a 10% step at run 20 found there, a flat series clean', () => {
  let foundAt20 = 0;
  let flatClean = 0;
  let otherPoints = 0;
  for (let seed = 1; seed <= 100; seed++) {
    const random = mulberry32(seed);
    const noise = () => 1 + (random() + random() + random() - 1.5) * 0.06;
    const stepped = Array.from({ length: 30 }, (_, i) => line(1000 * (i >= 20 ? 0.9 : 1) * noise(), i));
    const flat = Array.from({ length: 30 }, (_, i) => line(1000 * noise(), i));
    const shifts = shiftsOf(seriesOf(stepped, ['qps'])[0]!);
    if (shifts.some((s) => s.index === 20 && s.from === stepped[19]!.sha && s.to === stepped[20]!.sha)) foundAt20++;
    otherPoints += shifts.filter((s) => s.index !== 20).length;
    if (shiftsOf(seriesOf(flat, ['qps'])[0]!).length === 0) flatClean++;
  }
  assert.deepEqual({ foundAt20, otherPoints, flatClean }, { foundAt20: 93, otherPoints: 8, flatClean: 98 });
});
