// Seeded synthetic pairs for simulations through the decision code: a shared per-pair drift of 20% (both arms of a
// pair see it; pairing cancels it) and each arm's own noise with sd spread/√2, so a pair's log-ratio has sd `spread`.
// The head is slower by `factor`: QPS divided by it, p50 and p99 multiplied.
import type { Round } from '../../src/result.ts';

export function simulatedPairs(gauss: () => number, pairs: number, spread: number, factor: number, outcomes: Round['outcomes']) {
  const base: Round[] = [];
  const head: Round[] = [];
  for (let index = 0; index < pairs; index++) {
    const env = Math.exp(0.2 * gauss());
    const arm = (name: 'base' | 'head', f: number): Round => {
      const e = () => Math.exp((spread / Math.SQRT2) * gauss());
      return {
        index,
        arm: name,
        order: 0,
        metrics: { qps: (1000 * env * e()) / f, p50: 5 * env * f * e(), p95: 8, p99: 20 * env * f * e() },
        outcomes,
        generatorSaturated: false,
      };
    };
    base.push(arm('base', 1));
    head.push(arm('head', factor));
  }
  return { base, head };
}
