// diagnose: on a service the user brings (#11): a Postgres with pg_stat_statements and a Redis started by this test,
// a small Node app on loopback that uses them (two statements and one GET per request), and perfgate run with
// target: and diagnose: { postgres: ${env.DATABASE_URL}, redis: ${env.REDIS_URL} } through the real CLI: the same
// counters as for the services perfgate starts, the budgets on them judged and annotated at their lines, and the
// connection strings (a password among them) nowhere in an output. Then diagnose.postgres naming a database
// without the extension, and a server without the library preloaded: one warning naming the fix, the run goes on,
// and the SQL budget fails as not measurable.
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { RedisContainer, type StartedRedisContainer } from '@testcontainers/redis';
import { createClient } from '@redis/client';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { RunResult } from '../../src/result.ts';
import { POSTGRES_STATS_ARGS } from '../../src/services/diagnosis.ts';
import { dockerOrSkip } from '../helpers/docker.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const { docker, skip } = await dockerOrSkip('diagnose: on a target');

/** In the connection string only: it must appear in no output. */
const PASSWORD = 'diagnose-s3cret-pw';

const perf = (port: number) => `version: 1
target: http://127.0.0.1:${port}
diagnose:
  postgres: \${env.DATABASE_URL}
  redis: \${env.REDIS_URL}
scenarios:
  - name: titles
    request: { path: /titles }
    connections: 2
    warmup: 200ms
    duration: 1s
    budgets:
      sql_per_request: "<= 1"
      redis_per_request: "<= 2"
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  result: RunResult;
  outputs: string;
}

describe('perfgate run against a target with diagnose:', { skip, concurrency: false }, () => {
  let postgres: StartedPostgreSqlContainer;
  let redis: StartedRedisContainer;
  /** A Postgres started as it comes: the extension can be created, but the library was never preloaded. */
  let unloaded: StartedPostgreSqlContainer;
  let pool: pg.Pool;
  let cache: ReturnType<typeof createClient>;
  let server: http.Server;
  let dir: string;
  const urls = { app: '', plain: '', redis: '', unloaded: '' };
  const containersBefore = new Set<string>();

  // Bounded: a container that never becomes ready fails the test instead of holding the machine's heavy lock.
  before(
    async () => {
      for (const c of await docker!.listContainers({ all: true })) containersBefore.add(c.Id);
      [postgres, redis, unloaded] = await Promise.all([
        new PostgreSqlContainer('postgres:15')
          .withDatabase('app')
          .withUsername('app')
          .withPassword(PASSWORD)
          .withCommand(POSTGRES_STATS_ARGS)
          .start(),
        new RedisContainer('redis:7').start(),
        new PostgreSqlContainer('postgres:15').withDatabase('app').withUsername('app').withPassword(PASSWORD).start(),
      ]);
      urls.app = postgres.getConnectionUri();
      urls.plain = urls.app.replace(/\/app$/, '/plain');
      urls.redis = redis.getConnectionUrl();
      urls.unloaded = unloaded.getConnectionUri();
      const bare = new pg.Client({ connectionString: urls.unloaded });
      await bare.connect();
      await bare.query('CREATE EXTENSION pg_stat_statements');
      await bare.end();
      const setup = new pg.Client({ connectionString: urls.app });
      await setup.connect();
      await setup.query('CREATE EXTENSION pg_stat_statements');
      await setup.query('CREATE DATABASE plain');
      await setup.query('CREATE TABLE posts (id int PRIMARY KEY, title text NOT NULL)');
      await setup.query("INSERT INTO posts VALUES (1, 'one'), (2, 'two')");
      await setup.end();

      // The app: per request, one GET (always a hit) and two statements.
      pool = new pg.Pool({ connectionString: urls.app, max: 2 });
      pool.on('error', () => undefined);
      cache = createClient({ url: urls.redis });
      cache.on('error', () => undefined);
      await cache.connect();
      await cache.set('greeting', 'hello');
      server = http.createServer((req, res) => {
        void (async () => {
          const greeting = await cache.get('greeting');
          const titles = [];
          for (const id of [1, 2]) titles.push((await pool.query('SELECT title FROM posts WHERE id = $1', [id])).rows[0].title);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ greeting, titles }));
        })().catch(() => res.writeHead(500).end());
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      dir = await tempDir('perfgate-diagnose-target-');
      await mkdir(path.join(dir, 'perf'));
      await writeFile(path.join(dir, 'perf', 'api.yaml'), perf((server.address() as AddressInfo).port));
    },
    { timeout: 180_000 },
  );

  /** The app first (its connections would break when the containers go), then the containers. */
  let stopped: Promise<unknown> | undefined;
  const stopAll = () =>
    (stopped ??= (async () => {
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
      await Promise.allSettled([pool?.end(), cache?.close()]);
      await Promise.allSettled([postgres?.stop(), redis?.stop(), unloaded?.stop()]);
    })());
  after(stopAll);

  async function perfgate(databaseUrl: string): Promise<Run> {
    const { code, stdout, stderr } = await runCli(['run', '--json', 'results.json', '--markdown', 'report.md'], {
      cwd: dir,
      env: { DATABASE_URL: databaseUrl, REDIS_URL: urls.redis, GITHUB_ACTIONS: undefined },
    });
    const json = await readFile(path.join(dir, 'results.json'), 'utf8').catch(() => assert.fail(`no results (exit ${code}): ${stderr}`));
    const markdown = await readFile(path.join(dir, 'report.md'), 'utf8');
    return { code, stdout, stderr, result: JSON.parse(json) as RunResult, outputs: [stdout, stderr, json, markdown].join('\n') };
  }

  test('the counters of its own Postgres and Redis, exact per request; the SQL budget fails at its line, the Redis one holds', async () => {
    const run = await perfgate(urls.app);
    const scenario = run.result.scenarios[0]!;
    const diagnosis = scenario.diagnosis;
    assert.ok(diagnosis?.postgres && diagnosis.redis, `${JSON.stringify(diagnosis)}\n${run.stderr}`);
    assert.deepEqual(diagnosis.postgres.statementsPerRequest, { head: 2 });
    assert.deepEqual(diagnosis.postgres.rowsPerRequest, { head: 2 });
    assert.deepEqual(
      diagnosis.postgres.top.map((t) => [t.query, t.callsPerRequest]),
      [['SELECT title FROM posts WHERE id = $1', { head: 2 }]],
    );
    assert.deepEqual(diagnosis.redis.byCommand, { GET: { head: 1 } });
    assert.deepEqual(diagnosis.redis.commandsPerRequest, { head: 1 });
    assert.deepEqual(diagnosis.redis.hitRatio, { head: 1 });
    // No app container: no app figures.
    assert.equal(diagnosis.app, undefined);

    assert.equal(run.code, 1, run.stderr);
    const [sql, cache] = scenario.budgets;
    assert.deepEqual(
      { metric: sql!.metric, status: sql!.status, value: sql!.value, reason: sql!.reason, line: sql!.at.line },
      {
        metric: 'sql_per_request',
        status: 'fail',
        value: 2,
        reason: '2.00 SQL statements per request, over the <= 1 budget',
        line: 13,
      },
    );
    assert.deepEqual([cache!.metric, cache!.status, cache!.value, cache!.at.line], ['redis_per_request', 'pass', 1, 14]);
    assert.match(run.stdout, /SQL statements per request\s+<= 1\s+2\.00\s+FAIL\s+2\.00 SQL statements per request, over the <= 1 budget\n/);
    assert.match(run.stdout, /per request: 2\.0 SQL statements \([\d.]+ ms, 2\.0 rows\) · 1\.0 Redis commands, hit ratio 100%/);
    assert.ok(!run.outputs.includes(PASSWORD), 'the password in DATABASE_URL reached an output');
    assert.ok(!run.outputs.includes(urls.redis), 'REDIS_URL reached an output');
  });

  test('a database without the extension: one warning naming the fix, the run goes on, the SQL budget is not measurable', async () => {
    const run = await perfgate(urls.plain);
    const warnings = run.stderr.split('\n').filter((l) => l.includes('diagnose.postgres'));
    assert.equal(warnings.length, 1, run.stderr);
    assert.match(
      warnings[0]!,
      /diagnose\.postgres: pg_stat_statements is not loaded there \(relation "pg_stat_statements" does not exist\): run CREATE EXTENSION pg_stat_statements; in the database diagnose\.postgres names \(docs\/config\.md#diagnose\); the run goes on without its figures/,
    );
    const scenario = run.result.scenarios[0]!;
    assert.ok(scenario.measurement.outcomes.success > 0, 'the load ran');
    assert.equal(scenario.diagnosis?.postgres, undefined);
    assert.deepEqual(scenario.diagnosis?.redis?.commandsPerRequest, { head: 1 });
    const [sql, cache] = scenario.budgets;
    assert.deepEqual([sql!.status, sql!.value], ['fail', null]);
    assert.equal(
      sql!.reason,
      'not measurable: pg_stat_statements is not loaded there (relation "pg_stat_statements" does not exist): run CREATE EXTENSION pg_stat_statements; in the database diagnose.postgres names (docs/config.md#diagnose)',
    );
    assert.equal(cache!.status, 'pass');
    assert.equal(run.code, 1);
    assert.ok(!run.outputs.includes(PASSWORD), 'the password in DATABASE_URL reached an output');
  });

  test('a server without the library preloaded: the warning names shared_preload_libraries', async () => {
    const run = await perfgate(urls.unloaded);
    const warnings = run.stderr.split('\n').filter((l) => l.includes('diagnose.postgres'));
    assert.equal(warnings.length, 1, run.stderr);
    assert.match(
      warnings[0]!,
      /diagnose\.postgres: pg_stat_statements is not loaded there \(pg_stat_statements must be loaded via "?shared_preload_libraries"?\): start Postgres with shared_preload_libraries = pg_stat_statements \(postgresql\.conf, or -c shared_preload_libraries=pg_stat_statements\) and restart it \(docs\/config\.md#diagnose\); the run goes on without its figures/,
    );
    assert.deepEqual([run.result.scenarios[0]!.budgets[0]!.status, run.result.scenarios[0]!.budgets[0]!.value], ['fail', null]);
    assert.ok(!run.outputs.includes(PASSWORD), 'the password in DATABASE_URL reached an output');
  });

  test('the containers this test started are gone afterwards (checked after stopping them)', async () => {
    await stopAll();
    const left = (await docker!.listContainers({ all: true })).filter((c) => !containersBefore.has(c.Id));
    assert.deepEqual(
      left.map((c) => c.Names[0]),
      [],
    );
  });
});
