// dist/results.schema.json: generated from the zod schema, committed, and true to what perfgate writes — checked
// with an independent validator (Ajv) against perfgate's own fixture results.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import type { RunResult } from '../../src/result.ts';
import { resultsSchemaText } from '../../src/results/json-schema.ts';
import { budgetsOnly, health, listPosts, measurement, runResult } from '../report/fixture.ts';

const COMMITTED = new URL('../../dist/results.schema.json', import.meta.url);

async function validator(): Promise<ValidateFunction> {
  const schema = JSON.parse(await readFile(COMMITTED, 'utf8')) as Record<string, unknown>;
  // Strict: an unknown keyword or a malformed schema is an error, not silently ignored. (strictRequired only
  // lints `required` without `properties`, which is how a record keyed by every metric says all must be there.)
  return new Ajv({ strict: true, strictRequired: false, allErrors: true }).compile(schema);
}

function check(validate: ValidateFunction, result: unknown): void {
  const valid = validate(JSON.parse(JSON.stringify(result)));
  assert.ok(valid, JSON.stringify(validate.errors, null, 2));
}

test('dist/results.schema.json matches the zod schema (run: node scripts/gen-schema.ts)', async () => {
  assert.equal(
    await readFile(COMMITTED, 'utf8'),
    resultsSchemaText(),
    'dist/results.schema.json is stale: run node scripts/gen-schema.ts and commit it',
  );
});

test("perfgate's own fixture results validate against dist/results.schema.json", async () => {
  const validate = await validator();
  check(validate, runResult());
  check(validate, budgetsOnly());

  // Every optional field filled, scenario positions included.
  const paced = listPosts();
  paced.name = 'paced @ c=20';
  paced.rate = 500;
  paced.sweepOf = 'paced';
  paced.error = 'the app container exited';
  paced.at = { file: 'perf/api.yaml', line: 30, col: 5 };
  paced.measurement = measurement({
    rate: 500,
    achievedRate: 410,
    backlog: { unsent: 12, oldestWaitMs: 340.5 },
    scheduleLag: { p99Ms: 1.2, maxMs: 4.5 },
    bytesPerResponse: 1250.5,
    aborted: 'SIGINT',
  });
  paced.measurement.outcomes.byFailure.truncated = 2;
  paced.budgets = [
    { ...paced.budgets[0]!, metric: 'qps', op: '>=', reason: 'the link is too small', link: { bandwidth: 125_000_000, ceiling: 99_960 } },
  ];
  const placed = { ...health(), at: { file: 'perf/api.yaml', line: 20, col: 5 } };
  const everything: RunResult = runResult({
    scenarios: [listPosts(), placed, paced],
    comparisonSkipped: 'the base cannot be built',
    github: {
      repository: 'o/r',
      pullRequest: 7,
      headSha: 'a'.repeat(40),
      runId: '1',
      runUrl: 'https://github.com/o/r/actions/runs/1',
      commentKey: 'k',
    },
  });
  check(validate, everything);
});

test('dist/results.schema.json refuses what the reader refuses', async () => {
  const validate = await validator();
  const bad = (mutate: (json: any) => void) => {
    const json = JSON.parse(JSON.stringify(runResult()));
    mutate(json);
    return validate(json);
  };
  assert.equal(
    bad((r) => (r.scenarios[0].measurement.qps = 'fast')),
    false,
  );
  assert.equal(
    bad((r) => (r.schemaVersion = 2)),
    false,
  );
  assert.equal(
    bad((r) => (r.scenarios[0].budgets[0].metric = 'p42')),
    false,
  );
  assert.equal(
    bad((r) => (r.scenarios[0].comparison.p42 = r.scenarios[0].comparison.qps)),
    false,
  );
  assert.equal(
    bad((r) => delete r.scenarios[0].metrics.p50),
    false,
  );
  assert.equal(
    bad((r) => (r.scenarios[0].measurement.outcomes.byStatus['2xx'] = 1)),
    false,
  );
  // Keys a later perfgate adds are allowed, as the reader drops them.
  assert.equal(
    bad((r) => (r.scenarios[0].somethingNew = 1)),
    true,
  );
});
