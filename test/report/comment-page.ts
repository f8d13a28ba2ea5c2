// The PR comment as GitHub shows it, for headless Chromium: GitHub-flavoured Markdown by micromark (raw HTML allowed,
// as GitHub allows its safe subset) and each ```mermaid block drawn by Mermaid, loaded from node_modules through
// file:// (nothing fetched from a network). The page sets body[data-rendered] when Mermaid is done, or failed.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

/** Mermaid's browser bundle, where npm installed it. */
const MERMAID = pathToFileURL(createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js')).href;

const STYLE = `
body{margin:0 auto;max-width:880px;padding:16px 24px;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2328}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d1d9e0;padding:4px 10px}th{background:#f6f8fa}
code{font:12px ui-monospace,Menlo,Consolas,monospace;background:#f6f8fa;padding:1px 4px;border-radius:4px}
blockquote{margin:0;padding:0 12px;border-left:4px solid #d1d9e0;color:#59636e}
pre.mermaid{background:none;text-align:center}details{margin:6px 0}
`;

/** A whole page of the comment's Markdown. */
export function commentPage(markdown: string): string {
  const body = micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] })
    // GitHub draws ```mermaid blocks; micromark leaves them as code. Mermaid reads the element's text (entities decoded).
    .replace(/<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g, '<pre class="mermaid">$1</pre>');
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<style>${STYLE}</style>`,
    `<script src="${MERMAID}"></script>`,
    '</head><body>',
    body,
    '<script>',
    "mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });",
    "mermaid.run({ querySelector: 'pre.mermaid' }).then(",
    "  () => { document.body.dataset.rendered = 'ok'; },",
    "  (error) => { document.body.dataset.rendered = 'error: ' + error; },",
    ');',
    '</script>',
    '</body></html>',
  ].join('\n');
}
