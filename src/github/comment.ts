// The sticky PR comment: find perfgate's comment by its hidden marker (across every page of a long PR),
// edit it in place or create it. Works against GitHub Enterprise Server through GITHUB_API_URL.
import { Octokit } from '@octokit/rest';
import { GITHUB_COMMENT_LIMIT, readVerdictDigest, utf8Bytes } from '../report/markdown.ts';
import type { CommentMode } from './inputs.ts';

interface CommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

export interface UpsertOptions extends CommentTarget {
  body: string;
  /** The hidden marker identifying our comment (commentMarker(key)). */
  marker: string;
  mode: Exclude<CommentMode, 'off'>;
  /** Do not start a new comment (an all-pass run under `on-change`); an existing one is still updated. */
  skipCreate?: boolean;
}

export interface UpsertResult {
  action: 'created' | 'updated' | 'unchanged' | 'skipped';
  url?: string;
  id?: number;
}

export interface ClientOptions {
  token: string;
  /** GITHUB_API_URL; https://api.github.com by default. */
  baseUrl?: string;
  userAgent?: string;
  /** Retries of a 5xx or rate-limited request (default 1). */
  retries?: number;
  /** Longest wait before a retry; a longer retry-after gives up instead (default 10 s). */
  maxRetryWaitMs?: number;
  /** How long one request may take before it is abandoned (default 20 s; GitHub answers in well under a second). */
  requestTimeoutMs?: number;
  /** How long all of this client's requests together may take, retries and pages included (default 90 s). */
  totalTimeoutMs?: number;
}

/** Both API timeouts, for callers that pass them through (tests make them short). */
export type ApiTimeouts = Pick<ClientOptions, 'requestTimeoutMs' | 'totalTimeoutMs'>;

const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;
const DEFAULT_TOTAL_TIMEOUT_MS = 90_000;

/** A GitHub API failure, worded for the person reading the workflow log. */
export class GitHubApiError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'GitHubApiError';
    this.status = status;
  }
}

/** The API did not answer in time: the request was abandoned (never retried: the next run tries again). */
export class GitHubTimeoutError extends GitHubApiError {
  constructor(message: string) {
    super(message, 0);
    this.name = 'GitHubTimeoutError';
  }
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`;
}

interface HttpErrorLike {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function isHttpError(error: unknown): error is HttpErrorLike {
  return error instanceof Error && typeof (error as { status?: unknown }).status === 'number';
}

function header(error: HttpErrorLike, name: string): string | undefined {
  const value = error.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
}

function isRateLimited(error: HttpErrorLike): boolean {
  if (error.status === 429) return true;
  return error.status === 403 && (header(error, 'x-ratelimit-remaining') === '0' || header(error, 'retry-after') !== undefined);
}

/** How long GitHub asks us to wait, in ms: retry-after, else (rate limits only) the reset time. */
function retryWaitMs(error: HttpErrorLike, now = Date.now()): number | undefined {
  const retryAfter = header(error, 'retry-after');
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  if (!isRateLimited(error)) return undefined;
  const reset = header(error, 'x-ratelimit-reset');
  if (reset !== undefined && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  return undefined;
}

function apiMessage(error: HttpErrorLike): string {
  const data = error.response?.data as { message?: unknown } | undefined;
  return typeof data?.message === 'string' ? data.message : error.message;
}

/** Turns an Octokit error into one actionable sentence. */
export function describeApiError(error: unknown, doing: string): GitHubApiError {
  if (error instanceof GitHubTimeoutError) return new GitHubTimeoutError(`Could not ${doing}: ${error.message}`);
  if (!isHttpError(error)) {
    const text = error instanceof Error ? error.message : String(error);
    return new GitHubApiError(`Could not ${doing}: ${text}`, 0);
  }
  const message = apiMessage(error);
  if (isRateLimited(error)) {
    const wait = retryWaitMs(error);
    const when = wait === undefined ? '' : ` (GitHub asks to wait ${Math.ceil(wait / 1000)} s)`;
    return new GitHubApiError(`Could not ${doing}: GitHub API rate limit exceeded${when}.`, error.status);
  }
  if (error.status === 403 || error.status === 401) {
    return new GitHubApiError(
      `Could not ${doing}: ${error.status} ${message}. The token cannot write PR comments: give the job ` +
        '`permissions: pull-requests: write`. Pull requests from forks always get a read-only token; ' +
        'use the two-workflow setup (perfgate/report in a workflow_run workflow), see docs/github-action.md.',
      error.status,
    );
  }
  if (error.status === 404) {
    return new GitHubApiError(
      `Could not ${doing}: 404 ${message}. The repository or pull request is not visible to this token.`,
      error.status,
    );
  }
  if (error.status === 422) {
    return new GitHubApiError(`Could not ${doing}: GitHub rejected the comment (422 ${message}).`, error.status);
  }
  return new GitHubApiError(`Could not ${doing}: GitHub API error ${error.status} ${message}.`, error.status);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An Octokit for the given token and API URL that retries a 5xx or a short rate-limit wait once, and abandons a
 * request that takes longer than `requestTimeoutMs`, or that would run past `totalTimeoutMs` from the client's
 * creation: a server that accepts and never answers costs at most that long.
 */
export function createClient(options: ClientOptions): Octokit {
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: options.baseUrl ?? 'https://api.github.com',
    userAgent: options.userAgent ?? 'perfgate',
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  const retries = options.retries ?? 1;
  const maxWait = options.maxRetryWaitMs ?? 10_000;
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const totalTimeout = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
  const deadline = Date.now() + totalTimeout;
  octokit.hook.wrap('request', async (request, requestOptions) => {
    for (let attempt = 0; ; attempt++) {
      const left = deadline - Date.now();
      const limit = Math.min(requestTimeout, left);
      const timedOut = () =>
        new GitHubTimeoutError(
          limit < requestTimeout
            ? `the GitHub API took longer than the ${seconds(totalTimeout)} allowed for all of perfgate's calls.`
            : `the GitHub API did not answer within ${seconds(requestTimeout)}.`,
        );
      if (limit <= 0) throw timedOut();
      const signal = AbortSignal.timeout(limit);
      // In place: the hooks inside this one (request-log) hold this same options object, not what is passed on.
      requestOptions.request = { ...requestOptions.request, signal };
      try {
        const response = await request(requestOptions);
        // A body that stops arriving is cut off by the same signal; what was read is not an answer.
        if (signal.aborted) throw timedOut();
        return response;
      } catch (error) {
        if (signal.aborted) throw timedOut();
        if (attempt >= retries || !isHttpError(error)) throw error;
        const transient = error.status >= 500 || isRateLimited(error);
        if (!transient) throw error;
        // Our own default pause for a 5xx is clamped to the maximum; a longer wait GitHub demands gives up.
        const wait = retryWaitMs(error) ?? (error.status >= 500 ? Math.min(1000, maxWait) : undefined);
        if (wait === undefined || wait > maxWait || Date.now() + wait >= deadline) throw error;
        await sleep(Math.min(wait, maxWait));
      }
    }
  });
  return octokit;
}

