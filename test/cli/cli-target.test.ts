// `perfgate` end to end against a real server on loopback: exit codes, the results contract, reports.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunResult } from '../../src/result.ts';
import { startFaultServer } from '../helpers/fault-server.ts';
import { closedPort, startKnobServer, type KnobServer } from '../helpers/knob-server.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const bin = path.resolve('bin/perfgate.js');

function perfgate(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, ...options.env };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
    const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('perfgate run against a live target', () => {
  let server: KnobServer;
  let dir: string;
  before(async () => {
    server = await startKnobServer({ delayMs: 1 });
    dir = await tempDir('perfgate-cli-');
    await writeFile(
      path.join(dir, 'perf.yaml'),
      `version: 1
target: ${server.url}
defaults: { warmup: 200ms, duration: 1s, connections: 4 }
scenarios:
  - name: fast path
    request: { path: /fast, headers: { Authorization: "Bearer \${env.SECRET_TOKEN}" } }
    budgets:
      qps: ">= 50"
      p99: "<= 500ms"
      error_rate: "<= 50%"
  - name: strict path
    request: { path: /strict }
    budgets:
      p50: "<= 0.01ms"
`,
    );
  });
  after(() => server.close());

  test('a failing budget exits 1 and the JSON, markdown and CSV follow the contract', async () => {
    const { code, stdout, stderr } = await perfgate(
      ['run', 'perf.yaml', '--json', 'out/results.json', '--markdown', 'out/report.md', '--csv', 'out/metrics.csv', '--progress', 'plain'],
      { cwd: dir, env: { SECRET_TOKEN: 'hunter2' } },
    );
    assert.equal(code, 1, stderr);
    const result = JSON.parse(await readFile(path.join(dir, 'out/results.json'), 'utf8')) as RunResult;
    assert.equal(result.schemaVersion, 1);
    assert.equal(result.verdict, 'fail');
    const [fast, strict] = result.scenarios;
    assert.equal(fast!.name, 'fast path');
    assert.equal(fast!.verdict, 'pass');
    assert.equal(fast!.connections, 4);
    assert.ok(fast!.metrics.qps > 50);
    assert.ok(fast!.metrics.p50 >= 1 && fast!.metrics.p50 < 50, `p50 ${fast!.metrics.p50} ms`);
    assert.deepEqual(
      fast!.budgets.map((b) => [b.metric, b.op, b.pass]),
      [
        ['qps', '>=', true],
        ['p99', '<=', true],
        ['error_rate', '<=', true],
      ],
    );
    assert.equal(strict!.verdict, 'fail');
    assert.equal(strict!.budgets[0]!.pass, false);
    assert.ok(strict!.budgets[0]!.reason);
    assert.deepEqual(strict!.budgets[0]!.at, { file: 'perf.yaml', line: 14, col: 12 });
    assert.match(stdout, /fast path/);
    assert.match(stdout, /@ 4 conn/);
    const markdown = await readFile(path.join(dir, 'out/report.md'), 'utf8');
    assert.match(markdown, /strict path/);
    const csv = await readFile(path.join(dir, 'out/metrics.csv'), 'utf8');
    assert.equal(csv.trim().split('\n').length, 3);
    for (const text of [stdout, stderr, markdown, csv, JSON.stringify(result)])
      assert.doesNotMatch(text, /hunter2/, 'header values are never shown');
  });

  test('--scenario narrows the run; all budgets holding exits 0', async () => {
    const { code, stderr } = await perfgate(['run', 'perf.yaml', '--scenario', 'fast path', '--json', 'one.json'], {
      cwd: dir,
      env: { SECRET_TOKEN: 'x' },
    });
    assert.equal(code, 0, stderr);
    const result = JSON.parse(await readFile(path.join(dir, 'one.json'), 'utf8')) as RunResult;
    assert.deepEqual(
      result.scenarios.map((s) => s.name),
      ['fast path'],
    );
    assert.equal(result.verdict, 'pass');
  });

  test('an unknown scenario, a broken config and a missing env var exit 2 with one clear message', async () => {
    const unknown = await perfgate(['run', 'perf.yaml', '--scenario', 'nope'], { cwd: dir, env: { SECRET_TOKEN: 'x' } });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown scenario "nope"; the scenarios are: "fast path", "strict path"/);
    const noEnv = await perfgate(['run', 'perf.yaml'], { cwd: dir, env: { SECRET_TOKEN: undefined } });
    assert.equal(noEnv.code, 2);
    assert.match(
      noEnv.stderr,
      /perf\.yaml:6:\d+ scenarios\[0\]\.request\.headers\.Authorization: environment variable SECRET_TOKEN is not set/,
    );
    assert.doesNotMatch(noEnv.stderr, /\n\s+at /, 'no stack trace');
  });

  test('an unreachable target exits 3 and says what to do', async () => {
    const port = await closedPort();
    const { code, stderr } = await perfgate(['run', 'perf.yaml', '--target', `http://127.0.0.1:${port}`], {
      cwd: dir,
      env: { SECRET_TOKEN: 'x' },
    });
    assert.equal(code, 3);
    assert.match(stderr, /is not reachable: connection refused/);
  });

  test('validate: exit 0 on a good file, 2 with file:line:col on a bad one', async () => {
    const good = await perfgate(['validate', 'perf.yaml'], { cwd: dir });
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /perf\.yaml: valid \(2 scenarios, 4 budgets\)/);
    await writeFile(
      path.join(dir, 'bad.yaml'),
      'version: 1\ntarget: http://127.0.0.1:1\nscenarios:\n  - name: a\n    request: { path: / }\n    duraton: 1s\n',
    );
    const bad = await perfgate(['validate', 'bad.yaml'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^bad\.yaml:6:5 scenarios\[0\]\.duraton: unknown key "duraton"; did you mean "duration"\?/);
  });

  test('compare: two saved runs are compared unpaired, and the output says it is weak evidence', async () => {
    for (const name of ['a.json', 'b.json']) {
      const run = await perfgate(['run', 'perf.yaml', '--scenario', 'fast path', '--json', name], { cwd: dir, env: { SECRET_TOKEN: 'x' } });
      assert.equal(run.code, 0, run.stderr);
    }
    const { code, stdout, stderr } = await perfgate(['compare', 'a.json', 'b.json', '--json', 'cmp.json'], { cwd: dir });
    assert.equal(code, 0, stderr);
    assert.match(stderr, /weak evidence/);
    assert.match(stdout, /fast path/);
    const result = JSON.parse(await readFile(path.join(dir, 'cmp.json'), 'utf8')) as RunResult;
    const qps = result.scenarios[0]!.comparison!.qps!;
    assert.equal(qps.verdict, 'inconclusive', 'one saved round per side cannot support a verdict');
    assert.match(qps.reason!, /too few rounds|only 1 round/);
    const strict = await perfgate(['compare', 'a.json', 'b.json', '--fail-on-inconclusive'], { cwd: dir });
    assert.equal(strict.code, 1);
    const missing = await perfgate(['compare', 'a.json', 'nope.json'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /nope\.json: cannot read the results file \(no such file\); write one with: perfgate run --json nope\.json/,
    );
  });

  test('--help is complete and usage errors exit 2', async () => {
    const help = await perfgate(['run', '--help'], { cwd: dir });
    assert.equal(help.code, 0);
    for (const flag of [
      '--target',
      '--scenario',
      '--base',
      '--baseline-file',
      '--pairs',
      '--json',
      '--markdown',
      '--csv',
      '--keep',
      '--fail-on-inconclusive',
    ]) {
      assert.match(help.stdout, new RegExp(flag));
    }
    const wrong = await perfgate(['run', '--no-such-flag'], { cwd: dir });
    assert.equal(wrong.code, 2);
  });
});

