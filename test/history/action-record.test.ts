// The action records only on a push to the repository's default branch (record: true anywhere else is ignored).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPushToDefaultBranch, type GitHubContext } from '../../src/github/context.ts';

function context(eventName: string, defaultBranch?: string): GitHubContext {
  return {
    eventName,
    repository: 'o/r',
    owner: 'o',
    repo: 'r',
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    payload: defaultBranch === undefined ? {} : { repository: { default_branch: defaultBranch } },
  };
}

test('a push to the default branch is recorded; another branch, a pull request or no payload is not', () => {
  assert.equal(isPushToDefaultBranch(context('push', 'main'), { GITHUB_REF: 'refs/heads/main' }), true);
  assert.equal(isPushToDefaultBranch(context('push', 'trunk'), { GITHUB_REF: 'refs/heads/trunk' }), true);
  assert.equal(isPushToDefaultBranch(context('push', 'main'), { GITHUB_REF: 'refs/heads/feature' }), false);
  assert.equal(isPushToDefaultBranch(context('push', 'main'), { GITHUB_REF: 'refs/tags/main' }), false);
  assert.equal(isPushToDefaultBranch(context('pull_request', 'main'), { GITHUB_REF: 'refs/heads/main' }), false);
  assert.equal(isPushToDefaultBranch(context('push'), { GITHUB_REF: 'refs/heads/main' }), false);
});
