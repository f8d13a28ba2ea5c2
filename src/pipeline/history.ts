// Step 6, history (issue #13): on the main branch, the finished run's summary is recorded on the history branch
// (history/record.ts), and a change point the new run brings to main's history warns or fails it (history: in
// YAML, compare/drift.ts); in a pull request's run, the branch is read (never written) and each scenario gets its recent
// main history and change points (history/trend.ts) in the results. Reading never fails a run: without a branch
// there is no history, and a branch that cannot be read is a warning.
import { runVerdict, scenarioVerdict } from '../compare/verdict.ts';
import { driftOf, isWorse } from '../compare/drift.ts';
import type { DriftMetric, DriftSettings } from '../config/types.ts';
import { firstLine, InfrastructureError, isPerfgateError } from '../errors.ts';
import { headCommit } from '../history/git.ts';
import { readHistory } from '../history/read.ts';
import { historyLinesOf, recordHistory, runnerOf } from '../history/record.ts';
import { parseHistory, runnerKey, type HistoryLine } from '../history/schema.ts';
import { newShifts, scenarioHistory } from '../history/trend.ts';
import { changePointWords, driftWords } from '../report/history.ts';
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
  options: HistoryOptions & { cwd: string; drift?: DriftSettings },
  log: Log,
  write: (result: RunResult) => Promise<void>,
): Promise<HistoryOutcome> {
  if (options.record) return record(result, options, log, write);
  if (!result.base) return { result };
  return { result: await withHistory(result, options, log, write) };
}

async function record(
  result: RunResult,
  options: HistoryOptions & { cwd: string; drift?: DriftSettings },
  log: Log,
  write: (result: RunResult) => Promise<void>,
): Promise<HistoryOutcome> {
  if (result.interrupted) {
    log.warn('the run was interrupted: its partial results are not recorded in the history');
    return { result };
  }
  const sha = result.head?.sha ?? (await headCommit(options.cwd));
  if (!sha) {
    log.warn('nothing is recorded in the history: the working directory has no commit checked out');
    return { result };
  }
  const lines = historyLinesOf(result, sha);
  if (lines.length === 0) {
    log.warn('nothing is recorded in the history: no scenario was measured');
    return { result };
  }
  let recorded;
  try {
    recorded = await recordHistory({ cwd: options.cwd, branch: options.branch, remote: options.remote, lines, info: (m) => log.info(m) });
  } catch (error) {
    if (error instanceof InfrastructureError) {
      log.warn(`the run was not recorded: ${firstLine(error)}`);
      return { result, failure: error };
    }
    throw error;
  }
  return { result: await withDrift(result, parseHistory(recorded.content).lines, lines, options.drift, log, write) };
}

/**
 * The change points this run's recording brought to main's history: each for the worse at least warn_on_change is a
 * warning (the log, and every report through the scenario's drift), at least fail_on_change fails the scenario; a
 * step for the better is said in the log.
 */
async function withDrift(
  result: RunResult,
  all: HistoryLine[],
  recorded: HistoryLine[],
  settings: DriftSettings = { warn: {}, fail: {} },
  log: Log,
  write: (result: RunResult) => Promise<void>,
): Promise<RunResult> {
  const found = newShifts(all, recorded);
  if (found.length === 0) return result;
  let drifted = false;
  const scenarios = result.scenarios.map((scenario) => {
    const shifts = found.filter((f) => f.scenario === scenario.name).map((f) => f.shift);
    const drift = driftOf(shifts, settings);
    for (const shift of shifts) {
      if (Number.isFinite(shift.change) && !isWorse(shift.metric as DriftMetric, shift.change)) {
        log.info(`main's history of "${scenario.name}": a new change point for the better, ${changePointWords(shift)}`);
      }
    }
    for (const d of drift) log.warn(`main's history of "${scenario.name}": ${driftWords(d)}`);
    if (drift.length === 0) return scenario;
    drifted = true;
    const withIt = { ...scenario, drift };
    return { ...withIt, verdict: scenarioVerdict(withIt) };
  });
  if (!drifted) return result;
  const withIt = { ...result, scenarios, verdict: runVerdict(scenarios) };
  await write(withIt);
  return withIt;
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
