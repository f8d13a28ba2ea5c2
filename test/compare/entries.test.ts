// A mix's entries (#11): every request counted in exactly one entry; an entry's budgets judged on its requests alone
// at their own line; each entry's QPS, p50 and p99 compared in the same Holm family as the scenarios' metrics; and
// the config names entries (METHOD path by default) and refuses a name used twice at the entry's line.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { compareFamily, compareScenarios, type CompareInput } from '../../src/compare/decide.ts';
import { entryResults, entryRounds } from '../../src/compare/entries.ts';
import { scenarioVerdict } from '../../src/compare/verdict.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { CompareSettings } from '../../src/config/types.ts';
import { ConfigError } from '../../src/errors.ts';
import { EntryRecorder } from '../../src/load/entry-recorder.ts';
import type { LoadMeasurement, Round } from '../../src/result.ts';
import { mulberry32 } from '../../src/stats/rng.ts';
import { outcomes } from '../helpers/outcomes.ts';
import { scenario } from '../helpers/scenario.ts';

const AT = { file: 'perf/mix.yaml', line: 9, col: 9 };
const mix = scenario({
  name: 'mixed',
  requests: [
    { weight: 3, request: { method: 'GET', path: '/fast', headers: {} }, entry: { name: 'GET /fast', budgets: [], at: AT } },
    {
      weight: 1,
      request: { method: 'GET', path: '/slow', headers: {} },
      entry: {
        name: 'slow',
        budgets: [{ metric: 'p99', op: '<=', limit: 1.5, text: '<= 1.5ms', at: { file: 'perf/mix.yaml', line: 14, col: 20 } }],
        at: { file: 'perf/mix.yaml', line: 11, col: 9 },
      },
    },
  ],
});

test('each request lands in its own entry: outcomes by kind, a µs histogram and QPS per entry, adding up to the total', () => {
  const recorder = EntryRecorder.of(mix, { checking: false })!;
  recorder.record(0, 1.0, { status: 200, bytes: 100 });
  recorder.record(0, 1.5, { status: 200, bytes: 100 });
  recorder.record(0, 1.9, { status: 500, bytes: 50 });
  recorder.record(1, 1.2, { status: 200, bytes: 300 });
  recorder.record(1, 2000, { failure: 'timeout' });
  const [fast, slow] = recorder.measurements(2000);
  assert.equal(fast!.name, 'GET /fast');
  assert.deepEqual(
    {
      total: fast!.outcomes.total,
      success: fast!.outcomes.success,
      httpErrors: fast!.outcomes.httpErrors,
      failures: fast!.outcomes.failures,
    },
    { total: 3, success: 2, httpErrors: 1, failures: 0 },
  );
  assert.deepEqual(fast!.outcomes.byStatus, { '200': 2, '500': 1 });
  assert.equal(fast!.qps, 1); // 2 successes in 2 s
  assert.equal(fast!.bytesPerResponse, 250 / 3);
  assert.deepEqual([fast!.latency.min, fast!.latency.p50, fast!.latency.max], [1, 1.5, 1.9]);
  assert.equal(slow!.name, 'slow');
  assert.deepEqual(slow!.outcomes.byFailure, { timeout: 1, refused: 0, reset: 0, truncated: 0, interrupted: 0, other: 0 });
  assert.equal(slow!.outcomes.total, 2);
  assert.equal(slow!.latency.min, 1.2);
  assert.ok(Math.abs(slow!.latency.max - 2000) / 2000 < 0.001, 'a timeout is in the histogram at the time it took');
  // A plain request: no entries to split.
  assert.equal(EntryRecorder.of(scenario(), { checking: false }), undefined);
});

function window(): LoadMeasurement {
  const latency = (p99: number) => ({ min: 0.2, p50: 0.5, p90: 0.8, p95: 0.9, p99, p999: p99, max: p99, mean: 0.6 });
  return {
    connections: 4,
    durationMs: 1000,
    outcomes: outcomes(400),
    latency: latency(2),
    qps: 400,
    bytesPerSec: 40_000,
    bytesPerResponse: 100,
    generator: { cpu: 0.2, saturated: false },
    entries: [
      { name: 'GET /fast', outcomes: outcomes(300), latency: latency(1), qps: 300, bytesPerSec: 30_000, bytesPerResponse: 100 },
      { name: 'slow', outcomes: outcomes(100, 2), latency: latency(2), qps: 98, bytesPerSec: 10_000, bytesPerResponse: 100 },
    ],
  };
}

