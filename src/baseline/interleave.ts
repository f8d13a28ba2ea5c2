// Both versions on the same runner, in randomized interleaved pairs (RMIT): each arm warms up unrecorded,
// then every pair runs base and head back to back, in a balanced order drawn from a seed of the head SHA.
import type { CompareSettings, Scenario } from '../config/types.ts';
import type { LoadOptions } from '../load/run-load.ts';
import type { Log } from '../log.ts';
import { metricsOf } from '../metrics.ts';
import type { LoadMeasurement, Round } from '../result.ts';
import { ROUND_METRICS, type RoundMetric } from '../config/types.ts';
import { mulberry32, seedFromString } from '../stats/rng.ts';

interface Arm {
  name: 'base' | 'head';
  origin: string;
}

export interface InterleaveOptions {
  scenarios: Scenario[];
  base: Arm;
  head: Arm;
  settings: CompareSettings;
  /** The head SHA: order coins are seeded from it. */
  seed: string;
  runLoad: (options: LoadOptions) => Promise<LoadMeasurement>;
  signal?: AbortSignal;
  log: Log;
  /** Pair numbers start here (to append more pairs to an earlier run). */
  firstPair?: number;
  /** Skip the per-arm warm-up (when appending pairs to warm stacks). */
  skipWarmup?: boolean;
  onRound?: (scenario: string, round: Round) => void;
}

export type ArmRounds = { base: Round[]; head: Round[] };

export type PairOrder = 'base-first' | 'head-first';

/**
 * The order of each pair, drawn from (seed, scenario index): reproducible, and balanced within each batch of
 * `pairs` — exactly half base-first (an odd one by coin), in a seeded shuffle. Independent coins would often
 * give 7–3 or 8–2 in 10 pairs (about a third of seeds), and then a second-run-is-faster order effect (seen on
 * these machines) would pass for a difference between the arms.
 */
export function pairOrder(seed: string, scenarioIndex: number, pairs: number, firstPair = 0): PairOrder[] {
  const random = mulberry32(seedFromString(`${seed}#${scenarioIndex}`));
  const orders: PairOrder[] = [];
  while (orders.length < firstPair + pairs) orders.push(...balancedBatch(pairs, random));
  return orders.slice(firstPair, firstPair + pairs);
}

function balancedBatch(n: number, random: () => number): PairOrder[] {
  const baseFirst = Math.floor(n / 2) + (n % 2 === 1 && random() < 0.5 ? 1 : 0);
  const batch = Array.from({ length: n }, (_, i): PairOrder => (i < baseFirst ? 'base-first' : 'head-first'));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [batch[i], batch[j]] = [batch[j]!, batch[i]!];
  }
  return batch;
}

export function roundOf(index: number, arm: 'base' | 'head', order: 0 | 1, m: LoadMeasurement): Round {
  const metrics = metricsOf(m);
  return {
    index,
    arm,
    order,
    metrics: Object.fromEntries(ROUND_METRICS.map((k) => [k, metrics[k]])) as Record<RoundMetric, number>,
    outcomes: m.outcomes,
    generatorSaturated: m.generator.saturated,
  };
}

export async function runInterleaved(o: InterleaveOptions): Promise<Map<string, ArmRounds>> {
  const results = new Map<string, ArmRounds>();
  const firstPair = o.firstPair ?? 0;
  for (const [scenarioIndex, scenario] of o.scenarios.entries()) {
    if (o.signal?.aborted) break;
    const rounds: ArmRounds = { base: [], head: [] };
    results.set(scenario.name, rounds);
    const windowMs = o.settings.roundMs || scenario.durationMs;
    if (!o.skipWarmup && o.settings.armWarmupMs > 0) {
      o.log.info(`${scenario.name}: warming up both arms (${o.settings.armWarmupMs / 1000}s each, not recorded)`);
      for (const arm of [o.base, o.head]) {
        if (o.signal?.aborted) break;
        await o.runLoad({
          origin: arm.origin,
          scenario,
          warmupMs: 0,
          durationMs: o.settings.armWarmupMs,
          amount: undefined,
          signal: o.signal,
        });
      }
    }
    const orders = pairOrder(o.seed, scenarioIndex, o.settings.pairs, firstPair);
    for (const [i, order] of orders.entries()) {
      const index = firstPair + i;
      const arms = order === 'base-first' ? [o.base, o.head] : [o.head, o.base];
      for (const [position, arm] of arms.entries()) {
        if (o.signal?.aborted) break;
        // No per-round warm-up: both arms stay hot between rounds, and the window starts on open connections.
        const m = await o.runLoad({ origin: arm.origin, scenario, warmupMs: 0, durationMs: windowMs, amount: undefined, signal: o.signal });
        if (m.aborted) break;
        const round = roundOf(index, arm.name, position as 0 | 1, m);
        rounds[arm.name].push(round);
        o.onRound?.(scenario.name, round);
      }
      const last = (arm: Round[]) => arm[arm.length - 1];
      if (last(rounds.base)?.index === index && last(rounds.head)?.index === index) {
        const b = last(rounds.base)!.metrics;
        const h = last(rounds.head)!.metrics;
        o.log.info(
          `${scenario.name}: pair ${index + 1}/${firstPair + o.settings.pairs} (${order}): base ${Math.round(b.qps)} req/s p99 ${b.p99.toFixed(2)} ms · head ${Math.round(h.qps)} req/s p99 ${h.p99.toFixed(2)} ms`,
        );
      } else {
        // An interrupted pair is not a pair: keep rounds paired by index.
        rounds.base = rounds.base.filter((r) => r.index !== index);
        rounds.head = rounds.head.filter((r) => r.index !== index);
        break;
      }
    }
  }
  return results;
}
