import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, GitHubApiError, upsertComment, type UpsertOptions } from '../../src/github/comment.ts';
import { commentMarker, renderMarkdown } from '../../src/report/markdown.ts';
import { listPosts, runResult } from '../report/fixture.ts';
import { ACTIONS_BOT, FakeGitHub, OTHER_USER } from './fake-github.ts';

const REPO = 'acme/shop';
const PR = 7;

async function fake(t: TestContext, prefix?: string): Promise<FakeGitHub> {
  const github = await FakeGitHub.start({ prefix });
  github.addPullRequest(REPO, PR);
  t.after(async () => {
    await github.close();
    assert.deepEqual(github.violations, [], "requests and responses match GitHub's OpenAPI description");
  });
  return github;
}

function options(body: string, key = 'ci/perf/perf', extra: Partial<UpsertOptions> = {}): UpsertOptions {
  return { owner: 'acme', repo: 'shop', issueNumber: PR, body, marker: commentMarker(key), mode: 'always', ...extra };
}

const client = (github: FakeGitHub, token = 'bot-token') => createClient({ token, baseUrl: github.url, maxRetryWaitMs: 50 });

test('the first run creates exactly one comment; the second edits it in place', async (t) => {
  const github = await fake(t);
  const octokit = client(github);
  const first = await upsertComment(octokit, options(renderMarkdown(runResult(), { key: 'ci/perf/perf' })));
  assert.equal(first.action, 'created');
  assert.equal(github.commentsOn(REPO, PR).length, 1);
  assert.match(first.url!, /^https:\/\/github\.com\/acme\/shop\/pull\/7#issuecomment-\d+$/);

  const second = await upsertComment(octokit, options(renderMarkdown(runResult({ pairs: 5 }), { key: 'ci/perf/perf' })));
  assert.equal(second.action, 'updated');
  assert.equal(second.url, first.url);
  const comments = github.commentsOn(REPO, PR);
  assert.equal(comments.length, 1);
  assert.match(comments[0]!.body, /5 interleaved base\/head pairs/);

  const writes = github.writes().length;
  const third = await upsertComment(octokit, options(comments[0]!.body));
  assert.equal(third.action, 'unchanged', 'an identical body is not re-sent');
  assert.equal(github.writes().length, writes);
});

test('two keys give two comments', async (t) => {
  const github = await fake(t);
  const octokit = client(github);
  await upsertComment(octokit, options(renderMarkdown(runResult(), { key: 'api' }), 'api'));
  await upsertComment(octokit, options(renderMarkdown(runResult(), { key: 'api-v2' }), 'api-v2'));
  await upsertComment(octokit, options(renderMarkdown(runResult({ pairs: 4 }), { key: 'api' }), 'api'));
  const comments = github.commentsOn(REPO, PR);
  assert.equal(comments.length, 2);
  assert.ok(comments[0]!.body.startsWith('<!-- perfgate:api -->'));
  assert.ok(comments[1]!.body.startsWith('<!-- perfgate:api-v2 -->'));
  assert.match(comments[0]!.body, /4 interleaved/);
});

test('pagination across a long PR finds our comment on page 3', async (t) => {
  const github = await fake(t);
  github.seedComments(REPO, PR, 230);
  const marker = commentMarker('k');
  github.seedComments(REPO, PR, 1, () => ({ body: `${marker}\nold report`, user: ACTIONS_BOT }));
  github.seedComments(REPO, PR, 15);
  const octokit = client(github);
  const result = await upsertComment(octokit, options(renderMarkdown(runResult(), { key: 'k' }), 'k'));
  assert.equal(result.action, 'updated');
  assert.equal(github.commentsOn(REPO, PR).length, 246, 'no duplicate was created');
  const pages = github.requests.filter((r) => r.method === 'GET').map((r) => `${r.query.per_page}/${r.query.page ?? 1}`);
  assert.deepEqual(pages, ['100/1', '100/2', '100/3']);
});

test('a marker quoted by a person is not ours: a bot token leaves it and creates its own', async (t) => {
  const github = await fake(t);
  github.seedComments(REPO, PR, 1, () => ({ body: `quoting ${commentMarker('k')}`, user: OTHER_USER }));
  const result = await upsertComment(client(github), options(renderMarkdown(runResult(), { key: 'k' }), 'k'));
  assert.equal(result.action, 'created');
  assert.equal(github.commentsOn(REPO, PR)[0]!.body, `quoting ${commentMarker('k')}`);
});

test('with a personal token, the comment written by that user is ours', async (t) => {
  const github = await fake(t);
  const octokit = client(github, 'user-token');
  const created = await upsertComment(octokit, options(renderMarkdown(runResult(), { key: 'k' }), 'k'));
  const updated = await upsertComment(octokit, options(renderMarkdown(runResult({ pairs: 9 }), { key: 'k' }), 'k'));
  assert.equal(created.action, 'created');
  assert.equal(updated.action, 'updated');
  assert.equal(github.commentsOn(REPO, PR).length, 1);
  assert.ok(github.requests.some((r) => r.path === '/user'));
});

test('on-change: no new comment for an all-pass run, no edit while the verdicts stay the same', async (t) => {
  const github = await fake(t);
  const octokit = client(github);
  const pass = runResult({ verdict: 'pass', scenarios: [] });
  const skipped = await upsertComment(octokit, options(renderMarkdown(pass, { key: 'k' }), 'k', { mode: 'on-change', skipCreate: true }));
  assert.equal(skipped.action, 'skipped');
  assert.equal(github.commentsOn(REPO, PR).length, 0);

  const failing = runResult();
  const created = await upsertComment(octokit, options(renderMarkdown(failing, { key: 'k' }), 'k', { mode: 'on-change' }));
  assert.equal(created.action, 'created');

  const noisy = runResult();
  noisy.scenarios[0]!.comparison!.p99!.head = 420;
  const same = await upsertComment(octokit, options(renderMarkdown(noisy, { key: 'k' }), 'k', { mode: 'on-change' }));
  assert.equal(same.action, 'unchanged', 'figures moved but no verdict did');

  const fixed = runResult({ verdict: 'pass', scenarios: [{ ...listPosts(), verdict: 'pass', budgets: [], comparison: {} }] });
  const changed = await upsertComment(octokit, options(renderMarkdown(fixed, { key: 'k' }), 'k', { mode: 'on-change', skipCreate: true }));
  assert.equal(changed.action, 'updated', 'an existing comment follows the verdict back to pass');
  assert.equal(github.commentsOn(REPO, PR).length, 1);
});

test('a read-only token (fork PR) gets a 403 explained in words', async (t) => {
  const github = await fake(t);
  await assert.rejects(upsertComment(client(github, 'fork-token'), options(renderMarkdown(runResult()), 'default')), (error) => {
    assert.ok(error instanceof GitHubApiError);
    assert.equal(error.status, 403);
    assert.match(error.message, /Resource not accessible by integration/);
    assert.match(error.message, /pull-requests: write/);
    assert.match(error.message, /forks/);
    return true;
  });
  assert.equal(github.commentsOn(REPO, PR).length, 0);
});

test('a 5xx is retried once; a second 5xx is reported', async (t) => {
  const github = await fake(t);
  github.failNext({ method: 'POST', status: 502, message: 'Server Error' });
  const result = await upsertComment(client(github), options(renderMarkdown(runResult()), 'default'));
  assert.equal(result.action, 'created');

  github.failNext({ method: 'PATCH', status: 503, message: 'Service Unavailable', times: 2 });
  await assert.rejects(
    upsertComment(client(github), options(renderMarkdown(runResult({ pairs: 8 })), 'default')),
    /GitHub API error 503 Service Unavailable/,
  );
});

test('rate limits: a short retry-after is honoured, a long one is reported', async (t) => {
  const github = await fake(t);
  github.failNext({ method: 'GET', status: 429, message: 'API rate limit exceeded', headers: { 'retry-after': '0' } });
  const ok = await upsertComment(client(github), options(renderMarkdown(runResult()), 'default'));
  assert.equal(ok.action, 'created');

  github.failNext({
    status: 403,
    message: 'API rate limit exceeded for installation ID 1.',
    headers: { 'x-ratelimit-remaining': '0', 'retry-after': '60' },
  });
  await assert.rejects(upsertComment(client(github), options(renderMarkdown(runResult({ pairs: 2 })), 'default')), (error) => {
    assert.ok(error instanceof GitHubApiError);
    assert.match(error.message, /rate limit exceeded \(GitHub asks to wait 60 s\)/);
    return true;
  });
});

test('an unknown pull request is a 404 explained in words', async (t) => {
  const github = await fake(t);
  await assert.rejects(
    upsertComment(client(github), { ...options(renderMarkdown(runResult()), 'default'), issueNumber: 999 }),
    /404 Not Found\. The repository or pull request is not visible to this token/,
  );
});

test('GitHub Enterprise Server: the API URL with its /api/v3 prefix is honoured', async (t) => {
  const github = await fake(t, '/api/v3');
  github.serverUrl = 'https://ghe.example.com';
  const result = await upsertComment(client(github), options(renderMarkdown(runResult()), 'default'));
  assert.equal(result.action, 'created');
  assert.match(result.url!, /^https:\/\/ghe\.example\.com\/acme\/shop\/pull\/7#issuecomment-/);
  assert.ok(github.requests.every((r) => r.path.startsWith('/repos/')));
});

test('a huge report is truncated under the limit and accepted; an over-long body is refused before sending', async (t) => {
  const github = await fake(t);
  const scenarios = Array.from({ length: 2000 }, (_, i) => ({ ...listPosts(), name: `scenario number ${i} with a long descriptive name` }));
  const body = renderMarkdown(runResult({ scenarios }));
  assert.ok(body.length <= 65_000);
  const result = await upsertComment(client(github), options(body, 'default'));
  assert.equal(result.action, 'created');
  await assert.rejects(
    upsertComment(client(github), options(`${commentMarker('x')}${'a'.repeat(70_000)}`, 'x')),
    /over GitHub's 65536 limit/,
  );
});