test("an entry's budgets are judged on its own part of the window, at their own line; it fails the scenario", () => {
  const entries = entryResults(mix, window())!;
  assert.equal(entries.length, 2);
  assert.equal(entries[0]!.budgets, undefined, 'no budgets written, none judged');
  assert.equal(entries[0]!.metrics.qps, 300);
  assert.equal(entries[1]!.metrics.p99, 2);
  assert.equal(entries[1]!.metrics.error_rate, 0.02);
  assert.deepEqual(entries[1]!.at, { file: 'perf/mix.yaml', line: 11, col: 9 });
  const [budget] = entries[1]!.budgets!;
  assert.equal(budget!.status, 'fail');
  assert.equal(budget!.value, 2);
  assert.deepEqual(budget!.at, { file: 'perf/mix.yaml', line: 14, col: 20 });
  assert.equal(budget!.reason, 'p99 was 2.00 ms, over the <= 1.5ms budget');
  assert.equal(scenarioVerdict({ budgets: [], comparison: {}, entries }), 'fail');
  assert.equal(scenarioVerdict({ budgets: [], comparison: {}, entries: [entries[0]!] }), 'pass');
});

const settings: CompareSettings = {
  pairs: 10,
  minPairs: 10,
  budgetMs: 600_000,
  alpha: 0.05,
  roundMs: 1000,
  armWarmupMs: 0,
  extendOnce: false,
  metrics: ['qps', 'p50', 'p99'],
};

/** Ten seeded pairs of a two-entry mix; the head's "slow" entry takes `slowdown` times as long, "GET /fast" is unchanged. */
function mixRounds(seed: number, slowdown: number): CompareInput {
  const random = mulberry32(seed);
  const noisy = (x: number) => x * Math.exp(0.02 * (random() - 0.5));
  const round = (index: number, arm: 'base' | 'head'): Round => {
    const slow = {
      qps: noisy(100),
      p50: noisy(2) * (arm === 'head' ? slowdown : 1),
      p95: 3,
      p99: noisy(3) * (arm === 'head' ? slowdown : 1),
    };
    const fast = { qps: noisy(300), p50: noisy(1), p95: 1.5, p99: noisy(1.5) };
    return {
      index,
      arm,
      order: arm === 'base' ? 0 : 1,
      metrics: { qps: fast.qps + slow.qps, p50: noisy(1.2), p95: 2, p99: slow.p99 },
      outcomes: outcomes(400),
      generatorSaturated: false,
      entries: [
        { name: 'GET /fast', metrics: fast, outcomes: outcomes(300) },
        { name: 'slow', metrics: slow, outcomes: outcomes(100) },
      ],
    };
  };
  const pairs = Array.from({ length: 10 }, (_, i) => i);
  return {
    scenario: { name: 'mixed', durationMs: 1000, tolerance: { qps: 0.1, p50: 0.1, p95: 0.15, p99: 0.2 } },
    rounds: { base: pairs.map((i) => round(i, 'base')), head: pairs.map((i) => round(i, 'head')) },
  };
}

test("each entry's QPS, p50 and p99 are compared in the scenarios' Holm family: the slow entry is the regression", () => {
  const input = mixRounds(7, 1.8);
  const [compared] = compareFamily([input], settings, 'paired');
  assert.deepEqual(
    compared!.entries.map((e) => [e.name, e.comparison.qps?.verdict, e.comparison.p50?.verdict, e.comparison.p99?.verdict]),
    [
      ['GET /fast', 'unchanged', 'unchanged', 'unchanged'],
      ['slow', 'unchanged', 'regression', 'regression'],
    ],
  );
  assert.ok(Math.abs(compared!.entries[1]!.comparison.p99!.change - 0.8) < 0.02, 'p99 +80%');
  // One family of 9 tests (3 scenario metrics + 2 entries × 3): Holm's first step is held to α / 9.
  const regressions = [compared!.metrics, ...compared!.entries.map((e) => e.comparison)]
    .flatMap((c) => Object.values(c))
    .filter((c) => c!.verdict === 'regression');
  assert.equal(Math.min(...regressions.map((c) => c!.alpha)), 0.05 / 9);
  // compareScenarios is the same decision, the scenarios' part of it.
  assert.deepEqual(compareScenarios([input], settings, 'paired')[0], compared!.metrics);
  // Rounds without entries (a plain request): a family of the scenario's 3 metrics, as before.
  const plain = {
    ...input,
    rounds: { base: input.rounds.base.map(({ entries: _, ...r }) => r), head: input.rounds.head.map(({ entries: _, ...r }) => r) },
  };
  const [alone] = compareFamily([plain], settings, 'paired');
  assert.deepEqual(alone!.entries, []);
  assert.equal(alone!.metrics.p99!.alpha, 0.05 / 3);
  // The entry's comparison fails its scenario.
  assert.equal(
    scenarioVerdict({
      budgets: [],
      comparison: { p50: compared!.metrics.p50! },
      entries: [{ name: 'slow', metrics: {} as never, outcomes: outcomes(1), comparison: compared!.entries[1]!.comparison }],
    }),
    'fail',
  );
});

