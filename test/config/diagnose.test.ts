// diagnose: (#11) and the budgets on the diagnosis, as the loader sees them: connection strings resolved from the
// environment and never shown in a message, and every sql_per_request / redis_per_request budget refused at its own
// line when the config already tells there will be no counters to judge it on.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const SECRET = 'postgres://app:hunter2-s3cret@127.0.0.1:5432/app';

async function load(text: string, env: NodeJS.ProcessEnv = {}, resolveEnv = true) {
  const dir = await tempDir('perfgate-diagnose-');
  await writeFile(`${dir}/perf.yaml`, text);
  return loadConfig([`${dir}/perf.yaml`], { env, resolveEnv });
}

/** The config error's issues as "line:col message". */
async function issues(text: string, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const error = await load(text, env).then(
    () => assert.fail('expected a config error'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConfigError, String(error));
  return error.issues.map((i) => `${i.at.line}:${i.at.col} ${i.message}`);
}

const target = (diagnose: string, budgets = '{ sql_per_request: "<= 3", redis_per_request: "<= 2" }') => `version: 1
target: http://127.0.0.1:8080
${diagnose}
scenarios:
  - name: list
    request: { path: /posts }
    budgets: ${budgets}
`;

test('diagnose: resolves ${env.…} into the config; its budgets load with their kind and lines', async () => {
  const config = await load(target('diagnose: { postgres: "${env.DATABASE_URL}", redis: "${env.REDIS_URL}" }'), {
    DATABASE_URL: SECRET,
    REDIS_URL: 'redis://127.0.0.1:6379/0',
  });
  assert.deepEqual({ ...config.diagnose, at: undefined }, { postgres: SECRET, redis: 'redis://127.0.0.1:6379/0', at: undefined });
  assert.equal(config.diagnose!.at.line, 3);
  assert.deepEqual(
    config.scenarios[0]!.budgets.map((b) => [b.metric, b.op, b.limit, b.text, `${b.at.line}:${b.at.col}`]),
    [
      ['sql_per_request', '<=', 3, '<= 3', '7:33'],
      ['redis_per_request', '<=', 2, '<= 2', '7:60'],
    ],
  );
  // perfgate validate does not resolve, does not refuse the references, and takes the budgets on what they name.
  const validated = await load(target('diagnose: { postgres: "${env.DATABASE_URL}", redis: "${env.REDIS_URL}" }'), {}, false);
  assert.deepEqual({ ...validated.diagnose, at: undefined }, { postgres: '${env.DATABASE_URL}', redis: '${env.REDIS_URL}', at: undefined });
  assert.deepEqual(
    validated.scenarios[0]!.budgets.map((b) => b.metric),
    ['sql_per_request', 'redis_per_request'],
  );
});

test('a budget on counters nobody reads is refused at its line, saying what to add', async () => {
  assert.deepEqual(await issues(target('')), [
    "7:33 sql_per_request cannot be measured: the running target's Postgres is unknown to perfgate; name it beside target: with diagnose: { postgres: ${env.DATABASE_URL} } (with pg_stat_statements loaded there, docs/config.md#diagnose)",
    "7:60 redis_per_request cannot be measured: the running target's Redis is unknown to perfgate; name it beside target: with diagnose: { redis: ${env.REDIS_URL} } (docs/config.md#diagnose)",
  ]);
  // Only Postgres named: the Redis budget is still refused.
  assert.deepEqual(
    (await issues(target('diagnose: { postgres: "${env.DATABASE_URL}" }'), { DATABASE_URL: SECRET })).map((i) => i.slice(0, 40)),
    ['7:60 redis_per_request cannot be measure'],
  );
  const services = (postgres: string) => `version: 1
services:
  app: { image: "node:24-bookworm-slim", port: 3000 }
${postgres}
  redis: { image: "redis:7", stats: false }
scenarios:
  - name: list
    request: { path: /posts }
    budgets: { sql_per_request: "<= 3", redis_per_request: "<= 2" }
`;
  assert.deepEqual(await issues(services('  postgres: { image: "postgres:15" }')), [
    '9:60 redis_per_request cannot be measured: services.redis has stats: false, so its counters are not read; remove stats: false or the budget',
  ]);
  assert.deepEqual(await issues(services('  cache2: { image: "redis:7" }')), [
    // cache2 is a second Redis (by its image), read: redis_per_request counts its commands.
    '9:33 sql_per_request cannot be measured: services: starts no Postgres, so there are no SQL statements to count; remove the budget',
  ]);
});

test('diagnose: problems at their lines, and never the connection string', async () => {
  const found = await issues(
    `version: 1
target: http://127.0.0.1:8080
diagnose:
  postgres: "\${env.DATABASE_URL}"
  redis: "\${env.REDIS_URL}"
scenarios:
  - name: list
    request: { path: /posts }
`,
    { DATABASE_URL: SECRET.replace('postgres:', 'mysql:') },
  );
  assert.deepEqual(found, [
    '4:13 expected a Postgres connection string like postgres://user:password@127.0.0.1:5432/app, got one starting "mysql:" (the value is a secret and is not shown)',
    '5:11 environment variable REDIS_URL is not set; export it, or remove diagnose.redis',
  ]);
  assert.ok(!found.join('\n').includes('hunter2'));
  const refused = await issues(target('diagnose: { postgres: "${env.GITHUB_TOKEN}" }', '{ p99: "<= 1s" }'), { GITHUB_TOKEN: 'x' });
  assert.match(refused[0]!, /^3:24 \$\{env\.GITHUB_TOKEN\} is refused/);
  const withServices = await issues(`version: 1
services:
  app: { image: "node:24-bookworm-slim", port: 3000 }
diagnose: { redis: "redis://127.0.0.1:6379" }
scenarios:
  - name: list
    request: { path: /posts }
`);
  assert.deepEqual(withServices, [
    '4:1 diagnose: names the Postgres and Redis of a running target:; perfgate reads the services it starts (services:) by itself, so remove diagnose:',
  ]);
});

test('a budget on the diagnosis in a mix entry is refused at its line: the counters are per scenario', async () => {
  const found = await issues(`version: 1
target: http://127.0.0.1:8080
diagnose: { postgres: "postgres://127.0.0.1:5432/app" }
scenarios:
  - name: mixed
    mix:
      - { weight: 1, request: { path: /a }, budgets: { sql_per_request: "<= 1" } }
      - { weight: 1, request: { path: /b } }
    budgets: { sql_per_request: "<= 3" }
`);
  assert.deepEqual(found, [
    "7:73 sql_per_request is judged per scenario (the counters cannot tell one mix entry's requests from another's); move it to the scenario's budgets:",
  ]);
});
