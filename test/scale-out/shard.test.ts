// The shard split (#14): exact, balanced by expected time, sweeps kept whole, and stable when a scenario is added.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_COMPARE } from '../../src/config/load.ts';
import type { Scenario } from '../../src/config/types.ts';
import { assignShards, expectedMs, parsePart, scenariosOfShard } from '../../src/scale-out/shard.ts';
import { scenario } from '../helpers/scenario.ts';

const cost = (s: Scenario) => s.durationMs;
const NAMES = ['list posts', 'get post', 'create post', 'search', 'health', 'login', 'feed', 'profile', 'comments'];
const family = (): Scenario[] => [
  ...NAMES.map((name, i) => scenario({ name, durationMs: 1000 * (1 + (i % 3)) })),
  ...[10, 20, 40].map((c) => scenario({ name: `sweep @ ${c}`, sweepOf: 'sweep', connections: c })),
];

function loads(scenarios: Scenario[], shards: Map<string, number>, count: number): number[] {
  const load = new Array<number>(count).fill(0);
  for (const s of scenarios) load[shards.get(s.name)! - 1]! += cost(s);
  return load;
}

describe('perfgate run --shard i/n: which scenarios', () => {
  test('i/n is parsed, and anything else is refused with the reason', () => {
    assert.deepEqual(parsePart('2/3'), { index: 2, count: 3 });
    assert.deepEqual(parsePart(' 1 / 1 '), { index: 1, count: 1 });
    assert.equal(parsePart('0/3'), 'i must be 1 to 3, got 0');
    assert.equal(parsePart('4/3'), 'i must be 1 to 3, got 4');
    assert.equal(parsePart('1/0'), 'n must be 1 to 256, got 0');
    assert.equal(parsePart('1/300'), 'n must be 1 to 256, got 300');
    assert.equal(parsePart('two/3'), 'expected i/n (e.g. 2/3), got "two/3"');
  });

  test('a sweep stays on one shard; every scenario is on exactly one; the split is the same every time', () => {
    const all = family();
    const shards = assignShards(all, 3, cost);
    assert.deepEqual(Object.fromEntries(shards), Object.fromEntries(assignShards([...all].reverse(), 3, cost)), 'order-independent');
    assert.deepEqual(
      [1, 2, 3].map((index) => scenariosOfShard(all, { index, count: 3 }, cost).map((s) => s.name)),
      [
        ['get post', 'health', 'comments'],
        ['list posts', 'create post', 'search', 'profile'],
        ['login', 'feed', 'sweep @ 10', 'sweep @ 20', 'sweep @ 40'],
      ].map((names) => all.map((s) => s.name).filter((n) => names.includes(n))),
    );
    // 21 s of work on 3 shards: each within 110% of the fair 7 s (or the heaviest group, the 3 s sweep).
    assert.deepEqual(loads(all, shards, 3), [7000, 7000, 7000]);
  });

  test('balanced by expected time: over 50 seeded configs of 20 scenarios on 4 shards, no shard is past 110% of its fair share', () => {
    for (let k = 0; k < 50; k++) {
      const all = Array.from({ length: 20 }, (_, i) => scenario({ name: `s${k}-${i}`, durationMs: 1000 * (1 + ((i * 7 + k) % 5)) }));
      const fair = all.reduce((sum, s) => sum + cost(s), 0) / 4;
      const worst = Math.max(...loads(all, assignShards(all, 4, cost), 4));
      assert.ok(worst <= fair * 1.1, `config ${k}: ${worst} ms on one shard, fair ${fair}`);
    }
  });

  test('stable: adding a scenario moves few of the others (3.58 of 20 on average over 50 configs; rebalancing all would move ~15)', () => {
    let moved = 0;
    for (let k = 0; k < 50; k++) {
      const all = Array.from({ length: 20 }, (_, i) => scenario({ name: `s${k}-${i}`, durationMs: 1000 * (1 + ((i * 7 + k) % 5)) }));
      const before = assignShards(all, 4, cost);
      const after = assignShards([...all, scenario({ name: `new ${k}`, durationMs: 3000 })], 4, cost);
      moved += all.filter((s) => before.get(s.name) !== after.get(s.name)).length;
    }
    assert.equal(moved / 50, 3.58);
  });

  test('the expected time: the measured run, plus both arms of every pair and their warm-ups when compared', () => {
    const s = scenario({ warmupMs: 1000, durationMs: 4000 });
    const compare = { ...DEFAULT_COMPARE, pairs: 10, roundMs: 5000, armWarmupMs: 5000 };
    assert.equal(expectedMs(s, compare, 'none'), 5000);
    assert.equal(expectedMs(s, compare, 'unpaired'), 5000 + 10 * 5000);
    assert.equal(expectedMs(s, compare, 'paired'), 5000 + 2 * 5000 + 2 * 10 * 5000);
    assert.equal(expectedMs(s, { ...compare, roundMs: 0 }, 'paired'), 5000 + 2 * 5000 + 2 * 10 * 4000);
  });
});
