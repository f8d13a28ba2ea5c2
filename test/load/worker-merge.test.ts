// Worker threads' counts merged: exactly what one recorder fed every value gives (#14).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LatencyRecorder } from '../../src/load/latency-recorder.ts';
import { mergeOutcomes, OutcomeCounter } from '../../src/load/outcome-counter.ts';
import type { Verdict } from '../../src/load/response-check.ts';
import { mergedMeasurement, shareOf, workersFor, type WindowRecord } from '../../src/load/worker-pool.ts';
import { mulberry32 } from '../../src/stats/rng.ts';
import type { FailureKind } from '../../src/result.ts';
import { scenario } from '../helpers/scenario.ts';

/** 20,000 seeded latencies (ms) from 30 µs to 12 s, heavy-tailed like a real service's. */
function latencies(seed: number): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: 20_000 }, () => 0.03 * Math.exp(random() * Math.log(400_000)));
}

describe('latency histograms merged across worker threads', () => {
  test('three recorders encoded, decoded and added give the one recorder fed every value: count, percentiles, min, max, mean', () => {
    const values = latencies(14);
    const single = new LatencyRecorder();
    const parts = [new LatencyRecorder(), new LatencyRecorder(), new LatencyRecorder()];
    values.forEach((ms, i) => {
      single.recordMs(ms);
      parts[i % 3]!.recordMs(ms);
    });
    const merged = new LatencyRecorder();
    for (const part of parts) merged.add(part.encode());
    assert.equal(merged.count, 20_000);
    assert.deepEqual(merged.summary(), single.summary());
    // min and max are the values recorded, not their histogram buckets' edges.
    assert.equal(merged.summary().min, Math.min(...values.map((ms) => Math.max(1, Math.round(ms * 1000)))) / 1000);
    assert.equal(merged.summary().max, Math.max(...values.map((ms) => Math.round(ms * 1000))) / 1000);
  });

  test('an empty part changes nothing, and merging into an empty recorder keeps the part whole', () => {
    const one = new LatencyRecorder();
    for (const ms of [0.25, 1.5, 7]) one.recordMs(ms);
    const merged = new LatencyRecorder();
    merged.add(new LatencyRecorder().encode());
    merged.add(one.encode());
    merged.add(new LatencyRecorder().encode());
    assert.deepEqual(merged.summary(), one.summary());
    assert.deepEqual(new LatencyRecorder().encode().maxUs, 0);
  });
});

describe('outcome counts merged across worker threads', () => {
  const statuses = [200, 200, 201, 304, 404, 500, 503];
  const kinds: FailureKind[] = ['timeout', 'refused', 'reset', 'truncated', 'other'];

  test('responses and failures of every kind, split over 4 counters, merge to the one counter fed them all', () => {
    const random = mulberry32(7);
    const single = new OutcomeCounter();
    const parts = Array.from({ length: 4 }, () => new OutcomeCounter());
    for (let i = 0; i < 5000; i++) {
      const into = [single, parts[Math.floor(random() * 4)]!];
      if (random() < 0.1) {
        const kind = kinds[Math.floor(random() * kinds.length)]!;
        for (const c of into) c.failure(kind);
      } else {
        const status = statuses[Math.floor(random() * statuses.length)]!;
        const bytes = Math.floor(random() * 2000);
        for (const c of into) c.response(status, bytes);
      }
    }
    assert.deepEqual(mergeOutcomes(parts.map((p) => p.outcomes())), single.outcomes());
    assert.equal(
      parts.reduce((sum, p) => sum + p.bytes, 0),
      single.bytes,
    );
  });

  test('checked responses: checked, skipped, check failures and their samples (with counts) merge exactly', () => {
    const random = mulberry32(11);
    const failure = (n: number): Verdict => ({
      kind: 'check',
      failure: { status: 200, reason: `$.code is ${n}, expected 0`, body: `{"code":${n}}` },
    });
    const verdicts: Verdict[] = [
      { kind: 'pass', content: 'checked' },
      { kind: 'pass', content: 'skipped' },
      { kind: 'pass', content: 'none' },
      { kind: 'status' },
      failure(1),
      failure(2),
      failure(3),
    ];
    const single = new OutcomeCounter({ checking: true });
    const parts = [new OutcomeCounter({ checking: true }), new OutcomeCounter({ checking: true })];
    for (let i = 0; i < 3000; i++) {
      const verdict = verdicts[Math.floor(random() * verdicts.length)]!;
      const status = verdict.kind === 'status' ? 500 : 200;
      single.response(status, 12, verdict);
      parts[i % 2]!.response(status, 12, verdict);
    }
    const merged = mergeOutcomes(parts.map((p) => p.outcomes()));
    const expected = single.outcomes();
    // The samples are kept in the order first seen, which differs between one counter and two: compare them as sets.
    const bySample = (o: typeof merged) => [...o.checks!.failures].sort((a, b) => a.reason.localeCompare(b.reason));
    assert.deepEqual(bySample(merged), bySample(expected));
    assert.deepEqual(
      { ...merged, checks: { ...merged.checks!, failures: [] } },
      { ...expected, checks: { ...expected.checks!, failures: [] } },
    );
  });
});

