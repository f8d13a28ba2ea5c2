// Writes the requested report files; creates their directories.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunResult } from '../result.ts';
import { serializeRunResult } from '../results/write.ts';
import { renderCsv } from './csv.ts';
import { renderHtml } from './html.ts';
import { JOB_SUMMARY_MAX_LENGTH, renderMarkdown, type MarkdownOptions } from './markdown.ts';
import { redactUrls } from './redact.ts';

export interface OutputPaths {
  json?: string;
  markdown?: string;
  csv?: string;
  /** The self-contained HTML report (inline SVG charts, no script, no network). */
  html?: string;
  /** For the Markdown file; its length defaults to the job-summary cap, not the comment cap. */
  markdownOptions?: MarkdownOptions;
}

export async function writeOutputs(result: RunResult, paths: OutputPaths): Promise<void> {
  const writes: Array<Promise<void>> = [];
  const write = async (path: string, content: string) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content, 'utf8');
  };
  // A saved run read back (perfgate compare) may predate redaction: its target is redacted here too. Checked to read
  // back through the results schema: what perfgate writes, it can read.
  if (paths.json) writes.push(write(paths.json, serializeRunResult({ ...result, target: redactUrls(result.target) })));
  if (paths.markdown) {
    const options: MarkdownOptions = { maxLength: JOB_SUMMARY_MAX_LENGTH, fits: 'job summary', ...paths.markdownOptions };
    writes.push(write(paths.markdown, renderMarkdown(result, options)));
  }
  if (paths.csv) writes.push(write(paths.csv, renderCsv(result)));
  if (paths.html) {
    const html = paths.html;
    writes.push(renderHtml({ ...result, target: redactUrls(result.target) }).then((text) => write(html, text)));
  }
  await Promise.all(writes);
}
