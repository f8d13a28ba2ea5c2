// What a sharded or pooled run records so `perfgate merge` can decide again over every file (#14): the whole
// family of scenarios (all shards), the comparison design, and a digest of the config that must agree across files.
// Pure: a config in, a record out.
import { createHash } from 'node:crypto';
import type { CompareSettings, Scenario } from '../config/types.ts';
import type { RunResult } from '../result.ts';

export type Family = NonNullable<RunResult['family']>;

/**
 * The family of a run of `scenarios` (every shard's, not only this one's) with `compare` as the run applies it.
 * Paths, header values, bodies and tokens are left out of the digest: they may hold `${env.…}` values, and no secret
 * is hashed into an uploaded artifact. The head SHA, which merge also checks, already ties the files to one config;
 * the digest catches what the environment and the flags change (--pairs, --scenario, the compare settings).
 */
export function familyOf(scenarios: Scenario[], compare: CompareSettings, mode: Family['mode']): Family {
  const design = {
    alpha: compare.alpha,
    metrics: [...compare.metrics],
    pairs: compare.pairs,
    minPairs: Math.min(compare.minPairs, compare.pairs),
    roundMs: compare.roundMs,
  };
  const described = scenarios.map((s) => ({
    name: s.name,
    requests: s.requests.map(({ weight, request }) => ({
      weight,
      method: request.method,
      headers: Object.keys(request.headers).sort(),
    })),
    connections: s.connections,
    rate: s.rate ?? null,
    amount: s.amount ?? null,
    warmupMs: s.warmupMs,
    durationMs: s.durationMs,
    timeoutMs: s.timeoutMs,
    budgets: s.budgets.map((b) => `${b.metric} ${b.op} ${b.limit}`),
    tolerance: s.tolerance,
    sweepOf: s.sweepOf ?? null,
  }));
  const digest = createHash('sha256')
    .update(JSON.stringify({ mode, design, armWarmupMs: compare.armWarmupMs, scenarios: described }))
    .digest('hex');
  return {
    configDigest: `sha256:${digest}`,
    mode,
    compare: design,
    scenarios: scenarios.map((s) => ({ name: s.name, tolerance: { ...s.tolerance }, durationMs: s.durationMs })),
  };
}
