// The action's inputs, outputs and saved state: every name exists once, here, and is read in one place
// (the docker/login-action `context.ts` pattern). Parsing is pure: it reads an env object, not the process.
import { isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { parsePart, type Part } from '../scale-out/shard.ts';

export const Input = {
  config: 'config',
  base: 'base',
  pairs: 'pairs',
  githubToken: 'github-token',
  comment: 'comment',
  commentKey: 'comment-key',
  failOnInconclusive: 'fail-on-inconclusive',
  workingDirectory: 'working-directory',
  target: 'target',
  scenarios: 'scenarios',
  resultsDir: 'results-dir',
  record: 'record',
  historyBranch: 'history-branch',
  html: 'html',
  shard: 'shard',
  pool: 'pool',
  merge: 'merge',
} as const;

/** Inputs of the report sub-action (report/action.yml). */
const ReportInput = {
  results: 'results',
  githubToken: 'github-token',
  comment: 'comment',
  commentKey: 'comment-key',
} as const;

export const Output = {
  verdict: 'verdict',
  results: 'results',
  markdown: 'markdown',
  html: 'html',
  commentUrl: 'comment-url',
} as const;

export const State = {
  isPost: 'isPost',
  runStartedAt: 'runStartedAt',
  runId: 'runId',
} as const;

export type CommentMode = 'always' | 'on-change' | 'off';
const COMMENT_MODES: readonly CommentMode[] = ['always', 'on-change', 'off'];

export interface ActionInputs {
  /** perf YAML files or directories, relative to the working directory. */
  config: string[];
  /** Raw `config` input, part of the default comment key. */
  configText: string;
  /** Git ref to compare with; 'none' = budgets only; undefined = the PR's base branch. */
  base?: string;
  pairs?: number;
  token: string;
  comment: CommentMode;
  /** Explicit comment key, or undefined to derive one from workflow, job and config. */
  commentKey?: string;
  failOnInconclusive: boolean;
  /** Absolute. */
  workingDirectory: string;
  target?: string;
  scenarios?: string[];
  /** Absolute. */
  resultsDir: string;
  /** Record the run on the history branch (honoured on a push to the default branch only). */
  record: boolean;
  historyBranch: string;
  /** The HTML report, absolute: the `html` input (relative to the working directory), else <resultsDir>/report.html. */
  html: string;
  /** A matrix job (#14): this shard's scenarios only (`shard: 2/3`). */
  shard?: Part;
  /** A matrix job (#14): one pool member's pairs (`pool: 2/3`). */
  pool?: Part;
  /** The final job of a matrix (#14): merge these results files (a directory: each .json in or below it), absolute. */
  merge?: string[];
}

export interface ReportInputs {
  /** Absolute path of the results JSON (the downloaded artifact). */
  results: string;
  /** The `results` input as written, part of the default comment key. */
  resultsText: string;
  token: string;
  comment: CommentMode;
  /** Explicit comment key, or undefined to derive one from this workflow, job and `results` (never from the file). */
  commentKey?: string;
}

/** What `core.getInput` reads: INPUT_<NAME> with spaces as underscores, upper-cased, trimmed. */
function readInput(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

function list(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function parseBoolean(name: string, text: string, fallback: boolean): boolean {
  if (text === '') return fallback;
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  throw new UsageError(`Input ${name} must be true or false, got "${text}".`);
}

function parseCommentMode(name: string, text: string): CommentMode {
  if (text === '') return 'always';
  if ((COMMENT_MODES as readonly string[]).includes(text)) return text as CommentMode;
  throw new UsageError(`Input ${name} must be one of ${COMMENT_MODES.join(', ')}, got "${text}".`);
}

export function getInputs(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ActionInputs {
  const workspace = env.GITHUB_WORKSPACE || cwd;
  const workingDirectory = resolve(workspace, readInput(env, Input.workingDirectory) || '.');
  const configText = readInput(env, Input.config) || 'perf';

  const pairsText = readInput(env, Input.pairs);
  let pairs: number | undefined;
  if (pairsText !== '') {
    pairs = Number(pairsText);
    if (!Number.isInteger(pairs) || pairs < 2) {
      throw new UsageError(`Input ${Input.pairs} must be a whole number of at least 2, got "${pairsText}".`);
    }
  }

  const resultsText = readInput(env, Input.resultsDir);
  const runnerTemp = env.RUNNER_TEMP || join(workingDirectory, '.perfgate');
  const resultsDir = resultsText
    ? isAbsolute(resultsText)
      ? resultsText
      : resolve(workingDirectory, resultsText)
    : join(runnerTemp, 'perfgate');

  const htmlText = readInput(env, Input.html);
  const html = htmlText ? resolve(workingDirectory, htmlText) : join(resultsDir, 'report.html');

  const scenarios = list(readInput(env, Input.scenarios));
  const merge = list(readInput(env, Input.merge)).map((p) => resolve(workingDirectory, p));
  const shard = parsePartInput(env, Input.shard);
  const pool = parsePartInput(env, Input.pool);
  return {
    config: list(configText),
    configText,
    base: readInput(env, Input.base) || undefined,
    pairs,
    token: readInput(env, Input.githubToken),
    comment: parseCommentMode(Input.comment, readInput(env, Input.comment)),
    commentKey: readInput(env, Input.commentKey) || undefined,
    failOnInconclusive: parseBoolean(Input.failOnInconclusive, readInput(env, Input.failOnInconclusive), false),
    workingDirectory,
    target: readInput(env, Input.target) || undefined,
    scenarios: scenarios.length > 0 ? scenarios : undefined,
    resultsDir,
    record: parseBoolean(Input.record, readInput(env, Input.record), false),
    historyBranch: readInput(env, Input.historyBranch) || 'perfgate-history',
    html,
    ...(shard ? { shard } : {}),
    ...(pool ? { pool } : {}),
    ...(merge.length > 0 ? { merge } : {}),
  };
}

/** `shard` or `pool`: i/n, or empty for the whole run. */
function parsePartInput(env: NodeJS.ProcessEnv, name: string): Part | undefined {
  const text = readInput(env, name);
  if (text === '') return undefined;
  const part = parsePart(text);
  if (typeof part === 'string') throw new UsageError(`Input ${name} must be i/n (e.g. 2/3): ${part}.`);
  return part;
}

export function getReportInputs(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ReportInputs {
  const results = readInput(env, ReportInput.results);
  if (!results) throw new UsageError(`Input ${ReportInput.results} is required: the path of perfgate's results JSON.`);
  return {
    results: resolve(env.GITHUB_WORKSPACE || cwd, results),
    resultsText: results,
    token: readInput(env, ReportInput.githubToken),
    comment: parseCommentMode(ReportInput.comment, readInput(env, ReportInput.comment)),
    commentKey: readInput(env, ReportInput.commentKey) || undefined,
  };
}

/**
 * The default comment key: one sticky comment per workflow, job and config, so a matrix or two perfgate
 * jobs on one PR do not overwrite each other.
 */
export function defaultCommentKey(env: NodeJS.ProcessEnv, configText: string, workingDirectory = '.'): string {
  const parts = [env.GITHUB_WORKFLOW || 'workflow', env.GITHUB_JOB || 'job'];
  const where = workingDirectory === '.' || workingDirectory === '' ? configText : `${workingDirectory}:${configText}`;
  parts.push(where.replace(/\s+/g, ' '));
  return parts.join('/');
}
