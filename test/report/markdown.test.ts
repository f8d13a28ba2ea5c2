import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  commentMarker,
  DEFAULT_MAX_LENGTH,
  readVerdictDigest,
  renderMarkdown,
  sanitizeKey,
  verdictDigest,
} from '../../src/report/markdown.ts';
import type { RunResult, ScenarioResult } from '../../src/result.ts';
import { budgetsOnly, health, listPosts, runResult } from './fixture.ts';

const ZWSP = '\u200B';

test('the headline names the problem in one line', () => {
  const md = renderMarkdown(runResult());
  const headline = md.split('\n').find((l) => l.startsWith('### '));
  assert.equal(
    headline,
    '### ❌ perfgate: p99 412 ms breaks budget &lt;= 250ms in <code>list posts</code>; QPS regressed 15% in <code>list posts</code> and 1 more',
  );
});

test('headline for a clean pass and for an inconclusive run', () => {
  const clean = listPosts();
  clean.verdict = 'pass';
  clean.budgets = clean.budgets.filter((b) => b.status === 'pass');
  clean.comparison = { p99: { ...clean.comparison!.p99!, verdict: 'unchanged', change: 0.01 } };
  const pass = renderMarkdown(runResult({ verdict: 'pass', scenarios: [clean, { ...health(), comparison: clean.comparison }] }));
  assert.match(pass, /^### ✅ perfgate: all 2 scenarios within budget, no regression$/m);

  const undecided = listPosts();
  undecided.verdict = 'inconclusive';
  undecided.budgets = [];
  undecided.comparison = { p99: { ...undecided.comparison!.p95!, verdict: 'inconclusive' } };
  const inconclusive = renderMarkdown(runResult({ verdict: 'inconclusive', scenarios: [undecided] }));
  assert.match(inconclusive, /^### ⚠️ perfgate: inconclusive — p99 change undecided in <code>list posts<\/code>$/m);
  assert.match(inconclusive, /\*\*p99\*\* change undecided: too few pairs for a 95% confidence interval; the change was \+1\.2%/);
});

test('comparison table: metric | budget | base | head | change | verdict, concurrency next to QPS', () => {
  const md = renderMarkdown(runResult());
  assert.match(md, /\| metric \| budget \| base \| head \| change \(CI\) \| verdict \|/);
  assert.match(
    md,
    /\| QPS @ 50 conn \| ✅ &gt;= 1000 \| 1,301 req\/s \| 1,101 req\/s \| −15% \(−17% … −14%\) \| ❌ regressed: 15% lower \|/,
  );
  assert.match(md, /\| p99 \| ❌ &lt;= 250ms \(was 412 ms\) \| 350 ms \| 412 ms \| \+18% \(\+10% … \+25%\) \| ❌ regressed: 18% slower \|/);
  assert.match(md, /\| success rate \| ⚠️ &gt;= 99\.9% \(was 99\.68%\) \| — \| 99\.68% \| — \| not compared \|/);
  // The rates in percent, their change in percentage points; an undecided metric says what it could have detected.
  assert.match(md, /\| HTTP error rate \| — \| 0\.2% \| 0\.2% \| ±0 pp \(−0\.03 pp … \+0\.03 pp\) \| ✅ no change beyond ±0\.05 pp \|/);
  assert.match(
    md,
    /\| client failure rate \| — \| 0% \| 0% \| ±0 pp \(−0\.11 pp … \+0\.11 pp\) \| ⚠️ inconclusive \(could detect ≥ 0\.16 pp\) \|/,
  );
  assert.match(md, /\*\*client failure rate\*\* change undecided: .*changes of 0\.16 pp or more could be detected/);
  // Each CI's level is in the method notes.
  assert.match(md, /p99 p=0\.002 \(α=0\.017, tolerance ±10%, CI 96\.7%\)/);
  assert.match(md, /client failure rate p=1\.00 \(α=0\.01, tolerance ±0\.05 pp, CI 98%\)/);
});

test('a rate regression reads in percentage points, and notes show on any verdict', () => {
  const s = listPosts();
  s.budgets = [];
  s.comparison = {
    failure_rate: { ...s.comparison!.failure_rate!, head: 0.02, change: 0.02, low: 0.018, high: 0.022, verdict: 'regression', p: 1e-9 },
    p50: {
      ...s.comparison!.p50!,
      reason: 'head had 1,000 client failures (base 0); failed requests are in the latency at the time they took to fail',
    },
  };
  delete s.comparison.failure_rate!.reason;
  const md = renderMarkdown(runResult({ scenarios: [s] }));
  assert.match(md, /^### ❌ perfgate: client failure rate regressed 2 pp in <code>list posts<\/code>$/m);
  assert.match(md, /\| client failure rate \| — \| 0% \| 2% \| \+2 pp \(\+1\.8 pp … \+2\.2 pp\) \| ❌ regressed: 2 pp higher \|/);
  assert.match(md, /- ✅ \*\*p50\*\* change unchanged: head had 1,000 client failures \\\(base 0\\\)/);
});

test('budgets-only table: metric | budget | value | status, and no chart', () => {
  const md = renderMarkdown(budgetsOnly());
  assert.match(md, /\| metric \| budget \| value \| status \|/);
  assert.match(md, /\| p99 \| &lt;= 250ms \| 412 ms \| ❌ fail \|/);
  assert.match(md, /\| QPS @ 50 conn \| &gt;= 1000 \| 1,231 req\/s \| ✅ pass \|/);
  assert.doesNotMatch(md, /xychart-beta/);
  assert.doesNotMatch(md, /Per-round data/);
});

test('outcomes, reasons, saturation and server cost are all shown', () => {
  const md = renderMarkdown(runResult());
  assert.match(md, /30 HTTP errors \(500 ×25, 503 ×5\), 10 failures \(timeout ×7, connection reset ×3\)/);
  assert.match(md, /\*\*success rate\*\* budget undecided: too few requests to tell a 99\.9% success rate apart/);
  assert.match(md, /The load generator was saturated/);
  assert.match(md, /server 0\.520 CPU-ms\/request, peak memory 128\.0 MiB/);
});

test('a Mermaid chart of each pair, base and head, on a zero-based axis; collapsible details', () => {
  const md = renderMarkdown(runResult(), { runUrl: 'https://github.com/o/r/actions/runs/7' });
  const chart = md.slice(md.indexOf('```mermaid'), md.indexOf('```', md.indexOf('```mermaid') + 3));
  assert.match(chart, /plotColorPalette": "#0969da, #cf222e"/);
  assert.match(chart, /title "list posts @50: QPS per pair \(blue base, red head\)"/);
  assert.match(chart, /x-axis "pair" \[1, 2, 3\]/);
  assert.match(chart, /y-axis "req\/s" 0 --> \d+/);
  assert.equal(chart.match(/^ {2}line \[/gm)?.length, 2);
  assert.doesNotMatch(md, /: base vs head"/);
  assert.match(md, /<details><summary>Per-round data<\/summary>[\s\S]*\| 2 \| head \| second \| 1,102 \|/);
  assert.match(md, /<details><summary>How this was measured<\/summary>[\s\S]*3 interleaved pairs[\s\S]*seed <code>seed-42<\/code>/);
  assert.match(md, /Start-up: app build 12\.3 s · postgres 2\.1 s/);
  assert.match(md, /\[workflow run\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/7\)/);
});

test('hidden marker per key and a verdict digest that ignores noise', () => {
  const md = renderMarkdown(runResult(), { key: 'ci/perf/api' });
  assert.ok(md.startsWith(`${commentMarker('ci/perf/api')}\n`));
  assert.equal(commentMarker('a b<!-->'), '<!-- perfgate:a_b__-_ -->');
  assert.equal(sanitizeKey('--'), '-');
  assert.equal(readVerdictDigest(md), verdictDigest(runResult()));

  const noisy = runResult();
  noisy.scenarios[0]!.comparison!.p99!.head = 415;
  noisy.scenarios[0]!.measurement.qps = 1250;
  assert.equal(verdictDigest(noisy), verdictDigest(runResult()), 'figures alone do not change the digest');
  const flipped = runResult();
  flipped.scenarios[0]!.comparison!.p99!.verdict = 'unchanged';
  assert.notEqual(verdictDigest(flipped), verdictDigest(runResult()));
});

const HOSTILE = '<img src=x onerror=alert(1)> **bold** | pipe @octocat #123 [click](http://evil.example) `tick` ~del~ _u_ www.evil.example';

test('user-provided names are escaped for Markdown and HTML and ping no one', () => {
  const s = listPosts();
  s.name = HOSTILE;
  s.budgets[0]!.reason = `p99 of ${HOSTILE} was too slow`;
  const result = runResult({ scenarios: [s], config: ['perf/@admin.yaml'], base: { ref: 'main|@team', sha: 'a'.repeat(40) } });
  const md = renderMarkdown(result);
  assert.doesNotMatch(md, /<img/);
  assert.match(md, /&lt;img src=x onerror=alert\\\(1\\\)&gt;/);
  assert.doesNotMatch(md, /@octocat|@admin|@team/, 'mentions are broken by a zero-width space');
  assert.match(md, new RegExp(`@${ZWSP}octocat`));
  assert.doesNotMatch(md, /#123/);
  assert.match(md, new RegExp(`\\\\#${ZWSP}123`));
  assert.doesNotMatch(md, /\[click\]\(/);
  assert.doesNotMatch(md, /http:\/\/evil|www\.evil/);
  assert.match(md, /\\\*\\\*bold\\\*\\\* \\\| pipe/);
  assert.match(md, /\\`tick\\` \\~del\\~ \\_u\\_/);
  // The table rows still have exactly their 7 unescaped cell separators.
  for (const row of md.split('\n').filter((l) => l.startsWith('| QPS') || l.startsWith('| p99'))) {
    assert.equal(row.match(/(?<!\\)\|/g)?.length, 7, row);
  }
  // Mermaid titles and labels are reduced to plain characters.
  for (const line of md.split('\n').filter((l) => /^ {2}(title|x-axis|y-axis)/.test(l))) {
    for (const label of line.match(/"[^"]*"/g)!) assert.match(label, /^"[A-Za-z0-9 _./:…@(),-]+"$/, label);
  }
});

test('line breaks in a name cannot end a table row or start a block', () => {
  const s = listPosts();
  s.name = 'a\n| injected | row |\n# heading';
  const md = renderMarkdown(runResult({ scenarios: [s] }));
  assert.doesNotMatch(md, /^# heading/m);
  assert.doesNotMatch(md, /^\| injected/m);
});

function manyScenarios(count: number, nameLength = 30): RunResult {
  const scenarios: ScenarioResult[] = [];
  for (let i = 0; i < count; i++) {
    const s = listPosts();
    s.name = `scenario ${i} `.padEnd(nameLength, 'x');
    s.verdict = i === count - 1 ? 'fail' : 'pass';
    if (s.verdict === 'pass') s.budgets = s.budgets.filter((b) => b.status === 'pass');
    scenarios.push(s);
  }
  return runResult({ scenarios });
}

test('a large report first drops per-round data, then collapses tables, always under the limit', () => {
  const full = renderMarkdown(manyScenarios(3));
  assert.match(full, /<summary>Per-round data/);

  const medium = renderMarkdown(manyScenarios(30));
  assert.ok(medium.length <= DEFAULT_MAX_LENGTH, `${medium.length}`);
  assert.doesNotMatch(medium, /<summary>Per-round data/);
  assert.match(medium, /\| metric \| budget \| base \| head/);
  assert.match(medium, /Per-round data is left out to fit GitHub's comment size limit/);

  const large = renderMarkdown(manyScenarios(150), { runUrl: 'https://github.com/o/r/actions/runs/9' });
  assert.ok(large.length <= DEFAULT_MAX_LENGTH, `${large.length}`);
  assert.doesNotMatch(large, /\| metric \| budget \| base/);
  assert.match(large, /\| ❌ \| <code>scenario 149 x+<\/code> \| 1,231 req\/s @ 50 conn · p99 412 ms/);
  assert.match(large, /Shortened to one line per scenario .* \[job summary\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/9\)/);
});

test('a huge report keeps the failures, names what it left out and fits', () => {
  const huge = renderMarkdown(manyScenarios(3000, 110), { summaryUrl: 'https://github.com/o/r/actions/runs/9/attempts/1' });
  assert.ok(huge.length <= DEFAULT_MAX_LENGTH, `${huge.length}`);
  assert.match(huge, /^### ❌ perfgate:/m);
  assert.match(huge, /^- ❌ <code>scenario 2999 x+<\/code>/m, 'the failing scenario is listed first');
  assert.match(huge, /…and \d+ more scenarios/);
  assert.match(huge, /Shortened to the verdict/);

  const tiny = renderMarkdown(runResult(), { maxLength: 300 });
  assert.ok(tiny.length <= 300, `${tiny.length}`);
  assert.match(tiny, /Truncated to fit GitHub's comment size limit/);
});

test('an error, an aborted window and a skipped comparison are reported, not hidden', () => {
  const s = health();
  s.verdict = 'fail';
  s.error = 'target died: connection refused';
  s.measurement.aborted = 'SIGINT';
  const md = renderMarkdown(budgetsOnly({ scenarios: [s], comparisonSkipped: 'the base could not be built' }));
  assert.match(md, /^### ❌ perfgate: <code>health<\/code> could not be measured$/m);
  assert.match(md, /Could not be measured: target died: connection refused/);
  assert.match(md, /Measurement cut short: SIGINT/);
  assert.match(md, /Comparison with the base skipped: the base could not be built/);
});
