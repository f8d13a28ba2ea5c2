// Every reader of results files goes through the one schema: `perfgate compare` on a truncated or mistyped file is
// one clear error naming the file and the JSON path of the fault, exit 2, never a stack trace.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { main } from '../../src/cli.ts';
import { serializeRunResult } from '../../src/results/write.ts';
import { runResult } from '../report/fixture.ts';

function sink(): NodeJS.WritableStream & { text: string } {
  const stream = { text: '', write: (chunk: string | Uint8Array) => ((stream.text += String(chunk)), true) };
  return stream as unknown as NodeJS.WritableStream & { text: string };
}

async function perfgate(t: TestContext, args: string[], files: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-readers-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  const stdout = sink();
  const stderr = sink();
  const code = await main(args, { stdout, stderr, env: {}, cwd: dir });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const good = serializeRunResult(runResult());

test('perfgate compare on a truncated results file: exit 2, the file and what is wrong, no stack trace', async (t) => {
  const { code, stderr } = await perfgate(t, ['compare', 'base.json', 'head.json'], {
    'base.json': good,
    'head.json': good.slice(0, good.length / 2),
  });
  assert.equal(code, 2);
  assert.match(stderr, /^error: head\.json: not valid JSON \(.+\); expected a file written by perfgate run --json\n/);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
});

test('perfgate compare on a file with a fault deep inside: exit 2, naming its JSON path', async (t) => {
  const json = JSON.parse(good);
  json.scenarios[1].comparison = { p99: { ...json.scenarios[0].comparison.p99, verdict: 'worse' } };
  const { code, stderr } = await perfgate(t, ['compare', 'base.json', 'head.json'], {
    'base.json': JSON.stringify(json),
    'head.json': good,
  });
  assert.equal(code, 2);
  assert.match(stderr, /^error: base\.json: scenarios\[1\]\.comparison\.p99\.verdict: expected one of "regression", .*, got "worse"\n/);
  assert.doesNotMatch(stderr, /\n\s+at /);
});

test('perfgate compare on a results file with the github block of a fork PR still reads (commentKey and all)', async (t) => {
  const withGithub = serializeRunResult(
    runResult({ github: { repository: 'o/r', pullRequest: 3, headSha: 'a'.repeat(40), commentKey: 'k' } }),
  );
  const { code, stderr } = await perfgate(t, ['compare', 'base.json', 'head.json'], { 'base.json': good, 'head.json': withGithub });
  assert.ok(code === 0 || code === 1, stderr);
});
