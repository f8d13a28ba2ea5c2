// Headless Chromium for the report tests and scripts/screenshots.ts: Debian's package (apt-get install chromium;
// .ci/run installs it), driven by puppeteer-core, which downloads no browser of its own. Without it, a loud reason to
// skip (never a silent pass).
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

const CANDIDATES = [process.env.PERFGATE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumOrSkip(what: string): { path?: string; skip: string | false } {
  const path = CANDIDATES.find((p): p is string => Boolean(p) && existsSync(p!));
  if (path) return { path, skip: false };
  const skip = `no Chromium (looked for ${CANDIDATES.filter(Boolean).join(', ')}; apt-get install -y chromium), so the ${what} tests cannot run`;
  console.error(`\n*** SKIPPING ${what} tests: ${skip}\n`);
  return { skip };
}

export async function launch(path: string): Promise<Browser> {
  return puppeteer.launch({
    executablePath: path,
    headless: true,
    // As root (CI runs so) Chromium needs --no-sandbox; nothing but our own local files is opened.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none'],
  });
}

/** What went wrong on a page while it loaded: uncaught errors, console errors, requests that failed or left the machine. */
export interface PageProblems {
  errors: string[];
  requests: string[];
}

/** A page that records its script errors, console errors and every request it makes, before anything loads. */
export async function watchedPage(browser: Browser, width = 1100): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage();
  await page.setViewport({ width, height: 900, deviceScaleFactor: 1 });
  const problems: PageProblems = { errors: [], requests: [] };
  page.on('pageerror', (error) => problems.errors.push(`pageerror: ${(error as Error).message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.errors.push(`console: ${message.text()}`);
  });
  page.on('requestfailed', (request) => problems.errors.push(`request failed: ${request.url()}`));
  page.on('request', (request) => problems.requests.push(request.url()));
  return { page, problems };
}
