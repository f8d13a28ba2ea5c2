// The config loader against real files: the examples from the issues load, and each broken variant gives
// its exact file:line:col message.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { schemaText } from '../../src/config/schema-text.ts';
import {
  MAX_CONNECTIONS,
  MAX_RATE,
  MAX_READY_TIMEOUT_MS,
  MAX_REQUESTS,
  MAX_TIMEOUT_MS,
  MAX_TIMER_MS,
  MAX_WINDOW_MS,
} from '../../src/config/limits.ts';
import { ConfigError, UsageError } from '../../src/errors.ts';
import { DEFAULT_TOLERANCE } from '../../src/config/types.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const dir = 'test/fixtures/config';

/** Loads a perf file written on the spot into a fresh temporary directory. */
async function loadYamlText(text: string, options: Parameters<typeof loadConfig>[1] = {}) {
  const { writeFile } = await import('node:fs/promises');
  const tmp = await tempDir('perfgate-config-');
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
    assert.deepEqual(list!.requests[0]!.request, {
      method: 'GET',
      path: '/api/v1/posts?page=1',
      headers: { authorization: 'Bearer s3cret' },
    });
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
    assert.deepEqual(
      create!.budgets.map((b) => [b.metric, b.limit]),
      [
        ['p95', 200],
        ['error_rate', 0.001],
      ],
    );
    assert.deepEqual(
      mixed!.requests.map((r) => [r.weight, r.request.path]),
      [
        [3, '/api/v1/posts'],
        [1, '/health'],
      ],
    );
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
    assert.deepEqual(
      dependencies.map((d) => [d.kind, d.name]),
      [
        ['postgres', 'postgres'],
        ['redis', 'redis'],
      ],
    );
    assert.match((dependencies[0] as { init: string[] }).init[0]!, /services\/db\/schema\.sql$/);
    // Sequential pairs by default: the first look after 8, at most 20, within a 10-minute budget.
    assert.deepEqual([config.compare.minPairs, config.compare.pairs, config.compare.budgetMs], [8, 20, 600_000]);
  });

  test('a concurrency sweep expands into one scenario per level', async () => {
    const config = await loadYamlText(
      'version: 1\ntarget: http://127.0.0.1:1\nscenarios:\n  - name: s\n    request: { path: / }\n    sweep: { connections: [1, 8] }\n    rate: 100\n    budgets: { p99: "< 1s" }\n',
    );
    assert.deepEqual(
      config.scenarios.map((s) => [s.name, s.connections, s.sweepOf, s.rate]),
      [
        ['s @ c=1', 1, 's', 100],
        ['s @ c=8', 8, 's', 100],
      ],
    );
  });
});

test('compare: the rates are compared by default with an absolute tolerance; max_base_cv and max_error_rate are accepted and ignored', async () => {
  const config = await loadYamlText(
    'version: 1\ntarget: http://127.0.0.1:1\ncompare:\n  max_base_cv: 15%\ndefaults:\n  max_error_rate: 1%\nscenarios:\n  - name: s\n    request: { path: / }\n    max_error_rate: 2%\n    tolerance: { failure_rate: 0.1%, qps: 3% }\n',
  );
  assert.deepEqual(config.compare.metrics, ['qps', 'p50', 'p99', 'error_rate', 'failure_rate']);
  assert.equal('maxBaseCv' in config.compare, false);
  const [s] = config.scenarios;
  assert.equal(s!.maxErrorRate, undefined);
  assert.deepEqual(s!.tolerance, { ...DEFAULT_TOLERANCE, qps: 0.03, failure_rate: 0.001 });
});

test('bandwidth: the defaults apply to every scenario, a scenario may override them, in bytes per second', async () => {
  const config = await loadYamlText(
    'version: 1\ntarget: http://127.0.0.1:1\ndefaults: { bandwidth: 1Gbit/s }\nscenarios:\n  - name: a\n    request: { path: / }\n  - name: b\n    request: { path: / }\n    bandwidth: 125MB/s\n',
  );
  assert.deepEqual(
    config.scenarios.map((s) => s.bandwidth),
    [125_000_000, 125_000_000],
  );
});

