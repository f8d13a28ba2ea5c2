// The calibration file: one zod schema writes it and reads it back; compare.calibration: applies its recommended
// tolerances wherever the YAML set none (an explicit tolerance wins, scenarios it does not know are ignored); a file
// that is missing or broken is an error at the calibration: line naming the file and the fault.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { main } from '../../src/cli.ts';
import { calibrationText, parseCalibration, type Calibration } from '../../src/config/calibration.ts';
import { loadConfig } from '../../src/config/load.ts';
import { DEFAULT_TOLERANCE, type PerfConfig } from '../../src/config/types.ts';
import { ConfigError } from '../../src/errors.ts';
import { calibrationOf } from '../../src/pipeline/calibrate.ts';
import type { Round } from '../../src/result.ts';
import { mulberry32 } from '../../src/stats/rng.ts';

const entry = (tolerance: number, spread = 0.08) => ({ spread, mde: 0.12, recommended: { tolerance, pairs: 20 } });

const calibration: Calibration = {
  version: 1,
  createdAt: '2026-12-01T10:00:00.000Z',
  runner: { platform: 'linux 6.8.0', cpus: 4, cpuModel: 'Test CPU' },
  commit: 'f9fa1dd0000000000000000000000000000000aa',
  pairs: 20,
  roundMs: 5000,
  scenarios: {
    a: {
      qps: entry(0.09),
      p50: entry(0.08),
      p99: entry(0.14),
      error_rate: { base: 0, head: 0.0001, mde: 0.0007, recommended: { tolerance: 0.0006, pairs: 20 } },
    },
    b: { qps: entry(0.07), p50: entry(0.06) },
    'gone scenario': { qps: entry(0.5) },
  },
};

