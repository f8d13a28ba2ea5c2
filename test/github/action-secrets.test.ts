// The Action masks what it may never print before anything runs (its token, the target's credentials, every
// value a perf file's ${env.NAME} reads), and warns when it runs under pull_request_target.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runActionEntry } from '../../src/github/run-action.ts';
import { recordingIo } from './recording-io.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/github');

/** A config that fails validation (a budget that is no budget), so the Action stops before any load. */
const PERF = `version: 1
target: http://127.0.0.1:9
diagnose: { postgres: "\${env.DATABASE_URL}" }
scenarios:
  - name: s
    request: { path: "/items?k=\${env.QUERY_KEY}", headers: { X-Api-Key: "\${env.API_TOKEN}", X-Flag: "\${env.FLAG}" } }
    budgets: { p99: "fast" }
`;

async function runAction(t: TestContext, event: string) {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-action-secrets-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'perf'));
  await writeFile(join(dir, 'perf/api.yaml'), PERF);
  const io = recordingIo();
  const secrets: string[] = [];
  io.setSecret = (secret) => void secrets.push(secret);
  await runActionEntry({
    cwd: dir,
    io,
    env: {
      GITHUB_WORKSPACE: dir,
      RUNNER_TEMP: join(dir, 'tmp'),
      GITHUB_EVENT_NAME: event,
      GITHUB_EVENT_PATH: join(FIXTURES, 'pull_request.json'),
      GITHUB_REPOSITORY: 'acme/shop',
      INPUT_CONFIG: 'perf',
      INPUT_TARGET: 'http://admin:S3%40CRET@127.0.0.1:9',
      'INPUT_GITHUB-TOKEN': 'ghs_input-token',
      API_TOKEN: 'api-token-value',
      QUERY_KEY: 'query-key-value',
      FLAG: 'on',
      DATABASE_URL: 'postgres://app:pg-pass-w0rd@127.0.0.1:5432/app',
      UNRELATED: 'not-referenced',
    },
  });
  return { io, secrets };
}

test("masks the token, the target's password and every interpolated value (of 4 characters or more, a URL's password too) before anything runs", async (t) => {
  const { io, secrets } = await runAction(t, 'pull_request');
  assert.deepEqual(secrets, [
    'ghs_input-token',
    'S3%40CRET',
    'S3@CRET',
    'postgres://app:pg-pass-w0rd@127.0.0.1:5432/app',
    'query-key-value',
    'api-token-value',
    // diagnose:'s connection string, and its password alone.
    'pg-pass-w0rd',
  ]);
  assert.deepEqual(
    io.events.filter((e) => e.kind === 'warning'),
    [],
    'no pull_request_target warning under pull_request',
  );
  assert.match(io.failed!, /^Invalid perfgate config:\nperf\/api\.yaml:7:/);
  for (const event of io.events) for (const secret of secrets) assert.ok(!event.message.includes(secret), `${secret} in ${event.message}`);
});

test('under pull_request_target: a warning that points at the fork-safe pattern', async (t) => {
  const { io } = await runAction(t, 'pull_request_target');
  const warnings = io.events.filter((e) => e.kind === 'warning');
  assert.deepEqual(warnings, [
    {
      kind: 'warning',
      message:
        'This workflow runs on pull_request_target: the job holds your secrets and a write token. If it checks out the ' +
        "pull request's head, perfgate builds and runs the PR's code (its Dockerfile, its app) with those in reach. " +
        'Run perfgate on pull_request instead, and comment from a separate workflow_run job with the report sub-action ' +
        '(docs/github-action.md#security).',
      properties: { title: 'perfgate: pull_request_target' },
    },
  ]);
});