describe('invalid configs: one exact message each, exit 2', () => {
  const cases: Array<[string, string]> = [
    ['bad-duration', '6:15 scenarios[0].duration: expected a duration like 500ms, 10s or 2m, got "10 seconds"'],
    ['unknown-key', '6:5 scenarios[0].duraton: unknown key "duraton"; did you mean "duration"?'],
    ['unknown-metric', '7:7 scenarios[0].budgets.p98: unknown metric "p98"; did you mean "p90"?'],
    ['bad-operator', '7:12 scenarios[0].budgets.p99: expected a budget like "<= 500ms" for p99 (an operator >=, <=, > or < and a limit)'],
    [
      'target-and-services',
      '3:1 services: use either target: (a service that is already running) or services: (perfgate starts it), not both',
    ],
    [
      'undeclared-reference',
      '7:21 services.app.env.DATABASE_URL: ${mysql.url} refers to a service that is not declared under services:; declared: postgres',
    ],
    [
      'unset-env',
      '8:31 scenarios[0].request.headers.Authorization: environment variable PERFGATE_TEST_UNSET_TOKEN is not set; export it, or remove the reference',
    ],
    [
      'duplicate-names',
      '6:11 scenarios[1].name: duplicate scenario name "list" (first used at test/fixtures/config/invalid/duplicate-names.yaml:4)',
    ],
    ['syntax-error', '6:1 YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }'],
    [
      'missing-tokens',
      `6:21 scenarios[0].tokens.file: cannot read the tokens file ${process.cwd()}/test/fixtures/config/invalid/nowhere.csv; it is resolved relative to this YAML file`,
    ],
    [
      'too-few-pairs',
      '4:10 compare.pairs: 5 pairs are too few when 5 metrics are gated: use at least 8 (the smallest p-value of 5 pairs is 1/32, which cannot beat the Holm-corrected α)',
    ],
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
    await assert.rejects(
      loadConfig([], { cwd: '/' }),
      (error: unknown) => error instanceof UsageError && /create perf\/<name>\.yaml/.test(error.message),
    );
  });
});

describe('windows and limits that cannot be measured are refused at their line, exit 2', () => {
  const head = 'version: 1\ntarget: http://127.0.0.1:1\n';
  /** A file whose only scenario has `line` as its line 6, the key at column 5. */
  const scenarioWith = (line: string) => `${head}scenarios:\n  - name: s\n    request: { path: / }\n    ${line}\n`;
  const digits = '9'.repeat(400);
  const cases: Array<[string, string, string]> = [
    ['a window of 0', scenarioWith('duration: 0s'), '6:15 scenarios[0].duration: expected a duration more than 0 and at most 1h, got "0s"'],
    // 9999999h overflows a Node timer (2^31−1 ms), which would fire after 1 ms.
    [
      'a window no timer can hold',
      scenarioWith('duration: 9999999h'),
      '6:15 scenarios[0].duration: expected a duration more than 0 and at most 1h, got "9999999h"',
    ],
    [
      'a window past 1h, as bare seconds',
      scenarioWith('duration: 3601'),
      '6:15 scenarios[0].duration: expected a duration more than 0 and at most 1h, got 3601',
    ],
    [
      'an infinite window',
      scenarioWith('duration: .inf'),
      '6:15 scenarios[0].duration: expected a duration like 500ms, 10s or 2m, got Infinity',
    ],
    [
      'a window too large to be a number',
      scenarioWith(`duration: ${digits}s`),
      `6:15 scenarios[0].duration: expected a finite duration, got "${digits}s"`,
    ],
    ['a warm-up past 1h', scenarioWith('warmup: 2h'), '6:13 scenarios[0].warmup: expected a duration from 0 (none) to 1h, got "2h"'],
    [
      'a timeout of 0',
      scenarioWith('timeout: 0'),
      '6:14 scenarios[0].timeout: expected a duration from 1s to 10m, got 0 (the load generator cannot time a request out sooner than 1s)',
    ],
    ['a timeout past 10m', scenarioWith('timeout: 11m'), '6:14 scenarios[0].timeout: expected a duration from 1s to 10m, got "11m"'],
    [
      'a default timeout under 1s, at the default',
      `${head}defaults: { timeout: 500ms }\nscenarios:\n  - name: s\n    request: { path: / }\n  - name: t\n    request: { path: / }\n`,
      '3:22 defaults.timeout: expected a duration from 1s to 10m, got "500ms" (the load generator cannot time a request out sooner than 1s)',
    ],
    [
      'a compare round of 0',
      `${head}compare: { round: 0 }\n${scenarioWith('').slice(head.length)}`,
      '3:19 compare.round: expected a duration more than 0 and at most 1h, got 0',
    ],
    [
      'a compare warm-up past 1h',
      `${head}compare: { warmup: 90m }\n${scenarioWith('').slice(head.length)}`,
      '3:20 compare.warmup: expected a duration from 0 (none) to 1h, got "90m"',
    ],
    [
      'a ready timeout of 0',
      'version: 1\nservices:\n  app:\n    image: app:1\n    port: 80\n    ready_timeout: 0s\nscenarios:\n  - name: s\n    request: { path: / }\n',
      '6:20 services.app.ready_timeout: expected a duration more than 0 and at most 1h, got "0s"',
    ],
    ['no connections', scenarioWith('connections: 0'), '6:18 scenarios[0].connections: expected at least 1, got 0'],
    [
      'more connections than one generator drives',
      scenarioWith('connections: 10001'),
      '6:18 scenarios[0].connections: expected at most 10000, got 10001',
    ],
    [
      'a sweep level past the bound',
      scenarioWith('sweep: { connections: [10, 20000] }'),
      '6:32 scenarios[0].sweep.connections[1]: expected at most 10000, got 20000',
    ],
    [
      'a sweep level of 0',
      scenarioWith('sweep: { connections: [0, 10] }'),
      '6:28 scenarios[0].sweep.connections[0]: expected at least 1, got 0',
    ],
    ['a rate past 1,000,000 req/s', scenarioWith('rate: 1000001'), '6:11 scenarios[0].rate: expected at most 1000000, got 1000001'],
    ['a rate that is not a number', scenarioWith('rate: .nan'), '6:11 scenarios[0].rate: expected a finite number, got NaN'],
    ['an infinite rate', scenarioWith('rate: .inf'), '6:11 scenarios[0].rate: expected a finite number, got Infinity'],
    ['a request count of 0', scenarioWith('requests: 0'), '6:15 scenarios[0].requests: expected at least 1, got 0'],
    [
      'a request count past 10^9',
      scenarioWith('requests: 1000000001'),
      '6:15 scenarios[0].requests: expected at most 1000000000, got 1000000001',
    ],
    [
      'a latency budget of 1e999ms',
      scenarioWith('budgets: { p99: "<= 1e999ms" }'),
      '6:21 scenarios[0].budgets.p99: expected a duration like 500ms, 10s or 2m, got "1e999ms" (in the budget for p99, e.g. "<= 500ms")',
    ],
    [
      'a latency budget too large to be a number',
      scenarioWith(`budgets: { p99: "<= ${digits}ms" }`),
      `6:21 scenarios[0].budgets.p99: expected a finite duration, got "${digits}ms" (in the budget for p99, e.g. "<= 500ms")`,
    ],
    [
      'a QPS budget of Infinity',
      scenarioWith('budgets: { qps: ">= Infinity" }'),
      '6:21 scenarios[0].budgets.qps: expected a number like 1000 or 1.5k, got "Infinity" (in the budget for qps, e.g. ">= 1000")',
    ],
    [
      'a QPS budget too large to be a number',
      scenarioWith(`budgets: { qps: ">= ${digits}" }`),
      `6:21 scenarios[0].budgets.qps: expected a finite number, got "${digits}" (in the budget for qps, e.g. ">= 1000")`,
    ],
  ];
  for (const [what, yaml, expected] of cases) {
    test(what, async () => {
      await assert.rejects(loadYamlText(yaml), (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.equal(error.exitCode, 2);
        assert.equal(error.message.slice(error.message.indexOf('perf.yaml:') + 'perf.yaml:'.length), expected);
        return true;
      });
    });
  }

  test('the bounds themselves are accepted, and a warm-up of 0 still means none', async () => {
    const config = await loadYamlText(
      `${head}compare: { round: 3600, warmup: 0 }\nscenarios:\n  - name: s\n    request: { path: / }\n` +
        '    duration: 1h\n    warmup: 0\n    timeout: 10m\n    connections: 10000\n    rate: 1000000\n    requests: 1000000000\n',
    );
    const [s] = config.scenarios;
    assert.deepEqual(
      [s!.durationMs, s!.warmupMs, s!.timeoutMs, s!.connections, s!.rate, s!.amount],
      [MAX_WINDOW_MS, 0, MAX_TIMEOUT_MS, MAX_CONNECTIONS, MAX_RATE, MAX_REQUESTS],
    );
    assert.deepEqual([config.compare.roundMs, config.compare.armWarmupMs], [MAX_WINDOW_MS, 0]);
  });

  test("the longest run at the bounds fits in one Node timer (autocannon's hard stop: warm-up + window + timeout + 1 s)", () => {
    assert.ok(2 * MAX_WINDOW_MS + MAX_TIMEOUT_MS + 1000 <= MAX_TIMER_MS);
    assert.ok(MAX_READY_TIMEOUT_MS <= MAX_TIMER_MS);
  });
});

