// perfgate run --shard and perfgate merge end to end, as a matrix's jobs would run them: the CLI in child processes
// against a real server on loopback, three shards then a merge, beside one run of every scenario.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readRunResult } from '../../src/results/read.ts';
import type { RunResult } from '../../src/result.ts';
import { startKnobServer, type KnobServer } from '../helpers/knob-server.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

describe('perfgate run --shard i/n, then perfgate merge', { concurrency: false }, () => {
  let server: KnobServer;
  let dir: string;
  before(async () => {
    server = await startKnobServer({ delayMs: 1 });
    dir = await tempDir('perfgate-merge-');
    await writeFile(
      path.join(dir, 'perf.yaml'),
      `version: 1
target: ${server.url}
defaults: { warmup: 100ms, duration: 400ms, connections: 2 }
compare: { pairs: 8, min_pairs: 8, round: 150ms, metrics: [qps, p50] }
scenarios:
  - name: list
    request: { path: /list }
    budgets: { qps: ">= 10" }
  - name: item
    request: { path: /item }
  - name: strict
    request: { path: /strict }
    budgets: { p50: "<= 0.01ms" }
  - name: search
    request: { path: /search }
    sweep: { connections: [1, 2] }
  - name: health
    request: { path: /health }
`,
    );
  });
  after(() => server.close());

  const read = async (file: string): Promise<RunResult> => readRunResult(file, dir);

  test('three shards split the scenarios once each; merged, they give one run’s scenarios, budgets, verdict and exit code', async () => {
    const one = await runCli(['run', 'perf.yaml', '--json', 'one.json', '--progress', 'off'], { cwd: dir });
    assert.equal(one.code, 1, one.stderr);
    const codes: number[] = [];
    for (const i of [1, 2, 3]) {
      const shard = await runCli(['run', 'perf.yaml', '--shard', `${i}/3`, '--json', `shard-${i}.json`, '--progress', 'off'], { cwd: dir });
      codes.push(shard.code ?? -1);
    }
    const shards = await Promise.all([1, 2, 3].map((i) => read(`shard-${i}.json`)));
    const names = shards.map((s) => s.scenarios.map((x) => x.name));
    assert.deepEqual(names.flat().sort(), ['health', 'item', 'list', 'search @ c=1', 'search @ c=2', 'strict']);
    assert.ok(
      names.some((n) => n.includes('search @ c=1') && n.includes('search @ c=2')),
      'a sweep stays on one shard',
    );
    assert.deepEqual(
      shards.map((s) => s.shard),
      [1, 2, 3].map((index) => ({ index, count: 3 })),
    );
    assert.equal(shards[0]!.family!.configDigest, shards[2]!.family!.configDigest);
    assert.deepEqual(
      codes,
      shards.map((s) => (s.verdict === 'fail' ? 1 : 0)),
    );

    const merged = await runCli(
      ['merge', 'shard-3.json', 'shard-1.json', 'shard-2.json', '--json', 'merged.json', '--markdown', 'merged.md'],
      { cwd: dir },
    );
    assert.equal(merged.code, one.code, merged.stderr);
    const result = await read('merged.json');
    const whole = await read('one.json');
    assert.equal(result.verdict, whole.verdict);
    assert.deepEqual(
      result.scenarios.map((s) => [s.name, s.verdict, s.budgets.map((b) => b.status)]),
      whole.scenarios.map((s) => [s.name, s.verdict, s.budgets.map((b) => b.status)]),
    );
    assert.deepEqual(result.merged, { files: 3, shards: 3, pools: 1 });
    const markdown = await readFile(path.join(dir, 'merged.md'), 'utf8');
    for (const name of ['list', 'item', 'strict', 'search', 'health']) assert.ok(markdown.includes(name), name);
    assert.match(merged.stdout, /strict/);
  });

  test('more shards than scenarios: an empty shard measures nothing, exits 0, and still counts for merge', async () => {
    const codes: number[] = [];
    for (const i of [1, 2, 3, 4, 5, 6]) {
      const shard = await runCli(['run', 'perf.yaml', '--shard', `${i}/6`, '--json', `six-${i}.json`, '--progress', 'off'], { cwd: dir });
      codes.push(shard.code ?? -1);
    }
    const shards = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => read(`six-${i}.json`)));
    const empty = shards.flatMap((s, i) => (s.scenarios.length === 0 ? [i] : []));
    assert.ok(empty.length >= 1, 'five scenarios (the sweep is one) over six shards');
    for (const i of empty) {
      assert.equal(codes[i], 0);
      assert.equal(shards[i]!.verdict, 'pass');
    }
    const merged = await runCli(['merge', ...[1, 2, 3, 4, 5, 6].map((i) => `six-${i}.json`), '--json', 'six.json'], { cwd: dir });
    const whole = await read('one.json');
    assert.equal(merged.code, 1, merged.stderr);
    assert.deepEqual(
      (await read('six.json')).scenarios.map((s) => [s.name, s.verdict]),
      whole.scenarios.map((s) => [s.name, s.verdict]),
    );
  });

  test('an empty shard of a config with services starts nothing: it passes where Docker is unreachable', async () => {
    const services = await tempDir('perfgate-empty-shard-');
    await writeFile(
      path.join(services, 'perf.yaml'),
      `version: 1
services:
  app: { image: "debian:bookworm-slim", port: 80 }
scenarios:
  - name: only
    request: { path: / }
`,
    );
    const env = { DOCKER_HOST: 'tcp://127.0.0.1:1' };
    const runs = [];
    for (const i of [1, 2])
      runs.push(await runCli(['run', 'perf.yaml', '--shard', `${i}/2`, '--json', `${i}.json`], { cwd: services, env }));
    // One shard holds the scenario and needs Docker (exit 3); the other has nothing to run and starts nothing.
    assert.deepEqual(runs.map((r) => r.code).sort(), [0, 3], runs.map((r) => r.stderr).join('\n'));
    const idle = runs.find((r) => r.code === 0)!;
    assert.match(idle.stderr, /shard [12]\/2 has no scenarios to run: nothing was started/);
  });

  test('shards compared with a saved run are decided again over every shard’s rounds, one Holm family', async () => {
    for (const i of [1, 2]) {
      const shard = await runCli(
        ['run', 'perf.yaml', '--shard', `${i}/2`, '--baseline-file', 'one.json', '--json', `vs-${i}.json`, '--progress', 'off'],
        { cwd: dir },
      );
      assert.ok(shard.code === 0 || shard.code === 1, shard.stderr);
    }
    const [a, b] = await Promise.all([read('vs-1.json'), read('vs-2.json')]);
    assert.equal(a.family!.mode, 'unpaired');
    const merged = await runCli(['merge', 'vs-1.json', 'vs-2.json', '--json', 'vs.json'], { cwd: dir });
    assert.ok(merged.code === 0 || merged.code === 1, merged.stderr);
    const result = await read('vs.json');
    const compared = result.scenarios.filter((s) => s.comparison);
    assert.equal(compared.length, a.scenarios.length + b.scenarios.length);
    // Holm over 6 scenarios × 2 metrics: the smallest threshold is α/12; each shard alone had a smaller family.
    const thresholds = compared.flatMap((s) => Object.values(s.comparison!).map((e) => e!.alpha));
    assert.equal(Math.min(...thresholds), 0.05 / 12);
    const own = [...a.scenarios, ...b.scenarios].flatMap((s) => Object.values(s.comparison ?? {}).map((e) => e!.alpha));
    assert.ok(Math.min(...own) > 0.05 / 12, `${Math.min(...own)}`);
  });

  test('refused with the reason and exit 2: a shard missing, a shard twice, a file of another run, a bad part, a pool without pairs', async () => {
    const missing = await runCli(['merge', 'shard-1.json', 'shard-3.json'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error: perfgate merge: shard 2\/3 is missing: a merged verdict needs every file of the matrix$/m);
    const twice = await runCli(['merge', 'shard-1.json', 'shard-2.json', 'shard-2.json', 'shard-3.json'], { cwd: dir });
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /shard 2\/3 is given twice \(shard-2.json and shard-2.json\)/);
    const other = await runCli(['merge', 'shard-1.json', 'vs-2.json'], { cwd: dir });
    assert.equal(other.code, 2);
    assert.match(
      other.stderr,
      /shard-1.json and vs-2.json have different base SHAs \(none and one.json\); merge only the files of one run/,
    );
    for (const run of [missing, twice, other]) assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    const badPart = await runCli(['run', 'perf.yaml', '--shard', '4/3'], { cwd: dir });
    assert.equal(badPart.code, 2);
    assert.match(badPart.stderr, /i must be 1 to 3, got 4/);
    const pool = await runCli(['run', 'perf.yaml', '--pool', '1/2'], { cwd: dir });
    assert.equal(pool.code, 2);
    assert.match(pool.stderr, /--pool 1\/2 pools interleaved pairs, so it needs a comparison with the base branch/);
  });
});