const tmpDirs: string[] = [];
after(() => Promise.all(tmpDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function tmpDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-calibration-'));
  tmpDirs.push(dir);
  return dir;
}

/** A perf file with compare.calibration: and the calibration file beside it (none for null). */
async function perfWith(yaml: string, calibrationFile: string | null = calibrationText(calibration)): Promise<string> {
  const dir = await tmpDir();
  await writeFile(path.join(dir, 'perf.yaml'), yaml);
  if (calibrationFile !== null) await writeFile(path.join(dir, 'calibration.json'), calibrationFile);
  return path.join(dir, 'perf.yaml');
}

const yaml = `version: 1
target: http://127.0.0.1:1
compare:
  calibration: calibration.json
defaults:
  tolerance: { p50: 3% }
scenarios:
  - name: a
    request: { path: / }
    tolerance: { qps: 2% }
  - name: b
    request: { path: / }
  - name: c
    request: { path: / }
`;

test('the JSON round trip: what calibrationText writes, parseCalibration reads back unchanged', () => {
  const text = calibrationText(calibration);
  assert.deepEqual(parseCalibration(text), { ok: true, value: calibration });
  assert.ok(text.endsWith('}\n'));
  // The writer refuses what the reader would refuse.
  assert.throws(() => calibrationText({ ...calibration, pairs: 1 }));
});

test('a file perfgate writes from a comparison reads back through the schema', () => {
  const random = mulberry32(3);
  const round = (index: number, arm: 'base' | 'head'): Round => ({
    index,
    arm,
    order: 0,
    metrics: { qps: 1000 * (1 + 0.05 * random()), p50: 5 * (1 + 0.05 * random()), p95: 8, p99: 20 * (1 + 0.05 * random()) },
    outcomes: {
      total: 5000,
      success: 5000,
      httpErrors: 0,
      failures: 0,
      byStatus: { '200': 5000 },
      byFailure: { timeout: 0, refused: 0, reset: 0, other: 0 },
    },
    generatorSaturated: false,
  });
  const rounds = Array.from({ length: 20 }, (_, i) => [round(i, 'base'), round(i, 'head')]).flat();
  const scenario = {
    name: 'a',
    durationMs: 5000,
    tolerance: { qps: 0.05, p50: 0.05, p95: 0.1, p99: 0.1, error_rate: 0.0005, failure_rate: 0.0005 },
  };
  const config = {
    files: ['perf.yaml'],
    baseDir: '/tmp',
    scenarios: [scenario],
    compare: {
      pairs: 20,
      minPairs: 8,
      budgetMs: 600_000,
      alpha: 0.05,
      roundMs: 5000,
      armWarmupMs: 5000,
      extendOnce: false,
      metrics: ['qps', 'p50', 'p99', 'error_rate', 'failure_rate'],
    },
  } as unknown as PerfConfig;
  const comparison = { pairs: 20, seed: 's', scenarios: new Map([['a', { comparison: {}, rounds }]]), warnings: [] };
  const written = calibrationOf(config, comparison, { head: { ref: 'main', sha: 'abc' }, pairs: 20 });
  const read = parseCalibration(calibrationText(written));
  assert.ok(read.ok);
  assert.deepEqual(read.value, written);
  assert.equal(written.commit, 'abc');
  assert.deepEqual(Object.keys(written.scenarios.a!), ['qps', 'p50', 'p99', 'error_rate', 'failure_rate']);
  // A 5%-wide uniform noise (sd ≈ 2%) per arm: a tighter tolerance than the default is recommended.
  assert.equal(written.scenarios.a!.qps!.recommended.tolerance, 0.03);
});

test('what is wrong with a calibration file, in a few words', () => {
  assert.match((parseCalibration('{ "version": 1,') as { error: string }).error, /^it is not JSON \(/);
  const wrong = parseCalibration(
    JSON.stringify({ ...calibration, version: 2, scenarios: { a: { qps: { mde: null, recommended: { tolerance: 'x' } } } } }),
  );
  assert.equal(
    (wrong as { error: string }).error,
    'it is not a perfgate calibration (version: expected version: 1; scenarios.a.qps.recommended.tolerance: Invalid input: expected number, received string)',
  );
});

test('compare.calibration: a recommended tolerance applies where the YAML set none; an explicit one wins', async () => {
  const config = await loadConfig([await perfWith(yaml)]);
  const [a, b, c] = config.scenarios;
  // a: qps set on the scenario and p50 in defaults: both win; p99 and error_rate come from the calibration.
  assert.deepEqual(a!.tolerance, { ...DEFAULT_TOLERANCE, qps: 0.02, p50: 0.03, p99: 0.14, error_rate: 0.0006 });
  // b: p50 from defaults: still wins over the calibration; qps is calibrated.
  assert.deepEqual(b!.tolerance, { ...DEFAULT_TOLERANCE, qps: 0.07, p50: 0.03 });
  // c: not in the calibration (and "gone scenario" not in the config): the defaults, no error.
  assert.deepEqual(c!.tolerance, { ...DEFAULT_TOLERANCE, p50: 0.03 });
  assert.equal(config.compare.calibration, path.join(path.dirname(config.files[0]!), 'calibration.json'));
});

test('compare: in one file calibrates the scenarios of every file, each file’s explicit tolerances winning', async () => {
  const dir = await tmpDir();
  await writeFile(path.join(dir, 'calibration.json'), calibrationText(calibration));
  await writeFile(
    path.join(dir, 'a.yaml'),
    'version: 1\ntarget: http://127.0.0.1:1\ncompare: { calibration: calibration.json }\nscenarios:\n  - name: a\n    request: { path: / }\n',
  );
  await writeFile(path.join(dir, 'b.yaml'), 'version: 1\nscenarios:\n  - name: b\n    request: { path: / }\n    tolerance: { qps: 4% }\n');
  const config = await loadConfig([dir]);
  assert.deepEqual(
    config.scenarios.map((s) => [s.name, s.tolerance.qps, s.tolerance.p50]),
    [
      ['a', 0.09, 0.08],
      ['b', 0.04, 0.06],
    ],
  );
});

test('a sweep: each level is calibrated by its own name', async () => {
  const sweep = { ...calibration, scenarios: { 's @ c=1': { qps: entry(0.11) } } };
  const file = await perfWith(
    'version: 1\ntarget: http://127.0.0.1:1\ncompare: { calibration: calibration.json }\nscenarios:\n  - name: s\n    request: { path: / }\n    sweep: { connections: [1, 8] }\n',
    calibrationText(sweep),
  );
  const config = await loadConfig([file]);
  assert.deepEqual(
    config.scenarios.map((s) => s.tolerance.qps),
    [0.11, DEFAULT_TOLERANCE.qps],
  );
});

async function configIssues(file: string): Promise<string[]> {
  try {
    await loadConfig([file]);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.exitCode, 2);
    return error.issues.map((i) => `${i.at.line}:${i.at.col} ${i.path}: ${i.message}`);
  }
  assert.fail('expected a ConfigError');
}

test('a broken calibration file: an error at the calibration: line, naming the file and the fault', async () => {
  const broken = await perfWith(yaml, JSON.stringify({ ...calibration, pairs: 'twenty' }));
  const full = path.join(path.dirname(broken), 'calibration.json');
  assert.deepEqual(await configIssues(broken), [
    `4:16 compare.calibration: the calibration file ${full} is unusable: it is not a perfgate calibration (pairs: Invalid input: expected number, received string); perfgate calibrate writes a new one`,
  ]);
  const notJson = await perfWith(yaml, 'version: 1\n');
  assert.match(
    (await configIssues(notJson))[0]!,
    /^4:16 compare\.calibration: the calibration file .*calibration\.json is unusable: it is not JSON \(/,
  );
  const missing = await perfWith(yaml, null);
  assert.deepEqual(await configIssues(missing), [
    `4:16 compare.calibration: cannot read the calibration file ${path.join(path.dirname(missing), 'calibration.json')} (it is relative to this YAML file); perfgate calibrate writes it`,
  ]);
});

test('perfgate validate accepts a config with a calibration file, and refuses a broken one with exit 2', async () => {
  const run = async (file: string) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d) => (out += d));
    stderr.on('data', (d) => (err += d));
    const code = await main(['validate', file], { stdout, stderr, env: {}, cwd: process.cwd() });
    return { code, out, err };
  };
  const ok = await run(await perfWith(yaml));
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /valid \(3 scenarios, 0 budgets\)/);
  const bad = await run(await perfWith(yaml, '{}'));
  assert.equal(bad.code, 2);
  assert.match(
    bad.err,
    /compare\.calibration: the calibration file .* is unusable: it is not a perfgate calibration \(version: expected version: 1;/,
  );
});
