// `perfgate merge` (#14): the results files of a matrix's jobs → one result, as one run of every scenario would have
// written it. Shards bring disjoint scenarios; pool members bring the same scenarios with pairs of their own, which
// are pooled into one test. Every comparison is decided again from the stored rounds by compare/decide.ts, with
// Holm across the whole family (all shards' scenarios × metrics): verdicts are never combined. Files that do not
// belong together are refused with the reason (a UsageError, exit 2). Pure: parsed results in, a result out.
import { compareFamily, type CompareInput } from '../compare/decide.ts';
import { runVerdict, scenarioVerdict } from '../compare/verdict.ts';
import { DEFAULT_COMPARE } from '../config/compare.ts';
import type { CompareSettings } from '../config/types.ts';
import { UsageError } from '../errors.ts';
import type { BudgetResult, Round, RunResult, ScenarioResult } from '../result.ts';
import type { Family } from './family.ts';
import type { Part } from './shard.ts';

/** Results files that cannot be merged into one result: exit 2, with the reason. */
export class MergeError extends UsageError {
  constructor(message: string) {
    super(`perfgate merge: ${message}`);
    this.name = 'MergeError';
  }
}

/** A results file as read, and its name as the user gave it (for the reasons). */
export interface MergeInput {
  file: string;
  result: RunResult;
}

interface Member extends MergeInput {
  family: Family;
  shard: Part;
  pool: Part;
}

const WHOLE: Part = { index: 1, count: 1 };
const STATUS_RANK = { pass: 0, inconclusive: 1, fail: 2 } as const;

export function mergeRuns(inputs: MergeInput[]): RunResult {
  if (inputs.length === 0) throw new MergeError('no results files were given');
  const members = inputs.map(memberOf).sort((a, b) => a.shard.index - b.shard.index || a.pool.index - b.pool.index);
  checkSameRun(members);
  checkParts(members);
  const [first] = members as [Member, ...Member[]];
  const { family } = first;
  const pools = first.pool.count;
  if (pools > 1 && family.mode !== 'paired') {
    throw new MergeError(
      `${first.file} is pool member ${partText(first.pool)} of a run that did not compare in interleaved pairs (${family.mode}); ` +
        'pooling needs perfgate run --base',
    );
  }

  const scenarios = family.scenarios.flatMap((spec) => {
    const holders = members.filter((m) => m.result.scenarios.some((s) => s.name === spec.name));
    const shards = new Set(holders.map((m) => m.shard.index));
    if (shards.size > 1) {
      const [a, b] = holders.filter((m, i) => holders.findIndex((h) => h.shard.index === m.shard.index) === i);
      throw new MergeError(
        `"${spec.name}" is in shard ${partText(a!.shard)} (${a!.file}) and in shard ${partText(b!.shard)} (${b!.file}); ` +
          'each scenario belongs to one shard',
      );
    }
    return holders.length > 0 ? [pooledScenario(holders.map((m) => m.result.scenarios.find((s) => s.name === spec.name)!))] : [];
  });

  const decided = family.mode === 'none' ? scenarios : decideAgain(scenarios, family, pools > 1);
  const withVerdicts = decided.map((s) => ({ ...s, verdict: scenarioVerdict(s) }));
  const interrupted = members.find((m) => m.result.interrupted)?.result.interrupted;
  const verdict = runVerdict(withVerdicts);
  const seeds = [...new Set(members.map((m) => m.result.seed).filter((s): s is string => s !== undefined))];
  const pairs = members.some((m) => m.result.pairs !== undefined)
    ? Math.max(0, ...withVerdicts.map((s) => s.sequential?.pairs ?? 0), ...(pools > 1 ? [] : members.map((m) => m.result.pairs ?? 0)))
    : undefined;
  const { shard: _shard, pool: _pool, ...header } = first.result;
  return {
    ...header,
    verdict: interrupted && verdict === 'pass' ? 'inconclusive' : verdict,
    startedAt: members.map((m) => m.result.startedAt).reduce((a, b) => (b < a ? b : a)),
    finishedAt: members.map((m) => m.result.finishedAt).reduce((a, b) => (b > a ? b : a)),
    scenarios: withVerdicts,
    ...(pairs !== undefined ? { pairs } : {}),
    ...(seeds.length > 0 ? { seed: seeds.join(' + ').slice(0, 200) } : {}),
    ...(members.find((m) => m.result.comparisonSkipped !== undefined)
      ? { comparisonSkipped: members.find((m) => m.result.comparisonSkipped !== undefined)!.result.comparisonSkipped }
      : {}),
    ...(interrupted ? { interrupted } : {}),
    warnings: unique(members.flatMap((m) => m.result.warnings)),
    family,
    merged: { files: members.length, shards: first.shard.count, pools },
  };
}