describe("a window's share per worker thread", () => {
  test('connections and the request count split as evenly as they go, the rate in equal parts, nothing lost', () => {
    const s = scenario({ connections: 10, rate: 300, workers: 3 });
    const shares = [0, 1, 2].map((i) => shareOf(s, 1001, i, 3));
    assert.deepEqual(
      shares.map((x) => [x.scenario.connections, x.amount, x.scenario.rate, x.scenario.workers]),
      [
        [4, 334, 100, 1],
        [3, 334, 100, 1],
        [3, 333, 100, 1],
      ],
    );
  });

  test('tokens: each worker its own stripe while there are enough, else all of them from its own start', () => {
    const tokens = (n: number) => ({
      file: '/t.csv',
      header: 'authorization',
      prefix: '',
      tokens: Array.from({ length: n }, (_, i) => `t${i}`),
    });
    const five = scenario({ tokens: tokens(5) });
    assert.deepEqual(
      [0, 1].map((i) => shareOf(five, undefined, i, 2).scenario.tokens!.tokens),
      [
        ['t0', 't2', 't4'],
        ['t1', 't3'],
      ],
    );
    const two = scenario({ tokens: tokens(2) });
    assert.deepEqual(
      [0, 1, 2].map((i) => shareOf(two, undefined, i, 3).scenario.tokens!.tokens),
      [
        ['t0', 't1'],
        ['t1', 't0'],
        ['t0', 't1'],
      ],
    );
  });

  test('never more threads than connections or requests; absent workers = 1', () => {
    assert.equal(workersFor(scenario({ connections: 2, workers: 4 }), undefined), 2);
    assert.equal(workersFor(scenario({ connections: 8, workers: 4 }), 3), 3);
    assert.equal(workersFor(scenario({ connections: 8 }), undefined), 1);
  });
});

describe('the merged measurement', () => {
  const record = (over: Partial<WindowRecord>): WindowRecord => {
    const latency = new LatencyRecorder();
    latency.recordMs(2);
    const counter = new OutcomeCounter();
    for (let i = 0; i < 1000; i++) counter.response(200, 10);
    return {
      outcomes: counter.outcomes(),
      bytes: counter.bytes,
      latency: latency.encode(),
      warmupRequests: 0,
      windowStart: 1_000_000,
      windowEnd: 1_002_000,
      cpuMs: 1000,
      ...over,
    };
  };

  test('rates over the mean window, CPU per worker with the saturated one named, open-model backlog summed', () => {
    const s = scenario({ connections: 8, rate: 1000, workers: 2 });
    const m = mergedMeasurement(s, [
      record({ cpuMs: 1900, backlog: { unsent: 3, oldestWaitMs: 12 } }),
      record({ windowStart: 1_000_004, windowEnd: 1_002_004, cpuMs: 1000, backlog: { unsent: 2, oldestWaitMs: 30 } }),
    ]);
    assert.equal(m.durationMs, 2000);
    assert.equal(m.outcomes.total, 2000);
    assert.equal(m.qps, 1000);
    assert.equal(m.bytesPerSec, 10_000);
    assert.equal(m.bytesPerResponse, 10);
    assert.deepEqual(m.generator, { cpu: 1.45, saturated: true, workers: 2, perWorker: [0.95, 0.5], saturatedWorkers: [1] });
    assert.equal(m.achievedRate, 1000);
    assert.deepEqual(m.backlog, { unsent: 5, oldestWaitMs: 30 });
    assert.deepEqual(m.scheduleLag, { p99Ms: 0, maxMs: 0 });
    assert.equal(m.latency.p50, 2);
  });
});
