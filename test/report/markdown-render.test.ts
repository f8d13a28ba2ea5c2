// Renders the report with a GFM parser (micromark + GFM, raw HTML allowed as GitHub allows it) and checks the
// structure a reader would see: hostile names stay text, tables keep their columns, links are only ours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { listPosts, runResult } from './fixture.ts';

const render = (markdown: string) => micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });

const HOSTILE =
  '<img src=x onerror=alert(1)> **bold** _em_ ~~del~~ | pipe `tick` [click](https://evil.example) ' +
  '<script>x</script> ![i](https://evil.example/i.png) <details open> https://evil.example/path @octocat #1';

test('a hostile scenario name renders as plain text, in every place it appears', () => {
  const s = listPosts();
  s.name = HOSTILE;
  s.budgets[0]!.reason = `slow because of ${HOSTILE}`;
  s.warnings = [HOSTILE];
  const html = render(renderMarkdown(runResult({ scenarios: [s] }), { runUrl: 'https://github.com/acme/shop/actions/runs/1' }));

  assert.doesNotMatch(html, /<img|<script|<details open/i, 'no element comes from the name');
  assert.doesNotMatch(html, /<strong>bold<\/strong>|<em>em<\/em>|<del>del<\/del>/, 'no formatting from the name');
  const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(hrefs, ['https://github.com/acme/shop/actions/runs/1'], 'the only link is ours');
  // The name is visible as text (entities decoded by a browser).
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt; \*\*bold\*\*/);
  assert.match(html, /@\u200Boctocat #\u200B1/);
});

test('tables keep their columns whatever the names contain', () => {
  const s = listPosts();
  s.name = HOSTILE;
  s.budgets[1]!.text = '>= 1000 | injected';
  const html = render(renderMarkdown(runResult({ scenarios: [s] })));
  const tables = html
    .split('<table>')
    .slice(1)
    .map((t) => t.split('</table>')[0]!);
  assert.ok(tables.length >= 2, 'the scenario table and the per-round table');
  for (const table of tables) {
    const rows = table.match(/<tr>[\s\S]*?<\/tr>/g)!;
    const widths = new Set(rows.map((row) => (row.match(/<t[hd][ >]/g) ?? []).length));
    assert.equal(widths.size, 1, `every row has the same number of cells: ${[...widths]}`);
  }
  assert.match(html, /<td>✅ &gt;= 1000 \| injected<\/td>/);
});

test('the chart is a mermaid code block and the details are collapsible', () => {
  const html = render(renderMarkdown(runResult()));
  assert.match(html, /<pre><code class="language-mermaid">%%\{init: [^\n]*\}%%\nxychart-beta\n/);
  assert.match(html, /<details><summary>Per-round data<\/summary>/);
  assert.match(html, /<details><summary>How this was measured<\/summary>/);
  assert.match(html, /<h3>❌ perfgate: /);
});
