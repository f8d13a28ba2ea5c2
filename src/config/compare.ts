// compare: → CompareSettings, the defaults filled in. Whether the pairs can reach a verdict depends on every file's
// scenarios, so load.ts checks that after the merge.
import type { Positions } from './positions.ts';
import type { PerfFile } from './schema.ts';
import type { CompareSettings, SourceLocation } from './types.ts';
import { ms } from './values.ts';

export const DEFAULT_COMPARE: CompareSettings = {
  pairs: 10,
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
    pairs: c.pairs ?? DEFAULT_COMPARE.pairs,
    alpha: c.alpha ?? DEFAULT_COMPARE.alpha,
    roundMs: ms(c.round, DEFAULT_COMPARE.roundMs),
    armWarmupMs: ms(c.warmup, DEFAULT_COMPARE.armWarmupMs),
    // max_base_cv is accepted but ignored (#13): pairing cancels shared drift, and the pairs' spread is the noise.
    extendOnce: c.extend_once ?? DEFAULT_COMPARE.extendOnce,
    metrics: c.metrics ? [...new Set(c.metrics)] : [...DEFAULT_COMPARE.metrics],
  };
  return { value, at: pos.of(['compare'], true), ...(c.pairs !== undefined ? { pairsAt: pos.of(['compare', 'pairs']) } : {}) };
}
