// Writes the requested report files; creates their directories. A path that cannot be written is the user's to fix:
// `checkOutputPaths` refuses it before a run starts anything, and a write that fails later says which file and why.
import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from '../errors.ts';
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

const REPORT_WORDS = { json: 'results JSON', markdown: 'markdown report', csv: 'CSV', html: 'HTML report' } as const;
type ReportKind = keyof typeof REPORT_WORDS;

/** Why a path cannot be written, by the file system's error code. */
const WHY_UNWRITABLE: Record<string, string> = {
  ENOTDIR: 'a part of its path is a file, not a directory',
  EEXIST: 'a part of its path is a file, not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
};

/** Why a path cannot be written, in words (never a stack). */
function unwritable(what: string, path: string, error: unknown): UsageError {
  const code = (error as { code?: string }).code;
  const why = (code ? WHY_UNWRITABLE[code] : undefined) ?? code ?? String((error as Error).message ?? error).split('\n')[0];
  return new UsageError(`cannot write the ${what} to ${path}: ${why}`);
}

/**
 * Refuses a path that cannot be written, before anything is built or started: its directory is made (as the first
 * write would), and the file, or its directory when the file is new, must be writable. Creates no file.
 * `what`: the file in words ("markdown report"), for the message.
 */
export async function checkWritable(path: string, what: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    const existing = await stat(path).catch((error: { code?: string }) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (existing?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    await access(existing ? path : dirname(path), constants.W_OK);
  } catch (error) {
    throw unwritable(what, path, error);
  }
}

/** `checkWritable` for every report file asked for. */
export async function checkOutputPaths(paths: OutputPaths): Promise<void> {
  for (const kind of Object.keys(REPORT_WORDS) as ReportKind[]) {
    const path = paths[kind];
    if (path) await checkWritable(path, REPORT_WORDS[kind]);
  }
}

export async function writeOutputs(result: RunResult, paths: OutputPaths): Promise<void> {
  const writes: Array<Promise<void>> = [];
  const write = async (kind: ReportKind, content: string) => {
    const path = paths[kind]!;
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content, 'utf8');
    } catch (error) {
      throw unwritable(REPORT_WORDS[kind], path, error);
    }
  };
  // A saved run read back (perfgate compare) may predate redaction: its target is redacted here too. Checked to read
  // back through the results schema: what perfgate writes, it can read.
  if (paths.json) writes.push(write('json', serializeRunResult({ ...result, target: redactUrls(result.target) })));
  if (paths.markdown) {
    const options: MarkdownOptions = { maxLength: JOB_SUMMARY_MAX_LENGTH, fits: 'job summary', ...paths.markdownOptions };
    writes.push(write('markdown', renderMarkdown(result, options)));
  }
  if (paths.csv) writes.push(write('csv', renderCsv(result)));
  if (paths.html) writes.push(renderHtml({ ...result, target: redactUrls(result.target) }).then((text) => write('html', text)));
  await Promise.all(writes);
}
