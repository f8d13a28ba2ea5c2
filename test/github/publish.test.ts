import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotationFile, resultAnnotations } from '../../src/github/annotations.ts';
import { publish, type PublishOptions } from '../../src/github/publish.ts';
import { budgetsOnly, runResult } from '../report/fixture.ts';
import { FakeGitHub, silentServer } from './fake-github.ts';
import { recordingIo } from './recording-io.ts';

const WORKSPACE = '/home/runner/work/shop/shop';
const PATHS = { cwd: `${WORKSPACE}/services/api`, workspace: WORKSPACE };

test('annotation paths are relative to the repository root, whatever the working directory', () => {
  assert.equal(annotationFile('perf/api.yaml', PATHS), 'services/api/perf/api.yaml');
  assert.equal(annotationFile(`${WORKSPACE}/perf/x.yaml`, PATHS), 'perf/x.yaml');
  assert.equal(annotationFile('/etc/perf.yaml', PATHS), '/etc/perf.yaml');
});

/** The fixture run, its scenarios written at lines 9 and 20 of perf/api.yaml. */
function placedRun() {
  const result = runResult();
  result.scenarios[0]!.at = { file: 'perf/api.yaml', line: 9, col: 5 };
  result.scenarios[1]!.at = { file: 'perf/api.yaml', line: 20, col: 5 };
  return result;
}

test('each failing budget is an error at its own line; regressions at their scenario; undecided ones warn', () => {
  const annotations = resultAnnotations(placedRun(), PATHS);
  const p99 = annotations.find((a) => a.properties.title === 'perfgate: p99 budget failed')!;
  assert.equal(p99.level, 'error');
  assert.deepEqual(p99.properties, {
    title: 'perfgate: p99 budget failed',
    file: 'services/api/perf/api.yaml',
    startLine: 12,
    startColumn: 7,
  });
  assert.equal(p99.message, 'p99 412 ms breaks the budget <= 250ms in "list posts": p99 was 412 ms, above the 250 ms limit');

  const success = annotations.find((a) => a.properties.startLine === 14)!;
  assert.equal(success.level, 'warning');
  assert.match(success.message, /success rate budget >= 99\.9% in "list posts" is undecided \(measured 99\.68%\)/);

  const regressions = annotations.filter((a) => a.message.includes('regressed'));
  assert.deepEqual(
    regressions.map((a) => [a.level, a.properties.startLine, a.message]),
    [
      ['error', 9, 'QPS regressed in "list posts" (1,301 req/s → 1,101 req/s, −15%, 97.5% CI −17% … −14%)'],
      ['error', 9, 'p99 regressed in "list posts" (350 ms → 412 ms, +18%, 96.7% CI +10% … +25%)'],
    ],
  );
  assert.equal(annotations.filter((a) => a.level === 'error').length, 3, 'passing budgets are not annotated');
});

test('a scenario that could not be measured is an error at its own line, from the result alone', () => {
  const result = placedRun();
  result.scenarios[1]!.error = 'the app container exited';
  const [unmeasured] = resultAnnotations(result, PATHS).filter((a) => a.message.includes('could not be measured'));
  assert.deepEqual(unmeasured, {
    level: 'error',
    message: '"health" could not be measured: the app container exited',
    properties: { title: 'perfgate: health', file: 'services/api/perf/api.yaml', startLine: 20, startColumn: 5 },
  });
});

test('results written before scenarios carried their position: regressions are annotated without a file', () => {
  const regression = resultAnnotations(runResult(), PATHS).find((a) => a.message.startsWith('QPS regressed'))!;
  assert.deepEqual(regression.properties, { title: 'perfgate: QPS regressed' });
});

async function setup(t: TestContext) {
  const github = await FakeGitHub.start();
  github.addPullRequest('acme/shop', 7);
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-publish-'));
  t.after(async () => {
    await github.close();
    await rm(dir, { recursive: true, force: true });
    assert.deepEqual(github.violations, []);
  });
  const io = recordingIo();
  const base = (extra: Partial<PublishOptions> = {}): PublishOptions => ({
    io,
    result: runResult(),
    annotate: PATHS,
    commentKey: 'ci/perf/perf',
    comment: 'always',
    token: 'bot-token',
    apiUrl: github.url,
    runUrl: 'https://github.com/acme/shop/actions/runs/42',
    destination: { owner: 'acme', repo: 'shop', issueNumber: 7, fromFork: false },
    markdownPath: join(dir, 'report.md'),
    ...extra,
  });
  return { github, io, dir, base };
}

