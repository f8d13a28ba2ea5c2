import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CSV_HEADERS, csvField, renderCsv } from '../../src/report/csv.ts';
import { listPosts, measurement, runResult } from './fixture.ts';

/** A minimal RFC 4180 reader, to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

test('one row per scenario with every metric, connections, outcomes and server cost', () => {
  const rows = parseCsv(renderCsv(runResult()));
  assert.equal(rows.length, 3);
  const [header, first, second] = rows as [string[], string[], string[]];
  assert.deepEqual(header, [...CSV_HEADERS]);
  const get = (row: string[], name: string) => row[header.indexOf(name)];
  assert.equal(get(first, 'scenario'), 'list posts');
  assert.equal(get(first, 'connections'), '50');
  assert.equal(get(first, 'qps'), '1231');
  assert.equal(get(first, 'p99'), '412.3');
  assert.equal(get(first, 'http_errors'), '30');
  assert.equal(get(first, 'failures_timeout'), '7');
  assert.equal(get(first, 'by_status'), '200:12310 500:25 503:5');
  assert.equal(get(first, 'server_cpu_ms_per_request'), '0.52');
  assert.equal(get(first, 'change_p99'), '0.18');
  assert.equal(get(first, 'verdict_p99'), 'regression');
  assert.equal(get(first, 'ci_low_p95'), '', 'a missing CI is an empty field');
  assert.equal(get(first, 'ci_level_p99'), '0.9667');
  assert.equal(get(first, 'mde_p95'), '', 'no MDE without a CI');
  assert.equal(get(first, 'verdict_failure_rate'), 'inconclusive');
  assert.equal(get(first, 'mde_failure_rate'), '0.0016', 'rates in rate units');
  assert.equal(get(second, 'generator_saturated'), 'true');
  assert.equal(get(second, 'server_peak_memory_bytes'), '');
});

test('open-model, bandwidth and sweep figures have their columns', () => {
  const s = listPosts();
  s.rate = 600;
  s.sweepOf = 'list posts';
  s.measurement = measurement({
    rate: 600,
    achievedRate: 590.5,
    backlog: { unsent: 3, oldestWaitMs: 12 },
    scheduleLag: { p99Ms: 0.8, maxMs: 2 },
    bytesPerResponse: 1250,
  });
  const [header, row] = parseCsv(renderCsv(runResult({ scenarios: [s] }))) as [string[], string[]];
  const get = (name: string) => row[header.indexOf(name)];
  assert.deepEqual(['rate', 'sweep_of', 'bytes_per_response', 'achieved_rate', 'backlog_unsent', 'schedule_lag_p99_ms'].map(get), [
    '600',
    'list posts',
    '1250',
    '590.5',
    '3',
    '0.8',
  ]);
});

test('RFC 4180 quoting, and names cannot become spreadsheet formulas', () => {
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('=HYPERLINK("x")', true), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvField(-1.5), '-1.5', 'numbers are not text');
  const s = listPosts();
  s.name = 'list, "posts"\r\nnext';
  const rows = parseCsv(renderCsv(runResult({ scenarios: [s] })));
  assert.equal(rows.length, 2);
  assert.equal(rows[1]![0], 'list, "posts"\r\nnext');
});
