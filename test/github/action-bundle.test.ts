// Runs the bundled action (dist/action.js, copied alone to a temp dir) the way the GitHub runner does:
// INPUT_* variables, a pull_request event file, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE files,
// and GITHUB_API_URL pointing at the fake GitHub API. Load goes to a real node:http server on 127.0.0.1.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeGitHub } from './fake-github.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(ROOT, 'dist');
const FIXTURES = join(ROOT, 'test/fixtures/github');
const HAS_BUNDLE = existsSync(join(DIST, 'action.js'));
if (!HAS_BUNDLE) console.error('\n*** SKIPPING the action bundle smoke test: dist/action.js is missing — run `npm run build` ***\n');

interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  state: string;
}

/** Parses GITHUB_OUTPUT / GITHUB_STATE files: `name<<DELIMITER\nvalue\nDELIMITER`. */
function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) values[m[1]!] = m[3]!;
  return values;
}

/** A service to load: fast responses, with /posts a little slower. Real HTTP on an ephemeral port. */
async function knobServer(t: TestContext): Promise<string> {
  const server = createServer((req, res) => {
    if (req.url === '/posts') setImmediate(() => res.end(JSON.stringify([{ id: 1, title: 'hello' }])));
    else res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function workspace(t: TestContext) {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-action-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // The bundle alone: no node_modules anywhere above it.
  await cp(DIST, join(dir, 'action'), { recursive: true });
  await cp(join(FIXTURES, 'perf'), join(dir, 'repo/perf'), { recursive: true });
  await mkdir(join(dir, 'runner-temp'), { recursive: true });
  return dir;
}

/** Runs a bundled entry asynchronously: the fake GitHub API lives in this process and must keep answering. */
async function runNode(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  // A bound on the whole step: a hung action fails the test instead of hanging it.
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(killer);
  return { code, stdout, stderr };
}

async function runStep(dir: string, env: NodeJS.ProcessEnv, name: string): Promise<StepRun> {
  const files = { output: join(dir, `${name}.output`), summary: join(dir, `${name}.summary`), state: join(dir, `${name}.state`) };
  for (const file of Object.values(files)) await writeFile(file, '');
  const { code, stdout, stderr } = await runNode(
    join(dir, 'action/action.js'),
    join(dir, 'repo'),
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: join(dir, 'repo'),
      RUNNER_TEMP: join(dir, 'runner-temp'),
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_STATE: files.state,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_WORKFLOW: 'CI',
      GITHUB_JOB: 'perf',
      GITHUB_BASE_REF: 'main',
      GITHUB_HEAD_REF: 'feature/faster',
      ...env,
    },
    180_000,
  );
  return {
    code,
    stdout,
    stderr,
    outputs: parseCommandFile(await readFile(files.output, 'utf8')),
    summary: await readFile(files.summary, 'utf8'),
    state: await readFile(files.state, 'utf8'),
  };
}

test(
  'the bundled action runs by itself: outputs, summary, annotations, one sticky comment',
  { skip: !HAS_BUNDLE, timeout: 600_000 },
  async (t) => {
    const github = await FakeGitHub.start();
    t.after(() => github.close());
    github.addPullRequest('acme/shop', 7);
    const target = await knobServer(t);
    const dir = await workspace(t);
    const inputs = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: join(FIXTURES, 'pull_request.json'),
      GITHUB_API_URL: github.url,
      INPUT_CONFIG: 'perf',
      INPUT_TARGET: target,
      'INPUT_GITHUB-TOKEN': 'bot-token',
      INPUT_COMMENT: 'always',
      'INPUT_FAIL-ON-INCONCLUSIVE': 'false',
      ...extra,
    });

    const first = await runStep(dir, inputs(), 'first');
    assert.equal(first.code, 1, `a failing budget fails the step\n${first.stdout}\n${first.stderr}`);
    assert.equal(first.outputs.verdict, 'fail');
    assert.equal(first.outputs.results, join(dir, 'runner-temp/perfgate/results.json'));
    assert.equal(first.outputs.markdown, join(dir, 'runner-temp/perfgate/report.md'));
    assert.match(first.outputs['comment-url']!, /^https:\/\/github\.com\/acme\/shop\/pull\/7#issuecomment-\d+$/);
    assert.match(first.state, /^isPost<</m, 'main saved the state that makes the second invocation the post step');

    const results = JSON.parse(await readFile(first.outputs.results!, 'utf8'));
    assert.deepEqual(results.github, {
      repository: 'acme/shop',
      pullRequest: 7,
      headSha: 'b'.repeat(40),
      runId: '4242',
      runUrl: 'https://github.com/acme/shop/actions/runs/4242',
      commentKey: 'CI/perf/perf',
    });
    assert.equal(results.scenarios.length, 2);
    assert.ok(results.scenarios[0].measurement.outcomes.success > 0, 'real requests reached the knob server');

    assert.match(first.summary, /^<!-- perfgate:CI\/perf\/perf -->/);
    assert.match(first.summary, /### ❌ perfgate: QPS .* breaks budget &gt;= 10000000/);
    assert.equal(await readFile(first.outputs.markdown!, 'utf8'), first.summary);

    // The failing budget is annotated at its own line of the perf file, relative to the repository root.
    const yaml = (await readFile(join(FIXTURES, 'perf/api.yaml'), 'utf8')).split('\n');
    const qpsLine = yaml.findIndex((l) => l.includes('qps: ">= 10000000"')) + 1;
    assert.match(
      first.stdout,
      new RegExp(
        `^::error title=perfgate%3A QPS budget failed,file=perf/api.yaml,line=${qpsLine},col=12::QPS .* breaks the budget >= 10000000`,
        'm',
      ),
    );
    assert.match(first.stdout, /^::error::perfgate: QPS .* breaks budget >= 10000000 in "list posts @octocat <b>#1<\/b>"/m);

    const comments = github.commentsOn('acme/shop', 7);
    assert.equal(comments.length, 1);
    assert.doesNotMatch(comments[0]!.body, /@octocat|<b>/, 'the scenario name is escaped in the comment');

    // A second run edits the same comment.
    const second = await runStep(dir, inputs(), 'second');
    assert.equal(second.code, 1);
    assert.equal(second.outputs['comment-url'], first.outputs['comment-url']);
    assert.equal(github.commentsOn('acme/shop', 7).length, 1);

    // From a fork: a notice, no comment attempt, and the same verdict and exit code.
    const writes = github.writes().length;
    const fork = await runStep(dir, inputs({ GITHUB_EVENT_PATH: join(FIXTURES, 'pull_request_fork.json') }), 'fork');
    assert.equal(fork.code, 1);
    assert.equal(fork.outputs.verdict, 'fail');
    assert.equal(fork.outputs['comment-url'], '');
    assert.match(fork.stdout, /^::notice title=perfgate%3A no PR comment from a fork::This pull request comes from a fork/m);
    assert.equal(github.writes().length, writes);

    // A read-only token that GitHub refuses (403): a warning, and still the same verdict and exit code.
    const denied = await runStep(dir, inputs({ 'INPUT_GITHUB-TOKEN': 'fork-token' }), 'denied');
    assert.equal(denied.code, 1);
    assert.equal(denied.outputs.verdict, 'fail');
    assert.match(
      denied.stdout,
      /^::warning title=perfgate%3A PR comment failed::Could not update comment .* 403 Resource not accessible by integration/m,
    );
    assert.match(denied.summary, /^<!-- perfgate:CI\/perf\/perf -->/, 'the job summary still holds the report');

    // The post step (the runner sets STATE_isPost): best-effort cleanup, never a failure.
    const post = await runStep(dir, inputs({ STATE_isPost: 'true' }), 'post');
    assert.equal(post.code, 0, `${post.stdout}\n${post.stderr}`);
    assert.match(post.stdout, /perfgate cleanup/);
    assert.deepEqual(github.violations, []);
  },
);

test('an invalid perf file fails the step with an error annotation at its line', { skip: !HAS_BUNDLE, timeout: 120_000 }, async (t) => {
  const dir = await workspace(t);
  await writeFile(
    join(dir, 'repo/perf/api.yaml'),
    'version: 1\ntarget: http://127.0.0.1:9\nscenarios:\n  - name: x\n    request: { path: /x }\n    budgets:\n      p99: "fast"\n',
  );
  const run = await runStep(dir, { GITHUB_EVENT_NAME: 'push', INPUT_CONFIG: 'perf', INPUT_COMMENT: 'off' }, 'invalid');
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^::error title=perfgate%3A invalid config,file=perf\/api\.yaml,line=7,col=\d+::/m);
  assert.match(run.stdout, /^::error::Invalid perfgate config:/m);
});

function dockerAvailable(): boolean {
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

test("the bundled action against the repository's own example service (Docker)", { timeout: 1_200_000 }, async (t) => {
  if (!HAS_BUNDLE) return t.skip('dist/action.js is missing — run npm run build');
  if (!dockerAvailable()) {
    console.error('\n*** SKIPPING the Docker-backed action test: no Docker engine (eval "$(/work/shared/docker/offline-images.sh)") ***\n');
    return t.skip('no Docker engine');
  }
  const github = await FakeGitHub.start();
  t.after(() => github.close());
  github.addPullRequest('acme/shop', 7);
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-action-docker-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(DIST, join(dir, 'action'), { recursive: true });
  await mkdir(join(dir, 'runner-temp'), { recursive: true });
  const files = { output: join(dir, 'out'), summary: join(dir, 'summary'), state: join(dir, 'state') };
  for (const file of Object.values(files)) await writeFile(file, '');
  const child = await runNode(
    join(dir, 'action/action.js'),
    ROOT,
    {
      ...process.env,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: ROOT,
      RUNNER_TEMP: join(dir, 'runner-temp'),
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_STATE: files.state,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_RUN_ID: '1',
      GITHUB_WORKFLOW: 'CI',
      GITHUB_JOB: 'perf',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: join(FIXTURES, 'pull_request.json'),
      GITHUB_API_URL: github.url,
      INPUT_CONFIG: 'perf',
      INPUT_BASE: 'none',
      'INPUT_GITHUB-TOKEN': 'bot-token',
      INPUT_COMMENT: 'always',
    },
    1_100_000,
  );
  const outputs = parseCommandFile(await readFile(files.output, 'utf8'));
  assert.ok(['pass', 'fail', 'inconclusive'].includes(outputs.verdict ?? ''), `${child.stdout}\n${child.stderr}`);
  assert.equal(child.code, outputs.verdict === 'fail' ? 1 : 0);
  const results = JSON.parse(await readFile(outputs.results!, 'utf8'));
  assert.equal(results.scenarios.length, 4);
  assert.ok(results.scenarios.every((s: { measurement: { outcomes: { success: number } } }) => s.measurement.outcomes.success > 0));
  // The open-model scenario kept its schedule.
  const steady = results.scenarios.find((s: { name: string }) => s.name === 'steady reads');
  assert.equal(steady.measurement.rate, 600);
  assert.ok(
    steady.measurement.achievedRate > 570 && steady.measurement.achievedRate < 630,
    `achieved ${steady.measurement.achievedRate} req/s`,
  );
  assert.equal(github.commentsOn('acme/shop', 7).length, 1);
  assert.deepEqual(github.violations, []);
});

const HAS_REPORT_BUNDLE = existsSync(join(DIST, 'report-action.js'));

test(
  'the bundled report sub-action posts from a results file and rejects a tampered one',
  { skip: !HAS_REPORT_BUNDLE, timeout: 120_000 },
  async (t) => {
    const github = await FakeGitHub.start();
    t.after(() => github.close());
    github.addPullRequest('acme/shop', 7, 'b'.repeat(40));
    const dir = await mkdtemp(join(tmpdir(), 'perfgate-report-bundle-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await cp(DIST, join(dir, 'action'), { recursive: true });
    const { runResult } = await import('../report/fixture.ts');
    const results = {
      ...runResult(),
      github: { repository: 'acme/shop', pullRequest: 7, headSha: 'b'.repeat(40), runId: '4242', commentKey: 'CI/perf/perf' },
    };
    await mkdir(join(dir, 'artifact'));
    await writeFile(join(dir, 'artifact/results.json'), JSON.stringify(results));
    await writeFile(
      join(dir, 'event.json'),
      JSON.stringify({ workflow_run: { head_sha: 'b'.repeat(40), pull_requests: [], event: 'pull_request' } }),
    );
    const run = async (name: string) => {
      const output = join(dir, `${name}.output`);
      await writeFile(output, '');
      const child = await runNode(
        join(dir, 'action/report-action.js'),
        dir,
        {
          PATH: process.env.PATH,
          GITHUB_WORKSPACE: dir,
          GITHUB_OUTPUT: output,
          GITHUB_STEP_SUMMARY: join(dir, `${name}.summary`),
          GITHUB_EVENT_NAME: 'workflow_run',
          GITHUB_EVENT_PATH: join(dir, 'event.json'),
          GITHUB_REPOSITORY: 'acme/shop',
          GITHUB_API_URL: github.url,
          INPUT_RESULTS: 'artifact/results.json',
          'INPUT_GITHUB-TOKEN': 'bot-token',
          INPUT_COMMENT: 'always',
        },
        60_000,
      );
      return { ...child, outputs: parseCommandFile(await readFile(output, 'utf8')) };
    };
    const ok = await run('ok');
    assert.equal(ok.code, 0, `${ok.stdout}\n${ok.stderr}`);
    assert.equal(ok.outputs.verdict, 'fail');
    assert.match(ok.outputs['comment-url']!, /#issuecomment-\d+$/);
    // Its own key (workflow/job/results), never the run job's key the file carries: a fork writes the file.
    assert.ok(github.commentsOn('acme/shop', 7)[0]!.body.startsWith('<!-- perfgate:workflow/job/artifact/results.json -->'));

    await writeFile(
      join(dir, 'artifact/results.json'),
      JSON.stringify({ ...results, github: { ...results.github, pullRequest: '7; rm -rf /' } }),
    );
    const tampered = await run('tampered');
    assert.equal(tampered.code, 1);
    assert.match(tampered.stdout, /^::error::Rejected .*results\.json: github\.pullRequest must be a positive integer/m);
    assert.equal(github.commentsOn('acme/shop', 7).length, 1);
    assert.deepEqual(github.violations, []);
  },
);
