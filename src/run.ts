// The pipeline shared by the CLI and the action: plan → start → measure → compare → finalize, one step per file
// in src/pipeline/. Side effects happen in the steps and the modules they call at the edges (services/, load/,
// baseline/); the decisions are pure (compare/, stats/). Partial results are written whatever happens.
import path from 'node:path';
import type { Calibration } from './config/calibration.ts';
import { loadConfig } from './config/load.ts';
import type { CompareSettings, PerfConfig } from './config/types.ts';
import { firstLine, InfrastructureError } from './errors.ts';
import { generatorSetting } from './generator/placement.ts';
import type { Log } from './log.ts';
import { redactUrls } from './report/redact.ts';
import { checkOutputPaths, checkWritable, writeOutputs } from './report/write-outputs.ts';
import type { RunResult, ScenarioResult } from './result.ts';
import { calibrationOf, writeCalibration } from './pipeline/calibrate.ts';
import { comparePaired, compareSaved, compareWithStored } from './pipeline/compare.ts';
import { readRunResult } from './results/read.ts';
import { assemble, assembleSaved, interruptedBy, newResult, runExitCode, type RunState } from './pipeline/finalize.ts';
import { historyStep } from './pipeline/history.ts';
import { measureScenarios } from './pipeline/measure.ts';
import { placeLoad } from './pipeline/generator.ts';
import { EXIT_INTERRUPTED, type LoadControl, type RunOptions, type RunOutcome } from './pipeline/options.ts';
import { planCalibration, planRun, selectScenarios } from './pipeline/plan.ts';
import { emptyShardComparison, planScaleOut } from './pipeline/scale-out.ts';
import { cleanUp, startBase, startHead, startTwin, type Started } from './pipeline/start.ts';

export { type RunOptions, type RunOutcome } from './pipeline/options.ts';
export { newRunId } from './pipeline/plan.ts';
export { exitCodeFor, interruptedBy, runExitCode } from './pipeline/finalize.ts';
export { EXIT_INTERRUPTED } from './pipeline/options.ts';

/**
 * Runs perfgate. Throws ConfigError/UsageError/InfrastructureError for exits 2 and 3 before anything was
 * measured; once measuring has started, problems are recorded in the result (and the outputs written).
 * A failed budget or a regression is a result (exitCode 1), never an exception.
 */
