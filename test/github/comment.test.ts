import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import {
  createClient,
  GitHubApiError,
  GitHubTimeoutError,
  tokenLogin,
  upsertComment,
  type UpsertOptions,
} from '../../src/github/comment.ts';
import { commentMarker, renderMarkdown } from '../../src/report/markdown.ts';
import { listPosts, runResult } from '../report/fixture.ts';
import { ACTIONS_BOT, FakeGitHub, OTHER_BOT, OTHER_USER, silentServer } from './fake-github.ts';

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

test("another bot quoting the marker is not ours either: only the token's own identity's comment is edited", async (t) => {
  const github = await fake(t);
  const marker = commentMarker('k');
  github.seedComments(REPO, PR, 1, () => ({ body: `${marker}\nrenovate quoting perfgate`, user: OTHER_BOT }));
  const first = await upsertComment(client(github), options(renderMarkdown(runResult(), { key: 'k' }), 'k'));
  assert.equal(first.action, 'created');
  const second = await upsertComment(client(github), options(renderMarkdown(runResult({ pairs: 6 }), { key: 'k' }), 'k'));
  assert.equal(second.action, 'updated');
  assert.equal(second.id, first.id, 'the second run edits the comment the first created');
  const [other, ours] = github.commentsOn(REPO, PR);
  assert.equal(other!.body, `${marker}\nrenovate quoting perfgate`, "the other bot's comment is untouched");
  assert.equal(ours!.user.login, 'github-actions[bot]');
  assert.match(ours!.body, /6 interleaved/);
});

test("the token's identity: GraphQL's viewer answers for an installation token, where GET /user gets 403", async (t) => {
  const github = await fake(t);
  assert.equal(await tokenLogin(client(github)), 'github-actions[bot]');
  assert.equal(await tokenLogin(client(github, 'other-bot-token')), 'renovate[bot]');
  assert.equal(await tokenLogin(client(github, 'user-token')), 'octocat');
  assert.deepEqual(
    github.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
    ['POST /graphql 200', 'POST /graphql 200', 'POST /graphql 200'],
  );
  await assert.rejects(tokenLogin(client(github, 'no-such-token')), /Could not tell which account the token belongs to/);
});

test('with a personal token, the comment written by that user is ours', async (t) => {
  const github = await fake(t);
  const octokit = client(github, 'user-token');
  const created = await upsertComment(octokit, options(renderMarkdown(runResult(), { key: 'k' }), 'k'));
  const updated = await upsertComment(octokit, options(renderMarkdown(runResult({ pairs: 9 }), { key: 'k' }), 'k'));
  assert.equal(created.action, 'created');
  assert.equal(updated.action, 'updated');
  assert.equal(github.commentsOn(REPO, PR).length, 1);
  assert.ok(github.requests.some((r) => r.path === '/graphql'));
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

test('GitHub Enterprise Server: the API URL with its /api/v3 prefix is honoured, and GraphQL is at /api/graphql', async (t) => {
  const github = await fake(t, '/api/v3');
  github.serverUrl = 'https://ghe.example.com';
  const result = await upsertComment(client(github), options(renderMarkdown(runResult()), 'default'));
  assert.equal(result.action, 'created');
  assert.match(result.url!, /^https:\/\/ghe\.example\.com\/acme\/shop\/pull\/7#issuecomment-/);
  const again = await upsertComment(client(github), options(renderMarkdown(runResult({ pairs: 5 })), 'default'));
  assert.equal(again.action, 'updated');
  assert.deepEqual(
    github.requests.map((r) => `${r.method} ${r.path.replace(/\d{7}$/, 'ID')}`),
    [
      'GET /repos/acme/shop/issues/7/comments',
      'POST /repos/acme/shop/issues/7/comments',
      'GET /repos/acme/shop/issues/7/comments',
      'POST /api/graphql',
      'PATCH /repos/acme/shop/issues/comments/ID',
    ],
  );
});

test('a server that accepts and never answers: each call gives up after its timeout, and is not retried', async (t) => {
  const silent = await silentServer();
  t.after(() => silent.close());
  const octokit = createClient({ token: 'bot-token', baseUrl: silent.url, requestTimeoutMs: 150 });
  await assert.rejects(upsertComment(octokit, options(renderMarkdown(runResult()), 'default')), (error) => {
    assert.ok(error instanceof GitHubTimeoutError);
    assert.equal(error.message, 'Could not list the comments of #7: the GitHub API did not answer within 150 ms.');
    return true;
  });
  assert.equal(silent.connections(), 1, 'a timed-out call is not retried');
});

test('all calls together are bounded too: the total timeout cuts a slow sequence short', async (t) => {
  const silent = await silentServer();
  t.after(() => silent.close());
  const octokit = createClient({ token: 'bot-token', baseUrl: silent.url, requestTimeoutMs: 60_000, totalTimeoutMs: 150 });
  await assert.rejects(
    upsertComment(octokit, options(renderMarkdown(runResult()), 'default')),
    /^GitHubTimeoutError: Could not list the comments of #7: the GitHub API took longer than the 150 ms allowed for all of perfgate's calls\.$/,
  );
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

test('the comment limit is counted in UTF-8 bytes: 30,000 euro signs are 30,000 characters but 90,000 bytes', async (t) => {
  const github = await fake(t);
  const body = `${commentMarker('x')}\n${'€'.repeat(30_000)}`;
  await assert.rejects(upsertComment(client(github), options(body, 'x')), /The comment is 90020 bytes, over GitHub's 65536 limit/);
  assert.equal(github.requests.length, 0, 'refused before sending');
});
