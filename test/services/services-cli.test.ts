// perfgate with services: real containers through Testcontainers, the real example app, the real CLI.
// Every test checks through the Docker API that nothing perfgate created is left behind.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { RunResult } from '../../src/result.ts';
import { LABEL_MANAGED } from '../../src/services/labels.ts';
import { dockerOrSkip, footprintSince } from '../helpers/docker.ts';
import { runCli, startCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const root = process.cwd();
const { docker, skip } = await dockerOrSkip('services');

/** What these tests left behind (what was there before them is not theirs). */
const leftovers = docker ? await footprintSince(docker) : async () => [];

async function project(yaml: string): Promise<string> {
  const dir = await tempDir('perfgate-services-');
  await writeFile(path.join(dir, 'perf.yaml'), yaml);
  return dir;
}

function stackYaml(options: { appEnv?: string; scenario?: string; readyTimeout?: string } = {}): string {
  return `version: 1
services:
  app:
    build: ${path.join(root, 'examples/app')}
    port: 5000
    env:
      DATABASE_URL: \${postgres.url}
      REDIS_URL: \${redis.url}
${options.appEnv ?? ''}
    ready: /health
    ready_timeout: ${options.readyTimeout ?? '60s'}
    resources: { cpus: 1, memory: 512m }
  postgres:
    image: postgres:15
    init: [${path.join(root, 'examples/db/schema.sql')}]
  redis:
    image: redis:7
scenarios:
${
  options.scenario ??
  `  - name: list posts
    request: { path: /api/v1/posts }
    connections: 4
    warmup: 500ms
    duration: 2s
    budgets: { p99: "<= 500ms", error_rate: "<= 5%" }`
}
`;
}

describe('services', { skip, concurrency: false }, () => {
  test('a full run on the example: built, started, measured, server cost reported, all removed', async () => {
    const dir = await project(stackYaml());
    const { code, stdout, stderr } = await runCli(['run', 'perf.yaml', '--json', 'results.json'], { cwd: dir });
    assert.equal(code, 0, stderr);
    const result = JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8')) as RunResult;
    const [scenario] = result.scenarios;
    assert.equal(scenario!.verdict, 'pass');
    assert.ok(scenario!.measurement.outcomes.success > 100);
    assert.ok(scenario!.server!.cpuMsPerRequest > 0, 'server CPU per request sampled');
    assert.ok(scenario!.server!.peakMemoryBytes > 1024 * 1024, 'server peak memory sampled');
    assert.ok(result.startup!.total! > 0 && result.startup!.dependencies! > 0);
    assert.match(stderr, /building app image/);
    assert.match(stderr, /waiting for HTTP 2xx on \/health/);
    assert.match(stdout, /CPU-ms\/request/);
    assert.deepEqual(await leftovers(), []);
  });

  test('an app that crashes on start: exit 3, the container named, its log shown, nothing left', async () => {
    const dir = await project(stackYaml({ appEnv: '      CRASH_ON_START: "1"' }));
    const { code, stderr } = await runCli(['run', 'perf.yaml'], { cwd: dir });
    assert.equal(code, 3, stderr);
    assert.match(stderr, /The app container exited or failed before it was ready/);
    assert.match(stderr, /--- last lines of app's log ---\nCRASH_ON_START=1: exiting before listening/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(await leftovers(), []);
  });

  test('an app that never gets ready: exit 3 after the ready timeout, nothing left', async () => {
    const dir = await project(stackYaml({ appEnv: '      NEVER_READY: "1"', readyTimeout: '3s' }));
    const { code, stderr } = await runCli(['run', 'perf.yaml'], { cwd: dir });
    assert.equal(code, 3, stderr);
    assert.match(
      stderr,
      /The app container did not become ready within 3s \(HTTP 2xx on \/health; raise ready_timeout if it is just slow\)/,
    );
    assert.deepEqual(await leftovers(), []);
  });

  test('an app killed mid-run: the verdict says so and partial results are written', async () => {
    const dir = await project(
      stackYaml({
        scenario: `  - name: long
    request: { path: /api/v1/posts }
    connections: 4
    warmup: 0s
    duration: 20s
    timeout: 1s
    budgets: { p99: "<= 500ms" }`,
      }),
    );
    const run = startCli(['run', 'perf.yaml', '--json', 'results.json', '--progress', 'plain'], { cwd: dir });
    await run.waitForStderr(/long: measuring/);
    const [app] = await docker!.listContainers({ filters: { label: [`${LABEL_MANAGED}=true`, 'dev.perfgate.service=app'] } });
    await docker!.getContainer(app!.Id).kill();
    const { code, stderr } = await run.done;
    assert.equal(code, 3, stderr);
    assert.match(stderr, /The app container exited during "long"/);
    const result = JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8')) as RunResult;
    assert.equal(result.verdict, 'fail');
    assert.match(result.scenarios[0]!.error!, /exited during "long"/);
    assert.ok(result.scenarios[0]!.measurement.outcomes.success > 0, 'what was measured before is kept');
    assert.deepEqual(await leftovers(), []);
  });

  test('SIGINT during a run: exit 130, partial results written, no container or network left', async () => {
    const dir = await project(
      stackYaml({
        scenario: `  - name: long
    request: { path: /api/v1/posts }
    connections: 4
    warmup: 0s
    duration: 30s
    budgets: { p99: "<= 500ms" }`,
      }),
    );
    const run = startCli(['run', 'perf.yaml', '--json', 'results.json', '--progress', 'plain'], { cwd: dir });
    await run.waitForStderr(/long: measuring/);
    run.child.kill('SIGINT');
    const { code, stderr } = await run.done;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /SIGINT: stopping, cleaning up and writing partial results/);
    const result = JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8')) as RunResult;
    assert.ok(result.warnings.some((w) => /interrupted/.test(w)));
    assert.match(result.scenarios[0]!.measurement.aborted ?? '', /SIGINT/);
    assert.deepEqual(await leftovers(), []);
  });

  test('perfgate cleanup --run, as a --keep run prints it, removes what that run left', async () => {
    const dir = await project(stackYaml());
    const { code, stderr } = await runCli(['run', 'perf.yaml', '--keep'], { cwd: dir });
    assert.equal(code, 0, stderr);
    // The command the run printed, as a user would copy it: it removes this run's stack and nothing else.
    const runId = /left running \(--keep\); remove them with: perfgate cleanup --run (\S+)/.exec(stderr)?.[1];
    assert.ok(runId, stderr);
    assert.ok((await leftovers()).length >= 4, 'the kept stack is still there');
    const cleanup = await runCli(['cleanup', '--run', runId], { cwd: dir });
    assert.equal(cleanup.code, 0, cleanup.stderr);
    assert.match(cleanup.stdout, /removed 3 containers, 1 networks, 1 images/);
    assert.deepEqual(await leftovers(), []);
  });

  test('a bad ${…} reference is a config error at its line, before anything starts', async () => {
    const dir = await project(stackYaml().replace('${redis.url}', '${redis.uri}'));
    const { code, stderr } = await runCli(['run', 'perf.yaml'], { cwd: dir });
    assert.equal(code, 2);
    assert.match(
      stderr,
      /^perf\.yaml:8:\d+ services\.app\.env\.REDIS_URL: \$\{redis\.uri\}: redis provides \$\{redis\.url\}, \$\{redis\.host\}, \$\{redis\.port\}/,
    );
  });
});

test('Docker unreachable: exit 3 with what was tried and how to fix it', async () => {
  const dir = await project(stackYaml());
  const { code, stderr } = await runCli(['run', 'perf.yaml'], { cwd: dir, env: { DOCKER_HOST: 'tcp://127.0.0.1:1' } });
  assert.equal(code, 3, stderr);
  assert.match(stderr, /Docker is not reachable \(tried DOCKER_HOST=tcp:\/\/127\.0\.0\.1:1\)/);
  assert.match(stderr, /Start the daemon/);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
});
