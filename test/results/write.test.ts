// What perfgate writes, it can read back: results built by perfgate's own code (budgets at the edges of what a
// config may say, windows with no request or no response, a saved comparison) go out through serializeRunResult
// and come back through readRunResult unchanged; a result JSON cannot represent (Infinity) is refused at writing,
// with the path of the fault, instead of being written as a null the report sub-action rejects later.
import assert from 'node:assert/strict';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { evaluateBudgets } from '../../src/compare/budgets.ts';
import { DEFAULT_COMPARE } from '../../src/config/compare.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { LoadMeasurement, RunResult } from '../../src/result.ts';
import { writeOutputs } from '../../src/report/write-outputs.ts';
import { readRunResult } from '../../src/results/read.ts';
import { serializeRunResult, UnreadableResultsError } from '../../src/results/write.ts';
import { compareSavedRuns } from '../../src/run.ts';
import { budgetsOnly, listPosts, measurement, runResult } from '../report/fixture.ts';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-write-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function roundTrip(dir: string, result: RunResult, name = 'results.json'): Promise<RunResult> {
  await writeFile(join(dir, name), serializeRunResult(result));
  return readRunResult(name, dir);
}

/** As JSON numbers are: -0 is written as 0 (the only change JSON makes to a finite number). */
const asJson = (result: RunResult): RunResult => JSON.parse(JSON.stringify(result)) as RunResult;

/** Every budget a config may write at the edges of its values: zero limits, 100%, the largest finite durations. */
const EDGE_CONFIG = `
version: 1
target: http://127.0.0.1:9
scenarios:
  - name: edges
    request: { method: GET, path: / }
    budgets:
      qps: ">= 0"
      p50: "<= 0ms"
      p90: "< 0.001ms"
      p99: "<= 100000h"
      max: "< 1h"
      success: ">= 100%"
      error_rate: "<= 0%"
      failure_rate: "< 100%"
`;

const WINDOWS: Array<[string, LoadMeasurement]> = [
  ['an ordinary window', measurement()],
  [
    'a window with no request',
    measurement({
      outcomes: {
        total: 0,
        success: 0,
        httpErrors: 0,
        failures: 0,
        byStatus: {},
        byFailure: { timeout: 0, refused: 0, reset: 0, other: 0 },
      },
      latency: { min: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 },
      qps: 0,
      bytesPerSec: 0,
      bytesPerResponse: 0,
    }),
  ],
  [
    'a window where every request failed',
    measurement({
      outcomes: {
        total: 40,
        success: 0,
        httpErrors: 0,
        failures: 40,
        byStatus: {},
        byFailure: { timeout: 40, refused: 0, reset: 0, other: 0 },
      },
      qps: 0,
      aborted: 'SIGINT',
    }),
  ],
];

test("results with perfgate's own budget results, at the edges of the config and of the window, read back unchanged", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'perf.yaml'), EDGE_CONFIG);
  const config = await loadConfig(['perf.yaml'], { cwd: dir });
  const [scenario] = config.scenarios;
  const scenarios = WINDOWS.map(([name, window]) => {
    const { comparison: _comparison, rounds: _rounds, ...rest } = listPosts();
    return { ...rest, name, measurement: window, budgets: evaluateBudgets(scenario!, window) };
  });
  assert.equal(scenarios[0]!.budgets.length, 8);
  const original = budgetsOnly({ scenarios });
  assert.deepEqual(await roundTrip(dir, original), original);
});

test('the fixtures and a saved comparison (perfgate compare) read back unchanged', async (t) => {
  const dir = await tempDir(t);
  for (const original of [runResult(), budgetsOnly()]) assert.deepEqual(await roundTrip(dir, original), original);
  await writeFile(join(dir, 'base.json'), serializeRunResult(runResult()));
  await writeFile(join(dir, 'head.json'), serializeRunResult(runResult({ pairs: 4 })));
  const compared = await compareSavedRuns('base.json', 'head.json', dir, { ...DEFAULT_COMPARE, metrics: [...DEFAULT_COMPARE.metrics] });
  assert.deepEqual(await roundTrip(dir, compared, 'compared.json'), asJson(compared));
});

test('a non-finite number is refused at writing, naming its path, never written as null', () => {
  const result = runResult();
  result.scenarios[0]!.budgets[1]!.limit = Infinity;
  assert.equal(JSON.stringify(result.scenarios[0]!.budgets[1]!.limit), 'null', 'what JSON would have written');
  assert.throws(
    () => serializeRunResult(result),
    (error: unknown) => {
      assert.ok(error instanceof UnreadableResultsError);
      assert.equal(
        error.message,
        'perfgate would write results it cannot read back (scenarios[0].budgets[1].limit: Infinity, which JSON can only write as null); ' +
          'this is a bug in perfgate, please report it',
      );
      return true;
    },
  );
  const nan = runResult();
  nan.scenarios[1]!.measurement.latency.p99 = NaN;
  assert.throws(() => serializeRunResult(nan), /\(scenarios\[1\]\.measurement\.latency\.p99: NaN, which JSON/);
});

test('perfgate run --json never writes what the report sub-action would reject: the write fails, naming the path', async (t) => {
  const dir = await tempDir(t);
  const result = runResult();
  result.scenarios[0]!.budgets[0]!.limit = -Infinity;
  await assert.rejects(writeOutputs(result, { json: join(dir, 'results.json') }), {
    name: 'UnreadableResultsError',
    message: /\(scenarios\[0\]\.budgets\[0\]\.limit: -Infinity, which JSON can only write as null\)/,
  });
  await assert.rejects(access(join(dir, 'results.json')), { code: 'ENOENT' });
});
