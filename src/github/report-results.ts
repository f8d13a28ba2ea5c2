// The report sub-action (report/action.yml), for a `workflow_run` workflow: posts the PR comment from a
// results JSON that an unprivileged `pull_request` run uploaded. The file is data from a possibly hostile
// fork: it is validated, tied to the triggering run's head commit, and never executed; no PR code is checked out.
// Nothing in it chooses where the report goes: the comment key comes from this action's own inputs.
import { UsageError } from '../errors.ts';
import type { RunResult } from '../result.ts';
import { InvalidResultsError, MissingResultsError, parseRunResult, readResultsJson } from '../results/read.ts';
import type { ActionsIo } from './actions-io.ts';
import { createClient, describeApiError, GitHubTimeoutError, type ApiTimeouts } from './comment.ts';
import { isPositiveInteger, readContext, SHA, type GitHubContext } from './context.ts';
import { defaultCommentKey, getReportInputs, Output } from './inputs.ts';
import { publish } from './publish.ts';

type Json = Record<string, unknown>;
const object = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

/** The triggering run, from the workflow_run event payload. */
interface TriggeringRun {
  headSha: string;
  /** PR numbers GitHub attached to the run; empty for pull requests from forks. */
  pullRequests: number[];
  /** The repository the run belongs to (ours). */
  repository?: string;
}

function triggeringRun(context: GitHubContext): TriggeringRun {
  const run = object(context.payload.workflow_run);
  if (context.eventName !== 'workflow_run' || !run) {
    throw new UsageError(
      `perfgate/report runs in a workflow_run workflow (this event is "${context.eventName || 'unknown'}"); ` +
        'see docs/github-action.md for the two-workflow setup.',
    );
  }
  const headSha = run.head_sha;
  if (typeof headSha !== 'string' || !SHA.test(headSha)) throw new UsageError('The workflow_run event has no valid head_sha.');
  const pullRequests = Array.isArray(run.pull_requests) ? run.pull_requests.map((pr) => object(pr)?.number).filter(isPositiveInteger) : [];
  const repository = object(run.repository)?.full_name;
  return { headSha, pullRequests, repository: typeof repository === 'string' ? repository : undefined };
}

class TamperedResultsError extends UsageError {
  constructor(file: string, problem: string) {
    super(`Rejected ${file}: ${problem}. The results file must come from the workflow run that triggered this one.`);
    this.name = 'TamperedResultsError';
  }
}

/**
 * Loads and checks the results file against the triggering run: a PR number that is a positive integer, a
 * head SHA of 40 hex digits equal to the run's head_sha, this repository, and (when GitHub lists the run's
 * PRs) one of those PRs.
 */
async function loadResults(
  file: string,
  context: GitHubContext,
  run: TriggeringRun,
): Promise<RunResult & { github: NonNullable<RunResult['github']> }> {
  let json: unknown;
  try {
    // The one reader of results files: a regular file within the size limit, parsed as JSON.
    json = await readResultsJson(file, '/');
  } catch (error) {
    if (error instanceof MissingResultsError) {
      throw new UsageError(`The results file ${file} does not exist; did the artifact download into another directory?`);
    }
    if (error instanceof InvalidResultsError) throw new TamperedResultsError(file, error.fault);
    throw error;
  }
  const github = object(object(json)?.github);
  if (!github)
    throw new TamperedResultsError(file, 'it has no "github" block (was it written by the perfgate action on a pull_request run?)');
  if (!isPositiveInteger(github.pullRequest)) {
    throw new TamperedResultsError(
      file,
      `github.pullRequest must be a positive integer, got ${JSON.stringify(github.pullRequest)?.slice(0, 40)}`,
    );
  }
  if (typeof github.headSha !== 'string' || !SHA.test(github.headSha)) {
    throw new TamperedResultsError(file, 'github.headSha must be a 40-digit hex commit SHA');
  }
  if (github.headSha !== run.headSha) {
    throw new TamperedResultsError(file, `github.headSha ${github.headSha} does not match the triggering run's head commit ${run.headSha}`);
  }
  if (github.repository !== context.repository) {
    throw new TamperedResultsError(
      file,
      `github.repository ${JSON.stringify(github.repository)?.slice(0, 80)} is not ${context.repository}`,
    );
  }
  if (run.pullRequests.length > 0 && !run.pullRequests.includes(github.pullRequest)) {
    throw new TamperedResultsError(
      file,
      `PR #${github.pullRequest} is not among the triggering run's pull requests (${run.pullRequests.map((n) => `#${n}`).join(', ')})`,
    );
  }
  let result: RunResult;
  try {
    result = parseRunResult(json, file);
  } catch (error) {
    if (error instanceof InvalidResultsError) throw new TamperedResultsError(file, `it does not match the results format (${error.fault})`);
    throw error;
  }
  return result as RunResult & { github: NonNullable<RunResult['github']> };
}

