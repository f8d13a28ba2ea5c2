// The report sub-action re-reads untrusted results through this schema, which drops keys it does not know: a
// result with every optional field filled must come back unchanged, or a fork's comment silently loses data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRunResult } from '../../src/github/results-schema.ts';
import type { RunResult } from '../../src/result.ts';
import { listPosts, measurement, runResult } from '../report/fixture.ts';

function everything(): RunResult {
  const paced = listPosts();
  paced.name = 'paced @ c=20';
  paced.rate = 500;
  paced.sweepOf = 'paced';
  paced.error = 'the app container exited';
  paced.measurement = measurement({
    rate: 500,
    achievedRate: 410,
    backlog: { unsent: 12, oldestWaitMs: 340.5 },
    scheduleLag: { p99Ms: 1.2, maxMs: 4.5 },
    bytesPerResponse: 1250.5,
    aborted: 'SIGINT',
  });
  paced.budgets = [{ ...paced.budgets[0]!, metric: 'qps', op: '>=', reason: 'the link is too small', link: { bandwidth: 125_000_000, ceiling: 99_960 } }];
  return runResult({
    scenarios: [listPosts(), paced],
    comparisonSkipped: 'the base cannot be built',
    github: { repository: 'o/r', pullRequest: 7, headSha: 'a'.repeat(40), runId: '1', runUrl: 'https://github.com/o/r/actions/runs/1', commentKey: 'k' },
  });
}

test('a result with every optional field passes through the report schema unchanged', () => {
  const original = everything();
  const parsed = parseRunResult(structuredClone(original));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join('; '));
  assert.deepEqual(parsed.result, original);
});
