// perfgate run --base on a throw-away git repository built from examples/: two real stacks, interleaved
// rounds, the exact test. A clearly slower head is a regression; a docs-only head never is.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { RunResult } from '../../src/result.ts';
import { dockerOrSkip, footprintSince } from '../helpers/docker.ts';
import { startNoisyNeighbour, type NoisyNeighbour } from '../helpers/noisy-neighbour.ts';
import { runCli } from '../helpers/run-cli.ts';

const { docker, skip } = await dockerOrSkip('baseline comparison');

const PERF = `version: 1
services:
  app:
    build: ../app
    port: 5000
    env: { DATABASE_URL: "\${postgres.url}", REDIS_URL: "\${redis.url}" }
    ready: /health
    resources: { cpus: 1, memory: 512m }
  postgres: { image: "postgres:15", init: [../db/schema.sql] }
  redis: { image: "redis:7" }
# compare: the defaults (sequential pairs of 5 s rounds, 8 to 20, 5 s warm-up per arm; qps, p50, p99 and the two
# rates): what users get.
scenarios:
  - name: list posts
    request: { path: /api/v1/posts }
    connections: 8
    warmup: 500ms
    duration: 1s
    budgets: { p99: "<= 500ms" }
`;

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=ci@perfgate', '-c', 'user.name=perfgate', ...args], { cwd: repo, encoding: 'utf8' }).trim();
}

