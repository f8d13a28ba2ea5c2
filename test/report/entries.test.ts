// A mix's entries in every report (#11): each entry's figures beside the total, one comment line per entry that
// failed, changed or is undecided, the entry named in the headline, and its annotations at its own lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resultAnnotations } from '../../src/github/annotations.ts';
import { metricsOf } from '../../src/metrics.ts';
import { renderCsv } from '../../src/report/csv.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderMarkdown, verdictDigest } from '../../src/report/markdown.ts';
import { renderTerminal } from '../../src/report/terminal.ts';
import type { ComparisonEntry, EntryResult, RunResult, ScenarioResult } from '../../src/result.ts';
import { outcomes } from '../helpers/outcomes.ts';
import { measurement, runResult } from './fixture.ts';

const change = (verdict: ComparisonEntry['verdict'], base: number, head: number, change: number): ComparisonEntry => ({
  base,
  head,
  change,
  low: change * 0.8,
  high: change * 1.2,
  confidence: 0.99,
  p: 0.001,
  alpha: 0.005,
  tolerance: 0.1,
  mde: 0.15,
  verdict,
});

function entry(name: string, p99: number, extra: Partial<EntryResult> = {}): EntryResult {
  const m = measurement({
    outcomes: outcomes(1000),
    latency: { min: 0.5, p50: p99 / 2, p90: p99, p95: p99, p99, p999: p99, max: p99, mean: p99 / 2 },
    qps: 100,
  });
  return { name, metrics: metricsOf(m), outcomes: m.outcomes, ...extra };
}

function mixedRun(): RunResult {
  const slow = entry('GET /slow', 9, {
    budgets: [
      {
        metric: 'p99',
        op: '<=',
        limit: 5,
        value: 9,
        pass: false,
        status: 'fail',
        text: '<= 5ms',
        reason: 'p99 was 9.00 ms, over the <= 5ms budget',
        at: { file: 'perf/api.yaml', line: 14, col: 16 },
      },
    ],
    comparison: { qps: change('unchanged', 100, 100, 0), p99: change('regression', 5, 9, 0.8) },
    at: { file: 'perf/api.yaml', line: 11, col: 9 },
  });
  const fast = entry('GET /fast', 1, {
    comparison: { qps: change('unchanged', 300, 300, 0), p99: change('unchanged', 1, 1, 0.01) },
    at: { file: 'perf/api.yaml', line: 8, col: 9 },
  });
  const m = measurement({ outcomes: outcomes(2000) });
  const scenario: ScenarioResult = {
    name: 'mixed',
    verdict: 'fail',
    connections: 8,
    metrics: metricsOf(m),
    measurement: m,
    budgets: [],
    comparison: { p99: change('unchanged', 4, 4, 0) },
    entries: [fast, slow],
    warnings: [],
    at: { file: 'perf/api.yaml', line: 4, col: 5 },
  };
  return runResult({ verdict: 'fail', scenarios: [scenario], base: { ref: 'main', sha: 'a'.repeat(40) } });
}

test('the comment has the entries beside the total, and one line per entry that failed or changed, naming it', () => {
  const md = renderMarkdown(mixedRun());
  assert.match(
    md,
    /^### ❌ perfgate: p99 9\.00 ms breaks budget &lt;= 5ms in <code>mixed<\/code> › GET \/slow; p99 regressed 80% in <code>mixed<\/code> › GET \/slow$/m,
  );
  assert.ok(md.includes('| mix entry | QPS | p50 | p99 | ok / requests |'), md);
  assert.ok(md.includes('| <code>GET /slow</code> | 100 req/s | 4.50 ms | 9.00 ms | 1,000/1,000 |'), md);
  assert.ok(md.includes('- ❌ <code>GET /slow</code>: p99 9.00 ms breaks budget &lt;= 5ms, p99 +80% (regression)\n'), md);
  assert.ok(!md.includes('<code>GET /fast</code>:'), 'an unchanged entry has no line');
});

test('the terminal lists every entry with its figures, and what failed in it', () => {
  const text = renderTerminal(mixedRun(), { color: false });
  assert.match(text, /^ {2}Mix entries$/m);
  assert.match(
    text,
    /^ {4}GET \/slow +100 req\/s +4\.50 ms +9\.00 ms +1,000\/1,000 +p99 9\.00 ms breaks budget <= 5ms, p99 \+80% \(regression\)$/m,
  );
  assert.match(text, /^ {4}GET \/fast +100 req\/s +0\.500 ms +1\.00 ms +1,000\/1,000 *$/m);
  assert.match(text, /perfgate: p99 9\.00 ms breaks budget <= 5ms in "mixed" › GET \/slow/);
});

