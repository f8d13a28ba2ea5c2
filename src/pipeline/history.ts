// Step 6, history (issue #13): on the main branch, the finished run's summary is recorded on the history branch
// (history/record.ts); in a pull request's run, the branch is read (never written) and each scenario gets its recent
// main history and change points (history/trend.ts) in the results. Reading never fails a run: without a branch
// there is no history, and a branch that cannot be read is a warning.
import { firstLine, InfrastructureError, isPerfgateError } from '../errors.ts';
import { headCommit } from '../history/git.ts';
import { readHistory } from '../history/read.ts';
import { historyLinesOf, recordHistory, runnerOf } from '../history/record.ts';
import { runnerKey } from '../history/schema.ts';
import { scenarioHistory } from '../history/trend.ts';
import type { Log } from '../log.ts';
import type { RunResult } from '../result.ts';
import type { HistoryOptions } from './options.ts';

/** The run's results after the history step, and the exit code it forces (3 when recording failed). */
export interface HistoryOutcome {
  result: RunResult;
  failure?: InfrastructureError;
}

export async function historyStep(
  result: RunResult,
  options: HistoryOptions & { cwd: string },
  log: Log,
  write: (result: RunResult) => Promise<void>,
): Promise<HistoryOutcome> {
  if (options.record) return { result, failure: await record(result, options, log) };
  if (!result.base) return { result };
  return { result: await withHistory(result, options, log, write) };
}

async function record(result: RunResult, options: HistoryOptions & { cwd: string }, log: Log): Promise<InfrastructureError | undefined> {
  if (result.interrupted) {
    log.warn('the run was interrupted: its partial results are not recorded in the history');
    return undefined;
  }
  const sha = result.head?.sha ?? (await headCommit(options.cwd));
  if (!sha) {
    log.warn('nothing is recorded in the history: the working directory has no commit checked out');
    return undefined;
  }
  const lines = historyLinesOf(result, sha);
  if (lines.length === 0) {
    log.warn('nothing is recorded in the history: no scenario was measured');
    return undefined;
  }
  try {
    await recordHistory({ cwd: options.cwd, branch: options.branch, remote: options.remote, lines, info: (m) => log.info(m) });
    return undefined;
  } catch (error) {
    if (error instanceof InfrastructureError) {
      log.warn(`the run was not recorded: ${firstLine(error)}`);
      return error;
    }
    throw error;
  }
}

async function withHistory(
  result: RunResult,
  options: HistoryOptions & { cwd: string },
  log: Log,
  write: (result: RunResult) => Promise<void>,
): Promise<RunResult> {
  let read;
  try {
    read = await readHistory({ cwd: options.cwd, branch: options.branch, remote: options.remote });
  } catch (error) {
    if (!isPerfgateError(error) && !(error instanceof Error && error.name === 'GitError')) throw error;
    log.warn(`the history branch could not be read: ${firstLine(error)}`);
    return result;
  }
  if (!read) return result;
  if (read.skipped > 0) log.warn(`${read.skipped} line${read.skipped === 1 ? '' : 's'} of the history could not be read and were skipped`);
  const runner = runnerKey(runnerOf(result.environment));
  let found = 0;
  const scenarios = result.scenarios.map((scenario) => {
    const base = scenario.comparison ? { qps: scenario.comparison.qps?.base, p99: scenario.comparison.p99?.base } : undefined;
    const head = {
      qps: scenario.comparison?.qps?.head ?? scenario.metrics.qps,
      p99: scenario.comparison?.p99?.head ?? scenario.metrics.p99,
    };
    const history = scenarioHistory(read.lines, scenario.name, runner, read.source, { base, head });
    if (!history) return scenario;
    found++;
    return { ...scenario, history };
  });
  if (found === 0) {
    log.info(`${read.source}: no recorded run of these scenarios on this runner (${runner})`);
    return result;
  }
  const withIt = { ...result, scenarios };
  await write(withIt);
  return withIt;
}