describe('perfgate run against a target that fails every measured request', () => {
  test('every request reset: the counts match the server, p99 fails instead of passing at 0 ms, exit 1', async () => {
    const server = await startFaultServer((_n, requestPath) => (requestPath === '/reset' ? 'reset' : 'ok'));
    try {
      const dir = await tempDir('perfgate-cli-');
      await writeFile(
        path.join(dir, 'perf.yaml'),
        `version: 1
target: ${server.url}
defaults: { warmup: 0s, duration: 1s, connections: 4 }
scenarios:
  - name: reset path
    request: { path: /reset }
    budgets:
      p99: "<= 100ms"
`,
      );
      const before = server.received();
      const { code, stderr } = await perfgate(['run', 'perf.yaml', '--json', 'results.json'], { cwd: dir });
      assert.equal(code, 1, stderr);
      const result = JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8')) as RunResult;
      const s = result.scenarios[0]!;
      assert.equal(result.verdict, 'fail');
      assert.equal(s.metrics.success, 0);
      assert.equal(s.budgets[0]!.status, 'fail');
      assert.equal(s.measurement.outcomes.byFailure.reset, server.counts.reset);
      // The probe's request (to /) is the one the server saw beyond perfgate's counts.
      assert.equal(s.measurement.outcomes.total, server.received() - before - server.counts.ok);
      assert.ok(
        s.warnings.some((w) =>
          /^no request succeeded: \d[\d,]* requests: 0 ok, 0 HTTP errors, \d[\d,]* failures \(connection reset ×/.test(w),
        ),
        s.warnings.join('\n'),
      );
    } finally {
      await server.close();
    }
  });
});
