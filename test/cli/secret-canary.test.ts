// The secret canary: one string set in a request header (${env.CANARY}), an env reference in the path, a tokens
// file and the target URL's credentials. perfgate runs against a loopback server (the CLI as a user runs it, and
// the Action in-process with a fake GitHub); every output it writes — terminal, results JSON, Markdown, CSV, job
// summary, annotations, outputs, the PR comment, and the error messages of deliberately broken runs — is searched
// for the canary: none may hold it. The server must have received it, in every place, so the test is not vacuous.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli.ts';
import { runActionEntry } from '../../src/github/run-action.ts';
import { FakeGitHub } from '../github/fake-github.ts';
import { recordingIo } from '../github/recording-io.ts';
import { closedPort } from '../helpers/knob-server.ts';

const CANARY = 'CaNaRy-7f3a9c1e5b';
const bin = path.resolve('bin/perfgate.js');
const FIXTURES = path.resolve('test/fixtures/github');

/** Every output checked, by name: each must be free of the canary. */
const outputs = new Map<string, string>();
function check(name: string, text: string): void {
  assert.ok(!outputs.has(name), `output ${name} checked twice`);
  outputs.set(name, text);
  assert.ok(!text.includes(CANARY), `the canary is in ${name}:\n${text}`);
  // Base64 of the user info would hide it from a plain search (Basic auth): look for that too.
  assert.ok(!text.includes(Buffer.from(`user:${CANARY}`).toString('base64')), `the canary's Basic auth is in ${name}`);
}

/** Where the loopback server saw the canary, by carrier. */
const seen = { urlCredentials: 0, header: 0, token: 0, path: 0 };
/** Load requests (they carry the header) without the URL's credentials, or with a wrong Host. */
const loadWithout = { credentials: 0, host: 0 };
function record(req: IncomingMessage): void {
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const credentials = basic !== undefined && Buffer.from(basic, 'base64').toString('utf8') === `user:${CANARY}`;
  if (credentials) seen.urlCredentials++;
  if (req.headers['x-api-key'] === CANARY) {
    seen.header++;
    if (!credentials) loadWithout.credentials++;
    if (req.headers.host !== origin) loadWithout.host++;
  }
  if (String(req.headers['x-token']).startsWith(`Bearer ${CANARY}-t`)) seen.token++;
  if (req.url === `/items?key=${CANARY}-path`) seen.path++;
}

const PERF = `version: 1
defaults: { warmup: 100ms, duration: 1s, connections: 2 }
scenarios:
  - name: canary
    request:
      path: "/items?key=\${env.CANARY_PATH}"
      headers: { X-Api-Key: "\${env.CANARY}" }
    tokens: { file: tokens.csv, header: X-Token, prefix: "Bearer " }
    budgets: { error_rate: "<= 1%", qps: ">= 1" }
`;

const ENV = { CANARY, CANARY_PATH: `${CANARY}-path` };

let dir: string;
let origin: string;
let server: ReturnType<typeof createServer>;

