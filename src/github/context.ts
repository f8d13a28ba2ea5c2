// The workflow context perfgate needs, read from the runner's environment and event file and validated:
// which repository and pull request, which commit, whether the PR comes from a fork (read-only token).
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.ts';
import type { RunResult } from '../result.ts';

interface PullRequestContext {
  number: number;
  headSha: string;
  /** Branch name of the base, e.g. "main". */
  baseRef: string;
  /** Pull requests from forks get a read-only token and no secrets. */
  fromFork: boolean;
}

export interface GitHubContext {
  eventName: string;
  /** "owner/repo". */
  repository: string;
  owner: string;
  repo: string;
  serverUrl: string;
  apiUrl: string;
  runId?: string;
  runAttempt?: string;
  runUrl?: string;
  workflow?: string;
  job?: string;
  pullRequest?: PullRequestContext;
  /** The parsed event payload (untrusted data). */
  payload: Record<string, unknown>;
}

export const SHA = /^[0-9a-f]{40}$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

type Json = Record<string, unknown>;

function object(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function string(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Reads the event payload; an absent or unreadable file is an empty payload (local runs, `act`). */
function readEventPayload(path: string | undefined): Json {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  try {
    return object(JSON.parse(text)) ?? {};
  } catch {
    throw new UsageError(`The event file ${path} (GITHUB_EVENT_PATH) is not valid JSON.`);
  }
}

export function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** Pull request details from a pull_request / pull_request_target payload, validated. */
function pullRequestOf(payload: Json): PullRequestContext | undefined {
  const pr = object(payload.pull_request);
  if (!pr) return undefined;
  const number = pr.number ?? payload.number;
  const head = object(pr.head);
  const base = object(pr.base);
  const headSha = string(head?.sha);
  if (!isPositiveInteger(number)) throw new UsageError('The pull_request event has no valid PR number.');
  if (!headSha || !SHA.test(headSha)) throw new UsageError('The pull_request event has no valid head SHA.');
  const headRepo = string(object(head?.repo)?.full_name);
  const baseRepo = string(object(base?.repo)?.full_name);
  return {
    number,
    headSha,
    baseRef: string(base?.ref) ?? '',
    // A deleted fork has head.repo = null: treat it as a fork (its token is read-only too).
    fromFork: headRepo === undefined || baseRepo === undefined || headRepo !== baseRepo,
  };
}

export function readContext(env: NodeJS.ProcessEnv = process.env): GitHubContext {
  const payload = readEventPayload(env.GITHUB_EVENT_PATH);
  const repository = env.GITHUB_REPOSITORY || string(object(payload.repository)?.full_name) || '';
  if (repository && !REPOSITORY.test(repository)) {
    throw new UsageError(`GITHUB_REPOSITORY must look like owner/repo, got "${repository}".`);
  }
  const [owner = '', repo = ''] = repository.split('/');
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const apiUrl = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  const runId = env.GITHUB_RUN_ID || undefined;
  const runAttempt = env.GITHUB_RUN_ATTEMPT || undefined;
  const runUrl =
    repository && runId
      ? `${serverUrl}/${repository}/actions/runs/${runId}${runAttempt && runAttempt !== '1' ? `/attempts/${runAttempt}` : ''}`
      : undefined;
  const eventName = env.GITHUB_EVENT_NAME || '';
  const pullRequest =
    eventName === 'pull_request' || eventName === 'pull_request_target' || object(payload.pull_request)
      ? pullRequestOf(payload)
      : undefined;
  return {
    eventName,
    repository,
    owner,
    repo,
    serverUrl,
    apiUrl,
    runId,
    runAttempt,
    runUrl,
    workflow: env.GITHUB_WORKFLOW || undefined,
    job: env.GITHUB_JOB || undefined,
    pullRequest,
    payload,
  };
}

/** Whether the workflow runs for a push to the repository's default branch (where a run may be recorded). */
export function isPushToDefaultBranch(context: GitHubContext, env: NodeJS.ProcessEnv = process.env): boolean {
  const defaultBranch = string(object(context.payload.repository)?.default_branch);
  return context.eventName === 'push' && defaultBranch !== undefined && env.GITHUB_REF === `refs/heads/${defaultBranch}`;
}

/** The `github` block of the results JSON: what the fork-safe report workflow needs to comment. */
export function resultGitHub(context: GitHubContext, commentKey?: string): RunResult['github'] {
  if (!context.pullRequest || !context.repository) return undefined;
  return {
    repository: context.repository,
    pullRequest: context.pullRequest.number,
    headSha: context.pullRequest.headSha,
    ...(context.runId ? { runId: context.runId } : {}),
    ...(context.runUrl ? { runUrl: context.runUrl } : {}),
    ...(commentKey ? { commentKey } : {}),
  };
}
