// perfgate merge (#14), pure: shards' files give what one run of every scenario gives (decided again over the stored
// rounds, Holm across the whole family), pool members' pairs pool into one fixed-n test, and files that do not
// belong together are refused with the reason. Seeded simulated pairs stand in for measured ones.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareScenarios } from '../../src/compare/decide.ts';
import { DEFAULT_COMPARE } from '../../src/config/load.ts';
import type { CompareSettings, Scenario } from '../../src/config/types.ts';
import { metricsOf } from '../../src/metrics.ts';
import { assemble, runExitCode } from '../../src/pipeline/finalize.ts';
import type { ComparedScenario } from '../../src/pipeline/options.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import type { Round, RunResult, ScenarioResult } from '../../src/result.ts';
import { familyOf } from '../../src/scale-out/family.ts';
import { mergeRuns, MergeError, type MergeInput } from '../../src/scale-out/merge.ts';
import { scenariosOfShard, type Part } from '../../src/scale-out/shard.ts';
import { mulberry32 } from '../../src/stats/rng.ts';
import { outcomes } from '../helpers/outcomes.ts';
import { scenario } from '../helpers/scenario.ts';
import { simulatedPairs } from '../helpers/simulated-pairs.ts';
import { measurement, runResult } from '../report/fixture.ts';

const SETTINGS: CompareSettings = { ...DEFAULT_COMPARE, pairs: 12, minPairs: 8, roundMs: 1000 };
const HEAD = { ref: 'feature', sha: 'b'.repeat(40) };
const BASE = { ref: 'origin/main', sha: 'a'.repeat(40) };
const cost = (s: Scenario) => s.durationMs;

function gaussian(seed: number): () => number {
  const random = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}

/** Seeded pairs for a scenario, the head slower by `factor`, as one runner measured them (indices 0…pairs−1). */
function pairsOf(seed: number, pairs: number, spread: number, factor: number): { base: Round[]; head: Round[] } {
  return simulatedPairs(gaussian(seed), pairs, spread, factor, outcomes(5000));
}

function measured(s: Scenario): ScenarioResult {
  const m = measurement({ connections: s.connections });
  return { name: s.name, verdict: 'pass', connections: s.connections, metrics: metricsOf(m), measurement: m, budgets: [], warnings: [] };
}

/**
 * A results file as runPerfgate assembles it (pipeline/finalize.ts): `scenarios` measured, compared over `family`
 * (the scenarios this job ran: its own Holm family, as comparePaired decides), with the times fixed.
 */
function runFile(
  scenarios: Scenario[],
  rounds: Map<string, { base: Round[]; head: Round[] }>,
  extra: Partial<RunResult>,
  settings = SETTINGS,
): RunResult {
  const inputs = scenarios.map((s) => ({ scenario: s, rounds: rounds.get(s.name)! }));
  const entries = compareScenarios(inputs, settings, 'paired');
  const compared = new Map<string, ComparedScenario>(
    inputs.map((input, i) => [
      input.scenario.name,
      {
        comparison: entries[i],
        rounds: [...input.rounds.base, ...input.rounds.head].sort((a, b) => a.index - b.index || a.order - b.order),
        sequential: { pairs: input.rounds.base.length, stop: 'max-pairs' },
      },
    ]),
  );
  const header = { ...runResult(), scenarios: [], warnings: [], ...extra };
  const result = assemble(header, {
    target: 'services',
    scenarios: scenarios.map(measured),
    warnings: [],
    comparison: {
      base: BASE,
      head: HEAD,
      pairs: Math.max(...scenarios.map((s) => rounds.get(s.name)!.base.length)),
      seed: extra.seed ?? HEAD.sha,
      scenarios: compared,
      warnings: [],
    },
  });
  return { ...result, startedAt: '2026-11-26T00:00:00.000Z', finishedAt: '2026-11-26T00:10:00.000Z' };
}

