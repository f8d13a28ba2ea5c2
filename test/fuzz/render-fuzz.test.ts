// Property-based fuzzing of every renderer (issue #9): hostile strings (HTML, Markdown syntax, the comment marker,
// mentions, links, table pipes, line breaks, control, bidi and zero-width characters) in every user-provided field
// of a result, seeded. Markdown: no element, link or comment of the input's own, tables keep their columns, the
// marker once; terminal: no escape sequence or control character; CSV: every record has every column and no
// formula; annotations: plain lines. Nowhere a raw bidi control, and zero-width input is shown, not hidden.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { resultAnnotations } from '../../src/github/annotations.ts';
import { CSV_HEADERS, renderCsv } from '../../src/report/csv.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { renderTerminal } from '../../src/report/terminal.ts';
import type { RunResult } from '../../src/result.ts';
import { health, listPosts, runResult } from '../report/fixture.ts';

const SEED = 90_010;
const RUNS = 1000;
const RUN_URL = 'https://github.com/acme/shop/actions/runs/1';

const render = (markdown: string) => micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });

const PIECES = [
  '<img src=x onerror=alert(1)>',
  '<script>x</script>',
  '<details open>',
  '</table>',
  '<!-- perfgate:default -->',
  '<!--',
  '-->',
  '**b**',
  '_e_',
  '~~d~~',
  '`t`',
  '```',
  '[l](https://evil.example)',
  '![i](https://evil.example/i.png)',
  'https://evil.example',
  'www.evil.example',
  '@octocat',
  '@acme/team',
  '#1',
  'GH-2',
  'acme/shop#3',
  '|',
  '||',
  '\\|',
  '\n',
  '\r\n',
  '\n\n| a | b |\n|---|---|\n',
  '\t',
  '&amp;',
  '&#60;',
  '=cmd()',
  '+1',
  '-1',
  '@SUM(A1)',
  '"',
  "'",
  ',',
  ':',
  '>',
  '> [!NOTE]',
  '# h',
  '- item',
  '1. item',
  '\u202E',
  '\u202D',
  '\u202A',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200E',
  '\u200F',
  '\u061C',
  '\u200B',
  '\u200C',
  '\u200D',
  '\u2060',
  '\uFEFF',
  '\u00AD',
  '\u2028',
  '\u2029',
  '\u0000',
  '\u0007',
  '\u0008',
  '\u001b',
  '\u001b[2J',
  '\u001b]8;;https://evil.example\u0007',
  '\u009b',
  '\u007f',
  '\uD800',
  '\u{E0041}',
  'exe.png',
  'ok',
  ' ',
  'é',
  '日本',
  '🧑‍💻',
];
const hostile = fc.string({
  unit: fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })),
  maxLength: 8,
});

/** A result with hostile text in every field a user or a results file controls. */
const hostileResult: fc.Arbitrary<RunResult> = fc
  .record({ names: fc.tuple(hostile, hostile), texts: fc.array(hostile, { minLength: 12, maxLength: 12 }) })
  .map(({ names, texts }) => {
    const t = (i: number) => texts[i]!;
    const a = listPosts();
    const b = health();
    a.name = names[0];
    b.name = names[1];
    a.budgets[0]!.text = t(0);
    a.budgets[0]!.reason = t(1);
    a.budgets[2]!.reason = t(2);
    a.warnings = [t(3)];
    a.comparison!.p95!.reason = t(4);
    b.error = t(5);
    return runResult({
      scenarios: [a, b],
      target: t(6),
      base: { ref: t(7), sha: t(8) },
      head: { ref: t(9), sha: 'b'.repeat(40) },
      warnings: [t(10)],
      config: [t(11)],
      environment: { platform: 'linux', cpus: 2, cpuModel: t(11), runner: t(10) },
    });
  });

/** Characters no output may carry raw: bidi controls; and control characters other than line breaks. */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/u;
/** Zero-width and other invisible format characters (Markdown's own ZWSPs are checked apart). */
const INVISIBLE = /[\p{Cf}\p{Cs}]/u;

/** RFC 4180 records: fields split on commas outside quotes, records on CRLF outside quotes. */
function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  assert.equal(quoted, false, 'a quote left open');
  assert.equal(field + record.join(), '', 'the last record ends with CRLF');
  return records;
}