function memberOf({ file, result }: MergeInput): Member {
  if (!result.family) {
    throw new MergeError(`${file} has no family record (written by a perfgate before merge existed, or by perfgate compare or merge)`);
  }
  return { file, result, family: result.family, shard: result.shard ?? WHOLE, pool: result.pool ?? WHOLE };
}

/** Every file from the same commits, config and pull request. */
function checkSameRun(members: Member[]): void {
  const [first] = members as [Member, ...Member[]];
  const facts: Array<[string, (m: Member) => string]> = [
    ['head SHA', (m) => m.result.head?.sha ?? 'none'],
    // A saved run (--baseline-file) without a head SHA of its own is named by its file.
    ['base SHA', (m) => (m.result.base ? m.result.base.sha || m.result.base.ref : 'none')],
    ['config', (m) => m.family.configDigest],
    ['pull request', (m) => (m.result.github ? `#${m.result.github.pullRequest} at ${m.result.github.headSha}` : 'none')],
  ];
  for (const [what, of] of facts) {
    const other = members.find((m) => of(m) !== of(first));
    if (other) {
      const shown = (m: Member) => (what === 'config' ? m.family.configDigest.slice(0, 19) : of(m));
      throw new MergeError(
        `${first.file} and ${other.file} have different ${what}s (${shown(first)} and ${shown(other)}); merge only the files of one run`,
      );
    }
  }
}

/** Every shard × pool member exactly once, all of the same counts. */
function checkParts(members: Member[]): void {
  const [first] = members as [Member, ...Member[]];
  for (const kind of ['shard', 'pool'] as const) {
    const other = members.find((m) => m[kind].count !== first[kind].count);
    if (other) {
      throw new MergeError(
        `${first.file} is ${kind} ${partText(first[kind])} but ${other.file} is ${kind} ${partText(other[kind])}; ` +
          'every file must come from the same matrix',
      );
    }
  }
  const name = (shard: number, pool: number) =>
    [
      first.shard.count > 1 ? `shard ${shard}/${first.shard.count}` : '',
      first.pool.count > 1 ? `pool member ${pool}/${first.pool.count}` : '',
    ]
      .filter(Boolean)
      .join(', ') || 'the run';
  const seen = new Map<string, Member>();
  for (const m of members) {
    const key = `${m.shard.index}/${m.pool.index}`;
    const twice = seen.get(key);
    if (twice) throw new MergeError(`${name(m.shard.index, m.pool.index)} is given twice (${twice.file} and ${m.file})`);
    seen.set(key, m);
  }
  const missing: string[] = [];
  for (let shard = 1; shard <= first.shard.count; shard++) {
    for (let pool = 1; pool <= first.pool.count; pool++) if (!seen.has(`${shard}/${pool}`)) missing.push(name(shard, pool));
  }
  if (missing.length > 0) {
    throw new MergeError(
      `${missing.join('; ')} ${missing.length === 1 ? 'is' : 'are'} missing: a merged verdict needs every file of the matrix`,
    );
  }
  if (first.pool.count > 1) {
    for (let shard = 1; shard <= first.shard.count; shard++) {
      const group = members.filter((m) => m.shard.index === shard);
      const same = group.find((m, i) => group.findIndex((g) => g.result.seed === m.result.seed) !== i);
      if (same) {
        throw new MergeError(
          `${same.file} has the same seed as another pool member (${same.result.seed ?? 'none'}): its pairs would repeat their order`,
        );
      }
    }
  }
}

