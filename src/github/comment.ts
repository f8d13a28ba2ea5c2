// The sticky PR comment: find perfgate's comment by its hidden marker (across every page of a long PR),
// edit it in place or create it. Works against GitHub Enterprise Server through GITHUB_API_URL.
import { Octokit } from '@octokit/rest';
import { GITHUB_COMMENT_LIMIT, readVerdictDigest } from '../report/markdown.ts';
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
}

/** A GitHub API failure, worded for the person reading the workflow log. */
export class GitHubApiError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'GitHubApiError';
    this.status = status;
  }
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

/** An Octokit for the given token and API URL that retries a 5xx or a short rate-limit wait once. */
export function createClient(options: ClientOptions): Octokit {
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: options.baseUrl ?? 'https://api.github.com',
    userAgent: options.userAgent ?? 'perfgate',
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  const retries = options.retries ?? 1;
  const maxWait = options.maxRetryWaitMs ?? 10_000;
  octokit.hook.wrap('request', async (request, requestOptions) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(requestOptions);
      } catch (error) {
        if (attempt >= retries || !isHttpError(error)) throw error;
        const transient = error.status >= 500 || isRateLimited(error);
        if (!transient) throw error;
        // Our own default pause for a 5xx is clamped to the maximum; a longer wait GitHub demands gives up.
        const wait = retryWaitMs(error) ?? (error.status >= 500 ? Math.min(1000, maxWait) : undefined);
        if (wait === undefined || wait > maxWait) throw error;
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
 * Finds our comment: the marker in the body, written by a bot (the Actions token) or by the token's own
 * user (a personal token). A person quoting the marker is never edited over.
 */
async function findComment(octokit: Octokit, target: CommentTarget, marker: string): Promise<IssueComment | undefined> {
  const candidates: IssueComment[] = [];
  let byBot: IssueComment | undefined;
  try {
    await octokit.paginate(
      octokit.rest.issues.listComments,
      { owner: target.owner, repo: target.repo, issue_number: target.issueNumber, per_page: 100 },
      (response, done) => {
        for (const comment of response.data as IssueComment[]) {
          if (!comment.body?.includes(marker)) continue;
          candidates.push(comment);
          if (!byBot && comment.user?.type === 'Bot') {
            byBot = comment;
            done();
          }
        }
        return [];
      },
    );
  } catch (error) {
    throw describeApiError(error, `list the comments of #${target.issueNumber}`);
  }
  if (byBot || candidates.length === 0) return byBot;
  // Not a bot: only a comment written by this token's own user is ours (a personal access token).
  let login: string | undefined;
  try {
    login = (await octokit.rest.users.getAuthenticated()).data.login;
  } catch {
    return undefined;
  }
  return candidates.find((c) => c.user?.login === login);
}

/** Creates or updates perfgate's comment for the marker; returns what it did and the comment URL. */
export async function upsertComment(octokit: Octokit, options: UpsertOptions): Promise<UpsertResult> {
  if (options.body.length > GITHUB_COMMENT_LIMIT) {
    throw new GitHubApiError(`The comment is ${options.body.length} characters, over GitHub's ${GITHUB_COMMENT_LIMIT} limit.`, 0);
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
