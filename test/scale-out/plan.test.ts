// A matrix job's share of the run (pipeline/scale-out.ts): its shard's scenarios, a pool member's own seed and
// fixed design, the family it records, and a pool without pairs refused before anything starts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_COMPARE } from '../../src/config/load.ts';
import type { PerfConfig } from '../../src/config/types.ts';
import { planScaleOut } from '../../src/pipeline/scale-out.ts';
import type { RunPlan } from '../../src/pipeline/options.ts';
import { scenario } from '../helpers/scenario.ts';

const SCENARIOS = ['a', 'b', 'c', 'd'].map((name) => scenario({ name }));
const CONFIG: Pick<PerfConfig, 'compare'> = { compare: { ...DEFAULT_COMPARE, pairs: 20, minPairs: 8 } };
const PAIRED: RunPlan = {
  runId: 'r',
  targetLabel: 'services',
  head: { ref: 'HEAD', sha: 'b'.repeat(40) },
  base: { ref: 'origin/main', sha: 'a'.repeat(40) },
  seed: 'b'.repeat(40),
  pairs: 10,
};

test('a shard runs its share, with sequential pairs as configured, and records the whole family', () => {
  const shares = [1, 2].map((index) => planScaleOut(CONFIG, SCENARIOS, PAIRED, { shard: { index, count: 2 } }));
  assert.deepEqual(
    shares
      .map((s) => s.scenarios.map((x) => x.name))
      .flat()
      .sort(),
    ['a', 'b', 'c', 'd'],
  );
  for (const share of shares) {
    assert.equal(share.plan.seed, 'b'.repeat(40));
    assert.deepEqual(share.compare.minPairs, 8);
    assert.deepEqual(
      share.header.family!.scenarios.map((s) => s.name),
      ['a', 'b', 'c', 'd'],
    );
    assert.deepEqual(share.header.family!.compare, {
      alpha: 0.05,
      metrics: DEFAULT_COMPARE.metrics,
      pairs: 10,
      minPairs: 8,
      roundMs: DEFAULT_COMPARE.roundMs,
    });
    assert.equal(share.header.family!.mode, 'paired');
  }
  assert.equal(shares[0]!.header.family!.configDigest, shares[1]!.header.family!.configDigest);
});

test('a pool member runs every scenario at a fixed design of the most pairs, with a seed of its own', () => {
  const [one, two] = [1, 2].map((index) => planScaleOut(CONFIG, SCENARIOS, PAIRED, { pool: { index, count: 2 } }));
  assert.equal(one!.scenarios.length, 4);
  assert.equal(one!.compare.minPairs, 10);
  assert.equal(one!.header.family!.compare.minPairs, 10);
  assert.equal(one!.plan.seed, `${'b'.repeat(40)}/pool-1-of-2`);
  assert.equal(two!.plan.seed, `${'b'.repeat(40)}/pool-2-of-2`);
  assert.deepEqual(one!.header.pool, { index: 1, count: 2 });
});

test('a pool without a comparison with the base is refused (exit 2)', () => {
  const budgetsOnly = { ...PAIRED, base: undefined };
  assert.throws(
    () => planScaleOut(CONFIG, SCENARIOS, budgetsOnly, { pool: { index: 1, count: 2 }, baselineFile: 'saved.json' }),
    (e: unknown) =>
      e instanceof Error &&
      'exitCode' in e &&
      e.exitCode === 2 &&
      e.message ===
        '--pool 1/2 pools interleaved pairs, so it needs a comparison with the base branch (--base, with services:); a saved run (--baseline-file) has no pairs.',
  );
  assert.equal(
    planScaleOut(CONFIG, SCENARIOS, budgetsOnly, { pool: { index: 1, count: 1 } }).scenarios.length,
    4,
    'a pool of one is a run',
  );
});