test("an entry's rounds are its own figures; a round without the entry (an older saved run) is left out", () => {
  const { rounds } = mixRounds(3, 1);
  const older = { ...rounds.base[0]!, entries: undefined };
  const slow = entryRounds({ base: [older, ...rounds.base.slice(1)], head: rounds.head }, 'slow');
  assert.equal(slow.base.length, 9);
  assert.equal(slow.head.length, 10);
  assert.equal(slow.head[0]!.metrics.p50, rounds.head[0]!.entries![1]!.metrics.p50);
  assert.equal(slow.head[0]!.outcomes.total, 100);
  assert.equal(slow.head[0]!.entries, undefined);
});

async function configOf(yaml: string) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-mix-'));
  try {
    await writeFile(path.join(dir, 'mix.yaml'), yaml);
    return await loadConfig(['mix.yaml'], { cwd: dir, env: { Q: 'a-secret' } });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('mix entries are named by name:, else METHOD path as written; their budgets keep their lines', async () => {
  const config = await configOf(`version: 1
target: http://127.0.0.1:9
scenarios:
  - name: mixed
    mix:
      - weight: 3
        request: { path: "/fast?q=\${env.Q}" }
      - weight: 1
        name: slow one
        request: { method: post, path: /slow }
        budgets:
          p99: "<= 300ms"
`);
  const [first, second] = config.scenarios[0]!.requests;
  assert.equal(first!.entry!.name, 'GET /fast?q=${env.Q}', 'the path as written: no resolved value in a printed name');
  assert.deepEqual(first!.entry!.budgets, []);
  assert.equal(first!.entry!.at.line, 6);
  assert.equal(second!.entry!.name, 'slow one');
  assert.equal(second!.entry!.at.line, 8);
  assert.deepEqual(
    second!.entry!.budgets.map((b) => [b.metric, b.op, b.limit, b.at.line]),
    [['p99', '<=', 300, 12]],
  );
});

test('a mix entry name used twice is a config error at the second entry', async () => {
  const error = await configOf(`version: 1
target: http://127.0.0.1:9
scenarios:
  - name: mixed
    mix:
      - weight: 1
        request: { path: /a }
      - weight: 1
        request: { method: GET, path: /a }
      - weight: 1
        name: b
        request: { path: /b }
      - weight: 1
        name: b
        request: { path: /c }
`).then(
    () => assert.fail('expected a config error'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConfigError);
  assert.deepEqual(
    error.issues.map((i) => [i.at.line, i.message]),
    [
      [8, 'duplicate mix entry name "GET /a" (first at mix.yaml:6): entries are reported and compared by name, so give one its own name:'],
      [14, 'duplicate mix entry name "b" (first at mix.yaml:10): entries are reported and compared by name, so give one its own name:'],
    ],
  );
});

test("a mix's entry tests count in the family the pairs must be able to decide", async () => {
  const yaml = (pairs: number) => `version: 1
target: http://127.0.0.1:9
compare: { pairs: ${pairs}, min_pairs: 8, metrics: [qps, p50, p99] }
scenarios:
  - name: mixed
    mix:
      - { weight: 1, request: { path: /a } }
      - { weight: 1, request: { path: /b } }
      - { weight: 1, request: { path: /c } }
      - { weight: 1, request: { path: /d } }
`;
  // 3 + 4 × 3 = 15 tests: Holm's first threshold 0.05 / 15 needs 2^-n below it, so 9 pairs; 8 could never decide.
  const error = await configOf(yaml(8)).then(
    () => assert.fail('expected a config error'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConfigError);
  assert.deepEqual(
    error.issues.map((i) => [i.at.line, i.message]),
    [
      [
        3,
        '8 pairs cannot reach a verdict for 15 tests (1 scenarios × 3 metrics + 12 of mix entries): the smallest p-value is 1/256 but Holm needs below 0.05/15; use at least 9 pairs, or compare fewer metrics',
      ],
    ],
  );
  assert.equal((await configOf(yaml(9))).compare.pairs, 9);
});

test("an invisible or bidirectional character is refused in an entry's name, and in the path a default name is made of", async () => {
  const error = await configOf(`version: 1
target: http://127.0.0.1:9
scenarios:
  - name: mixed
    mix:
      - { weight: 1, name: "fast\\u202Ereversed", request: { path: /a } }
      - { weight: 1, request: { path: "/b\\u200B" } }
`).then(
    () => assert.fail('expected a config error'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConfigError);
  assert.deepEqual(
    error.issues.map((i) => [i.at.line, i.path, i.message.slice(0, 24)]),
    [
      [6, 'scenarios[0].mix[0].name', 'the name contains U+202E'],
      [7, 'scenarios[0].mix[1].request.path', 'the name contains U+200B'],
    ],
  );
});