const FAMILY: Scenario[] = [
  scenario({ name: 'list posts', durationMs: 3000 }),
  scenario({ name: 'get post', durationMs: 1000 }),
  scenario({ name: 'create post', durationMs: 2000 }),
  scenario({ name: 'search', durationMs: 2000 }),
  scenario({ name: 'feed', durationMs: 1000 }),
  scenario({ name: 'health', durationMs: 1000 }),
];
// A clear regression, a borderline one (a regression in a small Holm family, not in the whole), and no change.
const FACTORS: Record<string, number> = { 'list posts': 1.35, 'get post': 1, 'create post': 1, search: 1.13, feed: 1, health: 1 };
const roundsOf = (pairs = 12) => new Map(FAMILY.map((s, i) => [s.name, pairsOf(100 + i, pairs, 0.05, FACTORS[s.name]!)]));

function shardFiles(count: number, rounds = roundsOf()): MergeInput[] {
  const family = familyOf(FAMILY, SETTINGS, 'paired');
  return Array.from({ length: count }, (_, i) => {
    const shard: Part = { index: i + 1, count };
    const own = scenariosOfShard(FAMILY, shard, cost);
    return { file: `shard-${shard.index}.json`, result: runFile(own, rounds, { shard, family, seed: HEAD.sha }) };
  });
}

describe('perfgate merge: shards', () => {
  test('three shards merge into exactly what one run of every scenario decides: entries, verdict, comment and exit code', () => {
    const rounds = roundsOf();
    const one = runFile(FAMILY, rounds, { family: familyOf(FAMILY, SETTINGS, 'paired'), seed: HEAD.sha });
    const shards = shardFiles(3, rounds);
    assert.deepEqual(
      shards.map((s) => s.result.scenarios.map((x) => x.name)),
      [
        ['list posts', 'health'],
        ['get post', 'create post'],
        ['search', 'feed'],
      ],
    );
    const merged = mergeRuns(shards);
    assert.deepEqual(
      merged.scenarios.map((s) => s.comparison),
      one.scenarios.map((s) => s.comparison),
    );
    assert.deepEqual(
      merged.scenarios.map((s) => s.rounds),
      one.scenarios.map((s) => s.rounds),
    );
    assert.equal(merged.verdict, 'fail');
    assert.equal(merged.verdict, one.verdict);
    assert.equal(renderMarkdown(merged), renderMarkdown(one));
    assert.equal(runExitCode(merged, {}), 1);
    assert.equal(runExitCode(merged, {}), runExitCode(one, {}));
    assert.deepEqual(merged.merged, { files: 3, shards: 3, pools: 1 });
    assert.equal(merged.shard, undefined);
  });

  test('decided again, not combined: a regression its own shard found (a Holm family of 3 × 6) is inconclusive across all 6 × 6', () => {
    const shards = shardFiles(3);
    const own = shards[2]!.result.scenarios.find((s) => s.name === 'search')!.comparison!.qps!;
    const merged = mergeRuns(shards).scenarios.find((s) => s.name === 'search')!.comparison!.qps!;
    assert.equal(own.verdict, 'regression');
    assert.equal(merged.verdict, 'inconclusive');
    assert.ok(merged.alpha < own.alpha, `${merged.alpha} < ${own.alpha}`);
  });

  test('the files in any order merge the same; one file alone is a whole run', () => {
    const shards = shardFiles(3);
    assert.deepEqual(mergeRuns([shards[2]!, shards[0]!, shards[1]!]), mergeRuns(shards));
    const [whole] = shardFiles(1);
    assert.equal(mergeRuns([whole!]).verdict, 'fail');
  });
});