before(async () => {
  // Every 10th request is a 500: the error_rate budget fails whatever the load generator's CPU (a saturated
  // generator, sharing this process with the server, makes latency and QPS budgets undecided, not errors).
  let count = 0;
  server = createServer((req, res) => {
    record(req);
    req.resume();
    res.statusCode = ++count % 10 === 0 ? 500 : 200;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-canary-'));
  await mkdir(path.join(dir, 'perf'));
  await writeFile(path.join(dir, 'perf/api.yaml'), PERF);
  await writeFile(path.join(dir, 'perf/tokens.csv'), `token\n${CANARY}-t1\n${CANARY}-t2\n`);
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
  console.log(
    `secret canary: ${outputs.size} outputs checked, 0 hold the canary; the server received it ` +
      `${seen.urlCredentials}× as URL credentials, ${seen.header}× in a header, ${seen.token}× as a token, ${seen.path}× in the path`,
  );
});

/** The CLI in a child process, as a user runs it. */
function perfgate(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, ...ENV } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The CLI in this process (for the quick failures): its exit code and everything it wrote. */
async function perfgateHere(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = () =>
    new Writable({
      write(chunk, _encoding, done) {
        out += String(chunk);
        done();
      },
    });
  const code = await main(args, { stdout: sink(), stderr: sink(), env: { ...ENV, ...env }, cwd: dir });
  return { code, out };
}

test('perfgate run: the terminal, the results JSON, the Markdown and the CSV never hold the canary', { timeout: 60_000 }, async () => {
  const before = { ...seen };
  const run = await perfgate(
    [
      'run',
      'perf',
      '--target',
      `http://user:${CANARY}@${origin}`,
      '--json',
      'out/results.json',
      '--markdown',
      'out/report.md',
      '--csv',
      'out/results.csv',
      '--html',
      'out/report.html',
      '--progress',
      'plain',
    ],
    dir,
  );
  assert.equal(run.code, 1, `the error_rate budget fails on purpose\n${run.stderr}`);
  check('cli stdout', run.stdout);
  check('cli stderr', run.stderr);
  const json = await readFile(path.join(dir, 'out/results.json'), 'utf8');
  check('cli results.json', json);
  check('cli report.md', await readFile(path.join(dir, 'out/report.md'), 'utf8'));
  check('cli results.csv', await readFile(path.join(dir, 'out/results.csv'), 'utf8'));
  check('cli report.html', await readFile(path.join(dir, 'out/report.html'), 'utf8'));
  assert.equal(JSON.parse(json).target, `http://***@${origin}`);
  assert.match(run.stdout, new RegExp(`target http://\\*\\*\\*@${origin.replace(/\./g, '\\.')}`));
  // Not vacuous: the canary went out in every place it was set; every load request carried the URL's credentials.
  for (const [carrier, count] of Object.entries(seen))
    assert.ok(count > before[carrier as keyof typeof seen], `the server never saw the canary as ${carrier}`);
  assert.deepEqual(loadWithout, { credentials: 0, host: 0 });
});

test(
  'the Action: log, annotations, job summary, outputs, files and the PR comment never hold the canary',
  { timeout: 60_000 },
  async (t) => {
    const github = await FakeGitHub.start();
    t.after(() => github.close());
    github.addPullRequest('acme/shop', 7);
    const io = recordingIo();
    const masked: string[] = [];
    io.setSecret = (secret) => void masked.push(secret);
    const before = { ...seen };
    await runActionEntry({
      cwd: dir,
      io,
      env: {
        ...ENV,
        GITHUB_WORKSPACE: dir,
        RUNNER_TEMP: path.join(dir, 'runner-temp'),
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: path.join(FIXTURES, 'pull_request.json'),
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_API_URL: github.url,
        GITHUB_RUN_ID: '42',
        INPUT_CONFIG: 'perf',
        INPUT_TARGET: `http://user:${CANARY}@${origin}`,
        'INPUT_GITHUB-TOKEN': 'bot-token',
        INPUT_COMMENT: 'always',
      },
    });
    assert.equal(io.outputs.verdict, 'fail', io.failed);
    assert.ok(
      io.events.some((e) => e.kind === 'error' && e.properties?.file === 'perf/api.yaml'),
      'the failing budget is annotated at its line',
    );
    assert.ok(masked.includes(CANARY), 'the target password and ${env.CANARY} are masked for the runner');
    assert.ok(masked.includes(`${CANARY}-path`));
    check('action log and annotations', io.events.map((e) => `${e.kind} ${e.message} ${JSON.stringify(e.properties ?? {})}`).join('\n'));
    check('action failure message', io.failed ?? '');
    check('action job summary', io.summaries.join('\n'));
    check('action outputs', JSON.stringify(io.outputs));
    check('action results.json', await readFile(io.outputs.results!, 'utf8'));
    check('action report.md', await readFile(io.outputs.markdown!, 'utf8'));
    check('action results.csv', await readFile(path.join(dir, 'runner-temp/perfgate/results.csv'), 'utf8'));
    assert.equal(io.outputs.html, path.join(dir, 'runner-temp/perfgate/report.html'));
    check('action report.html', await readFile(io.outputs.html!, 'utf8'));
    const comments = github.commentsOn('acme/shop', 7);
    assert.equal(comments.length, 1);
    check('the PR comment', comments[0]!.body);
    check('every request body sent to GitHub', JSON.stringify(github.requests));
    for (const [carrier, count] of Object.entries(seen))
      assert.ok(count > before[carrier as keyof typeof seen], `the server never saw the canary as ${carrier}`);
  },
);

test('broken runs: each error message names the fault, never the canary', { timeout: 30_000 }, async (t) => {
  const broken = path.join(dir, 'broken');
  await mkdir(broken, { recursive: true });
  t.after(() => rm(broken, { recursive: true, force: true }));
  // A tokens file whose first row (read as a header) is a token; a runner secret read through ${env.…}.
  await writeFile(path.join(broken, 'tokens.csv'), `${CANARY}-t1,user1\n${CANARY}-t2,user2\n`);
  await writeFile(
    path.join(broken, 'column.yaml'),
    `version: 1\ntarget: http://${origin}\nscenarios:\n  - name: s\n    request: { path: / }\n    tokens: { file: tokens.csv, column: jwt }\n`,
  );
  await writeFile(
    path.join(broken, 'runner.yaml'),
    `version: 1\ntarget: http://${origin}\nscenarios:\n  - name: s\n    request: { path: /, headers: { Authorization: "Bearer \${env.GITHUB_TOKEN}" } }\n`,
  );

  const cases: Array<{ name: string; args: string[]; env?: NodeJS.ProcessEnv; code: number; says: RegExp }> = [
    {
      name: 'tokens column missing',
      args: ['run', 'broken/column.yaml'],
      code: 2,
      says: /column\.yaml:6:21 scenarios\[0\]\.tokens\.file: tokens\.csv: no column named "jwt" in row 1/,
    },
    {
      name: 'runner secret through env',
      args: ['validate', 'broken/runner.yaml'],
      env: { GITHUB_TOKEN: CANARY },
      code: 2,
      says: /runner\.yaml:5:\d+ .*\$\{env\.GITHUB_TOKEN\} is refused/,
    },
    {
      name: 'remote target with credentials',
      args: ['run', 'perf', '--target', `http://user:${CANARY}@example.com`],
      code: 2,
      says: /The target http:\/\/\*\*\*@example\.com is not on this machine/,
    },
    {
      name: 'target without a scheme',
      args: ['run', 'perf', '--target', `user:${CANARY}@${origin}`],
      code: 2,
      says: /The target \*\*\*@127\.0\.0\.1:\d+ must be http:\/\/ or https:\/\//,
    },
    {
      name: 'unreachable target with credentials',
      args: ['run', 'perf', '--target', `http://user:${CANARY}@127.0.0.1:${await closedPort()}`],
      code: 3,
      says: /The target http:\/\/\*\*\*@127\.0\.0\.1:\d+ is not reachable/,
    },
  ];
  for (const c of cases) {
    const { code, out } = await perfgateHere(c.args, c.env);
    assert.equal(code, c.code, `${c.name}:\n${out}`);
    assert.match(out, c.says, c.name);
    check(`error: ${c.name}`, out);
  }

  // The same broken tokens file in the Action: an error annotation at its line and a failed step.
  const io = recordingIo();
  await runActionEntry({
    cwd: dir,
    io,
    env: { ...ENV, GITHUB_WORKSPACE: dir, RUNNER_TEMP: path.join(dir, 'runner-temp'), INPUT_CONFIG: 'broken/column.yaml' },
  });
  assert.match(io.failed!, /^Invalid perfgate config:\nbroken\/column\.yaml:6:21 /);
  assert.deepEqual(
    io.events.filter((e) => e.kind === 'error').map((e) => e.properties),
    [{ title: 'perfgate: invalid config', file: 'broken/column.yaml', startLine: 6, startColumn: 21 }],
  );
  check('action error annotations and failure', [...io.events.map((e) => e.message), io.failed].join('\n'));
});
