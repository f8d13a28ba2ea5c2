// A cancelled job, as the runner cancels it: SIGINT to the Action's process once load is running. The step fails
// saying the run was interrupted (no verdict claimed), and the partial results it documents are written and
// readable, with `interrupted` set.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readRunResult } from '../../src/results/read.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * The Action's main step in a process of its own, so the test can signal it as the runner does: run with the
 * environment it is given, it prints what it reported (failure, outputs) as JSON.
 */
const CHILD = `
import { runActionEntry } from ${JSON.stringify(pathToFileURL(join(HERE, '../../src/github/run-action.ts')).href)};
import { recordingIo } from ${JSON.stringify(pathToFileURL(join(HERE, 'recording-io.ts')).href)};
const io = recordingIo();
await runActionEntry({ cwd: process.cwd(), io, env: process.env });
process.stdout.write(JSON.stringify({ failed: io.failed, outputs: io.outputs }));
setTimeout(() => process.exit(), 2000).unref(); // as bin/perfgate.js: no library socket keeps a finished step alive
`;

test('cancelled mid-window (SIGINT): the step fails as interrupted, partial results written', { timeout: 30_000 }, async (t) => {
  let onLoad!: () => void;
  const loadRunning = new Promise<void>((resolve) => (onLoad = resolve));
  let requests = 0;
  const server = http.createServer((_, response) => {
    // The start-up probe sends one request; the tenth is the measured window's.
    if (++requests === 10) onLoad();
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-action-cancel-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'perf'));
  await writeFile(
    join(dir, 'perf/api.yaml'),
    'version: 1\nscenarios:\n  - name: s\n    request: { path: / }\n    connections: 2\n    warmup: 0\n    duration: 10m\n',
  );
  const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      GITHUB_WORKSPACE: dir,
      RUNNER_TEMP: join(dir, 'tmp'),
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: join(HERE, '../fixtures/github/pull_request.json'),
      GITHUB_REPOSITORY: 'acme/shop',
      INPUT_CONFIG: 'perf',
      INPUT_TARGET: target,
      INPUT_COMMENT: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

  // Whichever comes first: load running, or the step ending on its own (which the assertions below then show).
  await Promise.race([loadRunning, exited]);
  child.kill('SIGINT');
  assert.equal(await exited, 0, stderr);

  const reported = JSON.parse(stdout) as { failed?: string; outputs: Record<string, string> };
  assert.equal(reported.failed, 'perfgate: interrupted by SIGINT after 1 scenario: the results are partial');
  assert.equal(reported.outputs.verdict, 'inconclusive');
  const result = await readRunResult(reported.outputs.results!, dir);
  assert.equal(result.interrupted, 'SIGINT');
  assert.ok(result.warnings.includes('interrupted by SIGINT: the results are partial'));
});