describe('perfgate run --base', { skip, concurrency: false }, () => {
  let repo: string;
  let sinceStart: () => Promise<string[]>;
  before(async () => {
    sinceStart = await footprintSince(docker!);
    repo = await mkdtemp(path.join(os.tmpdir(), 'perfgate-repo-'));
    await cp('examples/app', path.join(repo, 'app'), { recursive: true, filter: (src) => !src.includes('node_modules') });
    await cp('examples/db', path.join(repo, 'db'), { recursive: true });
    await mkdir(path.join(repo, 'perf'));
    await writeFile(path.join(repo, 'perf', 'api.yaml'), PERF);
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'base');
  });
  after(() => rm(repo, { recursive: true, force: true }));

  /** Each test starts on main whatever the one before it did, so one failure cannot turn into another. */
  beforeEach(() => {
    git(repo, 'checkout', '-qf', 'main');
  });

  /** Runs perfgate in the repo; a results file from an earlier test is removed first, so it is never read as this run's. */
  async function perfgate(args: string[]) {
    await rm(path.join(repo, 'results.json'), { force: true });
    return runCli(args, { cwd: repo });
  }

  /** The comparison verdicts and their reasons, for a failure message. */
  function explain(result: RunResult): string {
    return Object.entries(result.scenarios[0]?.comparison ?? {})
      .map(([metric, c]) => `${metric}: ${c!.verdict}${c!.reason ? ` (${c!.reason})` : ''}`)
      .join('; ');
  }

  /** What these tests left behind: perfgate's containers, networks and images beyond those there before, and worktrees. */
  async function leftovers() {
    return { docker: await sinceStart(), worktrees: git(repo, 'worktree', 'list').split('\n').length };
  }

  test('a head whose code burns CPU on every request fails with a QPS regression and readable evidence', async () => {
    await headWithKnobs('slower', 'CPU_BURN_US=150');
    const { code, stdout, stderr } = await perfgate(['run', '--base', 'main', '--json', 'results.json', '--markdown', 'report.md']);
    const result = JSON.parse(await readFile(path.join(repo, 'results.json'), 'utf8')) as RunResult;
    assert.equal(code, 1, `${explain(result)}\n${stderr}`);
    assert.equal(result.verdict, 'fail');
    assert.equal(result.base!.ref, 'main');
    assert.equal(result.base!.sha, git(repo, 'rev-parse', 'main'));
    assert.equal(result.head!.sha, git(repo, 'rev-parse', 'HEAD'));
    // Sequential pairs: a clear regression is decided after the first look or soon after, not at the most pairs.
    const used = result.scenarios[0]!.sequential!;
    assert.ok(used.pairs >= 8 && used.pairs < 20, `pairs used: ${JSON.stringify(used)}`);
    assert.equal(used.stop, 'decided');
    assert.equal(result.pairs, used.pairs);
    assert.equal(result.seed, result.head!.sha);
    const [scenario] = result.scenarios;
    const qps = scenario!.comparison!.qps!;
    assert.equal(qps.verdict, 'regression');
    assert.ok(qps.change < -0.2 && qps.high! < 0, `QPS change ${qps.change}`);
    assert.ok(qps.p < qps.alpha);
    assert.equal(scenario!.rounds!.length, 2 * used.pairs);
    assert.deepEqual(new Set(scenario!.rounds!.map((r) => r.arm)), new Set(['base', 'head']));
    assert.match(stdout, /regressed/);
    assert.match(await readFile(path.join(repo, 'report.md'), 'utf8'), /xychart-beta/);
    assert.deepEqual(await leftovers(), { docker: [], worktrees: 1 });
  });

  /** A head branch whose app image gets these environment knobs (examples/app/server.js). */
  async function headWithKnobs(branch: string, knobs: string) {
    git(repo, 'checkout', '-qb', branch);
    const dockerfile = path.join(repo, 'app', 'Dockerfile');
    await writeFile(
      dockerfile,
      (await readFile(dockerfile, 'utf8')).replace('ENV NODE_ENV=production', `ENV NODE_ENV=production ${knobs}`),
    );
    git(repo, 'commit', '-qam', knobs);
  }

  /** Runs with a noisy neighbour burning one core in seeded bursts throughout, as another job on the runner. */
  async function underNoise<T>(seed: number, run: () => Promise<T>): Promise<T> {
    const neighbour: NoisyNeighbour = await startNoisyNeighbour({ seed, maxMs: 10 * 60_000 });
    try {
      return await run();
    } finally {
      await neighbour.stop();
    }
  }

  test('a head that resets requests the base answers is a failure_rate regression; QPS and latency are still decided', async () => {
    await headWithKnobs('resets', 'RESET_RATE=0.02');
    const { code, stderr } = await perfgate(['run', '--base', 'main', '--json', 'results.json']);
    const result = JSON.parse(await readFile(path.join(repo, 'results.json'), 'utf8')) as RunResult;
    const comparison = result.scenarios[0]!.comparison!;
    assert.equal(code, 1, `${explain(result)}\n${stderr}`);
    assert.equal(comparison.failure_rate!.verdict, 'regression', explain(result));
    assert.ok(comparison.failure_rate!.head > 0.015 && comparison.failure_rate!.base === 0, explain(result));
    for (const metric of ['qps', 'p50', 'p99'] as const) {
      const entry = comparison[metric]!;
      // Decided on the pairs' own spread: never withheld because the head had failures.
      assert.ok(
        entry.verdict !== 'inconclusive' || /could detect/.test(entry.reason ?? ''),
        `${metric}: ${entry.verdict} (${entry.reason})`,
      );
      assert.equal(typeof entry.mde, 'number');
    }
    assert.deepEqual(await leftovers(), { docker: [], worktrees: 1 });
  });

  test('under a noisy neighbour, a clearly slower head is still found: a regression, not inconclusive', async () => {
    await headWithKnobs('slower-noisy', 'CPU_BURN_US=150');
    const { code, stderr } = await underNoise(11, () => perfgate(['run', '--base', 'main', '--json', 'results.json']));
    const result = JSON.parse(await readFile(path.join(repo, 'results.json'), 'utf8')) as RunResult;
    assert.equal(code, 1, `${explain(result)}\n${stderr}`);
    assert.equal(result.scenarios[0]!.comparison!.qps!.verdict, 'regression', explain(result));
    assert.deepEqual(await leftovers(), { docker: [], worktrees: 1 });
  });

  test('under a noisy neighbour, a docs-only head is never a regression', async () => {
    git(repo, 'checkout', '-qb', 'docs-noisy');
    await writeFile(path.join(repo, 'README.md'), '# docs only, on a noisy runner\n');
    git(repo, 'add', 'README.md');
    git(repo, 'commit', '-qm', 'docs');
    const { code, stderr } = await underNoise(12, () => perfgate(['run', '--base', 'main', '--json', 'results.json']));
    const result = JSON.parse(await readFile(path.join(repo, 'results.json'), 'utf8')) as RunResult;
    const verdicts = Object.values(result.scenarios[0]!.comparison!).map((c) => c!.verdict);
    assert.ok(!verdicts.includes('regression'), `A/A verdicts under noise: ${explain(result)}`);
    assert.equal(code, 0, stderr);
  });

  test('a docs-only head is never a regression', async () => {
    git(repo, 'checkout', '-qb', 'docs');
    await writeFile(path.join(repo, 'README.md'), '# docs only\n');
    git(repo, 'add', 'README.md');
    git(repo, 'commit', '-qm', 'docs');
    const { code, stderr } = await perfgate(['run', '--base', 'main', '--json', 'results.json']);
    const result = JSON.parse(await readFile(path.join(repo, 'results.json'), 'utf8')) as RunResult;
    const verdicts = Object.values(result.scenarios[0]!.comparison!).map((c) => c!.verdict);
    assert.ok(!verdicts.includes('regression'), `A/A verdicts: ${explain(result)}`);
    assert.equal(code, 0, stderr);
    assert.notEqual(result.verdict, 'fail');
    assert.deepEqual(await leftovers(), { docker: [], worktrees: 1 });
  });

  test('a missing base ref exits 2 and names the fix', async () => {
    const { code, stderr } = await perfgate(['run', '--base', 'origin/nope']);
    assert.equal(code, 2);
    assert.match(
      stderr,
      /The base ref "origin\/nope" is not in this clone\. Fetch it first \(git fetch origin <branch>\), or in GitHub Actions check out with fetch-depth: 0/,
    );
  });

  test('a base without a Dockerfile skips the comparison with the reason; the budgets still apply', async () => {
    git(repo, 'checkout', '-q', '--orphan', 'empty');
    git(repo, 'rm', '-rqf', '.');
    await writeFile(path.join(repo, 'NOTES'), 'nothing yet\n');
    git(repo, 'add', 'NOTES');
    git(repo, 'commit', '-qm', 'empty');
    git(repo, 'checkout', '-q', 'main');
    git(repo, 'checkout', '-qb', 'on-top');
    git(repo, 'merge', '-q', '--allow-unrelated-histories', '-m', 'merge', 'empty');
    const { code, stderr } = await perfgate(['run', '--base', 'empty', '--json', 'results.json']);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(await readFile(path.join(repo, 'results.json'), 'utf8')) as RunResult;
    assert.match(result.comparisonSkipped ?? '', /the base \(empty\) cannot be built: its build context app\/ does not exist yet/);
    assert.equal(result.scenarios[0]!.budgets[0]!.status, 'pass');
    assert.deepEqual(await leftovers(), { docker: [], worktrees: 1 });
  });
});
