// What the database and the cache did per request, base vs head (#11), through the real CLI on the example app:
// a head with an N+1 (EXTRA_QUERIES=5), a head that lost its cache (CACHE_BYPASS=1) and a docs-only head, each
// compared with the same base in its own throw-away repository. The three runs go in parallel: what is asserted
// here are counts per request (statements, rows, commands), which other load on the machine does not change, except
// through the example's 5 s cache entry, which expires more often per request in a slower arm: the assertions take
// those list queries out.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunResult } from '../../src/result.ts';
import { LABEL_MANAGED, NAME_PREFIX } from '../../src/services/labels.ts';
import { dockerOrSkip } from '../helpers/docker.ts';
import { runCli } from '../helpers/run-cli.ts';

const { docker, skip } = await dockerOrSkip('diagnosis');

// Few, short rounds, one metric gated (6 pairs is the least that can decide it): the counters are exact per request.
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
compare: { pairs: 6, min_pairs: 6, round: 500ms, warmup: 300ms, metrics: [qps] }
scenarios:
  - name: list posts
    request: { path: /api/v1/posts }
    connections: 4
    warmup: 300ms
    duration: 1s
`;

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

/** Everything perfgate created that is on this machine now. */
async function footprint(): Promise<string[]> {
  const containers = await docker!.listContainers({ all: true, filters: { label: [`${LABEL_MANAGED}=true`] } });
  const networks = (await docker!.listNetworks()).filter((n) => n.Name.startsWith(NAME_PREFIX));
  const images = (await docker!.listImages()).flatMap((i) => i.RepoTags ?? []).filter((t) => t.startsWith('perfgate-app:'));
  return [
    ...containers.map((c) => `container ${c.Names[0]}`),
    ...networks.map((n) => `network ${n.Name}`),
    ...images.map((t) => `image ${t}`),
  ];
}

const fixed = (n: number) => n.toFixed(1);
/** Each round's arm and requests (b139 h56 …), for a failure message. */
const rounds = (result: RunResult) =>
  (result.scenarios[0]!.rounds ?? []).map((r) => `${r.arm[0]}${r.outcomes.total}/${r.outcomes.success}`).join(' ');
const round1 = (n: number | undefined) => (n === undefined ? undefined : Math.round(n * 10) / 10);

describe('perfgate run --base: the diagnosis', { skip, concurrency: false }, () => {
  const repos: string[] = [];
  let runs: { extra: Run; bypass: Run; docs: Run };
  let beforeRuns: string[] = [];
  before(async () => {
    beforeRuns = await footprint();
    const [extra, bypass, docs] = await Promise.all([
      repository(knobs('EXTRA_QUERIES=5')),
      repository(knobs('CACHE_BYPASS=1')),
      repository((repo) => writeFile(path.join(repo, 'README.md'), '# docs only\n')),
    ]);
    repos.push(extra, bypass, docs);
    const [a, b, c] = await Promise.all([perfgate(extra), perfgate(bypass), perfgate(docs)]);
    runs = { extra: a, bypass: b, docs: c };
  });
  after(() => (process.env.KEEP_REPOS ? undefined : Promise.all(repos.map((repo) => rm(repo, { recursive: true, force: true })))));

  test('an N+1 head: +5.0 SQL statements per request, the statement named as new, in the JSON, the comment and the terminal', () => {
    const { result, markdown, stdout, stderr } = runs.extra;
    const scenario = result.scenarios[0]!;
    const pg = scenario.diagnosis?.postgres;
    assert.ok(pg, `no Postgres diagnosis: ${JSON.stringify(scenario.diagnosis)}\n${stderr}`);
    const { base, head } = pg.statementsPerRequest;
    const why = `statements per request ${base} → ${head}; rounds ${rounds(result)}`;
    const fresh = pg.top.find((t) => t.query === 'SELECT title FROM posts WHERE id = $1');
    assert.ok(fresh, `${JSON.stringify(pg.top)}; ${why}`);
    assert.equal(fresh.newInHead, true);
    assert.equal(round1(fresh.callsPerRequest.head), 5.0, why);
    assert.equal(fresh.callsPerRequest.base, 0);
    assert.equal(pg.top[0], fresh, 'the statement that changed most comes first');
    // The rest is the list query, run on a cache miss (the list is cached for 5 s): in both arms, more often per
    // request in the slower head. Without it, exactly 5 more statements per request, each reading one row.
    const list = pg.top.find((t) => t.query.startsWith('SELECT id, title, created_at FROM posts'))!;
    const misses = list.callsPerRequest.head - list.callsPerRequest.base!;
    assert.ok(base! < 0.3, why);
    assert.equal(round1(head - base! - misses), 5.0, why);
    assert.equal(round1(pg.rowsPerRequest.head - pg.rowsPerRequest.base! - 5 * misses), 5.0, 'five posts per list');
    // The cache was untouched: one GET per request in both arms.
    const redis = scenario.diagnosis!.redis!;
    assert.equal(redis.byCommand.GET!.base, 1);
    assert.equal(redis.byCommand.GET!.head, 1);
    const words = `\\+${fixed(head - base!)} SQL statements per request \\(${fixed(base!)} → ${fixed(head)}\\), new: `;
    assert.match(markdown, new RegExp(`- ${words}<code>SELECT title FROM posts WHERE id = \\$1</code>`));
    // No Redis command changed per request (the hit ratio may: the slower head sees its 5 s entry expire more often).
    assert.doesNotMatch(markdown, /Redis commands per request/);
    assert.match(stdout, new RegExp(`${words}"SELECT title FROM posts WHERE id = \\$1"`));
  });

  test('a head that lost its cache: Redis hit ratio 100% → 0%, and the list query on every request', () => {
    const { result, markdown, stderr } = runs.bypass;
    const diagnosis = result.scenarios[0]!.diagnosis;
    assert.ok(diagnosis?.redis && diagnosis.postgres, `${JSON.stringify(diagnosis)}\n${stderr}`);
    const { hitRatio } = diagnosis.redis;
    // The base misses once per expiry of its 5 s entry: on a busy machine, a few per cent of few requests.
    assert.ok(hitRatio.base! > 0.8, `base hit ratio ${hitRatio.base}`);
    assert.equal(hitRatio.head, 0);
    assert.equal(diagnosis.redis.byCommand.GET!.head, 1);
    assert.equal(diagnosis.redis.byCommand.SET?.head ?? 0, 0);
    // Every request misses and runs the list query; the base only when its entry expired.
    const { base, head } = diagnosis.postgres.statementsPerRequest;
    assert.equal(round1(head), 1.0, `statements per request ${base} → ${head}`);
    assert.ok(base! < 0.3, `base statements per request ${base}`);
    const list = diagnosis.postgres.top[0]!;
    assert.equal(list.query, 'SELECT id, title, created_at FROM posts ORDER BY id DESC LIMIT $1');
    assert.equal(list.newInHead, undefined, 'the base runs it too, on a cache miss');
    assert.match(markdown, new RegExp(`- Redis hit ratio ${Math.round(hitRatio.base! * 100)}% → 0%`));
    assert.match(
      markdown,
      new RegExp(
        `- \\+${fixed(head - base!)} SQL statements per request \\(${fixed(base!)} → 1\\.0\\), ` +
          `most in <code>SELECT id, title, created\\\\_at FROM posts ORDER BY id DESC LIMIT \\$1</code> \\(\\+${fixed(head - base!)}\\)`,
      ),
    );
  });

  test('a docs-only head: the same database and cache counters in both arms, and no SQL or Redis line in the comment', () => {
    const { result, markdown, stderr } = runs.docs;
    const diagnosis = result.scenarios[0]!.diagnosis;
    assert.ok(diagnosis?.postgres && diagnosis.redis && diagnosis.app, `${JSON.stringify(diagnosis)}\n${stderr}`);
    // Both arms: one GET per request, and the list query (and a SET) when the 5 s cache entry expired.
    const { statementsPerRequest, rowsPerRequest } = diagnosis.postgres;
    assert.ok(Math.abs(statementsPerRequest.head - statementsPerRequest.base!) < 0.1, JSON.stringify(statementsPerRequest));
    assert.ok(Math.abs(rowsPerRequest.head - rowsPerRequest.base!) < 1, JSON.stringify(rowsPerRequest));
    assert.equal(diagnosis.redis.byCommand.GET!.base, 1);
    assert.equal(diagnosis.redis.byCommand.GET!.head, 1);
    assert.ok(diagnosis.app.cpuMsPerRequest.base! > 0 && diagnosis.app.peakMemoryBytes.head > 0, JSON.stringify(diagnosis.app));
    // Nothing the database or the cache did changed. (The app's CPU per request may: on a busy machine, with a few
    // dozen requests per round, its idle CPU and the reading's own exec are a large share of it.)
    const lines = markdown.split('\n').filter((l) => /^- .*(SQL|Redis|rows|blocks)/.test(l));
    assert.deepEqual(lines, []);
    assert.match(
      markdown,
      /no material change|What changed per request \(base → head; diagnostics, not gates\):\*\*\n- App CPU per request [^\n]*\n\n/,
    );
  });

  test('nothing of these runs is left behind: containers, networks, images', async () => {
    // Compared with what was there before, as other work may have its own perfgate containers on this machine.
    assert.deepEqual(
      (await footprint()).filter((x) => !beforeRuns.includes(x)),
      [],
    );
  });
});