/** The run URL from the file, only if it points at this repository's runs on this server. */
function trustedRunUrl(result: RunResult, context: GitHubContext): string | undefined {
  const url = result.github?.runUrl;
  const prefix = `${context.serverUrl}/${context.repository}/actions/runs/`;
  return url && url.startsWith(prefix) && /^\d+(\/attempts\/\d+)?$/.test(url.slice(prefix.length)) ? url : undefined;
}

export interface ReportActionEnvironment {
  env: NodeJS.ProcessEnv;
  cwd: string;
  io: ActionsIo;
  /** How long GitHub may take to answer (defaults in comment.ts). */
  apiTimeouts?: ApiTimeouts;
}

export async function runReportAction({ env, cwd, io, apiTimeouts }: ReportActionEnvironment): Promise<void> {
  let inputs;
  let context: GitHubContext;
  let result: RunResult & { github: NonNullable<RunResult['github']> };
  let comment: ReturnType<typeof getReportInputs>['comment'];
  try {
    inputs = getReportInputs(env, cwd);
    if (inputs.token) io.setSecret(inputs.token);
    context = readContext(env);
    const run = triggeringRun(context);
    result = await loadResults(inputs.results, context, run);
    comment = inputs.comment;
    // Fork PRs come without run.pull_requests: confirm with GitHub that the PR's head is the run's commit,
    // so a fork cannot aim its report at somebody else's pull request.
    if (run.pullRequests.length === 0 && comment !== 'off') {
      try {
        await confirmPullRequestHead(context, inputs.token, result.github.pullRequest, run.headSha, apiTimeouts);
      } catch (error) {
        if (!(error instanceof GitHubTimeoutError)) throw error;
        // Unconfirmed, nothing is posted; but GitHub being slow is a warning, not a failed report.
        io.warning(`${error.message} Unconfirmed, no comment is posted; the job summary has the report.`, {
          title: 'perfgate: PR comment skipped',
        });
        comment = 'off';
      }
    }
  } catch (error) {
    io.setFailed((error as Error).message);
    return;
  }

  // Only this action's inputs choose the comment: a key in the uploaded file (a fork writes it) is ignored, so a
  // fork cannot aim its report at another job's comment.
  const commentKey = inputs.commentKey ?? defaultCommentKey(env, inputs.resultsText);
  const published = await publish({
    io,
    result,
    commentKey,
    comment,
    token: inputs.token,
    apiUrl: context.apiUrl,
    runUrl: trustedRunUrl(result, context),
    destination: { owner: context.owner, repo: context.repo, issueNumber: result.github.pullRequest, fromFork: false },
    apiTimeouts,
  });
  io.setOutput(Output.verdict, result.verdict);
  io.setOutput(Output.commentUrl, published.commentUrl ?? '');
}

async function confirmPullRequestHead(
  context: GitHubContext,
  token: string,
  number: number,
  headSha: string,
  timeouts: ApiTimeouts | undefined,
): Promise<void> {
  const octokit = createClient({ token, baseUrl: context.apiUrl, userAgent: 'perfgate', ...timeouts });
  let sha: string;
  try {
    const { data } = await octokit.rest.pulls.get({ owner: context.owner, repo: context.repo, pull_number: number });
    sha = data.head.sha;
  } catch (error) {
    throw describeApiError(error, `read pull request #${number} to confirm its head commit`);
  }
  if (sha !== headSha) {
    throw new UsageError(
      `Rejected the results: pull request #${number} is at ${sha}, not at the triggering run's head commit ${headSha}. ` +
        'Either the PR moved on (a newer run will report) or the results name the wrong PR.',
    );
  }
}
