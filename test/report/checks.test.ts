// Check failures (expect:) in the outcome breakdown: counted as HTTP errors of kind check, the first few distinct
// failures shown with their bodies, escaped; sampling said when it left responses out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Outcomes } from '../../src/result.ts';
import { formatOutcomes } from '../../src/report/format.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { renderTerminal } from '../../src/report/terminal.ts';
import { listPosts, measurement, runResult } from './fixture.ts';

const checked: Outcomes = {
  total: 3000,
  success: 2000,
  httpErrors: 1000,
  failures: 0,
  byStatus: { '200': 3000 },
  byFailure: { timeout: 0, refused: 0, reset: 0, other: 0 },
  checkFailures: 1000,
  checks: {
    checked: 3000,
    skipped: 0,
    failures: [
      { status: 200, reason: '$.code is 500, expected 0', body: '{"code":500}', count: 999 },
      { request: 1, status: 200, reason: 'body is not JSON', body: '<script>@admin</script>\u001b[31m', count: 1 },
    ],
  },
};

function withOutcomes(outcomes: Outcomes) {
  return runResult({ scenarios: [{ ...listPosts(), measurement: measurement({ outcomes }) }] });
}

test('formatOutcomes counts check failures with the HTTP errors', () => {
  assert.equal(formatOutcomes(checked), '3,000 requests: 2,000 ok, 1,000 HTTP errors (check ×1,000), 0 failures');
});

test('the terminal lists the distinct failures, bodies quoted and without control characters', () => {
  const text = renderTerminal(withOutcomes(checked), { color: false });
  assert.match(text, /Checks +1,000 responses failed their check \(expect\)/);
  assert.match(text, /status 200: \$\.code is 500, expected 0 ×999 — body: "\{\\"code\\":500\}"/);
  assert.match(text, /mix entry 2, status 200: body is not JSON ×1 — body: "<script>@admin<\/script>\\u001b\[31m"/);
  assert.ok(!text.includes('\u001b'), 'no raw escape from a response body reaches the terminal');
});

test('Markdown lists them under the scenario, escaped; sampling is said', () => {
  const md = renderMarkdown(withOutcomes({ ...checked, checks: { ...checked.checks!, checked: 2000, skipped: 1000 } }));
  assert.ok(md.includes('1,000 HTTP errors (check ×1,000)'));
  assert.ok(
    md.includes('- ⚠️ 1,000 responses failed their check \\(expect\\); body and header checks ran on 2,000 of 3,000 responses'),
    md,
  );
  assert.ok(md.includes('  - status 200: $.code is 500, expected 0 ×999: <code>{"code":500}</code>'), md);
  assert.ok(md.includes('<code>&lt;script&gt;@\u200Badmin&lt;/script&gt;'), 'the body is inert: no HTML, no mention');
  assert.ok(!renderMarkdown(runResult()).includes('failed their check'), 'nothing without expect');
});