test("an entry's failed budget is annotated at its own line, its regression at the entry's line", () => {
  const annotations = resultAnnotations(mixedRun(), { cwd: '/w', workspace: '/w' });
  const budget = annotations.find((a) => a.properties.title === 'perfgate: p99 budget failed')!;
  assert.deepEqual(budget, {
    level: 'error',
    message: 'p99 9.00 ms breaks the budget <= 5ms in "mixed" › GET /slow: p99 was 9.00 ms, over the <= 5ms budget',
    properties: { title: 'perfgate: p99 budget failed', file: 'perf/api.yaml', startLine: 14, startColumn: 16 },
  });
  const regression = annotations.find((a) => a.properties.title === 'perfgate: p99 regressed')!;
  assert.equal(regression.level, 'error');
  assert.deepEqual(regression.properties, { title: 'perfgate: p99 regressed', file: 'perf/api.yaml', startLine: 11, startColumn: 9 });
  assert.match(regression.message, /^p99 regressed in "mixed" › GET \/slow \(5\.00 ms → 9\.00 ms, \+80%/);
  assert.equal(annotations.length, 2, 'nothing for the unchanged entry or metric');
});

test('the HTML report has a table of the entries', async () => {
  const html = await renderHtml(mixedRun());
  assert.ok(html.includes('<h3>Mix entries</h3>'));
  assert.ok(html.includes('<span class="badge fail">p99 9.00 ms breaks budget &lt;= 5ms, p99 +80% (regression)</span>'), html);
});

test("the comment's verdict digest changes with an entry's verdict (comment: on-change), not with its figures", () => {
  const run = mixedRun();
  const fixed = mixedRun();
  fixed.scenarios[0]!.entries![1]!.comparison!.p99 = change('unchanged', 5, 5, 0);
  assert.notEqual(verdictDigest(run), verdictDigest(fixed));
  const noisier = mixedRun();
  noisier.scenarios[0]!.entries![1]!.metrics.p99 = 9.5;
  noisier.scenarios[0]!.entries![1]!.comparison!.p99!.change = 0.9;
  assert.equal(verdictDigest(run), verdictDigest(noisier));
});

test("the CSV has a row per entry after its scenario's, with the entry's own figures and nothing of the whole scenario's", () => {
  const run = mixedRun();
  const scenario = run.scenarios[0]!;
  scenario.measurement.entries = [
    {
      name: 'GET /fast',
      outcomes: outcomes(1000),
      latency: { ...scenario.measurement.latency, min: 0.25 },
      qps: 100,
      bytesPerSec: 25_000,
      bytesPerResponse: 250,
    },
  ];
  const [header, ...rows] = renderCsv(run)
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
  const get = (row: string[], name: string) => row[header!.indexOf(name)];
  assert.deepEqual(
    rows.map((row) => [get(row, 'scenario'), get(row, 'entry')]),
    [
      ['mixed', ''],
      ['mixed', 'GET /fast'],
      ['mixed', 'GET /slow'],
    ],
  );
  const [whole, fast, slow] = rows as [string[], string[], string[]];
  assert.equal(get(whole, 'requests_total'), '2000');
  assert.equal(get(fast, 'requests_total'), '1000');
  assert.equal(get(slow, 'p99'), '9');
  assert.equal(get(slow, 'budgets_failed'), '1');
  assert.equal(get(slow, 'verdict_p99'), 'regression');
  assert.equal(get(slow, 'change_p99'), '0.8');
  assert.equal(get(fast, 'latency_min_ms'), '0.25');
  assert.equal(get(fast, 'bytes_per_response'), '250');
  assert.equal(get(slow, 'bytes_per_response'), '', 'no window part recorded for it');
  // The scenario's window is the entries' too; what only the whole scenario has stays on its row.
  assert.equal(get(fast, 'connections'), '8');
  assert.equal(get(fast, 'duration_ms'), get(whole, 'duration_ms'));
  for (const column of ['verdict', 'generator_cpu_cores', 'generator_saturated']) {
    assert.notEqual(get(whole, column), '', column);
    assert.equal(get(fast, column), '', column);
  }
});
