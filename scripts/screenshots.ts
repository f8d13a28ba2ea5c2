// Makes docs/report.png and docs/comment.png: the HTML report and the PR comment (GFM + Mermaid, as GitHub renders
// it) of the example's comparison (test/report/html-fixture.ts), in headless Chromium (Debian's package). Run
// `node scripts/screenshots.ts` after changing either; it needs devDependencies (puppeteer-core, mermaid, micromark)
// and Chromium, and writes nothing else.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderHtml } from '../src/report/html.ts';
import { renderMarkdown } from '../src/report/markdown.ts';
import { chromiumOrSkip, launch, watchedPage } from '../test/helpers/chromium.ts';
import { commentPage } from '../test/report/comment-page.ts';
import { exampleComparison } from '../test/report/html-fixture.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chromium = chromiumOrSkip('screenshot');
if (chromium.skip) process.exit(1);

const dir = await mkdtemp(join(tmpdir(), 'perfgate-shots-'));
const browser = await launch(chromium.path!);
try {
  const file = join(dir, 'report.html');
  await writeFile(file, await renderHtml(exampleComparison()));
  const { page, problems } = await watchedPage(browser, 1100);
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  if (problems.errors.length > 0) throw new Error(`the report did not render cleanly: ${problems.errors.join('; ')}`);
  // The top of the report: the verdict, the sweep and the first (regressed) scenario with all its charts.
  const out = join(root, 'docs/report.png');
  await page.screenshot({ path: out as `${string}.png`, clip: { x: 0, y: 0, width: 1100, height: 2600 } });
  console.log(`wrote ${out}`);

  const comment = join(dir, 'comment.html');
  await writeFile(comment, commentPage(renderMarkdown(exampleComparison(), {})));
  const shown = await watchedPage(browser, 900);
  await shown.page.goto(pathToFileURL(comment).href, { waitUntil: 'load' });
  await shown.page.waitForSelector('body[data-rendered]', { timeout: 60_000 });
  const rendered = await shown.page.$eval('body', (b) => b.getAttribute('data-rendered'));
  if (rendered !== 'ok' || shown.problems.errors.length > 0)
    throw new Error(`the comment did not render: ${rendered} ${shown.problems.errors.join('; ')}`);
  const commentOut = join(root, 'docs/comment.png');
  await shown.page.screenshot({ path: commentOut as `${string}.png`, fullPage: true });
  console.log(`wrote ${commentOut}`);
} finally {
  await browser.close();
  await rm(dir, { recursive: true, force: true });
}
