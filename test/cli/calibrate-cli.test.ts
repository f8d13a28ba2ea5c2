// `perfgate calibrate` on the command line, up to where it would start containers: its flags, and the usage errors
// it gives (exit 2) before anything starts. Docker is pointed nowhere, so a check that let a run through would fail
// fast instead of starting a stack.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli.ts';

process.env.DOCKER_HOST = 'unix:///nonexistent/perfgate-test-docker.sock';

let dir: string;

async function perfgate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(args, { stdout, stderr, env: { DOCKER_HOST: process.env.DOCKER_HOST }, cwd: dir });
  return { code, stdout: out, stderr: err };
}

after(() => rm(dir, { recursive: true, force: true }));

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-calibrate-cli-'));
  await writeFile(
    path.join(dir, 'target.yaml'),
    'version: 1\ntarget: http://127.0.0.1:1\nscenarios:\n  - name: s\n    request: { path: / }\n',
  );
  await writeFile(
    path.join(dir, 'services.yaml'),
    'version: 1\nservices:\n  app: { image: "perfgate-test/none:0", port: 8080 }\nscenarios:\n  - name: s\n    request: { path: / }\n',
  );
});

test('calibrate --help: the command, its paths and flags', async () => {
  const { code, stdout } = await perfgate(['calibrate', '--help']);
  assert.equal(code, 0);
  for (const flag of ['[paths...]', '--out <file>', '--pairs <n>', '--keep', '--progress <mode>']) assert.ok(stdout.includes(flag), flag);
  const top = await perfgate(['--help']);
  assert.match(top.stdout, /calibrate \[options\] \[paths\.\.\.\]/);
});

test('calibrate --pairs must be a positive integer', async () => {
  const { code, stderr } = await perfgate(['calibrate', 'services.yaml', '--pairs', 'many']);
  assert.equal(code, 2);
  assert.match(stderr, /expected a positive integer, got "many"/);
});

test('calibrate needs services: a running target cannot be started twice', async () => {
  const { code, stderr } = await perfgate(['calibrate', 'target.yaml']);
  assert.equal(code, 2);
  assert.match(stderr, /^error: perfgate calibrate starts the services twice and compares them: target\.yaml has no services:/);
});

test('calibrate refuses pairs that cannot reach a verdict, or too few for the final look’s interval', async () => {
  const few = await perfgate(['calibrate', 'services.yaml', '--pairs', '4']);
  assert.equal(few.code, 2);
  assert.match(few.stderr, /^error: --pairs 4: 4 pairs are too few when 5 metrics are gated/);
  // One scenario, five metrics, looks at 8 … 20: the final look's level α′(0.01) = 0.0034 needs 2^-n below it.
  const eight = await perfgate(['calibrate', 'services.yaml', '--pairs', '8']);
  assert.equal(eight.code, 2);
  assert.match(
    eight.stderr,
    /^error: --pairs 8: too few pairs to measure the confidence interval the final look of 8…20 pairs shows \(5 tests\); use at least 9/,
  );
});