describe('perfgate merge: pools', () => {
  function poolFiles(pairs: number, factor: number, seeds: [number, number]): MergeInput[] {
    const settings = { ...SETTINGS, pairs, minPairs: pairs };
    const only = [FAMILY[0]!];
    const family = familyOf(only, settings, 'paired');
    return seeds.map((seed, i) => {
      const pool: Part = { index: i + 1, count: 2 };
      const rounds = new Map([[only[0]!.name, pairsOf(seed, pairs, 0.15, factor)]]);
      return {
        file: `pool-${pool.index}.json`,
        result: runFile(only, rounds, { pool, family, seed: `${HEAD.sha}/pool-${pool.index}-of-2` }, settings),
      };
    });
  }

  test('two runners × 10 pairs give one 20-pair test: the decision of the 20 pairs at a fixed design', () => {
    const members = poolFiles(10, 1.1, [7, 8]);
    const merged = mergeRuns(members);
    const [scenarioResult] = merged.scenarios;
    assert.deepEqual(
      scenarioResult!.rounds!.filter((r) => r.arm === 'base').map((r) => r.index),
      Array.from({ length: 20 }, (_, i) => i),
    );
    const pooled = {
      base: [
        ...members[0]!.result.scenarios[0]!.rounds!,
        ...members[1]!.result.scenarios[0]!.rounds!.map((r) => ({ ...r, index: r.index + 10 })),
      ].filter((r) => r.arm === 'base'),
      head: [
        ...members[0]!.result.scenarios[0]!.rounds!,
        ...members[1]!.result.scenarios[0]!.rounds!.map((r) => ({ ...r, index: r.index + 10 })),
      ].filter((r) => r.arm === 'head'),
    };
    const [expected] = compareScenarios([{ scenario: FAMILY[0]!, rounds: pooled }], { ...SETTINGS, pairs: 20, minPairs: 20 }, 'paired');
    assert.deepEqual(scenarioResult!.comparison, expected);
    assert.deepEqual(scenarioResult!.sequential, { pairs: 20, stop: 'max-pairs' });
    assert.equal(merged.pairs, 20);
    assert.equal(merged.seed, `${HEAD.sha}/pool-1-of-2 + ${HEAD.sha}/pool-2-of-2`);
    assert.match(renderMarkdown(merged), /20 interleaved pairs/);
  });

  test('seeded: two runners of different noise and speed, 10 pairs each, pooled: false fails at most α, at no change and at the tolerance', () => {
    // Runner 2 is 30% slower in both arms and twice as noisy: the pairs cancel the first, the ranks absorb the second.
    // A head worse by exactly the tolerance (5% for QPS and p50) is the hardest case the guarantee covers.
    const settings = { ...SETTINGS, pairs: 10, minPairs: 10 };
    const only = [FAMILY[0]!];
    const family = familyOf(only, settings, 'paired');
    const gauss = gaussian(20261126);
    const SIMULATIONS = 400;
    const fails = { 'no change': 0, 'at the tolerance': 0, '15% slower': 0, '15% slower, runner 1 alone': 0 };
    for (let i = 0; i < SIMULATIONS; i++) {
      for (const [factor, name] of [
        [1, 'no change'],
        [1.05, 'at the tolerance'],
        [1.15, '15% slower'],
      ] as const) {
        const runner = (index: number, spread: number, speed: number): MergeInput => {
          const { base, head } = simulatedPairs(gauss, 10, spread, factor, outcomes(5000));
          const slow = (r: Round): Round => ({
            ...r,
            metrics: { ...r.metrics, qps: r.metrics.qps / speed, p50: r.metrics.p50 * speed, p99: r.metrics.p99 * speed },
          });
          const pool: Part = { index, count: 2 };
          const rounds = new Map([[only[0]!.name, { base: base.map(slow), head: head.map(slow) }]]);
          return { file: `pool-${index}.json`, result: runFile(only, rounds, { pool, family, seed: `s${i}/${index}` }, settings) };
        };
        const members = [runner(1, 0.15, 1), runner(2, 0.3, 1.3)];
        const regressed = (r: RunResult) => Object.values(r.scenarios[0]!.comparison!).some((e) => e!.verdict === 'regression');
        if (regressed(mergeRuns(members))) fails[name]++;
        if (name === '15% slower' && regressed(members[0]!.result)) fails['15% slower, runner 1 alone']++;
      }
    }
    assert.ok(fails['no change'] / SIMULATIONS <= SETTINGS.alpha);
    assert.ok(fails['at the tolerance'] / SIMULATIONS <= SETTINGS.alpha);
    assert.deepEqual(fails, { 'no change': 0, 'at the tolerance': 11, '15% slower': 200, '15% slower, runner 1 alone': 195 });
  });
});

