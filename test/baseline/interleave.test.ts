// Interleaving against two real servers on loopback: the seeded order is the order the servers saw.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pairOrder, runInterleaved } from '../../src/baseline/interleave.ts';
import { runLoad } from '../../src/load/run-load.ts';
import { memoryLog } from '../../src/log.ts';
import { startKnobServer, type KnobServer } from '../helpers/knob-server.ts';
import { scenario } from '../helpers/scenario.ts';

test('pair order is a seeded coin: reproducible, seed-dependent, both orders occur', () => {
  const a = pairOrder('3f2a9c', 0, 10);
  assert.deepEqual(a, pairOrder('3f2a9c', 0, 10));
  assert.notDeepEqual(a, pairOrder('3f2a9d', 0, 10));
  assert.notDeepEqual(a, pairOrder('3f2a9c', 1, 10));
  assert.ok(a.includes('base-first') && a.includes('head-first'));
  // Appending pairs continues the same sequence.
  assert.deepEqual(pairOrder('3f2a9c', 0, 4, 6), a.slice(6));
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
  const settings = { pairs: 8, alpha: 0.05, roundMs: 200, armWarmupMs: 200, maxBaseCv: 0.25, extendOnce: false, metrics: ['qps' as const] };
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
