// What the database and the cache did per request, base vs head (#11), through the real CLI on the example app:
// a head with an N+1 (EXTRA_QUERIES=5), a head that lost its cache (CACHE_BYPASS=1) and a docs-only head, each
// compared with the same base in its own throw-away repository, and the budgets on them (sql_per_request,
// redis_per_request) judged on the head's measured run. The three runs go in parallel.
//
// Robust by design, not by timing: what is asserted are counts per request (statements, rows, commands), which
// other load on the machine does not change. The one thing that did make them depend on speed was the example's
// 5 s cache entry, which expired more often per request in a slower arm (an earlier version of this test failed once
// that way under heavy load); here it lives an hour (CACHE_TTL_S), so after the warm-up every request of the base
// hits, and every figure is exact.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resultAnnotations } from '../../src/github/annotations.ts';
import type { RunResult } from '../../src/result.ts';
import { dockerOrSkip, footprintSince } from '../helpers/docker.ts';
import { runCli } from '../helpers/run-cli.ts';

const { docker, skip } = await dockerOrSkip('diagnosis');

// Few, short rounds, one metric gated (6 pairs is the least that can decide it): the counters are exact per request.
const PERF = `version: 1
services:
  app:
    build: ../app
    port: 5000
    env: { DATABASE_URL: "\${postgres.url}", REDIS_URL: "\${redis.url}", CACHE_TTL_S: 3600 }
    ready: /health
    ready_timeout: 120s
    resources: { cpus: 1, memory: 512m }
  postgres: { image: "postgres:15", init: [../db/schema.sql] }
  redis: { image: "redis:7" }
compare: { pairs: 6, min_pairs: 6, round: 500ms, warmup: 300ms, metrics: [qps] }
scenarios:
  - name: list posts
    request: { path: /api/v1/posts }
    connections: 4
    warmup: 300ms
    duration: 1s
    budgets:
      sql_per_request: "<= 3"
      redis_per_request: "<= 2"
`;

/** The line of perf/api.yaml a budget is written on (1-based). */
const lineOf = (key: string) => PERF.split('\n').findIndex((l) => l.trimStart().startsWith(`${key}:`)) + 1;

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=ci@perfgate', '-c', 'user.name=perfgate', ...args], { cwd: repo, encoding: 'utf8' }).trim();
}

/** A repository with the example on main and a head branch made by `change`. */
async function repository(change: (repo: string) => Promise<void>): Promise<string> {
  const repo = await mkdtemp(path.join(os.tmpdir(), 'perfgate-diagnosis-'));
  await cp('examples/app', path.join(repo, 'app'), { recursive: true, filter: (src) => !src.includes('node_modules') });
  await cp('examples/db', path.join(repo, 'db'), { recursive: true });
  await mkdir(path.join(repo, 'perf'));
  await writeFile(path.join(repo, 'perf', 'api.yaml'), PERF);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'base');
  git(repo, 'checkout', '-qb', 'head');
  await change(repo);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'head');
  return repo;
}

/** A head whose app image gets these environment knobs (examples/app/server.js). */
const knobs = (env: string) => async (repo: string) => {
  const dockerfile = path.join(repo, 'app', 'Dockerfile');
  await writeFile(dockerfile, (await readFile(dockerfile, 'utf8')).replace('ENV NODE_ENV=production', `ENV NODE_ENV=production ${env}`));
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  result: RunResult;
  markdown: string;
}

async function perfgate(repo: string): Promise<Run> {
  const { code, stdout, stderr } = await runCli(['run', '--base', 'main', '--json', 'results.json', '--markdown', 'report.md'], {
    cwd: repo,
  });
  const json = await readFile(path.join(repo, 'results.json'), 'utf8').catch(() => assert.fail(`no results (exit ${code}): ${stderr}`));
  const result = JSON.parse(json) as RunResult;
  return { code, stdout, stderr, result, markdown: await readFile(path.join(repo, 'report.md'), 'utf8') };
}

/** Each round's arm and requests (b139 h56 …), for a failure message. */
const rounds = (result: RunResult) =>
  (result.scenarios[0]!.rounds ?? []).map((r) => `${r.arm[0]}${r.outcomes.total}/${r.outcomes.success}`).join(' ');