describe('perfgate merge: refusals', () => {
  const refused = (inputs: MergeInput[], message: RegExp) =>
    assert.throws(
      () => mergeRuns(inputs),
      (e: unknown) => e instanceof MergeError && message.test(e.message) && e.exitCode === 2,
    );
  const change = (input: MergeInput, extra: Partial<RunResult>): MergeInput => ({ ...input, result: { ...input.result, ...extra } });

  test('different head SHAs, base SHAs or configs', () => {
    const [a, b, c] = shardFiles(3);
    refused(
      [a!, change(b!, { head: { ref: 'feature', sha: 'c'.repeat(40) } }), c!],
      new RegExp(`shard-1.json and shard-2.json have different head SHAs \\(${'b'.repeat(40)} and ${'c'.repeat(40)}\\)`),
    );
    refused([a!, b!, change(c!, { base: { ref: 'main', sha: 'd'.repeat(40) } })], /shard-1.json and shard-3.json have different base SHAs/);
    const other = familyOf(
      FAMILY.map((s) => ({ ...s, connections: 8 })),
      SETTINGS,
      'paired',
    );
    refused(
      [a!, change(b!, { family: other }), c!],
      /shard-1.json and shard-2.json have different configs \(sha256:[0-9a-f]{12} and sha256:[0-9a-f]{12}\); merge only the files of one run/,
    );
  });

  test('a shard missing, a shard twice, shards of another matrix, a file without the family record', () => {
    const [a, b, c] = shardFiles(3);
    refused([a!, c!], /^perfgate merge: shard 2\/3 is missing: a merged verdict needs every file of the matrix$/);
    refused([a!], /shard 2\/3; shard 3\/3 are missing/);
    refused([a!, b!, { ...b!, file: 'again.json' }, c!], /^perfgate merge: shard 2\/3 is given twice \(shard-2.json and again.json\)$/);
    refused(
      [a!, b!, change(c!, { shard: { index: 3, count: 4 } })],
      /shard-1.json is shard 1\/3 but shard-3.json is shard 3\/4; every file must come from the same matrix/,
    );
    const { family: _family, ...bare } = a!.result;
    refused([{ file: 'old.json', result: bare }], /old.json has no family record/);
    refused([], /no results files were given/);
  });

  test('pool members: one missing, the same seed twice, or pooling a run that had no pairs', () => {
    const settings = { ...SETTINGS, pairs: 10, minPairs: 10 };
    const family = familyOf([FAMILY[0]!], settings, 'paired');
    const member = (index: number, seed: string): MergeInput => ({
      file: `pool-${index}.json`,
      result: runFile(
        [FAMILY[0]!],
        new Map([[FAMILY[0]!.name, pairsOf(index, 10, 0.1, 1)]]),
        { pool: { index, count: 2 }, family, seed },
        settings,
      ),
    });
    refused([member(1, 'x')], /^perfgate merge: pool member 2\/2 is missing/);
    refused([member(1, 'x'), member(2, 'x')], /pool-2.json has the same seed as another pool member \(x\)/);
    const unpaired = familyOf([FAMILY[0]!], settings, 'unpaired');
    refused(
      [change(member(1, 'x'), { family: unpaired }), change(member(2, 'y'), { family: unpaired })],
      /did not compare in interleaved pairs \(unpaired\); pooling needs perfgate run --base/,
    );
  });
});
