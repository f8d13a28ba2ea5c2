// The report sub-action posts the comment from a merged file (#14): a matrix's final job merges the shards' files and
// uploads the result, which perfgate/report reads like any run's, with the checks it makes of any file.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_COMPARE } from '../../src/config/load.ts';
import { runReportAction } from '../../src/github/report-results.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import type { RunResult } from '../../src/result.ts';
import { serializeRunResult } from '../../src/results/write.ts';
import { familyOf } from '../../src/scale-out/family.ts';
import { mergeRuns } from '../../src/scale-out/merge.ts';
import { FakeGitHub } from '../github/fake-github.ts';
import { recordingIo } from '../github/recording-io.ts';
import { scenario } from '../helpers/scenario.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { runResult } from '../report/fixture.ts';

const HEAD = 'b'.repeat(40);
const REPO = 'acme/shop';

test('perfgate/report posts the merged result of two shards: one comment, the merged verdict', async (t) => {
  const github = { repository: REPO, pullRequest: 7, headSha: HEAD, runId: '42', runUrl: 'https://github.com/acme/shop/actions/runs/42' };
  const whole = runResult({ github });
  const family = familyOf(
    whole.scenarios.map((s) => scenario({ name: s.name, durationMs: 10_000 })),
    { ...DEFAULT_COMPARE, pairs: 3, minPairs: 3 },
    'paired',
  );
  const shard = (index: number): RunResult => ({ ...whole, scenarios: [whole.scenarios[index - 1]!], shard: { index, count: 2 }, family });
  const merged = mergeRuns([
    { file: 'shard-1.json', result: shard(1) },
    { file: 'shard-2.json', result: shard(2) },
  ]);

  const fake = await FakeGitHub.start();
  t.after(() => fake.close());
  fake.addPullRequest(REPO, 7, HEAD);
  const dir = await tempDir('perfgate-report-merged-');
  const event = {
    action: 'completed',
    workflow_run: { id: 42, head_sha: HEAD, event: 'pull_request', pull_requests: [{ number: 7 }], repository: { full_name: REPO } },
  };
  await writeFile(join(dir, 'event.json'), JSON.stringify(event));
  await mkdir(join(dir, 'perfgate'));
  await writeFile(join(dir, 'perfgate/merged.json'), serializeRunResult(merged));
  const io = recordingIo();
  await runReportAction({
    env: {
      GITHUB_EVENT_NAME: 'workflow_run',
      GITHUB_EVENT_PATH: join(dir, 'event.json'),
      GITHUB_REPOSITORY: REPO,
      GITHUB_API_URL: fake.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_WORKSPACE: dir,
      GITHUB_WORKFLOW: 'perf report',
      GITHUB_JOB: 'report',
      INPUT_RESULTS: 'perfgate/merged.json',
      'INPUT_GITHUB-TOKEN': 'bot-token',
      INPUT_COMMENT: 'always',
    },
    cwd: dir,
    io,
  });
  assert.equal(io.failed, undefined);
  assert.equal(io.outputs.verdict, merged.verdict);
  const comments = fake.commentsOn(REPO, 7);
  assert.equal(comments.length, 1);
  for (const s of whole.scenarios) assert.ok(comments[0]!.body.includes(s.name), s.name);
  assert.ok(renderMarkdown(merged).includes('list posts'));
  assert.deepEqual(fake.violations, []);
});