test('dist/perf.schema.json matches the zod schema (run: node scripts/gen-schema.ts)', async () => {
  const committed = await readFile('dist/perf.schema.json', 'utf8');
  assert.equal(committed, schemaText(), 'dist/perf.schema.json is stale: run node scripts/gen-schema.ts and commit it');
  const schema = JSON.parse(committed);
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.ok(schema.properties.scenarios.items.properties.budgets.properties.p99);
});

test('compare: min_pairs, pairs and budget; a min_pairs above pairs is a fixed design at pairs', async () => {
  const load = async (compare: string) => {
    const dir = await tempDir('perfgate-compare-');
    await writeFile(
      path.join(dir, 'perf.yaml'),
      `version: 1\ntarget: http://127.0.0.1:9\ncompare: ${compare}\nscenarios:\n  - name: a\n    request: { path: / }\n`,
    );
    return (await loadConfig([path.join(dir, 'perf.yaml')])).compare;
  };
  const sequential = await load('{ min_pairs: 10, pairs: 30, budget: 4m }');
  assert.deepEqual([sequential.minPairs, sequential.pairs, sequential.budgetMs], [10, 30, 240_000]);
  const fixed = await load('{ min_pairs: 12, pairs: 12 }');
  assert.deepEqual([fixed.minPairs, fixed.pairs], [12, 12]);
  const onlyMin = await load('{ min_pairs: 24 }');
  assert.deepEqual([onlyMin.minPairs, onlyMin.pairs], [24, 24]);
});
