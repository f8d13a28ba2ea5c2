import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.ts';
import { checkOutputPaths, checkWritable, writeOutputs } from '../../src/report/write-outputs.ts';
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
  assert.match(csv, /^scenario,entry,verdict,connections,/);
});

test('writes nothing when no path is given', async () => {
  await writeOutputs(runResult(), {});
});

test('a path that cannot be written is refused in one line naming the file and why, and checking creates no file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-out-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'perf.yaml');
  await writeFile(file, 'version: 1\n');
  const under = join(file, 'report.md');
  const refused = (message: string) => (error: unknown) => error instanceof UsageError && error.message === message;

  await assert.rejects(
    checkOutputPaths({ json: join(dir, 'ok.json'), markdown: under }),
    refused(`cannot write the markdown report to ${under}: a part of its path is a file, not a directory`),
  );
  await assert.rejects(checkOutputPaths({ csv: dir }), refused(`cannot write the CSV to ${dir}: it is a directory`));
  await assert.rejects(
    checkWritable(join(file, 'deeper', 'calibration.json'), 'calibration'),
    refused(`cannot write the calibration to ${join(file, 'deeper', 'calibration.json')}: a part of its path is a file, not a directory`),
  );
  // The same words when a write itself fails (the path went bad after the check): never a stack.
  await assert.rejects(
    writeOutputs(runResult(), { markdown: under }),
    refused(`cannot write the markdown report to ${under}: a part of its path is a file, not a directory`),
  );

  const fine = { json: join(dir, 'new/dir/results.json'), html: join(dir, 'report.html') };
  await checkOutputPaths(fine);
  assert.deepEqual((await readdir(dir)).sort(), ['new', 'perf.yaml'], 'directories are made, as the first write would; no file');
  assert.deepEqual(await readdir(join(dir, 'new/dir')), []);
});