/**
 * One scenario from its pool members (one member when not pooled: as it was). The first member's measurement;
 * each budget at its worst over the members; every member's rounds, numbered on after the previous member's.
 */
function pooledScenario(held: ScenarioResult[]): ScenarioResult {
  const [first, ...others] = held as [ScenarioResult, ...ScenarioResult[]];
  if (others.length === 0) return first;
  const budgets = first.budgets.map((budget, i) =>
    held
      .map((s) => s.budgets[i])
      .filter((b): b is BudgetResult => b !== undefined)
      .reduce((worst, b) => (STATUS_RANK[b.status] > STATUS_RANK[worst.status] ? b : worst), budget),
  );
  const rounds = poolRounds(held.map((s) => s.rounds ?? []));
  const stops = held.map((s) => s.sequential).filter((s) => s !== undefined);
  const error = held.find((s) => s.error !== undefined)?.error;
  return {
    ...first,
    budgets,
    ...(held.some((s) => s.rounds) ? { rounds } : {}),
    ...(stops.length > 0
      ? {
          sequential: {
            pairs: stops.reduce((sum, s) => sum + s.pairs, 0),
            stop: stops.find((s) => s.stop === 'interrupted' || s.stop === 'budget')?.stop ?? stops[0]!.stop,
          },
        }
      : {}),
    warnings: unique(held.flatMap((s) => s.warnings)),
    ...(error !== undefined ? { error } : {}),
  };
}

/**
 * The comparisons decided again over every scenario with rounds, as one run's final decision: the design the runs
 * used (their sequential looks), or, pooled, one fixed-n test over all the pairs (docs/statistics.md §5).
 */
function decideAgain(scenarios: ScenarioResult[], family: Family, pooled: boolean): ScenarioResult[] {
  const specs = new Map(family.scenarios.map((s) => [s.name, s]));
  const compared = scenarios.filter((s) => s.rounds !== undefined);
  const inputs: CompareInput[] = compared.map((s) => ({
    scenario: {
      name: s.name,
      durationMs: specs.get(s.name)!.durationMs,
      tolerance: specs.get(s.name)!.tolerance as CompareInput['scenario']['tolerance'],
    },
    rounds: { base: s.rounds!.filter((r) => r.arm === 'base'), head: s.rounds!.filter((r) => r.arm === 'head') },
  }));
  const pooledPairs = Math.max(2, ...compared.map((s) => new Set(s.rounds!.map((r) => r.index)).size));
  const settings: CompareSettings = {
    ...DEFAULT_COMPARE,
    ...family.compare,
    metrics: [...family.compare.metrics],
    ...(pooled ? { pairs: pooledPairs, minPairs: pooledPairs } : {}),
  };
  const decisions = compareFamily(inputs, settings, family.mode === 'unpaired' ? 'unpaired' : 'paired');
  return scenarios.map((s) => {
    const i = compared.indexOf(s);
    if (i < 0) return s;
    const rounds = [...s.rounds!].sort((a, b) => a.index - b.index || a.order - b.order);
    // A mix's entries are in the same family: each measured entry gets its comparison decided again too.
    const byEntry = new Map(decisions[i]!.entries.map((e) => [e.name, e.comparison]));
    const entries = s.entries?.map((entry) => (byEntry.has(entry.name) ? { ...entry, comparison: byEntry.get(entry.name) } : entry));
    return { ...s, comparison: decisions[i]!.metrics, rounds, ...(entries ? { entries } : {}) };
  });
}

/** Several runners' rounds of one scenario as one sample: each runner's pairs numbered on after the previous one's. */
export function poolRounds(runners: Round[][]): Round[] {
  let offset = 0;
  const rounds: Round[] = [];
  for (const own of runners) {
    for (const r of own) rounds.push({ ...r, index: offset + r.index });
    offset += own.length > 0 ? Math.max(...own.map((r) => r.index)) + 1 : 0;
  }
  return rounds;
}

function partText(part: Part): string {
  return `${part.index}/${part.count}`;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