test('publishes the job summary, the annotations and the comment', async (t) => {
  const { github, io, dir, base } = await setup(t);
  const outcome = await publish(base());
  assert.match(outcome.commentUrl!, /^https:\/\/github\.com\/acme\/shop\/pull\/7#issuecomment-\d+$/);
  assert.equal(io.summaries.length, 1);
  assert.match(io.summaries[0]!, /^<!-- perfgate:ci\/perf\/perf -->/);
  assert.match(io.summaries[0]!, /<summary>Per-round data/);
  assert.match(io.summaries[0]!, /\[workflow run\]\(https:\/\/github\.com\/acme\/shop\/actions\/runs\/42\)/);
  assert.equal(await readFile(join(dir, 'report.md'), 'utf8'), io.summaries[0]);
  assert.equal(io.events.filter((e) => e.kind === 'error').length, 3);
  const [comment] = github.commentsOn('acme/shop', 7);
  assert.match(comment!.body, /^<!-- perfgate:ci\/perf\/perf -->/);
  assert.ok(io.events.some((e) => e.kind === 'info' && e.message.startsWith('PR comment: created https://github.com/acme/shop/pull/7')));
});

test('a fork PR: a notice instead of a comment, no API call, the summary still holds the report', async (t) => {
  const { github, io, base } = await setup(t);
  const outcome = await publish(
    base({ destination: { owner: 'acme', repo: 'shop', issueNumber: 7, fromFork: true }, resultsPath: '/tmp/r/results.json' }),
  );
  assert.equal(outcome.commentUrl, undefined);
  assert.equal(github.requests.length, 0);
  const notice = io.events.find((e) => e.kind === 'notice')!;
  assert.match(notice.message, /comes from a fork, so its token is read-only/);
  assert.match(notice.message, /\/tmp\/r\/results\.json/);
  assert.match(notice.message, /perfgate\/report from a workflow_run workflow/);
  assert.equal(io.summaries.length, 1);
});

test('a 403 from GitHub is a warning; nothing is failed and the summary holds the report', async (t) => {
  const { io, base } = await setup(t);
  const outcome = await publish(base({ token: 'fork-token' }));
  assert.equal(outcome.commentUrl, undefined);
  assert.equal(io.failed, undefined);
  const warning = io.events.find((e) => e.kind === 'warning' && e.properties?.title === 'perfgate: PR comment failed')!;
  assert.match(warning.message, /403 Resource not accessible by integration/);
  assert.match(warning.message, /The verdict is unaffected/);
  assert.equal(io.summaries.length, 1);
});

test('5xx twice, 404 and rate limits are warnings too', async (t) => {
  const { github, io, base } = await setup(t);
  github.failNext({ status: 500, message: 'Internal Server Error', times: 2 });
  await publish(base());
  github.failNext({ status: 429, message: 'API rate limit exceeded', headers: { 'retry-after': '3600' } });
  await publish(base());
  await publish(base({ destination: { owner: 'acme', repo: 'shop', issueNumber: 404, fromFork: false } }));
  const warnings = io.events.filter((e) => e.properties?.title === 'perfgate: PR comment failed').map((e) => e.message);
  assert.equal(warnings.length, 3);
  assert.match(warnings[0]!, /GitHub API error 500/);
  assert.match(warnings[1]!, /rate limit exceeded \(GitHub asks to wait 3600 s\)/);
  assert.match(warnings[2]!, /404 Not Found/);
  assert.equal(io.failed, undefined);
});

test('comment: off, or no pull request, posts nothing', async (t) => {
  const { github, io, base } = await setup(t);
  await publish(base({ comment: 'off' }));
  await publish(base({ destination: undefined, result: budgetsOnly() }));
  assert.equal(github.requests.length, 0);
  assert.equal(io.summaries.length, 2);
  assert.ok(io.events.some((e) => e.message === 'PR comment: off (comment: off).'));
  assert.ok(io.events.some((e) => e.message.startsWith('PR comment: none — this run is not for a pull request')));
});

test(
  'a GitHub API that never answers: publish gives up after the timeout with a warning; nothing is failed',
  { timeout: 20_000 },
  async (t) => {
    const { io, base } = await setup(t);
    const silent = await silentServer();
    t.after(() => silent.close());
    const outcome = await publish(base({ apiUrl: silent.url, apiTimeouts: { requestTimeoutMs: 200 } }));
    assert.equal(outcome.commentUrl, undefined);
    assert.equal(outcome.comment, 'PR comment: failed (see the warning).');
    assert.equal(io.failed, undefined);
    const warning = io.events.find((e) => e.kind === 'warning' && e.properties?.title === 'perfgate: PR comment failed')!;
    assert.equal(
      warning.message,
      'Could not list the comments of #7: the GitHub API did not answer within 200 ms. The verdict is unaffected; the job summary has the report.',
    );
    assert.equal(io.summaries.length, 1, 'the summary was written first');
  },
);
