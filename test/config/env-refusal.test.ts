// `${env.NAME}` cannot read the runner's own secrets: GITHUB_TOKEN, INPUT_* (the Action's inputs, its
// github-token among them) and ACTIONS_* (the runner's tokens). Refused at the reference's line and column, in a
// request and in a service's env, when running and when validating; the variable's value is never in the message.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { interpolatedEnvValues } from '../../src/config/secrets.ts';
import { refusedEnv } from '../../src/config/template.ts';
import { resolveEnv } from '../../src/services/references.ts';
import { ConfigError } from '../../src/errors.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const RUNNER = {
  GITHUB_TOKEN: 'ghs_runner-token',
  'INPUT_GITHUB-TOKEN': 'ghs_input-token',
  ACTIONS_RUNTIME_TOKEN: 'runtime-token',
  API_TOKEN: 'api-token',
  DB_PASSWORD: 'db-password',
};

async function perfDir(yaml: string): Promise<string> {
  const dir = await tempDir('perfgate-env-');
  await writeFile(path.join(dir, 'perf.yaml'), yaml);
  return dir;
}

const REQUESTS = `version: 1
target: http://127.0.0.1:8080
scenarios:
  - name: s
    request:
      path: /items?key=\${env.INPUT_GITHUB-TOKEN}
      headers: { Authorization: "Bearer \${env.GITHUB_TOKEN}", X-Api-Key: "\${env.API_TOKEN}" }
`;

const SERVICES = `version: 1
services:
  app:
    image: shop:latest
    port: 8080
    env: { RUNTIME: "\${ env.ACTIONS_RUNTIME_TOKEN }", PASSWORD: "\${env.DB_PASSWORD}", IDS: "\${env.actions_id_token_request_token}" }
scenarios:
  - name: s
    request: { path: / }
`;

const message = (name: string, why: string) =>
  `\${env.${name}} is refused: ${why}, and perfgate never hands a runner secret to the service under test; ` +
  'give it a secret of its own (in the workflow: env: { API_TOKEN: ${{ secrets.API_TOKEN }} }) and write ${env.API_TOKEN}';

test('the rule: GITHUB_TOKEN, INPUT_* and ACTIONS_*, in any case; everything else may be read', () => {
  assert.equal(refusedEnv('GITHUB_TOKEN'), message('GITHUB_TOKEN', "it is the job's GitHub token"));
  assert.equal(
    refusedEnv('INPUT_GITHUB-TOKEN'),
    message('INPUT_GITHUB-TOKEN', "INPUT_* variables are the Action's inputs, its github-token among them"),
  );
  assert.equal(refusedEnv('actions_runtime_token'), message('actions_runtime_token', "ACTIONS_* variables are the runner's own tokens"));
  for (const allowed of ['API_TOKEN', 'GITHUB_SHA', 'MY_GITHUB_TOKEN', 'INPUTS', 'ACTION_X'])
    assert.equal(refusedEnv(allowed), undefined, allowed);
});

for (const resolve of [true, false]) {
  test(`in a request, each is refused at its line and column (${resolve ? 'run' : 'validate'})`, async () => {
    const dir = await perfDir(REQUESTS);
    const error = await loadConfig([path.join(dir, 'perf.yaml')], { env: RUNNER, resolveEnv: resolve }).catch((e: unknown) => e);
    assert.ok(error instanceof ConfigError);
    assert.equal(error.exitCode, 2);
    assert.deepEqual(
      error.issues.map((i) => `${i.at.line}:${i.at.col} ${i.path}: ${i.message}`),
      [
        `7:41 scenarios[0].request.headers.Authorization: ${message('GITHUB_TOKEN', "it is the job's GitHub token")}`,
        `6:24 scenarios[0].request.path: ${message('INPUT_GITHUB-TOKEN', "INPUT_* variables are the Action's inputs, its github-token among them")}`,
      ],
    );
    for (const value of Object.values(RUNNER)) assert.ok(!error.message.includes(value), value);
  });
}

test("in a service's env, refused at its line and column; the service's own secrets are fine", async () => {
  const dir = await perfDir(SERVICES);
  const error = await loadConfig([path.join(dir, 'perf.yaml')], { env: RUNNER }).catch((e: unknown) => e);
  assert.ok(error instanceof ConfigError);
  assert.deepEqual(
    error.issues.map((i) => `${i.at.line}:${i.at.col} ${i.path}: ${i.message}`),
    [
      `6:22 services.app.env.RUNTIME: ${message('ACTIONS_RUNTIME_TOKEN', "ACTIONS_* variables are the runner's own tokens")}`,
      `6:93 services.app.env.IDS: ${message('actions_id_token_request_token', "ACTIONS_* variables are the runner's own tokens")}`,
    ],
  );
  for (const value of Object.values(RUNNER)) assert.ok(!error.message.includes(value), value);
});

test('at container start a refused name resolves to nothing, whatever reached it', () => {
  assert.deepEqual(resolveEnv({ A: 'x${env.GITHUB_TOKEN}y', B: '${env.API_TOKEN}' }, [], RUNNER), { A: 'xy', B: 'api-token' });
});

test("the values the Action masks: every allowed ${env.NAME}'s, in requests and services alike", async () => {
  const requests = await perfDir(REQUESTS);
  assert.deepEqual(await interpolatedEnvValues(['perf.yaml'], requests, RUNNER), ['api-token']);
  const services = await perfDir(SERVICES);
  assert.deepEqual(await interpolatedEnvValues([], services, RUNNER), []);
  assert.deepEqual(await interpolatedEnvValues(['.'], services, RUNNER), ['db-password']);
  assert.deepEqual(await interpolatedEnvValues(['nowhere'], services, RUNNER), [], 'a missing path adds nothing (the loader reports it)');
});
