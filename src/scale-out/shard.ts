// Which scenarios a shard runs (#14): `perfgate run --shard i/n` over a GitHub Actions matrix. Pure and
// deterministic, so every job of the matrix computes the same split from the same config without talking to the
// others.
//
// The rule (docs/scale-out.md): a sweep's levels stay together (their report is one curve); each group costs its
// expected time; groups are placed heaviest first (ties by name), each on the shard its name ranks highest
// (rendezvous hashing: sha256 of "name#shard") among the shards whose load stays within 110% of the fair share
// (total ÷ n, at least the heaviest group), else on the least loaded. The ranking depends only on the name, so
// adding a scenario leaves the others where they were unless a shard they prefer fills up differently.
import { createHash } from 'node:crypto';
import type { CompareSettings, Scenario } from '../config/types.ts';
import type { Family } from './family.ts';

/** One part of a matrix: shard or pool member `index` (1-based) of `count`. */
export interface Part {
  index: number;
  count: number;
}

/** The most shards or pool members: far above a useful matrix, far below GitHub's 256 jobs per matrix. */
const MAX_PARTS = 256;

/** "2/3" → { index: 2, count: 3 }; the reason, as text, when it is not one. */
export function parsePart(text: string): Part | string {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) return `expected i/n (e.g. 2/3), got "${text}"`;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_PARTS) return `n must be 1 to ${MAX_PARTS}, got ${count}`;
  if (index < 1 || index > count) return `i must be 1 to ${count}, got ${index}`;
  return { index, count };
}

/** How long a scenario is expected to take: its measured run, and its pairs when it is compared. */
export function expectedMs(scenario: Scenario, compare: CompareSettings, mode: Family['mode']): number {
  const window = compare.roundMs || scenario.durationMs;
  const run = scenario.warmupMs + scenario.durationMs;
  if (mode === 'paired') return run + 2 * compare.armWarmupMs + 2 * compare.pairs * window;
  if (mode === 'unpaired') return run + compare.pairs * window;
  return run;
}

/** Fair share × this: the slack that lets most groups stay on the shard their name prefers. */
const SLACK = 1.1;

/** The shard (1-based) of every scenario, by name. */
export function assignShards(scenarios: Scenario[], count: number, cost: (s: Scenario) => number): Map<string, number> {
  const groups = new Map<string, { key: string; names: string[]; cost: number }>();
  for (const s of scenarios) {
    const key = s.sweepOf ?? s.name;
    const group = groups.get(key) ?? { key, names: [], cost: 0 };
    group.names.push(s.name);
    group.cost += cost(s);
    groups.set(key, group);
  }
  const ordered = [...groups.values()].sort((a, b) => b.cost - a.cost || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const total = ordered.reduce((sum, g) => sum + g.cost, 0);
  const capacity = Math.max(ordered[0]?.cost ?? 0, total / count) * SLACK;
  const load = new Array<number>(count + 1).fill(0);
  const shardOf = new Map<string, number>();
  for (const group of ordered) {
    const ranked = rendezvousOrder(group.key, count);
    const shard =
      ranked.find((s) => load[s]! + group.cost <= capacity) ?? ranked.reduce((best, s) => (load[s]! < load[best]! ? s : best), ranked[0]!);
    load[shard]! += group.cost;
    for (const name of group.names) shardOf.set(name, shard);
  }
  return shardOf;
}

/** The scenarios of one shard, in the config's order. */
export function scenariosOfShard(scenarios: Scenario[], shard: Part, cost: (s: Scenario) => number): Scenario[] {
  const shardOf = assignShards(scenarios, shard.count, cost);
  return scenarios.filter((s) => shardOf.get(s.name) === shard.index);
}

/** Shards 1..count, the one `key` prefers most first. */
function rendezvousOrder(key: string, count: number): number[] {
  const weight = (shard: number) => createHash('sha256').update(`${key}#${shard}`).digest().readUInt32BE(0);
  return Array.from({ length: count }, (_, i) => i + 1)
    .map((shard) => ({ shard, weight: weight(shard) }))
    .sort((a, b) => b.weight - a.weight || a.shard - b.shard)
    .map((s) => s.shard);
}