export async function runPerfgate(options: RunOptions, log: Log): Promise<RunOutcome> {
  const { cwd, env, signal } = options;
  const config = await loadConfig(options.paths.length ? options.paths : ['perf'], { cwd, env });
  // A matrix job (#14) runs its shard's scenarios, or its pool member's pairs, and records what merge needs.
  const scaleOut = planScaleOut(config, selectScenarios(config.scenarios, options.scenarios), await planRun(config, options), options);
  const { scenarios, plan, compare } = scaleOut;
  // A saved run to compare with is read now: a missing or bad file is refused before minutes of building.
  const stored = options.baselineFile ? { file: options.baselineFile, stored: await readRunResult(options.baselineFile, cwd) } : undefined;
  // So are report paths it cannot write: found now, not at the first write after a scenario's minutes.
  await checkOutputPaths({ json: options.json, markdown: options.markdown, csv: options.csv, html: options.html });
  const header: RunResult = { ...newResult(config.files, plan.targetLabel, options), ...scaleOut.header };
  const state: RunState = { target: plan.targetLabel, scenarios: [], warnings: [] };
  // The HTML report (its charts take Vega a moment each) is written when the run ends, not after every scenario.
  const save = async (withHtml = true) => {
    const result = assemble(header, state);
    const html = withHtml && options.html ? { html: options.html } : {};
    await writeOutputs(result, { json: options.json, markdown: options.markdown, csv: options.csv, ...html });
    return result;
  };
  if (options.shard && scenarios.length === 0) {
    // More shards than scenarios: this job has nothing to measure, so it starts nothing (no stack, no base build);
    // its empty result is still one shard of the matrix for merge.
    log.warn(`shard ${options.shard.index}/${options.shard.count} has no scenarios to run: nothing was started`);
    state.comparison = await emptyShardComparison({ plan, compare, stored }, log);
    const result = await save();
    return { result, config, exitCode: runExitCode(result, { failOnInconclusive: options.failOnInconclusive }) };
  }
  const generator = generatorSetting(options.generator, env);
  const control: LoadControl = { signal, onProgress: options.onProgress };
  const started: Started = { stacks: [] };
  let failure: InfrastructureError | undefined;
  try {
    const start = { runId: plan.runId, signal, keep: options.keep };
    let head = await startHead({ target: plan.target, services: config.services, diagnose: config.diagnose }, start, log);
    if (head.stack) started.stacks.push(head.stack);
    started.counters = head.counters;
    state.startup = head.stack?.timings;
    state.target = redactUrls(head.origin);

    const base =
      plan.base && !signal?.aborted ? await startBase({ base: plan.base, services: config.services!, cwd }, start, log) : undefined;
    if (base?.stack) started.stacks.push(base.stack);
    started.removeWorktree = base?.removeWorktree;
    state.comparisonSkipped = base?.skipped;

    let baseOrigin = base?.stack?.origin;
    if (!signal?.aborted) {
      // Where the load comes from (#14): in Docker, both arms are loaded at their addresses on the stacks' networks.
      const source = await placeLoad(generator, { head: head.stack, base: base?.stack }, { runId: plan.runId, env }, log);
      started.generator = source;
      state.generator = source.generator;
      if (source.inDocker) {
        control.runLoad = source.inDocker.runLoad;
        head = { ...head, origin: source.inDocker.origins.head };
        baseOrigin = source.inDocker.origins.base;
        state.target = redactUrls(head.origin);
      }
    }
    failure = await measureScenarios(scenarios, { head, baseOrigin }, control, log, async (measured) => {
      state.scenarios.push(measured);
      await save(false);
    });

    if (!failure && !signal?.aborted && baseOrigin) {
      const origins = { head: head.origin, base: baseOrigin };
      state.comparison = await log.group('Comparing with the base (interleaved rounds)', () =>
        comparePaired(
          { scenarios, measured: state.scenarios, compare, plan, origins, stacks: { head: head.stack, base: base?.stack } },
          control,
          log,
        ),
      );
    } else if (!failure && !signal?.aborted && stored) {
      state.comparison = await log.group('Comparing with the stored baseline', () =>
        compareWithStored({ scenarios, compare, plan, headOrigin: head.origin, baseline: stored }, control, log),
      );
    }
  } catch (error) {
    // Before anything was measured, an error is the run's outcome (exit 2 or 3). Once interrupted, what broke
    // is the interruption's doing: the run ends as interrupted.
    if (state.scenarios.length === 0 && !signal?.aborted) throw error;
    if (!signal?.aborted) {
      // Something broke after measuring started: keep what was measured and say what happened.
      state.warnings.push(`the run stopped early: ${firstLine(error)}`);
      if (!(error instanceof InfrastructureError)) {
        await save().catch(() => undefined);
        throw error;
      }
      failure = error;
    }
  } finally {
    // Whatever ended the run (its end, an error of any kind, a signal), what it started is stopped.
    await cleanUp(started, log);
  }
  state.interrupted = interruptedBy(signal);
  if (state.interrupted) state.warnings.push(`interrupted by ${state.interrupted}: the results are partial`);
  let result = await save();
  if (options.history && !state.interrupted) {
    // The outputs again with what the history added (a PR's trend, a recorded run's new change points), HTML too.
    const html = options.html ? { html: options.html } : {};
    const write = (r: RunResult) => writeOutputs(r, { json: options.json, markdown: options.markdown, csv: options.csv, ...html });
    const history = await historyStep(result, { ...options.history, cwd, drift: config.history }, log, write);
    result = history.result;
    failure ??= history.failure;
  }
  const exitCode = runExitCode(result, { failure, failOnInconclusive: options.failOnInconclusive });
  return { result, config, exitCode };
}

/** `perfgate compare base.json head.json`: two saved runs, unpaired; the head's results with the comparison. */
export async function compareSavedRuns(baseFile: string, headFile: string, cwd: string, settings: CompareSettings): Promise<RunResult> {
  const [base, head] = await Promise.all([readRunResult(baseFile, cwd), readRunResult(headFile, cwd)]);
  return assembleSaved(head, compareSaved(base, head, { base: baseFile, head: headFile }, settings));
}

