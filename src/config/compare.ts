// compare: → CompareSettings, the defaults filled in. Whether the pairs can reach a verdict depends on every file's
// scenarios, so load.ts checks that after the merge.
import type { Positions } from './positions.ts';
import type { PerfFile } from './schema.ts';
import type { CompareSettings, SourceLocation } from './types.ts';
import { ms } from './values.ts';

export const DEFAULT_COMPARE: CompareSettings = {
  pairs: 20,
  minPairs: 8,
  budgetMs: 10 * 60_000,
  alpha: 0.05,
  roundMs: 5000,
  armWarmupMs: 5000,
  extendOnce: false,
  metrics: ['qps', 'p50', 'p99', 'error_rate', 'failure_rate'],
};

export type CompareInput = NonNullable<PerfFile['compare']>;

export interface CompareAt {
  value: CompareSettings;
  /** The compare: key. */
  at: SourceLocation;
  /** pairs:, when it is set. */
  pairsAt?: SourceLocation;
}

export function normaliseCompare(c: CompareInput, pos: Positions): CompareAt {
  const value: CompareSettings = {
    ...(c.base !== undefined ? { base: c.base } : {}),
    pairs: c.pairs ?? Math.max(DEFAULT_COMPARE.pairs, c.min_pairs ?? 0),
    minPairs: Math.min(c.min_pairs ?? DEFAULT_COMPARE.minPairs, c.pairs ?? Math.max(DEFAULT_COMPARE.pairs, c.min_pairs ?? 0)),
    budgetMs: ms(c.budget, DEFAULT_COMPARE.budgetMs),
    alpha: c.alpha ?? DEFAULT_COMPARE.alpha,
    roundMs: ms(c.round, DEFAULT_COMPARE.roundMs),
    armWarmupMs: ms(c.warmup, DEFAULT_COMPARE.armWarmupMs),
    // max_base_cv is accepted but ignored (#13): pairing cancels shared drift, and the pairs' spread is the noise.
    // extend_once likewise (#15): sequential pairs buy more pairs only where a metric is still open.
    extendOnce: c.extend_once ?? DEFAULT_COMPARE.extendOnce,
    metrics: c.metrics ? [...new Set(c.metrics)] : [...DEFAULT_COMPARE.metrics],
  };
  return { value, at: pos.of(['compare'], true), ...(c.pairs !== undefined ? { pairsAt: pos.of(['compare', 'pairs']) } : {}) };
}
