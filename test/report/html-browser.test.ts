// The HTML report opened as a reader opens it: the file in headless Chromium, offline. Every chart must have drawn
// its marks, nothing may error, and the page may request nothing but itself. Skips loudly without Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import type { RunResult } from '../../src/result.ts';
import { renderHtml } from '../../src/report/html.ts';
import { chromiumOrSkip, launch, watchedPage } from '../helpers/chromium.ts';
import { budgetsOnly } from './fixture.ts';
import { exampleComparison, tenScenarios } from './html-fixture.ts';

const chromium = chromiumOrSkip('HTML report (browser)');
let browser: Browser | undefined;
let dir = '';

before(async () => {
  if (chromium.skip) return;
  dir = await mkdtemp(join(tmpdir(), 'perfgate-html-browser-'));
  browser = await launch(chromium.path!);
});
after(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface ChartFacts {
  label: string;
  width: number;
  height: number;
  /** The data's drawn shapes with a size (not the axes' or the legend's): lines and symbols, bars and bands, rules. */
  marks: number;
  /** The kinds of mark groups (line, symbol, rect, rule), each with at least one drawn shape. */
  kinds: string[];
}

/** The part of an SVG shape element the page function reads (the tests compile without the DOM's types). */
interface Shape {
  tagName: string;
  getAttribute(name: string): string | null;
  getBBox(): { width: number; height: number };
}

async function open(result: RunResult, name: string) {
  const file = join(dir, name);
  await writeFile(file, await renderHtml(result));
  const { page, problems } = await watchedPage(browser!);
  const url = pathToFileURL(file).href;
  await page.goto(url, { waitUntil: 'load' });
  const charts: ChartFacts[] = await page.$$eval('svg', (svgs) =>
    svgs.map((svg) => {
      const box = svg.getBoundingClientRect();
      const drawn = (el: Shape) => {
        if (el.tagName === 'path' && !(el.getAttribute('d') ?? '').replace(/[M0,.hvZ\s-]/g, '')) return false;
        const b = el.getBBox();
        return b.width > 0 || b.height > 0;
      };
      const groups = [...svg.querySelectorAll('g[data-mark]')].map((g) => ({
        kind: g.getAttribute('data-mark')!,
        shapes: [...g.querySelectorAll('path, rect, line')].filter((el) => drawn(el as unknown as Shape)).length,
      }));
      return {
        label: svg.getAttribute('aria-label') ?? '',
        width: box.width,
        height: box.height,
        marks: groups.reduce((n, g) => n + g.shapes, 0),
        kinds: [...new Set(groups.filter((g) => g.shapes > 0).map((g) => g.kind))].sort(),
      };
    }),
  );
  const scripts = await page.$$eval('script', (s) => s.length);
  await page.close();
  return { charts, problems, url, scripts };
}

test("the example's comparison: every chart drew its marks, no error, no request but the file", { skip: chromium.skip }, async () => {
  const { charts, problems, url, scripts } = await open(exampleComparison(), 'example.html');
  assert.deepEqual(problems.errors, []);
  assert.deepEqual(problems.requests, [url], 'nothing fetched: no CDN, no font, no image');
  assert.equal(scripts, 0, 'no script needed to read it');
  // 1 sweep + per compared scenario (2) intervals, curve, pairs + a curve for each of the other 5.
  assert.equal(charts.length, 1 + 2 * 3 + 5);
  for (const chart of charts) {
    assert.ok(chart.width > 100 && chart.height > 80, `${chart.label}: drawn at ${chart.width}×${chart.height}`);
    assert.ok(chart.marks >= 3, `${chart.label}: ${chart.marks} marks`);
  }
  const kinds = (prefix: string) => charts.filter((c) => c.label.startsWith(prefix)).map((c) => c.kinds.join(' '));
  assert.deepEqual(kinds('Each metric'), ['rect rule symbol', 'rect rule symbol'], 'bands, intervals, estimates');
  assert.deepEqual(kinds('Latency percentiles'), Array(7).fill('line symbol'), 'a line with its points per series');
  assert.deepEqual(kinds('QPS and p99'), ['line symbol', 'line symbol']);
  assert.deepEqual(kinds('Throughput'), ['line rule symbol'], 'the curve and the knee');
  const pairs = charts.find((c) => c.label.startsWith('QPS and p99'))!;
  assert.equal(pairs.marks, 2 * (2 + 2 * 12), 'two panels: a line per arm and a point per round');
});

test('budgets only, and 10 scenarios of 30 pairs: every chart drew its marks', { skip: chromium.skip }, async () => {
  for (const [name, result] of [
    ['budgets.html', budgetsOnly()],
    ['ten.html', tenScenarios()],
  ] as const) {
    const { charts, problems } = await open(result, name);
    assert.deepEqual(problems.errors, [], name);
    assert.ok(charts.length > 0, name);
    for (const chart of charts)
      assert.ok(chart.marks >= 3 && chart.kinds.includes('symbol'), `${name}: ${chart.label}: ${chart.marks} marks`);
  }
});
