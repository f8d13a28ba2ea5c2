// The config loader against real files: the examples from the issues load, and each broken variant gives
// its exact file:line:col message.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { schemaText } from '../../src/config/schema-text.ts';
import { ConfigError, UsageError } from '../../src/errors.ts';

const dir = 'test/fixtures/config';

/** Loads a perf file written on the spot into a fresh temporary directory. */
async function loadYamlText(text: string, options: Parameters<typeof loadConfig>[1] = {}) {
  const { writeFile, mkdtemp } = await import('node:fs/promises');
  const os = await import('node:os');
  const tmp = await mkdtemp(`${os.tmpdir()}/perfgate-config-`);
  await writeFile(`${tmp}/perf.yaml`, text);
  return loadConfig([`${tmp}/perf.yaml`], options);
}

describe('valid configs', () => {
  test("issue #2's file loads with canonical units, the mix, tokens and env", async () => {
    const config = await loadConfig([`${dir}/valid/issue2.yaml`], { env: { API_TOKEN: 's3cret' } });
    assert.equal(config.target, 'http://127.0.0.1:8080');
    const [list, create, mixed] = config.scenarios;
    assert.equal(list!.connections, 50);
    assert.equal(list!.warmupMs, 2000);
    assert.equal(list!.durationMs, 10_000);
    assert.deepEqual(list!.requests[0]!.request, { method: 'GET', path: '/api/v1/posts?page=1', headers: { authorization: 'Bearer s3cret' } });
    assert.deepEqual(
      list!.budgets.map((b) => [b.metric, b.op, b.limit, b.at.line, b.at.col]),
      [
        ['qps', '>=', 1000, 17, 12],
        ['p99', '<=', 500, 18, 12],
        ['success', '>=', 0.9995, 19, 16],
      ],
    );
    assert.equal(create!.connections, 20);
    assert.equal(create!.durationMs, 5000);
    assert.equal(create!.requests[0]!.request.body, '{"title":"hello"}');
    assert.equal(create!.requests[0]!.request.headers['content-type'], 'application/json');
    assert.deepEqual(create!.budgets.map((b) => [b.metric, b.limit]), [['p95', 200], ['error_rate', 0.001]]);
    assert.deepEqual(mixed!.requests.map((r) => [r.weight, r.request.path]), [[3, '/api/v1/posts'], [1, '/health']]);
    assert.deepEqual(mixed!.tokens?.tokens, ['Bearer alpha', 'Bearer beta', 'Bearer gamma']);
    assert.equal(mixed!.tokens?.header, 'authorization');
    assert.deepEqual(mixed!.at, { file: `${dir}/valid/issue2.yaml`, line: 29, col: 5 });
  });

  test('validate mode leaves ${env.X} in place and does not need the variable', async () => {
    const config = await loadConfig([`${dir}/valid/issue2.yaml`], { env: {}, resolveEnv: false });
    assert.equal(config.scenarios[0]!.requests[0]!.request.headers.authorization, 'Bearer ${env.API_TOKEN}');
  });

  test("issue #3's services file loads: app built from a context, postgres with init, redis", async () => {
    const config = await loadConfig([`${dir}/services/perf/issue3.yaml`]);
    const { app, dependencies } = config.services!;
    assert.match(app.build!.context, /test\/fixtures\/config\/services\/app$/);
    assert.equal(app.port, 5000);
    assert.deepEqual(app.ready, { kind: 'http', path: '/health' });
    assert.deepEqual(app.resources, { cpus: 1, memoryBytes: 512 * 1024 ** 2 });
    assert.equal(app.env.DATABASE_URL, '${postgres.url}');
    assert.deepEqual(dependencies.map((d) => [d.kind, d.name]), [['postgres', 'postgres'], ['redis', 'redis']]);
    assert.match((dependencies[0] as { init: string[] }).init[0]!, /services\/db\/schema\.sql$/);
    assert.equal(config.compare.pairs, 10);
  });

  test('a concurrency sweep expands into one scenario per level', async () => {
    const config = await loadYamlText(
      'version: 1\ntarget: http://127.0.0.1:1\nscenarios:\n  - name: s\n    request: { path: / }\n    sweep: { connections: [1, 8] }\n    rate: 100\n    budgets: { p99: "< 1s" }\n',
    );
    assert.deepEqual(config.scenarios.map((s) => [s.name, s.connections, s.sweepOf, s.rate]), [
      ['s @ c=1', 1, 's', 100],
      ['s @ c=8', 8, 's', 100],
    ]);
  });
});

