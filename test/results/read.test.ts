// Reading results back: everything perfgate writes must come back unchanged (the schema is strict about values
// for hostile files, so a bound or an enum that is too tight would refuse perfgate's own output), and anything
// else is one user error (exit 2) naming the file and the first fault's path.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ExitCode, isPerfgateError, UsageError } from '../../src/errors.ts';
import type { RunResult } from '../../src/result.ts';
import { formatPath, InvalidResultsError, MAX_RESULTS_BYTES, parseRunResult, readRunResult } from '../../src/results/read.ts';
import { budgetsOnly, listPosts, measurement, runResult } from '../report/fixture.ts';

/** A result with every optional field filled. */
function everything(): RunResult {
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
  return runResult({
    scenarios: [listPosts(), paced],
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
}

test('a result with every optional field reads back unchanged', () => {
  const original = everything();
  assert.deepEqual(parseRunResult(JSON.parse(JSON.stringify(original)), 'results.json'), original);
});

test('results without the optional fields (budgets only, no scenario position) read back unchanged', () => {
  const original = budgetsOnly();
  assert.equal(original.scenarios[0]!.at, undefined);
  assert.deepEqual(parseRunResult(JSON.parse(JSON.stringify(original)), 'results.json'), original);
});

test('keys a later perfgate may add are dropped, not refused', () => {
  const json = JSON.parse(JSON.stringify(runResult())) as Record<string, unknown> & { scenarios: Array<Record<string, unknown>> };
  json.somethingNew = { a: 1 };
  json.scenarios[0]!.alsoNew = 2;
  const result = parseRunResult(json, 'results.json');
  assert.equal('somethingNew' in result, false);
  assert.equal('alsoNew' in result.scenarios[0]!, false);
});

function faulty(mutate: (json: any) => void): unknown {
  const json = JSON.parse(JSON.stringify(runResult()));
  mutate(json);
  return json;
}

const FAULTS: Array<[string, unknown, string]> = [
  [
    'a string where a number belongs',
    faulty((r) => (r.scenarios[0].measurement.qps = 'fast')),
    'results.json: scenarios[0].measurement.qps: expected a number, got a string',
  ],
  [
    'a missing field',
    faulty((r) => delete r.scenarios[1].measurement.latency.p99),
    'results.json: scenarios[1].measurement.latency.p99: missing (expected a number)',
  ],
  [
    'a fraction where a count belongs',
    faulty((r) => (r.scenarios[0].measurement.outcomes.total = 7.5)),
    'results.json: scenarios[0].measurement.outcomes.total: expected an integer, got 7.5',
  ],
  [
    'an unknown verdict',
    faulty((r) => (r.verdict = 'maybe')),
    'results.json: verdict: expected one of "pass", "fail", "inconclusive", got "maybe"',
  ],
  [
    'an unknown compared metric',
    faulty((r) => (r.scenarios[0].comparison.p42 = r.scenarios[0].comparison.qps)),
    'results.json: scenarios[0].comparison: unknown key "p42"',
  ],
  [
    'a status that is not one',
    faulty((r) => (r.scenarios[0].measurement.outcomes.byStatus['2xx'] = 1)),
    'results.json: scenarios[0].measurement.outcomes.byStatus["2xx"]: not a valid key (expected a 3-digit HTTP status code)',
  ],
  [
    'an overlong name',
    faulty((r) => (r.scenarios[0].name = 'x'.repeat(1001))),
    'results.json: scenarios[0].name: longer than the 1000 characters allowed',
  ],
  [
    'a bad scenario position',
    faulty((r) => (r.scenarios[0].at = { file: 'perf/api.yaml', line: -1, col: 1 })),
    'results.json: scenarios[0].at.line: expected at least 0, got -1',
  ],
  [
    'two faults',
    faulty((r) => ((r.target = 1), (r.warnings = null))),
    'results.json: target: expected a string, got an integer (and 1 more problem)',
  ],
  [
    'another schema version',
    faulty((r) => (r.schemaVersion = 2)),
    'results.json: schemaVersion 2 is not one this perfgate reads (it reads schemaVersion 1)',
  ],
  [
    'not a results file',
    { hello: 'world' },
    'results.json: not a perfgate results file (no schemaVersion); expected a file written by perfgate run --json',
  ],
  ['not an object', [1, 2], 'results.json: not a perfgate results file (no schemaVersion); expected a file written by perfgate run --json'],
];

for (const [name, json, message] of FAULTS) {
  test(`one message for the first fault: ${name}`, () => {
    assert.throws(
      () => parseRunResult(json, 'results.json'),
      (error: unknown) => {
        assert.ok(error instanceof InvalidResultsError);
        assert.ok(error instanceof UsageError && isPerfgateError(error));
        assert.equal(error.exitCode, ExitCode.usage);
        assert.equal(error.message, message);
        assert.equal(`${error.label}: ${error.fault}`, message);
        return true;
      },
    );
  });
}

test('messages name kinds, never the hostile content', () => {
  const json = faulty((r) => (r.scenarios[0].budgets[0].metric = '<img src=x onerror=alert(1)>'));
  assert.throws(
    () => parseRunResult(json, 'r.json'),
    (error: Error) => !error.message.includes('<img') && /budgets\[0\]\.metric: expected one of .*, got a string$/.test(error.message),
  );
});

test('paths read as they would be written in code', () => {
  assert.equal(formatPath(['scenarios', 0, 'measurement', 'qps']), 'scenarios[0].measurement.qps');
  assert.equal(formatPath(['startup', 'app build']), 'startup["app build"]');
  assert.equal(formatPath([]), '');
});

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-read-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('readRunResult reads a file relative to cwd and names the file as given', async (t) => {
  const dir = await tempDir(t);
  const original = everything();
  await writeFile(join(dir, 'results.json'), JSON.stringify(original, null, 2));
  assert.deepEqual(await readRunResult('results.json', dir), original);

  await writeFile(join(dir, 'broken.json'), '{"schemaVersion": 1,');
  await assert.rejects(
    readRunResult('broken.json', dir),
    (error: Error) =>
      error instanceof InvalidResultsError &&
      /^broken\.json: not valid JSON \(.+\); expected a file written by perfgate run --json$/.test(error.message),
  );

  await writeFile(join(dir, 'wrong.json'), JSON.stringify(faulty((r) => (r.scenarios[0].measurement.qps = '1'))));
  await assert.rejects(readRunResult('wrong.json', dir), {
    message: 'wrong.json: scenarios[0].measurement.qps: expected a number, got a string',
  });

  await assert.rejects(readRunResult('nowhere.json', dir), {
    message: 'nowhere.json: cannot read the results file (no such file); write one with: perfgate run --json nowhere.json',
  });
});

test(
  'a FIFO, a directory or an oversized file is refused before it is read: no hang, no heap exhaustion',
  { timeout: 10_000 },
  async (t) => {
    const dir = await tempDir(t);
    execFileSync('mkfifo', [join(dir, 'fifo.json')]);
    await assert.rejects(readRunResult('fifo.json', dir), {
      message: 'fifo.json: not a regular file; expected a file written by perfgate run --json',
    });
    await mkdir(join(dir, 'dir.json'));
    await assert.rejects(readRunResult('dir.json', dir), {
      message: 'dir.json: not a regular file; expected a file written by perfgate run --json',
    });
    const big = await open(join(dir, 'big.json'), 'w');
    await big.truncate(MAX_RESULTS_BYTES + 1);
    await big.close();
    await assert.rejects(readRunResult('big.json', dir), {
      message: `big.json: it is ${MAX_RESULTS_BYTES + 1} bytes, over the ${MAX_RESULTS_BYTES}-byte limit of a results file`,
    });
  },
);

test("a JSON syntax error names where, never the file's content", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'hostile.json'), 'ghp_SECRETVALUE and more');
  await assert.rejects(readRunResult('hostile.json', dir), (error: Error) => {
    assert.ok(error instanceof InvalidResultsError);
    assert.doesNotMatch(error.message, /SECRET/);
    assert.equal(error.message, 'hostile.json: not valid JSON (a syntax error); expected a file written by perfgate run --json');
    return true;
  });
  await writeFile(join(dir, 'cut.json'), JSON.stringify(runResult()).slice(0, 300));
  await assert.rejects(readRunResult('cut.json', dir), {
    message:
      /^cut\.json: not valid JSON \((it ends early: a truncated file\?|a syntax error at position \d+ \(line 1 column \d+\))\); expected a file written by perfgate run --json$/,
  });
});
