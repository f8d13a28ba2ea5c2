// Publishes a finished run on GitHub: job summary, annotations, the sticky PR comment.
// Reporting never changes the verdict: any GitHub problem here becomes a warning and the summary keeps the report.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunResult } from '../result.ts';
import { commentMarker, JOB_SUMMARY_MAX_LENGTH, renderMarkdown } from '../report/markdown.ts';
import type { ActionsIo } from './actions-io.ts';
import { resultAnnotations, type PathContext } from './annotations.ts';
import { createClient, GitHubApiError, upsertComment, type ApiTimeouts } from './comment.ts';
import type { CommentMode } from './inputs.ts';

/** The pull request to comment on. */
interface CommentDestination {
  owner: string;
  repo: string;
  issueNumber: number;
  /** From a fork: the token is read-only, so perfgate does not try. */
  fromFork: boolean;
}

export interface PublishOptions {
  io: ActionsIo;
  result: RunResult;
  /** Emit annotations (the run job does; the report sub-action does not: it has no checkout). */
  annotate?: PathContext;
  commentKey: string;
  comment: CommentMode;
  token: string;
  apiUrl: string;
  runUrl?: string;
  /** Undefined when the run is not for a pull request. */
  destination?: CommentDestination;
  /** Also write the job-summary Markdown here. */
  markdownPath?: string;
  /** Where the results JSON is, for messages. */
  resultsPath?: string;
  /** How long the GitHub API may take (defaults in comment.ts); a call that runs past it is a warning. */
  apiTimeouts?: ApiTimeouts;
}

export interface PublishOutcome {
  commentUrl?: string;
  /** What happened to the comment, in words (for the log). */
  comment: string;
}

/** Annotations GitHub shows per step are limited (10 errors, 10 warnings); the rest go to the log. */
const MAX_ANNOTATIONS_PER_LEVEL = 10;

export async function publish(options: PublishOptions): Promise<PublishOutcome> {
  const { io, result } = options;

  const summary = renderMarkdown(result, {
    key: options.commentKey,
    runUrl: options.runUrl,
    maxLength: JOB_SUMMARY_MAX_LENGTH,
    fits: 'job summary',
  });
  if (options.markdownPath) {
    await mkdir(dirname(options.markdownPath), { recursive: true });
    await writeFile(options.markdownPath, summary, 'utf8');
  }
  try {
    await io.summary(summary);
  } catch (error) {
    io.warning(`Could not write the job summary: ${(error as Error).message}`);
  }

  if (options.annotate) {
    const counts = { error: 0, warning: 0, notice: 0 };
    for (const a of resultAnnotations(result, options.annotate)) {
      if (++counts[a.level] > MAX_ANNOTATIONS_PER_LEVEL) {
        io.info(`${a.level}: ${a.message}`);
        continue;
      }
      io[a.level](a.message, a.properties);
    }
  }

  const outcome = await comment(options);
  io.info(outcome.comment);
  return outcome;
}

async function comment(options: PublishOptions): Promise<PublishOutcome> {
  const { io, result, destination } = options;
  if (options.comment === 'off') return { comment: 'PR comment: off (comment: off).' };
  if (!destination) return { comment: 'PR comment: none — this run is not for a pull request; the job summary has the report.' };
  if (destination.fromFork) {
    io.notice(
      'This pull request comes from a fork, so its token is read-only and perfgate cannot comment. ' +
        `The report is in the job summary${options.resultsPath ? ` and in ${options.resultsPath}` : ''}; ` +
        'to comment on fork PRs, upload that file as an artifact and post it with perfgate/report from a ' +
        'workflow_run workflow (docs/github-action.md).',
      { title: 'perfgate: no PR comment from a fork' },
    );
    return { comment: 'PR comment: skipped (fork).' };
  }
  if (!options.token) {
    io.warning('No github-token: perfgate cannot comment on the pull request. The job summary has the report.');
    return { comment: 'PR comment: skipped (no token).' };
  }
  const body = renderMarkdown(result, { key: options.commentKey, runUrl: options.runUrl });
  try {
    const octokit = createClient({
      token: options.token,
      baseUrl: options.apiUrl,
      // The version is read from the results file (a fork's, in perfgate/report): only a version's characters reach a header.
      userAgent: `perfgate/${result.tool.version.replace(/[^\w.+-]/g, '').slice(0, 40) || 'unknown'}`,
      ...options.apiTimeouts,
    });
    const upserted = await upsertComment(octokit, {
      owner: destination.owner,
      repo: destination.repo,
      issueNumber: destination.issueNumber,
      body,
      marker: commentMarker(options.commentKey),
      mode: options.comment,
      // on-change: an all-pass run with no earlier comment stays quiet.
      skipCreate: options.comment === 'on-change' && result.verdict === 'pass',
    });
    const words = {
      created: `PR comment: created ${upserted.url}`,
      updated: `PR comment: updated ${upserted.url}`,
      unchanged: `PR comment: unchanged ${upserted.url ?? ''}`.trimEnd(),
      skipped: 'PR comment: not created (all passed; comment: on-change).',
    };
    return { commentUrl: upserted.url, comment: words[upserted.action] };
  } catch (error) {
    const message = error instanceof GitHubApiError ? error.message : `Could not comment: ${(error as Error).message}`;
    io.warning(`${message} The verdict is unaffected; the job summary has the report.`, { title: 'perfgate: PR comment failed' });
    return { comment: 'PR comment: failed (see the warning).' };
  }
}
