import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readContext, resultGitHub } from '../../src/github/context.ts';
import { defaultCommentKey, getInputs, getReportInputs, Input } from '../../src/github/inputs.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/github');

test('inputs: defaults as action.yml documents them', () => {
  const inputs = getInputs({ GITHUB_WORKSPACE: '/w', RUNNER_TEMP: '/rt' }, '/elsewhere');
  assert.deepEqual(inputs, {
    config: ['perf'],
    configText: 'perf',
    base: undefined,
    pairs: undefined,
    token: '',
    comment: 'always',
    commentKey: undefined,
    failOnInconclusive: false,
    workingDirectory: '/w',
    target: undefined,
    scenarios: undefined,
    resultsDir: '/rt/perfgate',
    record: false,
    historyBranch: 'perfgate-history',
    html: '/rt/perfgate/report.html',
  });
});

test('inputs: every name is read from its INPUT_ variable, trimmed and parsed', () => {
  const env = {
    GITHUB_WORKSPACE: '/w',
    INPUT_CONFIG: ' perf/api.yaml, perf/search.yaml ',
    INPUT_BASE: 'origin/release',
    INPUT_PAIRS: '12',
    'INPUT_GITHUB-TOKEN': 'ghs_x',
    INPUT_COMMENT: 'on-change',
    'INPUT_COMMENT-KEY': 'api',
    'INPUT_FAIL-ON-INCONCLUSIVE': 'TRUE',
    'INPUT_WORKING-DIRECTORY': 'services/api',
    INPUT_TARGET: 'http://127.0.0.1:8080',
    INPUT_SCENARIOS: 'list posts\nhealth\n',
    'INPUT_RESULTS-DIR': 'out',
    INPUT_RECORD: 'true',
    'INPUT_HISTORY-BRANCH': 'perf-history',
    INPUT_HTML: 'reports/perf.html',
    INPUT_SHARD: '2/3',
    INPUT_POOL: ' 1/2 ',
    INPUT_MERGE: 'shards\nextra.json',
  };
  const inputs = getInputs(env, '/');
  assert.deepEqual(inputs.config, ['perf/api.yaml', 'perf/search.yaml']);
  assert.equal(inputs.base, 'origin/release');
  assert.equal(inputs.pairs, 12);
  assert.equal(inputs.token, 'ghs_x');
  assert.equal(inputs.comment, 'on-change');
  assert.equal(inputs.commentKey, 'api');
  assert.equal(inputs.failOnInconclusive, true);
  assert.equal(inputs.workingDirectory, '/w/services/api');
  assert.equal(inputs.target, 'http://127.0.0.1:8080');
  assert.deepEqual(inputs.scenarios, ['list posts', 'health']);
  assert.equal(inputs.resultsDir, '/w/services/api/out');
  assert.equal(inputs.record, true);
  assert.equal(inputs.historyBranch, 'perf-history');
  assert.equal(inputs.html, '/w/services/api/reports/perf.html');
  assert.deepEqual(inputs.shard, { index: 2, count: 3 });
  assert.deepEqual(inputs.pool, { index: 1, count: 2 });
  assert.deepEqual(inputs.merge, ['/w/services/api/shards', '/w/services/api/extra.json']);
  assert.equal(Object.values(Input).length, 17);
});

test('inputs: a bad value is one clear message naming the input', () => {
  assert.throws(() => getInputs({ INPUT_PAIRS: '1' }), /Input pairs must be a whole number of at least 2, got "1"/);
  assert.throws(() => getInputs({ INPUT_PAIRS: 'ten' }), /Input pairs must be a whole number/);
  assert.throws(() => getInputs({ INPUT_COMMENT: 'sometimes' }), /Input comment must be one of always, on-change, off, got "sometimes"/);
  assert.throws(() => getInputs({ 'INPUT_FAIL-ON-INCONCLUSIVE': 'yes' }), /Input fail-on-inconclusive must be true or false, got "yes"/);
  assert.throws(() => getReportInputs({}), /Input results is required/);
  assert.throws(() => getInputs({ INPUT_SHARD: '3/2' }), /Input shard must be i\/n \(e.g. 2\/3\): i must be 1 to 2, got 3\./);
});

test('the default comment key is workflow/job/config, with the working directory when set', () => {
  assert.equal(defaultCommentKey({ GITHUB_WORKFLOW: 'CI', GITHUB_JOB: 'perf' }, 'perf'), 'CI/perf/perf');
  assert.equal(defaultCommentKey({ GITHUB_WORKFLOW: 'CI', GITHUB_JOB: 'perf' }, 'perf', 'services/api'), 'CI/perf/services/api:perf');
});

test('context: a pull_request event from the same repository', () => {
  const context = readContext({
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: join(FIXTURES, 'pull_request.json'),
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_RUN_ID: '99',
    GITHUB_RUN_ATTEMPT: '2',
  });
  assert.deepEqual(context.pullRequest, { number: 7, headSha: 'b'.repeat(40), baseRef: 'main', fromFork: false });
  assert.equal(context.owner, 'acme');
  assert.equal(context.repo, 'shop');
  assert.equal(context.runUrl, 'https://github.com/acme/shop/actions/runs/99/attempts/2');
  assert.deepEqual(resultGitHub(context, 'k'), {
    repository: 'acme/shop',
    pullRequest: 7,
    headSha: 'b'.repeat(40),
    runId: '99',
    runUrl: 'https://github.com/acme/shop/actions/runs/99/attempts/2',
    commentKey: 'k',
  });
});

test('context: a fork, a deleted fork, a push, GHES URLs', async (t) => {
  const fork = readContext({
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: join(FIXTURES, 'pull_request_fork.json'),
    GITHUB_REPOSITORY: 'acme/shop',
  });
  assert.equal(fork.pullRequest?.fromFork, true);

  const dir = await mkdtemp(join(tmpdir(), 'perfgate-ctx-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const deleted = JSON.parse(JSON.stringify(await import(join(FIXTURES, 'pull_request_fork.json'), { with: { type: 'json' } }))).default;
  deleted.pull_request.head.repo = null;
  await writeFile(join(dir, 'deleted.json'), JSON.stringify(deleted));
  assert.equal(
    readContext({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: join(dir, 'deleted.json') }).pullRequest?.fromFork,
    true,
  );

  await writeFile(join(dir, 'push.json'), JSON.stringify({ ref: 'refs/heads/main', after: 'c'.repeat(40) }));
  const push = readContext({
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: join(dir, 'push.json'),
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SERVER_URL: 'https://ghe.example.com/',
    GITHUB_API_URL: 'https://ghe.example.com/api/v3/',
  });
  assert.equal(push.pullRequest, undefined);
  assert.equal(resultGitHub(push), undefined);
  assert.equal(push.apiUrl, 'https://ghe.example.com/api/v3');
  assert.equal(push.serverUrl, 'https://ghe.example.com');

  await writeFile(join(dir, 'bad.json'), JSON.stringify({ pull_request: { number: '7', head: { sha: 'x' } } }));
  assert.throws(() => readContext({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: join(dir, 'bad.json') }), /no valid PR number/);
  await writeFile(join(dir, 'broken.json'), '{');
  assert.throws(() => readContext({ GITHUB_EVENT_PATH: join(dir, 'broken.json') }), /is not valid JSON/);
  assert.throws(() => readContext({ GITHUB_REPOSITORY: 'not a repo' }), /must look like owner\/repo/);
});
