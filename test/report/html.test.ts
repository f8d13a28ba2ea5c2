// The HTML report as text: self-contained (no script, nothing fetched), user text inert, every section present,
// and small enough for 10 scenarios. test/report/html-browser.test.ts opens it in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeHtml } from '../../src/report/escape.ts';
import { renderHtml } from '../../src/report/html.ts';
import { writeOutputs } from '../../src/report/write-outputs.ts';
import { budgetsOnly, listPosts, measurement, runResult } from './fixture.ts';
import { exampleComparison, tenScenarios } from './html-fixture.ts';

const HOSTILE = '<img src=x onerror=alert(1)> "q" \'s\' & <script>alert(2)</script> \u202Egnp.exe';

/** Every URL-ish reference in the document other than SVG's own namespace names. */
function references(html: string): string[] {
  return [...html.matchAll(/(?:src|href|xlink:href|url)\s*[=(]\s*["']?([^"')\s>]*)/gi)]
    .map((m) => m[1]!)
    .filter((ref) => !ref.startsWith('#'));
}

test('the report is one self-contained document: no script, nothing loaded from anywhere', async () => {
  const html = await renderHtml(exampleComparison());
  assert.match(html, /^<!doctype html>\n<html lang="en">/);
  assert.doesNotMatch(html, /<script|<link|<iframe|<object|<embed|@import|<img/i);
  assert.deepEqual(references(html), [], 'only in-page anchors');
  // The only absolute URLs are the SVG namespace names, which are never fetched, and the target, as text.
  const urls = [...html.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0]);
  assert.deepEqual([...new Set(urls)].sort(), ['http://app:3000', 'http://www.w3.org/1999/xlink', 'http://www.w3.org/2000/svg']);
  assert.match(html, /Target <code>http:\/\/app:3000<\/code>/);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
});

test('per scenario: budgets, the comparison with its intervals, the latency curve, the pairs and the outcomes', async () => {
  const result = exampleComparison();
  const html = await renderHtml(result);
  const sections = html.split(/<h2 id="scenario-\d+">/).slice(1);
  assert.equal(sections.length, result.scenarios.length);
  const listPosts = sections[0]!;
  assert.match(listPosts, /<h3>Budgets<\/h3>/);
  assert.match(listPosts, /<h3>Head vs base<\/h3>/);
  assert.match(
    listPosts,
    /aria-label="Each metric: the change head vs base with its confidence interval, against the shaded tolerance band"/,
  );
  assert.match(
    listPosts,
    /aria-label="Latency percentiles p50 to p99\.9 in milliseconds on a log scale: base, median of rounds, head, median of rounds, head, whole run"/,
  );
  assert.match(listPosts, /aria-label="QPS and p99 latency of each interleaved pair/);
  assert.match(listPosts, /<h3>Outcomes<\/h3>/);
  assert.match(listPosts, /regressed: 52% lower/);
  // The scenario with checks: the failure and the body as text.
  const checked = sections[2]!;
  assert.match(checked, /3,000 responses failed their check \(expect\)/);
  assert.match(checked, /failed their check \(expect\)<\/td><td class="n">3,000<\/td>/);
  assert.match(checked, /<pre>\{&quot;code&quot;:500,&quot;error&quot;:&quot;&lt;db timeout&gt;&quot;\}<\/pre>/);
  // The sweep, once, with its knee.
  assert.equal(html.match(/<h2>Sweep /g)?.length, 1);
  assert.match(
    html,
    /aria-label="Throughput and p99 latency against connections on zero-based axes; the knee at 50 connections is dashed"/,
  );
});

test('value axes start at zero: the pairs and the sweep label a 0 tick; the latency axis says it is a log scale', async () => {
  const html = await renderHtml(exampleComparison());
  const svgs = [...html.matchAll(/<svg [\s\S]*?<\/svg>/g)].map((m) => m[0]);
  const zeroBased = svgs.filter((s) => /aria-label="(QPS and p99|Throughput)/.test(s));
  assert.equal(zeroBased.length, 3);
  // Each of their two panels has a value axis with a tick labelled 0 (and an x axis that may too).
  for (const svg of zeroBased) assert.ok((svg.match(/>0<\/text>/g) ?? []).length >= 2, svg.slice(0, 120));
  for (const svg of svgs.filter((s) => s.includes('aria-label="Latency'))) assert.match(svg, />latency \(ms, log scale\)<\/text>/);
});

test('budgets only: no comparison chart, no pairs chart, still the latency curve', async () => {
  const html = await renderHtml(budgetsOnly());
  assert.doesNotMatch(html, /Head vs base|per pair|Sweep/);
  assert.equal(html.match(/aria-label="Latency percentiles/g)?.length, 2);
  assert.match(html, /on a log scale: this run"/);
});

test('user text is inert: names, refs, reasons, warnings, bodies and the target', async () => {
  const s = listPosts();
  s.name = HOSTILE;
  s.budgets[0]!.reason = HOSTILE;
  s.budgets[0]!.text = HOSTILE;
  s.warnings = [HOSTILE];
  s.error = HOSTILE;
  s.measurement.outcomes.checkFailures = 1;
  s.measurement.outcomes.checks = {
    checked: 1,
    skipped: 0,
    failures: [{ status: 200, reason: HOSTILE, body: `${HOSTILE}\nline 2`, count: 1 }],
  };
  s.diagnosis = {
    postgres: {
      statementsPerRequest: { base: 1, head: 3 },
      rowsPerRequest: { base: 1, head: 1 },
      execMsPerRequest: { base: 0.1, head: 0.1 },
      blocksReadPerRequest: { base: 0, head: 0 },
      top: [
        { query: `SELECT '${HOSTILE}'`, callsPerRequest: { base: 0, head: 2 }, execMsPerRequest: { base: 0, head: 0.05 }, newInHead: true },
      ],
    },
  };
  const result = runResult({
    scenarios: [s],
    target: 'http://user:s3cret@10.0.0.1:3000',
    head: { ref: HOSTILE, sha: 'b'.repeat(40) },
    warnings: [HOSTILE],
    comparisonSkipped: HOSTILE,
  });
  const html = await renderHtml(result);
  assert.doesNotMatch(html, /<img|<script|onerror=alert\(1\)>|\u202E/i);
  assert.doesNotMatch(html, /s3cret/);
  assert.match(html, /http:\/\/\*\*\*@10\.0\.0\.1:3000/);
  assert.ok(html.includes(escapeHtml(HOSTILE)), 'the name reads as written');
  assert.match(html, /\\u202Egnp\.exe/, 'a bidi override is shown, not obeyed');
  assert.match(html, /<code>SELECT &#39;&lt;img/, 'the quoted statement is escaped inside its <code>');
  assert.match(html, /line 2<\/pre>/, "a body's line breaks are kept in its <pre>");
});

test('escapeHtml: the five special characters, invisible ones shown, line breaks by choice', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  assert.equal(escapeHtml('a\nb\u200Bc'), 'a b\\u200Bc');
  assert.equal(escapeHtml('a\r\nb', true), 'a\nb');
});

test('10 scenarios of 30 pairs each, with a sweep, stay under 1 MB', async () => {
  const html = await renderHtml(tenScenarios());
  const bytes = Buffer.byteLength(html);
  assert.ok(bytes < 1_000_000, `${bytes} bytes`);
  assert.equal(html.match(/<svg /g)?.length, 10 * 3 + 3 + 1, 'three charts per compared scenario, a curve per sweep level, the sweep');
});

test('edge cases render: no scenarios, an interrupted run, a scenario that could not be measured', async () => {
  const none = await renderHtml(runResult({ scenarios: [], verdict: 'inconclusive', interrupted: 'SIGINT' }));
  assert.match(none, /Interrupted by SIGINT/);
  const failed = listPosts();
  failed.error = 'the target died';
  failed.measurement = measurement({
    qps: 0,
    latency: { min: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 },
    outcomes: { total: 0, success: 0, httpErrors: 0, failures: 0, byStatus: {}, byFailure: { timeout: 0, refused: 0, reset: 0, other: 0 } },
  });
  delete failed.rounds;
  const html = await renderHtml(runResult({ scenarios: [failed] }));
  assert.match(html, /Could not be measured: the target died/);
  assert.doesNotMatch(html, /aria-label="Latency/, 'no curve without a latency');
});

test('the same result renders to the same bytes', async () => {
  assert.equal(await renderHtml(exampleComparison()), await renderHtml(exampleComparison()));
});

test('writeOutputs writes the HTML report with the target redacted', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-html-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'a/report.html');
  await writeOutputs(runResult({ target: 'http://user:pw@example.test' }), { html: path });
  const html = await readFile(path, 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /http:\/\/\*\*\*@example\.test/);
});
