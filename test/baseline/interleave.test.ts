// Interleaving against two real servers on loopback: the seeded order is the order the servers saw.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pairOrder, runInterleaved } from '../../src/baseline/interleave.ts';
import { runLoad } from '../../src/load/run-load.ts';
import { memoryLog } from '../../src/log.ts';
import { startKnobServer, type KnobServer } from '../helpers/knob-server.ts';
import { scenario } from '../helpers/scenario.ts';
import type { LoadMeasurement } from '../../src/result.ts';
import { outcomes } from '../helpers/outcomes.ts';

test('pair order is seeded and balanced: reproducible, seed-dependent, exactly half base-first per batch', () => {
  const count = (orders: string[]) => orders.filter((o) => o === 'base-first').length;
  const a = pairOrder('3f2a9c', 0, 10);
  assert.deepEqual(a, pairOrder('3f2a9c', 0, 10));
  assert.notDeepEqual(a, pairOrder('3f2a9d', 0, 10));
  assert.notDeepEqual(a, pairOrder('3f2a9c', 1, 10));
  // Every seed gives 5 and 5 in 10 pairs (independent coins give 7–3 or worse for about a third of seeds).
  for (let i = 0; i < 200; i++) assert.equal(count(pairOrder(`sha-${i}`, 0, 10)), 5);
  // An odd count is balanced but for one pair, which goes either way.
  const odd = new Set(Array.from({ length: 200 }, (_, i) => count(pairOrder(`sha-${i}`, 0, 9))));
  assert.deepEqual([...odd].sort(), [4, 5]);
  // More pairs bought later (extend_once) are a balanced batch of their own, not a copy of the first.
  const more = pairOrder('3f2a9c', 0, 10, 10);
  assert.equal(count(more), 5);
  assert.notDeepEqual(more, a);
  assert.deepEqual(more, pairOrder('3f2a9c', 0, 10, 10), 'reproducible too');
});

let base: KnobServer;
let head: KnobServer;
before(async () => {
  base = await startKnobServer();
  head = await startKnobServer();
});
after(async () => {
  await base.close();
  await head.close();
});

test('rounds run in the seeded order, warm-up is unrecorded, every pair is kept', async () => {
  const settings = {
    pairs: 8,
    minPairs: 8,
    budgetMs: 60_000,
    alpha: 0.05,
    roundMs: 200,
    armWarmupMs: 200,
    extendOnce: false,
    metrics: ['qps' as const],
  };
  const order: string[] = [];
  const rounds = await runInterleaved({
    scenarios: [scenario({ connections: 2 })],
    base: { name: 'base', origin: base.url },
    head: { name: 'head', origin: head.url },
    settings,
    seed: 'abc',
    runLoad: async (options) => {
      const m = await runLoad(options);
      order.push(options.origin === base.url ? 'base' : 'head');
      return m;
    },
    log: memoryLog(),
  });
  const r = rounds.get('test')!;
  assert.equal(r.base.length, 8);
  assert.equal(r.head.length, 8);
  // Two warm-ups first (base, head), then each pair in its coin's order.
  const expected = ['base', 'head', ...pairOrder('abc', 0, 8).flatMap((o) => (o === 'base-first' ? ['base', 'head'] : ['head', 'base']))];
  assert.deepEqual(order, expected);
  for (const [i, round] of r.base.entries()) {
    assert.equal(round.index, i);
    assert.equal(round.order, pairOrder('abc', 0, 8)[i] === 'base-first' ? 0 : 1);
  }
  const measured = [...r.base, ...r.head].reduce((n, round) => n + round.outcomes.total, 0);
  assert.ok(base.total() + head.total() > measured, 'warm-up traffic is not in the rounds');
});

/** A measured window without load: the sequential loop's bookkeeping is what these tests check. */
function fakeWindow(): Promise<LoadMeasurement> {
  const latency = { min: 1, p50: 1, p90: 1, p95: 1, p99: 1, p999: 1, max: 1, mean: 1 };
  return Promise.resolve({
    connections: 1,
    durationMs: 1000,
    outcomes: outcomes(100),
    latency,
    qps: 100,
    bytesPerSec: 0,
    generator: { cpu: 0.1, saturated: false },
  });
}

test('sequential pairs: the first look after min_pairs, then two at a time, each batch balanced; a decided scenario stops', async () => {
  const settings = {
    pairs: 20,
    minPairs: 8,
    budgetMs: 600_000,
    alpha: 0.05,
    roundMs: 1,
    armWarmupMs: 0,
    extendOnce: false,
    metrics: ['qps' as const],
  };
  const looks: number[] = [];
  const stops: Array<[string, { pairs: number; reason: string }]> = [];
  const rounds = await runInterleaved({
    scenarios: [scenario({ name: 'decides at 12' }), scenario({ name: 'never decides' })],
    base: { name: 'base', origin: 'http://base' },
    head: { name: 'head', origin: 'http://head' },
    settings,
    seed: 'abc',
    runLoad: fakeWindow,
    log: memoryLog(),
    decided: (s, r) => {
      looks.push(r.base.length);
      return s.name === 'decides at 12' && r.base.length >= 12;
    },
    onStop: (name, stop) => stops.push([name, stop]),
  });
  assert.deepEqual(looks, [8, 10, 12, 8, 10, 12, 14, 16, 18, 20]);
  assert.deepEqual(stops, [
    ['decides at 12', { pairs: 12, reason: 'decided' }],
    ['never decides', { pairs: 20, reason: 'max-pairs' }],
  ]);
  const kept = rounds.get('never decides')!;
  assert.deepEqual(
    kept.base.map((r) => r.index),
    Array.from({ length: 20 }, (_, i) => i),
  );
  // Every batch after the first is one base-first and one head-first pair.
  for (let i = 8; i < 20; i += 2) assert.equal(kept.base[i]!.order + kept.base[i + 1]!.order, 1, `batch at pair ${i}`);
});

test('sequential pairs: a scenario stops when its share of the time budget is spent', async () => {
  const settings = {
    pairs: 50,
    minPairs: 2,
    budgetMs: 0,
    alpha: 0.05,
    roundMs: 1,
    armWarmupMs: 0,
    extendOnce: false,
    metrics: ['qps' as const],
  };
  const stops: Array<{ pairs: number; reason: string }> = [];
  await runInterleaved({
    scenarios: [scenario()],
    base: { name: 'base', origin: 'http://base' },
    head: { name: 'head', origin: 'http://head' },
    settings,
    seed: 'abc',
    runLoad: fakeWindow,
    log: memoryLog(),
    decided: () => false,
    onStop: (_name, stop) => stops.push(stop),
  });
  assert.deepEqual(stops, [{ pairs: 2, reason: 'budget' }]);
});
