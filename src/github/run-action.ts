// The perfgate action (action.yml): main runs the pipeline and publishes the result; post removes anything
// a cancelled or crashed run left behind. Main and post are one bundle; saved state tells them apart.
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { interpolatedEnvValues } from '../config/secrets.ts';
import { ConfigError, InfrastructureError, isPerfgateError } from '../errors.ts';
import type { RunOutcome } from '../run.ts';
import { newRunId, runExitCode, runPerfgate } from '../run.ts';
import { headlineText } from '../report/headline.ts';
import { redactUrls, urlPassword } from '../report/redact.ts';
import { renderTerminal } from '../report/terminal.ts';
import { writeOutputs, type OutputPaths } from '../report/write-outputs.ts';
import { actionsLog, type ActionsIo } from './actions-io.ts';
import { annotationFile, configErrorAnnotations, type PathContext } from './annotations.ts';
import { isPushToDefaultBranch, readContext, resultGitHub } from './context.ts';
import { defaultCommentKey, getInputs, Output, State } from './inputs.ts';
import { publish } from './publish.ts';

export interface ActionEnvironment {
  env: NodeJS.ProcessEnv;
  cwd: string;
  io: ActionsIo;
}

/** Dispatches main or post, like docker/login-action's `actionsToolkit.run(main, post)`. */
export async function runActionEntry(environment: ActionEnvironment): Promise<void> {
  if (environment.io.getState(State.isPost) === 'true') return post(environment);
  // Saved first: the post step must run even if main crashes half-way, and clean this run's leftovers only.
  environment.io.saveState(State.isPost, 'true');
  const runId = newRunId();
  environment.io.saveState(State.runId, runId);
  return main(environment, runId);
}

