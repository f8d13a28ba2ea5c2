// The report sub-action in a workflow_run workflow: posts from a results file, rejects a tampered one.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReportAction } from '../../src/github/report-results.ts';
import type { RunResult } from '../../src/result.ts';
import { commentMarker } from '../../src/report/markdown.ts';
import { runResult } from '../report/fixture.ts';
import { ACTIONS_BOT, FakeGitHub, silentServer } from './fake-github.ts';
import { recordingIo } from './recording-io.ts';

const HEAD = 'b'.repeat(40);
const REPO = 'acme/shop';

function results(github: Partial<NonNullable<RunResult['github']>> | Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...runResult(),
    github: {
      repository: REPO,
      pullRequest: 7,
      headSha: HEAD,
      runId: '42',
      runUrl: 'https://github.com/acme/shop/actions/runs/42',
      commentKey: 'CI/perf/perf',
      ...github,
    },
  };
}

/** The key the report job uses when its comment-key input is empty: its own workflow, job and `results` input. */
const OWN_KEY = 'perf_report/report/perfgate/results.json';

async function setup(t: TestContext, options: { pullRequests?: number[]; prHead?: string; eventName?: string } = {}) {
  const fake = await FakeGitHub.start();
  fake.addPullRequest(REPO, 7, options.prHead ?? HEAD);
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-report-'));
  t.after(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
    assert.deepEqual(fake.violations, []);
  });
  const event = {
    action: 'completed',
    workflow_run: {
      id: 42,
      head_sha: HEAD,
      event: 'pull_request',
      pull_requests: (options.pullRequests ?? [7]).map((number) => ({ number })),
      repository: { full_name: REPO },
    },
  };
  await writeFile(join(dir, 'event.json'), JSON.stringify(event));
  const env: NodeJS.ProcessEnv = {
    GITHUB_EVENT_NAME: options.eventName ?? 'workflow_run',
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_REPOSITORY: REPO,
    GITHUB_API_URL: fake.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: dir,
    GITHUB_WORKFLOW: 'perf report',
    GITHUB_JOB: 'report',
    INPUT_RESULTS: 'perfgate/results.json',
    'INPUT_GITHUB-TOKEN': 'bot-token',
    INPUT_COMMENT: 'always',
  };
  const run = async (content: unknown, extra: Partial<Parameters<typeof runReportAction>[0]> = {}) => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'perfgate'), { recursive: true });
    await writeFile(join(dir, 'perfgate/results.json'), typeof content === 'string' ? content : JSON.stringify(content));
    const io = recordingIo();
    await runReportAction({ env, cwd: dir, io, ...extra });
    return io;
  };
  return { fake, run, env };
}

