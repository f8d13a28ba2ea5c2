// The PR comment of a comparison as GitHub renders it: GFM by micromark, ```mermaid by Mermaid (from node_modules), in
// headless Chromium. Every chart's value axis starts at 0, and each per-pair chart draws both lines (base and head,
// one point per pair). Skips loudly without Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { chromiumOrSkip, launch, watchedPage } from '../helpers/chromium.ts';
import { commentPage } from './comment-page.ts';
import { exampleComparison } from './html-fixture.ts';

const chromium = chromiumOrSkip('PR comment (browser)');
let browser: Browser | undefined;
let dir = '';

before(async () => {
  if (chromium.skip) return;
  dir = await mkdtemp(join(tmpdir(), 'perfgate-comment-browser-'));
  browser = await launch(chromium.path!);
});
after(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface XyChart {
  title: string;
  /** The value axis' tick labels, as numbers. */
  ticks: number[];
  /** Per line plot: its stroke colour and how many points its path joins. */
  lines: Array<{ stroke: string; points: number; width: number }>;
}

test('the comment: GFM and Mermaid render, every value axis starts at 0, both per-pair lines drawn', { skip: chromium.skip }, async () => {
  const result = exampleComparison();
  const file = join(dir, 'comment.html');
  await writeFile(file, commentPage(renderMarkdown(result, {})));
  const { page, problems } = await watchedPage(browser!, 900);
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-rendered]', { timeout: 60_000 });
  assert.equal(await page.$eval('body', (b) => b.getAttribute('data-rendered')), 'ok');
  assert.deepEqual(problems.errors, []);
  assert.ok(
    problems.requests.every((url) => url.startsWith('file://')),
    `nothing fetched from a network: ${problems.requests.join(', ')}`,
  );

  const charts: XyChart[] = await page.$$eval('pre.mermaid svg', (svgs) =>
    svgs.map((svg) => ({
      title: svg.querySelector('.chart-title text')?.textContent ?? '',
      ticks: [...svg.querySelectorAll('.left-axis .label text')].map((t) => Number((t.textContent ?? '').replace(/,/g, ''))),
      lines: [...svg.querySelectorAll('[class^="line-plot-"] path')].map((p) => ({
        stroke: p.getAttribute('stroke') ?? '',
        points: ((p.getAttribute('d') ?? '').match(/[ML]/g) ?? []).length,
        width: (p as unknown as { getBBox(): { width: number } }).getBBox().width,
      })),
    })),
  );
  await page.close();

  const perPair = charts.filter((c) => c.title.includes('per pair'));
  assert.equal(perPair.length, 2, `one per compared scenario: ${charts.map((c) => c.title).join(' | ')}`);
  for (const chart of charts) {
    assert.ok(chart.ticks.length >= 2 && chart.ticks.every(Number.isFinite), `${chart.title}: ticks ${chart.ticks.join(', ')}`);
    assert.equal(Math.min(...chart.ticks), 0, `${chart.title}: the value axis starts at 0`);
  }
  const pairs = result.scenarios[0]!.sequential!.pairs;
  for (const chart of perPair) {
    assert.deepEqual(
      chart.lines.map((l) => [l.stroke.toLowerCase(), l.points]),
      [
        ['#0969da', pairs],
        ['#cf222e', pairs],
      ],
      `${chart.title}: base in blue and head in red, a point per pair`,
    );
    for (const line of chart.lines) assert.ok(line.width > 100, `${chart.title}: the line is drawn across the chart`);
  }
});