describe('perfgate run --base: the diagnosis', { skip, concurrency: false }, () => {
  const repos: string[] = [];
  let runs: { extra: Run; bypass: Run; docs: Run; extraRepo: string };
  let sinceRuns: () => Promise<string[]>;
  before(async () => {
    sinceRuns = await footprintSince(docker!);
    const [extra, bypass, docs] = await Promise.all([
      repository(knobs('EXTRA_QUERIES=5')),
      repository(knobs('CACHE_BYPASS=1')),
      repository((repo) => writeFile(path.join(repo, 'README.md'), '# docs only\n')),
    ]);
    repos.push(extra, bypass, docs);
    const [a, b, c] = await Promise.all([perfgate(extra), perfgate(bypass), perfgate(docs)]);
    runs = { extra: a, bypass: b, docs: c, extraRepo: extra };
  });
  after(() => (process.env.KEEP_REPOS ? undefined : Promise.all(repos.map((repo) => rm(repo, { recursive: true, force: true })))));

  test('an N+1 head: exactly +5.0 SQL statements per request, the statement named as new, in the JSON, the comment and the terminal', () => {
    const { result, markdown, stdout, stderr } = runs.extra;
    const scenario = result.scenarios[0]!;
    const pg = scenario.diagnosis?.postgres;
    assert.ok(pg, `no Postgres diagnosis: ${JSON.stringify(scenario.diagnosis)}\n${stderr}`);
    const why = `rounds ${rounds(result)}; ${JSON.stringify(pg)}`;
    // The list is cached for the whole run: no statement in the base, the five titles in the head.
    assert.deepEqual(pg.statementsPerRequest, { base: 0, head: 5 }, why);
    assert.deepEqual(pg.rowsPerRequest, { base: 0, head: 5 }, why);
    assert.equal(pg.top.length, 1, why);
    const fresh = pg.top[0]!;
    assert.equal(fresh.query, 'SELECT title FROM posts WHERE id = $1');
    assert.equal(fresh.newInHead, true);
    assert.deepEqual(fresh.callsPerRequest, { base: 0, head: 5 });
    // The cache was untouched: one GET per request and every one a hit, in both arms.
    const redis = scenario.diagnosis!.redis!;
    assert.deepEqual(redis.byCommand, { GET: { base: 1, head: 1 } }, JSON.stringify(redis));
    assert.deepEqual(redis.hitRatio, { base: 1, head: 1 });
    const words = '\\+5\\.0 SQL statements per request \\(0\\.0 → 5\\.0\\), new: ';
    assert.match(markdown, new RegExp(`- ${words}<code>SELECT title FROM posts WHERE id = \\$1</code>`));
    // No diagnosis line on Redis (its budget's row in the table is not one).
    assert.doesNotMatch(markdown, /^- .*Redis (commands per request \(|hit ratio)/m);
    assert.match(stdout, new RegExp(`${words}"SELECT title FROM posts WHERE id = \\$1"`));
  });

  test('an N+1 head fails sql_per_request at its line (the head measured alone: 5 a request, and the one cold list); redis_per_request holds', () => {
    const { result, code, markdown, stderr } = runs.extra;
    const [sql, redis] = result.scenarios[0]!.budgets;
    assert.equal(code, 1, stderr);
    assert.equal(sql!.metric, 'sql_per_request');
    assert.equal(sql!.status, 'fail');
    // Over the measured run, warm-up included: 5 per request, and the list query k times for k ≤ 4 (the connections)
    // requests that found the cache cold before the first one filled it: 5 + k/N, N hundreds of requests.
    assert.ok(sql!.value! > 5 && sql!.value! < 5.5, `${sql!.value}`);
    assert.equal(sql!.reason, `${sql!.value!.toFixed(2)} SQL statements per request, over the <= 3 budget`);
    assert.deepEqual([sql!.at.file, sql!.at.line], ['perf/api.yaml', lineOf('sql_per_request')]);
    assert.deepEqual([redis!.metric, redis!.status], ['redis_per_request', 'pass']);
    // One GET per request, and the k SETs of the cold list.
    assert.ok(redis!.value! > 1 && redis!.value! < 1.5, `${redis!.value}`);
    const annotation = resultAnnotations(result, { cwd: runs.extraRepo, workspace: runs.extraRepo }).find((a) =>
      a.message.startsWith('SQL statements per request'),
    );
    assert.ok(annotation, JSON.stringify(resultAnnotations(result, { cwd: runs.extraRepo, workspace: runs.extraRepo })));
    assert.equal(annotation.level, 'error');
    assert.deepEqual([annotation.properties.file, annotation.properties.startLine], ['perf/api.yaml', lineOf('sql_per_request')]);
    assert.match(annotation.message, /^SQL statements per request 5\.\d\d breaks the budget <= 3 in "list posts"/);
    assert.match(markdown, /SQL statements per request 5\.\d\d breaks budget &lt;= 3/);
    assert.match(markdown, /\| SQL statements per request \| ❌ &lt;= 3 \(was 5\.\d\d\) \| — \| 5\.\d\d \| — \| not compared \|/);
  });

  test('a head that lost its cache: Redis hit ratio 100% → 0%, and the list query on every request, named', () => {
    const { result, markdown, stderr } = runs.bypass;
    const diagnosis = result.scenarios[0]!.diagnosis;
    assert.ok(diagnosis?.redis && diagnosis.postgres, `${JSON.stringify(diagnosis)}\n${stderr}`);
    const why = `rounds ${rounds(result)}; ${JSON.stringify(diagnosis)}`;
    assert.deepEqual(diagnosis.redis.hitRatio, { base: 1, head: 0 }, why);
    // Looked up on every request, and never stored again.
    assert.deepEqual(diagnosis.redis.byCommand, { GET: { base: 1, head: 1 } }, why);
    assert.deepEqual(diagnosis.postgres.statementsPerRequest, { base: 0, head: 1 }, why);
    assert.deepEqual(diagnosis.postgres.rowsPerRequest, { base: 0, head: 5 }, why);
    const list = diagnosis.postgres.top[0]!;
    assert.equal(list.query, 'SELECT id, title, created_at FROM posts ORDER BY id DESC LIMIT $1');
    assert.equal(list.newInHead, true, 'the base never missed once its list was cached');
    assert.match(markdown, /- Redis hit ratio 100% → 0%/);
    assert.match(
      markdown,
      /- \+1\.0 SQL statements per request \(0\.0 → 1\.0\), new: <code>SELECT id, title, created\\_at FROM posts ORDER BY id DESC LIMIT \$1<\/code>/,
    );
    assert.match(markdown, /- \+5\.0 rows per request from Postgres \(0\.0 → 5\.0\)/);
    // One statement and one command per request hold the budgets.
    assert.deepEqual(
      result.scenarios[0]!.budgets.map((b) => [b.metric, b.status]),
      [
        ['sql_per_request', 'pass'],
        ['redis_per_request', 'pass'],
      ],
    );
  });

  test('a docs-only head: the same database and cache counters in both arms, no SQL or Redis line in the comment, the budgets hold', () => {
    const { result, markdown, stderr } = runs.docs;
    const diagnosis = result.scenarios[0]!.diagnosis;
    assert.ok(diagnosis?.postgres && diagnosis.redis && diagnosis.app, `${JSON.stringify(diagnosis)}\n${stderr}`);
    const why = `rounds ${rounds(result)}; ${JSON.stringify(diagnosis)}`;
    assert.deepEqual(diagnosis.postgres.statementsPerRequest, { base: 0, head: 0 }, why);
    assert.deepEqual(diagnosis.postgres.top, [], why);
    assert.deepEqual(diagnosis.redis.byCommand, { GET: { base: 1, head: 1 } }, why);
    assert.deepEqual(diagnosis.redis.hitRatio, { base: 1, head: 1 }, why);
    assert.ok(diagnosis.app.cpuMsPerRequest.base! > 0 && diagnosis.app.peakMemoryBytes.head > 0, JSON.stringify(diagnosis.app));
    // Nothing the database or the cache did changed. (The app's CPU per request may: on a busy machine, with a few
    // dozen requests per round, its idle CPU and the reading's own exec are a large share of it.)
    const lines = markdown.split('\n').filter((l) => /^- .*(SQL|Redis|rows|blocks)/.test(l));
    assert.deepEqual(lines, []);
    assert.match(
      markdown,
      /no material change|What changed per request \(base → head; diagnostics, not gates\):\*\*\n- App CPU per request [^\n]*\n\n/,
    );
    assert.deepEqual(
      result.scenarios[0]!.budgets.map((b) => [b.metric, b.status]),
      [
        ['sql_per_request', 'pass'],
        ['redis_per_request', 'pass'],
      ],
    );
  });

  test('nothing of these runs is left behind: containers, networks, images', async () => {
    // Compared with what was there before, as other work may have its own perfgate containers on this machine.
    assert.deepEqual(await sinceRuns(), []);
  });
});
