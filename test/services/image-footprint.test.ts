// The Docker footprint is bounded: an app perfgate builds from a Dockerfile leaves no image behind when its stack
// stops, neither its tag nor the intermediate images of Docker's build (which, left under a removed tag, become a
// dangling image of the app's full size per build). Started and stopped twice, the second time rebuilt from
// changed code under the same run id (the rebuild case), counting every image of this test's own build through the
// Docker API: its Dockerfile carries a label unique to this test, so other work on the same Docker does not count.
// And a run that fails after measuring started, on an error that is not an infrastructure one (a report path it
// cannot write), still stops its stack and writes its partial results; a bad --baseline-file is refused before.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../../src/config/types.ts';
import { UsageError } from '../../src/errors.ts';
import { memoryLog } from '../../src/log.ts';
import type { RunResult } from '../../src/result.ts';
import { runPerfgate, type RunOptions } from '../../src/run.ts';
import { LABEL_RUN, imageTag, networkName } from '../../src/services/labels.ts';
import { startStack } from '../../src/services/stack.ts';
import { dockerOrSkip } from '../helpers/docker.ts';

const { docker, skip } = await dockerOrSkip('image footprint');

const unique = randomBytes(6).toString('hex');
const LABEL = 'dev.perfgate.test.footprint';
const runId = `footprint-${unique}`;

/** A tiny app: answers 200 with its version; the label marks every image its build creates. */
async function writeApp(dir: string, version: string): Promise<void> {
  await writeFile(
    path.join(dir, 'Dockerfile'),
    `FROM node:24-bookworm-slim\nLABEL ${LABEL}=${unique}\nWORKDIR /app\nCOPY server.js ./\nCMD ["node", "server.js"]\n`,
  );
  await writeFile(
    path.join(dir, 'server.js'),
    `require('node:http').createServer((q, r) => r.end(${JSON.stringify(version)})).listen(process.env.PORT);\n`,
  );
}

function services(context: string): Services {
  const at = { file: 'perf.yaml', line: 1, col: 1 };
  return {
    app: {
      kind: 'app',
      name: 'app',
      build: { context, dockerfile: 'Dockerfile', args: {} },
      port: 5000,
      env: {},
      ready: { kind: 'http', path: '/' },
      readyTimeoutMs: 30_000,
      at,
    },
    dependencies: [],
  };
}

/** Every image this test's builds made (intermediate ones too), and those of them that are dangling. */
async function ourImages(): Promise<{ all: number; dangling: number }> {
  const label = [`${LABEL}=${unique}`];
  const all = await docker!.listImages({ all: true, filters: { label } });
  const dangling = await docker!.listImages({ all: true, filters: { label, dangling: ['true'] } });
  return { all: all.length, dangling: dangling.length };
}

