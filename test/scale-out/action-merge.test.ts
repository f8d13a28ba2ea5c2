// The Action's merge input (#14): the matrix's final job merges the downloaded results files instead of running,
// and reports like a run (outputs, results written, the step failed by a failing verdict); an incomplete matrix
// fails the step with the reason. No perf file is needed in that job.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_COMPARE } from '../../src/config/load.ts';
import { runActionEntry } from '../../src/github/run-action.ts';
import type { RunResult } from '../../src/result.ts';
import { serializeRunResult } from '../../src/results/write.ts';
import { familyOf } from '../../src/scale-out/family.ts';
import { recordingIo } from '../github/recording-io.ts';
import { scenario } from '../helpers/scenario.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { runResult } from '../report/fixture.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/github');

async function mergeJob(shards: number[]) {
  const dir = await tempDir('perfgate-action-merge-');
  const github = { repository: 'acme/shop', pullRequest: 7, headSha: 'b'.repeat(40) };
  const whole = runResult({ github });
  const family = familyOf(
    whole.scenarios.map((s) => scenario({ name: s.name, durationMs: 10_000 })),
    { ...DEFAULT_COMPARE, pairs: 3, minPairs: 3 },
    'paired',
  );
  // As actions/download-artifact lays them out: a folder per artifact, each with its results.json.
  for (const index of shards) {
    const shard: RunResult = { ...whole, scenarios: [whole.scenarios[index - 1]!], shard: { index, count: 2 }, family };
    await mkdir(join(dir, 'shards', `perfgate-shard-${index}`), { recursive: true });
    await writeFile(join(dir, 'shards', `perfgate-shard-${index}`, 'results.json'), serializeRunResult(shard));
  }
  const io = recordingIo();
  await runActionEntry({
    cwd: dir,
    io,
    env: {
      GITHUB_WORKSPACE: dir,
      RUNNER_TEMP: join(dir, 'tmp'),
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: join(FIXTURES, 'pull_request.json'),
      GITHUB_REPOSITORY: 'acme/shop',
      INPUT_MERGE: 'shards',
      INPUT_COMMENT: 'off',
    },
  });
  return { io, dir };
}

test('merge: shards/ holds both shards: one result, written where a run writes it, the step failed by its verdict', async () => {
  const { io, dir } = await mergeJob([1, 2]);
  assert.equal(io.outputs.verdict, 'fail');
  assert.equal(io.outputs.results, join(dir, 'tmp/perfgate/results.json'));
  const merged = JSON.parse(await readFile(io.outputs.results!, 'utf8')) as RunResult;
  assert.deepEqual(
    merged.scenarios.map((s) => s.name),
    ['list posts', 'health'],
  );
  assert.deepEqual(merged.merged, { files: 2, shards: 2, pools: 1 });
  assert.match(io.failed!, /^perfgate: /);
});

test('merge: a shard missing fails the step with the reason', async () => {
  const { io } = await mergeJob([1]);
  assert.equal(io.failed, 'perfgate merge: shard 2/2 is missing: a merged verdict needs every file of the matrix');
  assert.equal(io.outputs.verdict, undefined);
});