test('posts the comment from a results file, under its own comment key', async (t) => {
  const { fake, run } = await setup(t);
  const io = await run(results());
  assert.equal(io.failed, undefined);
  const comments = fake.commentsOn(REPO, 7);
  assert.equal(comments.length, 1);
  assert.ok(comments[0]!.body.startsWith(`${commentMarker(OWN_KEY)}\n`));
  assert.match(comments[0]!.body, /\[workflow run\]\(https:\/\/github\.com\/acme\/shop\/actions\/runs\/42\)/);
  assert.equal(io.outputs.verdict, 'fail');
  assert.match(io.outputs['comment-url']!, /#issuecomment-\d+$/);

  const again = await run(results());
  assert.equal(again.failed, undefined);
  assert.equal(fake.commentsOn(REPO, 7).length, 1, 'the second report edits the same comment');
});

test('a fork PR (no pull_requests on the run): the PR head is confirmed with GitHub first', async (t) => {
  const { fake, run } = await setup(t, { pullRequests: [] });
  const io = await run(results());
  assert.equal(io.failed, undefined);
  assert.ok(fake.requests.some((r) => r.path === '/repos/acme/shop/pulls/7'));
  assert.equal(fake.commentsOn(REPO, 7).length, 1);
});

test("the comment key comes from the action's inputs, never from the file: a fork cannot aim at another job's comment", async (t) => {
  const { fake, run, env } = await setup(t);
  // Another perfgate job's comment on the same PR, written by the same bot.
  fake.seedComments(REPO, 7, 1, () => ({ body: `${commentMarker('perf-search')}\nthe search service's report`, user: ACTIONS_BOT }));
  const io = await run(results({ commentKey: 'perf-search' }));
  assert.equal(io.failed, undefined);
  const [other, ours] = fake.commentsOn(REPO, 7);
  assert.equal(other!.body, `${commentMarker('perf-search')}\nthe search service's report`, "the other job's comment is untouched");
  assert.ok(ours!.body.startsWith(`${commentMarker(OWN_KEY)}\n`));

  env['INPUT_COMMENT-KEY'] = 'perf-api';
  const keyed = await run(results({ commentKey: 'perf-search' }));
  assert.equal(keyed.failed, undefined);
  assert.deepEqual(
    fake.commentsOn(REPO, 7).map((c) => c.body.split('\n')[0]),
    [commentMarker('perf-search'), commentMarker(OWN_KEY), commentMarker('perf-api')],
  );
});

test(
  'a GitHub API that never answers while confirming a fork PR: a warning after the timeout, not a failure',
  { timeout: 20_000 },
  async (t) => {
    const { fake, run, env } = await setup(t, { pullRequests: [] });
    const silent = await silentServer();
    t.after(() => silent.close());
    env.GITHUB_API_URL = silent.url;
    const io = await run(results(), { apiTimeouts: { requestTimeoutMs: 200 } });
    assert.equal(io.failed, undefined);
    assert.equal(io.outputs.verdict, 'fail', 'the verdict is reported as the file has it');
    assert.equal(io.outputs['comment-url'], '');
    const warning = io.events.find((e) => e.kind === 'warning')!;
    assert.equal(
      warning.message,
      'Could not read pull request #7 to confirm its head commit: the GitHub API did not answer within 200 ms. ' +
        'Unconfirmed, no comment is posted; the job summary has the report.',
    );
    assert.equal(io.summaries.length, 1);
    assert.equal(fake.requests.length, 0);
  },
);

test('a fork PR whose head moved on (or the wrong PR) is rejected', async (t) => {
  const { fake, run } = await setup(t, { pullRequests: [], prHead: 'd'.repeat(40) });
  const io = await run(results());
  assert.match(io.failed!, /pull request #7 is at d{40}, not at the triggering run's head commit b{40}/);
  assert.equal(fake.commentsOn(REPO, 7).length, 0);
});

const TAMPERED: Array<[string, unknown, RegExp]> = [
  ['PR number as a string', results({ pullRequest: '7' }), /github\.pullRequest must be a positive integer, got "7"/],
  ['PR number with a fraction', results({ pullRequest: 7.5 }), /github\.pullRequest must be a positive integer, got 7\.5/],
  ['negative PR number', results({ pullRequest: -7 }), /github\.pullRequest must be a positive integer/],
  ['short SHA', results({ headSha: 'bbbbbbb' }), /github\.headSha must be a 40-digit hex commit SHA/],
  [
    'SHA of another commit',
    results({ headSha: 'e'.repeat(40) }),
    /github\.headSha e{40} does not match the triggering run's head commit b{40}/,
  ],
  ['another repository', results({ repository: 'evil/repo' }), /github\.repository "evil\/repo" is not acme\/shop/],
  ["PR not among the run's PRs", results({ pullRequest: 8 }), /PR #8 is not among the triggering run's pull requests \(#7\)/],
  ['no github block', { ...runResult() }, /it has no "github" block/],
  ['not JSON', '{"schemaVersion": 1,', /not valid JSON \(a syntax error at position 20 \(line 1 column 21\)\)/],
  [
    'a string where a number belongs',
    (() => {
      const r = results();
      (r.scenarios as Array<{ measurement: { qps: unknown } }>)[0]!.measurement.qps = '<img src=x onerror=alert(1)>';
      return r;
    })(),
    /does not match the results format \(scenarios\[0\]\.measurement\.qps: expected a number, got a string\)/,
  ],
  [
    'an unknown metric',
    (() => {
      const r = results();
      (r.scenarios as Array<{ budgets: Array<{ metric: string }> }>)[0]!.budgets[0]!.metric = '<b>x</b>';
      return r;
    })(),
    /scenarios\[0\]\.budgets\[0\]\.metric: expected one of "qps", .*, got a string\)/,
  ],
];

for (const [name, content, message] of TAMPERED) {
  test(`rejects a tampered results file: ${name}`, async (t) => {
    const { fake, run } = await setup(t);
    const io = await run(content);
    assert.match(io.failed ?? '', message);
    assert.match(io.failed!, /^Rejected .*perfgate\/results\.json: /);
    assert.equal(fake.writes().length, 0, 'nothing was posted');
  });
}

test('refuses to run outside a workflow_run workflow, and a missing file is named', async (t) => {
  const { run } = await setup(t, { eventName: 'pull_request_target' });
  const io = await run(results());
  assert.match(io.failed!, /perfgate\/report runs in a workflow_run workflow \(this event is "pull_request_target"\)/);

  const { env } = await setup(t);
  const io2 = recordingIo();
  await runReportAction({ env: { ...env, INPUT_RESULTS: 'nowhere/results.json' }, cwd: '/', io: io2 });
  assert.match(io2.failed!, /The results file .*nowhere\/results\.json does not exist/);
});

test('a run URL in the file that points elsewhere is dropped', async (t) => {
  const { fake, run } = await setup(t);
  await run(results({ runUrl: 'https://evil.example/phish' }));
  const [comment] = fake.commentsOn(REPO, 7);
  assert.doesNotMatch(comment!.body, /evil\.example/);
  assert.doesNotMatch(comment!.body, /\[workflow run\]/);
});

test('a tool version with a line break in the file does not reach a request header: the comment is still posted', async (t) => {
  const { fake, run } = await setup(t);
  const io = await run({ ...results(), tool: { name: 'perfgate', version: '1.0\r\nX-Injected: 1', node: 'v24' } });
  assert.equal(io.failed, undefined);
  assert.equal(io.events.filter((e) => e.kind === 'warning').length, 0);
  assert.equal(fake.commentsOn(REPO, 7).length, 1);
});