async function main({ env, cwd, io }: ActionEnvironment, runId: string = newRunId()): Promise<void> {
  let inputs;
  let context;
  try {
    inputs = getInputs(env, cwd);
    context = readContext(env);
  } catch (error) {
    io.setFailed((error as Error).message);
    return;
  }
  if (inputs.token) io.setSecret(inputs.token);
  // Masked before anything runs: the target's password and every value a perf file's ${env.NAME} reads. perfgate
  // prints none of them; the runner then hides them in anything else too (a service's own log lines). A value
  // under MIN_MASKED_LENGTH characters is no secret, and masking it would star out every "on" or "4" in the log.
  // A merge job (#14) reads results files only: no perf file need be there, and none is read.
  const envValues = inputs.merge ? [] : await interpolatedEnvValues(inputs.config, inputs.workingDirectory, env);
  // A connection string's password alone too (diagnose: { postgres: ${env.DATABASE_URL} }): a client's error may quote it.
  const secrets = [...urlPassword(inputs.target), ...envValues, ...envValues.flatMap(urlPassword)];
  for (const secret of secrets) if (secret.length >= MIN_MASKED_LENGTH) io.setSecret(secret);
  if (context.eventName === 'pull_request_target') io.warning(PULL_REQUEST_TARGET, { title: 'perfgate: pull_request_target' });

  const workspace = env.GITHUB_WORKSPACE || cwd;
  const paths: PathContext = { cwd: inputs.workingDirectory, workspace };
  const workingDirectory = relative(workspace, inputs.workingDirectory).split('\\').join('/') || '.';
  const commentKey = inputs.commentKey ?? defaultCommentKey(env, inputs.configText, workingDirectory);
  const files = {
    json: join(inputs.resultsDir, 'results.json'),
    markdown: join(inputs.resultsDir, 'report.md'),
    csv: join(inputs.resultsDir, 'results.csv'),
    html: inputs.html,
  };

  // The history branch: recorded on by a push to the default branch with record: true, read by every other run.
  const record = inputs.record && isPushToDefaultBranch(context, env);
  if (inputs.record && !record) io.info('record: true, but this is not a push to the default branch: the run is not recorded');

  // The runner sends SIGINT, then SIGTERM, when a job is cancelled: stop, clean up, keep partial results.
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => controller.abort(signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let outcome: Pick<RunOutcome, 'result' | 'exitCode'>;
  try {
    outcome = inputs.merge
      ? await mergeOutcome(inputs.merge, inputs.workingDirectory, files, inputs.failOnInconclusive)
      : await runPerfgate(
          {
            paths: inputs.config,
            cwd: inputs.workingDirectory,
            env,
            target: inputs.target,
            scenarios: inputs.scenarios,
            // A running target cannot be rebuilt at the base commit: without an explicit base, budgets only.
            base: inputs.base ?? (inputs.target ? 'none' : undefined),
            pairs: inputs.pairs,
            failOnInconclusive: inputs.failOnInconclusive,
            json: files.json,
            markdown: files.markdown,
            csv: files.csv,
            html: files.html,
            signal: controller.signal,
            github: resultGitHub(context, commentKey),
            runId,
            history: { branch: inputs.historyBranch, record },
            ...(inputs.shard ? { shard: inputs.shard } : {}),
            ...(inputs.pool ? { pool: inputs.pool } : {}),
          },
          actionsLog(io),
        );
  } catch (error) {
    reportError(error, io, paths);
    return;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const { result } = outcome;
  io.info(renderTerminal(result, { color: true }));

  const pr = context.pullRequest;
  const published = await io.group('Report', () =>
    publish({
      io,
      result,
      annotate: paths,
      commentKey,
      comment: inputs.comment,
      token: inputs.token,
      apiUrl: context.apiUrl,
      runUrl: context.runUrl,
      destination: pr && { owner: context.owner, repo: context.repo, issueNumber: pr.number, fromFork: pr.fromFork },
      markdownPath: files.markdown,
      resultsPath: files.json,
    }),
  );

  io.setOutput(Output.verdict, result.verdict);
  io.setOutput(Output.results, files.json);
  io.setOutput(Output.markdown, files.markdown);
  io.setOutput(Output.html, files.html);
  io.setOutput(Output.commentUrl, published.commentUrl ?? '');

  if (outcome.exitCode !== 0) {
    const headline = headlineText(result, { name: (s) => `"${s}"`, text: (s) => s });
    io.setFailed(`perfgate: ${headline}`);
  } else if (result.verdict === 'inconclusive') {
    io.warning(
      `perfgate: ${headlineText(result, { name: (s) => `"${s}"`, text: (s) => s })} (set fail-on-inconclusive: true to fail instead)`,
    );
  }
}

/**
 * The matrix's final job (#14): the shards' and pool members' results files (a directory: each .json in it or below
 * it, as download-artifact lays out one folder per artifact) merged into one result, written where a run writes its
 * own, with a run's exit code.
 */
async function mergeOutcome(
  paths: string[],
  cwd: string,
  files: OutputPaths,
  failOnInconclusive: boolean,
): Promise<Pick<RunOutcome, 'result' | 'exitCode'>> {
  const { mergeResultFiles } = await import('../scale-out/command.ts');
  const found = await Promise.all(
    paths.map(async (p) =>
      (await stat(p).catch(() => undefined))?.isDirectory()
        ? (await readdir(p, { recursive: true }))
            .filter((name) => name.endsWith('.json'))
            .sort()
            .map((name) => join(p, name))
        : [p],
    ),
  );
  // Named relative to the working directory in every reason a file is refused for.
  const result = await mergeResultFiles(
    found.flat().map((file) => relative(cwd, file)),
    cwd,
  );
  await writeOutputs(result, files);
  return { result, exitCode: runExitCode(result, { failOnInconclusive }) };
}

const MIN_MASKED_LENGTH = 4;

/** Under pull_request_target the job holds the base repository's secrets and a write token. */
const PULL_REQUEST_TARGET =
  'This workflow runs on pull_request_target: the job holds your secrets and a write token. If it checks out the ' +
  "pull request's head, perfgate builds and runs the PR's code (its Dockerfile, its app) with those in reach. " +
  'Run perfgate on pull_request instead, and comment from a separate workflow_run job with the report sub-action ' +
  '(docs/github-action.md#security).';

function reportError(error: unknown, io: ActionsIo, paths: PathContext): void {
  // Messages name files, lines and URLs, never a secret; a URL's credentials are redacted here once more.
  if (error instanceof ConfigError) {
    for (const a of configErrorAnnotations(error, paths)) io.error(redactUrls(a.message), a.properties);
    const where = error.issues.map(
      (i) => `${annotationFile(i.at.file, paths)}:${i.at.line}:${i.at.col} ${i.path ? `${i.path}: ` : ''}${i.message}`,
    );
    io.setFailed(redactUrls(`Invalid perfgate config:\n${where.join('\n')}`));
    return;
  }
  if (error instanceof InfrastructureError) {
    for (const [service, tail] of Object.entries(error.logs)) io.info(`--- last log lines of ${service} ---\n${tail}`);
    io.setFailed(redactUrls(error.message));
    return;
  }
  if (isPerfgateError(error)) {
    io.setFailed(redactUrls(error.message));
    return;
  }
  // A bug, not a user error: keep the stack for the report.
  io.setFailed(redactUrls(error instanceof Error ? (error.stack ?? error.message) : String(error)));
}

/** Post step: remove containers, networks and images a cancelled or crashed run left behind. */
async function post({ io }: ActionEnvironment): Promise<void> {
  try {
    // Only this job's run: a self-hosted runner shared by several jobs keeps the others' stacks.
    const runId = io.getState(State.runId);
    const { cleanupLeftovers } = await import('../services/cleanup.ts');
    const removed = await cleanupLeftovers(runId ? { runId } : {});
    const total = removed.containers + removed.networks + removed.images;
    io.info(
      total === 0
        ? 'perfgate cleanup: nothing left behind.'
        : `perfgate cleanup: removed ${removed.containers} containers, ${removed.networks} networks, ${removed.images} images.`,
    );
  } catch (error) {
    const message = (error as Error).message;
    // A runner without Docker (target: runs) has nothing to clean; anything else deserves attention.
    if (/docker|socket|container runtime|ENOENT|ECONNREFUSED/i.test(message)) io.info(`perfgate cleanup skipped: ${message}`);
    else io.warning(`perfgate cleanup could not run: ${message}`);
  }
}