const tagsOf = (html: string) => new Set([...html.matchAll(/<([a-z][a-z0-9]*)/gi)].map((m) => m[1]!.toLowerCase()));
const tableWidths = (html: string) =>
  html
    .split('<table>')
    .slice(1)
    .map(
      (t) => new Set((t.split('</table>')[0]!.match(/<tr>[\s\S]*?<\/tr>/g) ?? []).map((row) => (row.match(/<t[hd][ >]/g) ?? []).length)),
    );

test(
  'hostile strings through every renderer: inert Markdown, plain terminal and annotations, whole CSV records',
  { timeout: 120_000 },
  () => {
    const plainReport = renderMarkdown(runResult(), { runUrl: RUN_URL });
    const comments = plainReport.split('<!--').length;
    const benign = render(plainReport);
    const allowedTags = tagsOf(benign);
    const tables = tableWidths(benign).length;
    const counts = { results: 0, markdown: 0, terminal: 0, csv: 0, annotations: 0 };

    fc.assert(
      fc.property(hostileResult, (result) => {
        counts.results++;
        const markdown = renderMarkdown(result, { runUrl: RUN_URL });
        counts.markdown++;
        assert.doesNotMatch(markdown, BIDI, 'a bidi control in the Markdown');
        assert.doesNotMatch(markdown, CONTROL, 'a control character in the Markdown');
        assert.doesNotMatch(markdown.replace(/\u200B/g, ''), INVISIBLE, 'an invisible character in the Markdown');
        assert.equal(markdown.split('<!--').length, comments, 'only our own HTML comments: the marker and the digest');
        assert.match(markdown, /^<!-- perfgate:default -->\n/);
        const html = render(markdown);
        for (const tag of tagsOf(html)) assert.ok(allowedTags.has(tag), `<${tag}> from the input`);
        assert.deepEqual(
          [...html.matchAll(/(?:href|src)="([^"]*)"/g)].map((m) => m[1]),
          [RUN_URL],
          'the only link is ours',
        );
        const widths = tableWidths(html);
        assert.equal(widths.length, tables, 'every table is there, and no other');
        for (const w of widths) assert.equal(w.size, 1, 'every row of a table has the same cells');
        // Outside code blocks (the charts), where GitHub links no mention or reference.
        const prose = html.replace(/<pre>[\s\S]*?<\/pre>/g, '');
        assert.doesNotMatch(prose, /@(?:octocat|acme)|#\d|GH-\d|shop#\d/i, 'a mention or reference that would ping or link');

        for (const color of [false, true]) {
          const terminal = renderTerminal(result, { color });
          counts.terminal++;
          assert.doesNotMatch(terminal.replace(/\u001b\[\d+m/g, color ? '' : '\u001b'), CONTROL, 'a control character in the terminal');
          assert.doesNotMatch(terminal, BIDI, 'a bidi control in the terminal');
          assert.doesNotMatch(terminal, INVISIBLE, 'an invisible character in the terminal');
        }

        const csv = renderCsv(result);
        counts.csv++;
        const records = csvRecords(csv);
        assert.equal(records.length, 1 + result.scenarios.length);
        for (const record of records) assert.equal(record.length, CSV_HEADERS.length, 'a record with every column');
        for (const record of records.slice(1)) {
          for (const column of ['scenario', 'error'])
            assert.doesNotMatch(record[CSV_HEADERS.indexOf(column)]!, /^[=+\-@\t\r]/, 'a formula');
        }
        assert.doesNotMatch(csv, BIDI, 'a bidi control in the CSV');
        assert.doesNotMatch(csv.replace(/\r\n/g, '').replace(/\n/g, ''), CONTROL, 'a control character in the CSV');
        assert.doesNotMatch(csv, INVISIBLE, 'an invisible character in the CSV');

        for (const annotation of resultAnnotations(result, { cwd: '/w', workspace: '/w' })) {
          counts.annotations++;
          for (const text of [annotation.message, annotation.properties.title ?? '']) {
            assert.doesNotMatch(text, BIDI, 'a bidi control in an annotation');
            assert.doesNotMatch(text.replace(/\n/g, ''), CONTROL, 'a control character in an annotation');
            assert.doesNotMatch(text, INVISIBLE, 'an invisible character in an annotation');
          }
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.log(
      `render fuzz (seed ${SEED}): ${counts.results} hostile results through ${counts.markdown} Markdown, ${counts.terminal} terminal, ${counts.csv} CSV renders and ${counts.annotations} annotations, 0 failures`,
    );
    assert.equal(counts.results, RUNS);
  },
);
