// The fake's own checks must bite: a response or request that strays from GitHub's description is caught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { operation } from './openapi.ts';
import { FakeGitHub } from './fake-github.ts';

test("GitHub's description rejects what the real API would never send or accept", () => {
  const create = operation('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments');
  assert.deepEqual(create.request({ body: 'hi' }), []);
  assert.match(create.request({ text: 'hi' }).join('\n'), /must have required property 'body'/);
  assert.match(create.request({ body: 42 }).join('\n'), /must be string/);
  assert.match(create.response(201, { id: 1, body: 'x' }).join('\n'), /must have required property 'node_id'/);
  assert.match(create.response(299, {}).join('\n'), /status 299 is not documented/);
  const list = operation('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments');
  assert.deepEqual(list.query('per_page', 100), []);
  assert.match(list.query('per_page', 'many').join('\n'), /must be integer/);
  assert.match(list.query('perpage', 1).join('\n'), /unknown query parameter perpage/);
});

test('the fake records a malformed request as a violation', async (t) => {
  const github = await FakeGitHub.start();
  t.after(() => github.close());
  github.addPullRequest('acme/shop', 1);
  const response = await fetch(`${github.url}/repos/acme/shop/issues/1/comments`, {
    method: 'POST',
    headers: { authorization: 'token bot-token', 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'not the right field' }),
  });
  assert.equal(response.status, 422);
  assert.match(github.violations.join('\n'), /request: \/ must have required property 'body'/);
  const unknown = await fetch(`${github.url}/repos/acme/shop/pulls/1/reviews`, { headers: { authorization: 'token bot-token' } });
  assert.equal(unknown.status, 404);
  assert.match(github.violations.join('\n'), /an endpoint the fake does not serve/);
});

test('pagination follows GitHub: per_page capped at 100, Link header with next and last', async (t) => {
  const github = await FakeGitHub.start();
  t.after(() => github.close());
  github.addPullRequest('acme/shop', 1);
  github.seedComments('acme/shop', 1, 250);
  const response = await fetch(`${github.url}/repos/acme/shop/issues/1/comments?per_page=500&page=2`, {
    headers: { authorization: 'token bot-token' },
  });
  const page = (await response.json()) as Array<{ body: string }>;
  assert.equal(page.length, 100);
  assert.equal(page[0]!.body, 'comment 100');
  const link = response.headers.get('link')!;
  assert.match(link, /page=3>; rel="next"/);
  assert.match(link, /page=3>; rel="last"/);
  assert.match(link, /page=1>; rel="prev"/);
  assert.deepEqual(github.violations, []);
});