async function leftoversOfRun(run = runId): Promise<string[]> {
  const containers = await docker!.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${run}`] } });
  const networks = (await docker!.listNetworks()).filter((n) => n.Name === networkName(run, 'head'));
  const tags = (await docker!.listImages()).flatMap((i) => i.RepoTags ?? []).filter((t) => t === imageTag(run, 'head'));
  return [
    ...containers.map((c) => `container ${c.Names[0]}`),
    ...networks.map((n) => `network ${n.Name}`),
    ...tags.map((t) => `image ${t}`),
  ];
}

async function answer(origin: string): Promise<string> {
  const response = await fetch(origin);
  return response.text();
}

describe('the images perfgate builds', { skip, concurrency: false }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-footprint-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test(
    'are removed with their build layers when the stack stops, and a rebuild under the same tag leaves none',
    { timeout: 240_000 },
    async () => {
      assert.deepEqual(await ourImages(), { all: 0, dangling: 0 }, 'nothing of this build exists before');
      for (const version of ['v1', 'v2']) {
        await writeApp(dir, version);
        const stack = await startStack({ services: services(dir), runId, arm: 'head', log: memoryLog() });
        try {
          assert.equal(await answer(stack.origin), version, 'the stack runs the code just built');
          const running = await ourImages();
          assert.ok(running.all >= 2, `the build's images are found by their label while it runs (${running.all})`);
        } finally {
          await stack.stop();
        }
        assert.deepEqual(await ourImages(), { all: 0, dangling: 0 }, `no image of the ${version} build is left, dangling or not`);
        assert.deepEqual(await leftoversOfRun(), []);
      }
    },
  );

  /** Runs a one-scenario services config with these options: it must be refused, before anything is started. */
  async function refusedBeforeStart(name: string, options: Partial<RunOptions>, refusal: (error: unknown) => boolean) {
    await writeFile(
      path.join(dir, 'perf.yaml'),
      `version: 1\nservices:\n  app:\n    build: .\n    port: 5000\n    ready: /\nscenarios:\n  - name: s\n    request: { path: / }\n`,
    );
    const run = `${runId}-${name}`;
    const log = memoryLog();
    await assert.rejects(runPerfgate({ paths: ['perf.yaml'], cwd: dir, env: process.env, runId: run, ...options }, log), refusal);
    assert.ok(!log.lines.some((line) => line.startsWith('== Starting')), log.lines.join('\n'));
    assert.deepEqual(await leftoversOfRun(run), []);
  }

  test('a missing --baseline-file is refused before anything is built or started', async () => {
    await refusedBeforeStart(
      'baseline',
      { baselineFile: 'missing.json' },
      (error) => error instanceof UsageError && /^missing\.json: cannot read the results file/.test(error.message),
    );
  });

  test('a report path it cannot write is refused before anything is built or started', async () => {
    const markdown = path.join(dir, 'perf.yaml', 'report.md');
    await refusedBeforeStart(
      'unwritable',
      { markdown },
      (error) =>
        error instanceof UsageError &&
        error.message === `cannot write the markdown report to ${markdown}: a part of its path is a file, not a directory`,
    );
  });

  test(
    'a run whose report path goes bad while it measures fails with that path named, stops its stack, and keeps its results',
    { timeout: 240_000 },
    async () => {
      await writeApp(dir, 'v3');
      await writeFile(
        path.join(dir, 'perf.yaml'),
        `version: 1\nservices:\n  app:\n    build: .\n    port: 5000\n    ready: /\n` +
          `scenarios:\n  - name: s\n    request: { path: / }\n    connections: 2\n    warmup: 0\n    duration: 1500ms\n`,
      );
      const run = `${runId}-report`;
      const log = memoryLog();
      const reports = path.join(dir, 'reports');
      const markdown = path.join(reports, 'report.md');
      await mkdir(reports, { recursive: true });
      // Writable when the run starts; while the scenario runs (its first progress report, at 1 s of 1.5 s), the
      // directory becomes a file, so the first write of the results after it fails.
      let replaced = false;
      const onProgress = () => {
        if (replaced) return;
        replaced = true;
        rmSync(reports, { recursive: true });
        writeFileSync(reports, 'not a directory any more\n');
      };
      await assert.rejects(
        runPerfgate(
          { paths: ['perf.yaml'], cwd: dir, env: process.env, json: path.join(dir, 'results.json'), markdown, runId: run, onProgress },
          log,
        ),
        (error) =>
          error instanceof UsageError &&
          error.message === `cannot write the markdown report to ${markdown}: a part of its path is a file, not a directory`,
      );
      assert.ok(replaced, 'the scenario reported progress');
      assert.deepEqual(await leftoversOfRun(run), [], 'the stack is stopped');
      assert.deepEqual(await ourImages(), { all: 0, dangling: 0 });
      const partial = JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8')) as RunResult;
      assert.deepEqual(
        partial.scenarios.map((s) => s.name),
        ['s'],
        'the partial results are written',
      );
    },
  );
});