test('bandwidth: the defaults apply to every scenario, a scenario may override them, in bytes per second', async () => {
  const config = await loadYamlText(
    'version: 1\ntarget: http://127.0.0.1:1\ndefaults: { bandwidth: 1Gbit/s }\nscenarios:\n  - name: a\n    request: { path: / }\n  - name: b\n    request: { path: / }\n    bandwidth: 125MB/s\n',
  );
  assert.deepEqual(config.scenarios.map((s) => s.bandwidth), [125_000_000, 125_000_000]);
});

describe('invalid configs: one exact message each, exit 2', () => {
  const cases: Array<[string, string]> = [
    ['bad-duration', '6:15 scenarios[0].duration: expected a duration like 500ms, 10s or 2m, got "10 seconds"'],
    ['unknown-key', '6:5 scenarios[0].duraton: unknown key "duraton"; did you mean "duration"?'],
    ['unknown-metric', '7:7 scenarios[0].budgets.p98: unknown metric "p98"; did you mean "p90"?'],
    ['bad-operator', '7:12 scenarios[0].budgets.p99: expected a budget like "<= 500ms" for p99 (an operator >=, <=, > or < and a limit)'],
    ['target-and-services', '3:1 services: use either target: (a service that is already running) or services: (perfgate starts it), not both'],
    ['undeclared-reference', '7:21 services.app.env.DATABASE_URL: ${mysql.url} refers to a service that is not declared under services:; declared: postgres'],
    ['unset-env', '8:31 scenarios[0].request.headers.Authorization: environment variable PERFGATE_TEST_UNSET_TOKEN is not set; export it, or remove the reference'],
    ['duplicate-names', '6:11 scenarios[1].name: duplicate scenario name "list" (first used at test/fixtures/config/invalid/duplicate-names.yaml:4)'],
    ['syntax-error', '6:1 YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }'],
    ['missing-tokens', `6:21 scenarios[0].tokens.file: cannot read the tokens file ${process.cwd()}/test/fixtures/config/invalid/nowhere.csv; it is resolved relative to this YAML file`],
    ['too-few-pairs', '4:10 compare.pairs: 5 pairs are too few when 3 metrics are gated: use at least 8 (the smallest p-value of 5 pairs is 1/32, which cannot beat the Holm-corrected α)'],
    ['missing-version', '1:1 missing required key "version" (add version: 1 at the top)'],
    ['missing-path', '5:14 scenarios[0].request: missing required key "path" (e.g. path: /api/v1/posts)'],
    ['zero-rate', '6:11 scenarios[0].rate: expected more than 0, got 0'],
    ['bad-bandwidth', '6:16 scenarios[0].bandwidth: expected a bandwidth like 1Gbit/s, 100Mbit/s or 125MB/s, got "1 gigabit"'],
  ];
  for (const [name, expected] of cases) {
    test(name, async () => {
      const file = `${dir}/invalid/${name}.yaml`;
      await assert.rejects(loadConfig([file], { env: {} }), (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.equal(error.exitCode, 2);
        assert.equal(error.message, `${file}:${expected}`);
        return true;
      });
    });
  }

  test('every issue in a file is reported, not just the first', async () => {
    await assert.rejects(
      loadYamlText('version: 1\ntarget: http://127.0.0.1:1\nscenarios:\n  - name: a\n    request: { path: nope }\n    warmup: soon\n'),
      (error: ConfigError) => error.issues.length === 2,
    );
  });

  test('a missing perf/ directory names the fix', async () => {
    await assert.rejects(loadConfig([], { cwd: '/' }), (error: unknown) => error instanceof UsageError && /create perf\/<name>\.yaml/.test(error.message));
  });
});

test('dist/perf.schema.json matches the zod schema (run: node scripts/gen-schema.ts)', async () => {
  const committed = await readFile('dist/perf.schema.json', 'utf8');
  assert.equal(committed, schemaText(), 'dist/perf.schema.json is stale: run node scripts/gen-schema.ts and commit it');
  const schema = JSON.parse(committed);
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.ok(schema.properties.scenarios.items.properties.budgets.properties.p99);
});
