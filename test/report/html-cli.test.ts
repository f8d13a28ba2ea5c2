// `perfgate compare BASE HEAD --html FILE` as a user runs it: the CLI in a child process writes the HTML report of
// the comparison of two saved runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeRunResult } from '../../src/results/write.ts';
import { runCli } from '../helpers/run-cli.ts';
import { budgetsOnly } from './fixture.ts';

test('perfgate compare --html writes the comparison as an HTML report', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-html-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'a.json'), serializeRunResult(budgetsOnly()));
  await writeFile(join(dir, 'b.json'), serializeRunResult(budgetsOnly({ target: 'http://user:pw@127.0.0.1:9' })));
  const { code, stderr } = await runCli(['compare', 'a.json', 'b.json', '--html', 'out/report.html'], { cwd: dir });
  assert.ok(code === 0 || code === 1, stderr);
  const html = await readFile(join(dir, 'out/report.html'), 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<h3>Head vs base<\/h3>/, 'the saved runs were compared');
  assert.match(html, /aria-label="Each metric: the change head vs base/);
  assert.doesNotMatch(html, /user:pw/);
});