interface IssueComment {
  id: number;
  body?: string | null;
  html_url: string;
  user: { login: string; type?: string } | null;
}

/**
 * The login of the token's own identity. GraphQL's `viewer` answers for every kind of token: an installation
 * token (GITHUB_TOKEN, a GitHub App's) is its bot, e.g. `github-actions[bot]`, as REST spells a comment's author;
 * REST's GET /user answers only for a person's token (an installation token gets 403), so it is the fallback.
 */
export async function tokenLogin(octokit: Octokit): Promise<string> {
  let graphqlError: unknown;
  try {
    const data = await octokit.graphql<{ viewer?: { login?: unknown } }>('query { viewer { login } }');
    if (typeof data.viewer?.login === 'string' && data.viewer.login !== '') return data.viewer.login;
  } catch (error) {
    if (error instanceof GitHubTimeoutError) throw error;
    graphqlError = error;
  }
  try {
    return (await octokit.rest.users.getAuthenticated()).data.login;
  } catch (error) {
    if (error instanceof GitHubTimeoutError) throw error;
    const why = graphqlError instanceof Error ? graphqlError.message : error instanceof Error ? error.message : String(error);
    throw new GitHubApiError(
      `Could not tell which account the token belongs to (${why}), so no existing comment is edited. ` +
        'perfgate edits only a comment its own token wrote.',
      isHttpError(error) ? error.status : 0,
    );
  }
}

const sameLogin = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * Finds our comment: the marker in the body, written by the token's own identity (the Actions bot, a GitHub App's
 * bot or a personal token's user). Anyone else quoting the marker, a person or another bot, is never edited over.
 */
async function findComment(octokit: Octokit, target: CommentTarget, marker: string): Promise<IssueComment | undefined> {
  const candidates: IssueComment[] = [];
  try {
    await octokit.paginate(
      octokit.rest.issues.listComments,
      { owner: target.owner, repo: target.repo, issue_number: target.issueNumber, per_page: 100 },
      (response) => {
        for (const comment of response.data as IssueComment[]) if (comment.body?.includes(marker)) candidates.push(comment);
        return [];
      },
    );
  } catch (error) {
    throw describeApiError(error, `list the comments of #${target.issueNumber}`);
  }
  if (candidates.length === 0) return undefined;
  const login = await tokenLogin(octokit);
  return candidates.find((c) => sameLogin(c.user?.login, login));
}

/** Creates or updates perfgate's comment for the marker; returns what it did and the comment URL. */
export async function upsertComment(octokit: Octokit, options: UpsertOptions): Promise<UpsertResult> {
  const bytes = utf8Bytes(options.body);
  if (bytes > GITHUB_COMMENT_LIMIT) {
    throw new GitHubApiError(`The comment is ${bytes} bytes, over GitHub's ${GITHUB_COMMENT_LIMIT} limit.`, 0);
  }
  if (!options.body.includes(options.marker)) throw new Error('The comment body must contain its marker.');
  const existing = await findComment(octokit, options, options.marker);
  if (existing) {
    const same =
      existing.body === options.body ||
      (options.mode === 'on-change' && readVerdictDigest(existing.body ?? '') === readVerdictDigest(options.body));
    if (same) return { action: 'unchanged', url: existing.html_url, id: existing.id };
    try {
      const { data } = await octokit.rest.issues.updateComment({
        owner: options.owner,
        repo: options.repo,
        comment_id: existing.id,
        body: options.body,
      });
      return { action: 'updated', url: data.html_url, id: data.id };
    } catch (error) {
      throw describeApiError(error, `update comment ${existing.id} on #${options.issueNumber}`);
    }
  }
  if (options.skipCreate) return { action: 'skipped' };
  try {
    const { data } = await octokit.rest.issues.createComment({
      owner: options.owner,
      repo: options.repo,
      issue_number: options.issueNumber,
      body: options.body,
    });
    return { action: 'created', url: data.html_url, id: data.id };
  } catch (error) {
    throw describeApiError(error, `comment on #${options.issueNumber}`);
  }
}
