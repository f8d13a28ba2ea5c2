// Both versions on the same runner, in randomized interleaved pairs (RMIT): each arm warms up unrecorded,
// then every pair runs base and head back to back, in a balanced order drawn from a seed of the head SHA.
import { entryWindow } from '../compare/entries.ts';
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
  /**
   * Around each round's window, never during it: called just before the window, and what it returns is called with
   * the round and its measurement once the window ended (the diagnosis reads its counters there). Not for warm-ups.
   */
  aroundRound?: (scenario: Scenario, arm: 'base' | 'head') => Promise<(round: Round, measurement: LoadMeasurement) => Promise<void>>;
  /** After each look (from settings.minPairs pairs on): whether every metric of the scenario is decided. */
  decided?: (scenario: Scenario, rounds: ArmRounds) => boolean;
  /** When a scenario's pairs stop, and why. */
  onStop?: (scenario: string, stop: SequentialStop) => void;
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
  return {
    index,
    arm,
    order,
    metrics: roundMetrics(m),
    outcomes: m.outcomes,
    generatorSaturated: m.generator.saturated,
    // A mix: each entry's own figures, so its comparison can be made (and made again from the results file).
    ...(m.entries
      ? { entries: m.entries.map((e) => ({ name: e.name, metrics: roundMetrics(entryWindow(m, e)), outcomes: e.outcomes })) }
      : {}),
  };
}

function roundMetrics(m: LoadMeasurement): Record<RoundMetric, number> {
  const metrics = metricsOf(m);
  return Object.fromEntries(ROUND_METRICS.map((k) => [k, metrics[k]])) as Record<RoundMetric, number>;
}

/** Why a scenario's pairs stopped. */
type StopReason = 'decided' | 'max-pairs' | 'budget' | 'interrupted';

/** After each look: the pairs a scenario had, and whether every metric was then decided. */
export interface SequentialStop {
  pairs: number;
  reason: StopReason;
}

/** Pairs after the first look come two at a time: one base-first, one head-first, so every look is balanced. */
const BATCH = 2;

export async function runInterleaved(o: InterleaveOptions): Promise<Map<string, ArmRounds>> {
  const results = new Map<string, ArmRounds>();
  const firstPair = o.firstPair ?? 0;
  const started = performance.now();
  for (const [scenarioIndex, scenario] of o.scenarios.entries()) {
    if (o.signal?.aborted) break;
    const rounds: ArmRounds = { base: [], head: [] };
    results.set(scenario.name, rounds);
    const windowMs = o.settings.roundMs || scenario.durationMs;
    // The scenarios still open share what is left of the budget equally; one decided early leaves more to the rest.
    const left = o.settings.budgetMs - (performance.now() - started);
    const scenarioDeadline = performance.now() + left / (o.scenarios.length - scenarioIndex);
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
    const most = firstPair + o.settings.pairs;
    const firstLook = firstPair + Math.min(o.settings.minPairs ?? o.settings.pairs, o.settings.pairs);
    let next = firstPair;
    let stop: SequentialStop | undefined;
    while (!stop) {
      const batchStarted = performance.now();
      const size = next === firstPair ? firstLook - firstPair : Math.min(BATCH, most - next);
      // The first batch keeps the order the seed has always given; later batches of two are drawn per batch.
      const orders =
        next === firstPair ? pairOrder(o.seed, scenarioIndex, size, firstPair) : pairOrder(`${o.seed}@${next}`, scenarioIndex, size);
      const complete = await runPairs(o, scenario, rounds, orders, next, most, windowMs);
      next += complete;
      const pairs = next - firstPair;
      if (complete < size || o.signal?.aborted) stop = { pairs, reason: 'interrupted' };
      else if (o.decided?.(scenario, rounds)) stop = { pairs, reason: 'decided' };
      else if (next >= most) stop = { pairs, reason: 'max-pairs' };
      else if (performance.now() + (performance.now() - batchStarted) * (BATCH / size) > scenarioDeadline)
        stop = { pairs, reason: 'budget' };
    }
    o.onStop?.(scenario.name, stop);
    if (stop.reason !== 'decided' && stop.reason !== 'interrupted') {
      o.log.info(
        `${scenario.name}: ${stop.reason === 'budget' ? 'the time budget is spent' : 'the most pairs are used'} after ${stop.pairs} pairs; undecided metrics are inconclusive`,
      );
    } else if (stop.reason === 'decided') o.log.info(`${scenario.name}: every metric decided after ${stop.pairs} pairs`);
  }
  return results;
}

/** Runs the pairs of one batch in their orders; returns how many completed (an interrupted pair is dropped). */
async function runPairs(
  o: InterleaveOptions,
  scenario: Scenario,
  rounds: ArmRounds,
  orders: PairOrder[],
  first: number,
  most: number,
  windowMs: number,
): Promise<number> {
  for (const [i, order] of orders.entries()) {
    const index = first + i;
    const arms = order === 'base-first' ? [o.base, o.head] : [o.head, o.base];
    for (const [position, arm] of arms.entries()) {
      if (o.signal?.aborted) break;
      const after = await o.aroundRound?.(scenario, arm.name);
      // No per-round warm-up: both arms stay hot between rounds, and the window starts on open connections.
      const m = await o.runLoad({ origin: arm.origin, scenario, warmupMs: 0, durationMs: windowMs, amount: undefined, signal: o.signal });
      if (m.aborted) break;
      const round = roundOf(index, arm.name, position as 0 | 1, m);
      rounds[arm.name].push(round);
      o.onRound?.(scenario.name, round);
      await after?.(round, m);
    }
    const last = (arm: Round[]) => arm[arm.length - 1];
    if (last(rounds.base)?.index === index && last(rounds.head)?.index === index) {
      const b = last(rounds.base)!.metrics;
      const h = last(rounds.head)!.metrics;
      o.log.info(
        `${scenario.name}: pair ${index + 1}/${most} (${order}): base ${Math.round(b.qps)} req/s p99 ${b.p99.toFixed(2)} ms · head ${Math.round(h.qps)} req/s p99 ${h.p99.toFixed(2)} ms`,
      );
    } else {
      // An interrupted pair is not a pair: keep rounds paired by index.
      rounds.base = rounds.base.filter((r) => r.index !== index);
      rounds.head = rounds.head.filter((r) => r.index !== index);
      return i;
    }
  }
  return orders.length;
}