/** What `perfgate calibrate` is asked to do: the run's options that apply, and where to write the file. */
export type CalibrateOptions = Pick<
  RunOptions,
  'paths' | 'cwd' | 'env' | 'pairs' | 'keep' | 'signal' | 'onProgress' | 'runId' | 'generator'
> & {
  /** Default: calibration.json beside the first perf file. */
  out?: string;
};

export interface CalibrateOutcome {
  config: PerfConfig;
  /** Where the calibration was (or would have been) written, absolute. */
  file: string;
  /** Absent when interrupted: nothing is written then. */
  calibration?: Calibration;
  exitCode: number;
}

/**
 * `perfgate calibrate`: an A/A comparison on this runner. The same pipeline as a run (plan → start → measure →
 * compare), with the head's services started twice from the same working tree instead of a base worktree, every
 * scenario at a fixed design of the most pairs (no early stop, no time budget), and the rounds read as this runner's
 * spread and the tolerances its noise allows (pipeline/calibrate.ts). Throws as runPerfgate does for exits 2 and 3.
 */
export async function calibratePerfgate(options: CalibrateOptions, log: Log): Promise<CalibrateOutcome> {
  const { cwd, env, signal } = options;
  const config = await loadConfig(options.paths.length ? options.paths : ['perf'], { cwd, env });
  const plan = await planCalibration(config, options);
  const file = path.resolve(cwd, options.out ?? path.join(config.baseDir, 'calibration.json'));
  await checkWritable(file, 'calibration');
  const generator = generatorSetting(options.generator, env);
  const control: LoadControl = { signal, onProgress: options.onProgress };
  const started: Started = { stacks: [] };
  try {
    const start = { runId: plan.runId, signal, keep: options.keep };
    let head = await startHead({ services: config.services }, start, log);
    if (head.stack) started.stacks.push(head.stack);
    if (signal?.aborted) return { config, file, exitCode: EXIT_INTERRUPTED[interruptedBy(signal)!] };
    const twin = await startTwin(config.services!, start, log);
    started.stacks.push(twin);
    let twinOrigin = twin.origin;
    // An A/A on a remote engine is that host's noise, loaded from inside it as a run there would be (#14).
    const source = await placeLoad(generator, { head: head.stack, base: twin }, { runId: plan.runId, env }, log);
    started.generator = source;
    if (source.inDocker) {
      control.runLoad = source.inDocker.runLoad;
      head = { ...head, origin: source.inDocker.origins.head };
      twinOrigin = source.inDocker.origins.base ?? twinOrigin;
    }
    if (signal?.aborted) return { config, file, exitCode: EXIT_INTERRUPTED[interruptedBy(signal)!] };
    // Both arms get a run's load history (the head's window, the same unrecorded on the base) before the pairs.
    const measured: ScenarioResult[] = [];
    const failure = await measureScenarios(config.scenarios, { head, baseOrigin: twinOrigin }, control, log, async (m) => {
      measured.push(m);
    });
    if (failure) throw failure;
    if (signal?.aborted) return { config, file, exitCode: EXIT_INTERRUPTED[interruptedBy(signal)!] };
    const compare = { ...config.compare, minPairs: plan.pairs, budgetMs: Number.POSITIVE_INFINITY };
    const origins = { head: head.origin, base: twinOrigin };
    const comparison = await log.group(`A/A: the same code in both arms, ${plan.pairs} interleaved pairs per scenario`, () =>
      comparePaired({ scenarios: config.scenarios, measured, compare, plan, origins }, control, log),
    );
    if (signal?.aborted) return { config, file, exitCode: EXIT_INTERRUPTED[interruptedBy(signal)!] };
    for (const [name, scenario] of comparison.scenarios) {
      if (scenario.rounds.some((r) => r.generatorSaturated)) {
        log.warn(`${name}: the load generator was saturated in some rounds; its spread measures the client, not the service`);
      }
    }
    const calibration = calibrationOf(config, comparison, plan);
    await writeCalibration(file, calibration);
    return { config, file, calibration, exitCode: 0 };
  } finally {
    await cleanUp(started, log);
  }
}
