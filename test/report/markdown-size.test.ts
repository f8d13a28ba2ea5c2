// The Markdown report's size is counted as GitHub counts its limits: in UTF-8 bytes, not JavaScript characters
// (an emoji is 2 characters and 4 bytes, a CJK character 1 and 3). A shortened report says so, and a cut never
// splits a character, a table row or the marker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commentMarker, DEFAULT_MAX_LENGTH, JOB_SUMMARY_MAX_LENGTH, renderMarkdown, utf8Bytes } from '../../src/report/markdown.ts';
import type { RunResult, ScenarioResult } from '../../src/result.ts';
import { listPosts, runResult } from './fixture.ts';

/** `count` scenarios named in 3-byte characters; the last one fails. */
function wideNames(count: number, name = (i: number) => `性能测试场景${i}`.padEnd(40, '性')): RunResult {
  const scenarios: ScenarioResult[] = [];
  for (let i = 0; i < count; i++) {
    const s = listPosts();
    s.name = name(i);
    s.verdict = i === count - 1 ? 'fail' : 'pass';
    if (s.verdict === 'pass') s.budgets = s.budgets.filter((b) => b.status === 'pass');
    scenarios.push(s);
  }
  return runResult({ scenarios });
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

test('the comment cap counts UTF-8 bytes: wide names shorten the report sooner than their characters would', () => {
  for (const count of [10, 40, 160, 640]) {
    const md = renderMarkdown(wideNames(count));
    assert.ok(utf8Bytes(md) <= DEFAULT_MAX_LENGTH, `${count} scenarios: ${utf8Bytes(md)} bytes`);
    assert.ok(md.startsWith(`${commentMarker()}\n`));
  }
  // 160 scenarios' tables are under 65,000 characters but over 65,000 bytes: only bytes see that they do not fit.
  const md = renderMarkdown(wideNames(160));
  assert.match(md, /to fit GitHub's comment size limit/);
});

test('the job summary is capped at 1,000,000 bytes (GitHub allows 1 MiB per step), and says it was shortened', () => {
  const result = wideNames(2000, (i) => `${'性能'.repeat(40)} ${i}`);
  const summary = renderMarkdown(result, { maxLength: JOB_SUMMARY_MAX_LENGTH, fits: 'job summary' });
  const bytes = utf8Bytes(summary);
  assert.ok(bytes <= JOB_SUMMARY_MAX_LENGTH && bytes < 1024 * 1024, `${bytes} bytes`);
  assert.ok(summary.length < bytes, 'characters undercount this report');
  assert.match(summary, /to fit GitHub's job summary size limit\. The full report is in the results JSON\./);
  assert.doesNotMatch(summary, /The full report is in the \[job summary\]/, 'a summary does not point at itself');
});

test('the last-resort cut keeps whole characters and lines, the marker, and a note after a blank line', () => {
  // Emoji (surrogate pairs) everywhere a cut could fall: the headline names the failing scenario.
  const result = wideNames(3, (i) => `${'🚀'.repeat(50)}${i}`);
  for (let max = 260; max <= 420; max++) {
    const md = renderMarkdown(result, { maxLength: max, key: 'ci/perf' });
    const where = `maxLength ${max}`;
    assert.ok(utf8Bytes(md) <= max, `${where}: ${utf8Bytes(md)} bytes`);
    assert.doesNotMatch(md, LONE_SURROGATE, `${where}: no half of a surrogate pair`);
    assert.ok(!md.includes('\uFFFD'), `${where}: no replacement character`);
    assert.ok(md.startsWith(`${commentMarker('ci/perf')}\n`), `${where}: the marker stays`);
    assert.match(md, /\n\n> \[!NOTE\]\n> Truncated to fit GitHub's comment size limit\. The full report is in the job summary/, where);
  }
});

test('a long name is clipped between characters, never between the halves of an emoji', () => {
  const md = renderMarkdown(wideNames(1, () => '🚀'.repeat(100)));
  const headline = md.split('\n').find((l) => l.startsWith('### '))!;
  assert.match(headline, /🚀…/);
  assert.doesNotMatch(md, LONE_SURROGATE);
});
