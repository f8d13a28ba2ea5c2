import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOutputs } from '../../src/report/write-outputs.ts';
import { runResult } from './fixture.ts';

test('writes JSON, Markdown and CSV, creating directories', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-out-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const result = runResult();
  const paths = { json: join(dir, 'a/b/results.json'), markdown: join(dir, 'c/report.md'), csv: join(dir, 'd/e/results.csv') };
  await writeOutputs(result, { ...paths, markdownOptions: { key: 'k' } });
  const json = await readFile(paths.json, 'utf8');
  assert.deepEqual(JSON.parse(json), result);
  assert.match(json, /^\{\n {2}"schemaVersion": 1,/, 'pretty-printed');
  const md = await readFile(paths.markdown, 'utf8');
  assert.match(md, /^<!-- perfgate:k -->/);
  assert.match(md, /<summary>Per-round data/);
  const csv = await readFile(paths.csv, 'utf8');
  assert.match(csv, /^scenario,verdict,connections,/);
});

test('writes nothing when no path is given', async () => {
  await writeOutputs(runResult(), {});
});
