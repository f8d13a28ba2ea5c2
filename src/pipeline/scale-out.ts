// Part of step 1, plan (#14): a matrix job's share of the run. `--shard i/n` keeps this shard's scenarios;
// `--pool i/n` keeps them all, draws its pair orders from a seed of its own and fixes the design at the most pairs
// (so `perfgate merge` can pool every member's pairs into one fixed-n test). Both record the family merge needs; a
// shard left without scenarios starts nothing.
import type { CompareSettings, PerfConfig, Scenario } from '../config/types.ts';
import { UsageError } from '../errors.ts';
import type { Log } from '../log.ts';
import type { RunResult } from '../result.ts';
import { compareWithStored, type StoredRequest } from './compare.ts';
import { familyOf } from '../scale-out/family.ts';
import { expectedMs, scenariosOfShard } from '../scale-out/shard.ts';
import type { Comparison, RunOptions, RunPlan } from './options.ts';

export interface ScaleOutPlan {
  /** The scenarios this job runs. */
  scenarios: Scenario[];
  compare: CompareSettings;
  plan: RunPlan;
  /** What the results file records for perfgate merge. */
  header: Pick<RunResult, 'shard' | 'pool' | 'family'>;
}

/** This job's scenarios, comparison design and seed; a UsageError (exit 2) for a pool that has no pairs to pool. */
export function planScaleOut(
  config: Pick<PerfConfig, 'compare'>,
  selected: Scenario[],
  plan: RunPlan,
  options: Pick<RunOptions, 'shard' | 'pool' | 'baselineFile'>,
): ScaleOutPlan {
  const { shard, pool } = options;
  const mode = plan.base ? 'paired' : options.baselineFile ? 'unpaired' : 'none';
  if (pool && pool.count > 1 && mode !== 'paired') {
    throw new UsageError(
      `--pool ${pool.index}/${pool.count} pools interleaved pairs, so it needs a comparison with the base branch (--base, with services:)` +
        (mode === 'unpaired' ? '; a saved run (--baseline-file) has no pairs' : '') +
        '.',
    );
  }
  const pooled = pool !== undefined && pool.count > 1;
  // Pooled, every member runs the most pairs: pairs that stop by one member's own looks are not a fixed-n sample.
  const compare: CompareSettings = { ...config.compare, pairs: plan.pairs, ...(pooled ? { minPairs: plan.pairs } : {}) };
  const cost = (s: Scenario) => expectedMs(s, compare, mode);
  const scenarios = shard ? scenariosOfShard(selected, shard, cost) : selected;
  return {
    scenarios,
    compare,
    plan: pooled ? { ...plan, seed: `${plan.seed}/pool-${pool.index}-of-${pool.count}` } : plan,
    header: {
      ...(shard ? { shard } : {}),
      ...(pool ? { pool } : {}),
      family: familyOf(selected, compare, mode),
    },
  };
}

/**
 * A shard with no scenarios (more shards than scenarios) starts nothing, but records what it would have been
 * compared with, as every shard does, so that merge finds the matrix consistent; undefined without a comparison.
 */
export async function emptyShardComparison(
  request: { plan: RunPlan; compare: CompareSettings; stored: StoredRequest['baseline'] | undefined },
  log: Log,
): Promise<Comparison | undefined> {
  const { plan, compare, stored } = request;
  if (plan.base) return { pairs: 0, seed: plan.seed, scenarios: new Map(), warnings: [], base: plan.base, head: plan.head };
  if (stored) return compareWithStored({ scenarios: [], compare, plan, headOrigin: '', baseline: stored }, {}, log);
  return undefined;
}
