// The pipeline shared by the CLI and the action: config → services → load → budgets → comparison → outputs.
// Side effects happen here and in the modules it calls at the edges (services/, load/, baseline/); the
// decisions are pure (compare/, stats/). Partial results are written whatever happens.
import os from 'node:os';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import packageJson from '../package.json' with { type: 'json' };
import { DEFAULT_TOLERANCE, loadConfig, SCENARIO_DEFAULTS } from './config/load.ts';
import type { PerfConfig, Scenario } from './config/types.ts';
import { InfrastructureError, UsageError } from './errors.ts';
import type { Log } from './log.ts';
import type { LoadOptions } from './load/run-load.ts';
import { runLoad } from './load/run-load.ts';
import { compareScenarios } from './compare/decide.ts';
import { runVerdict, scenarioVerdict } from './compare/verdict.ts';
import type { Round, RunResult, ScenarioResult } from './result.ts';
import { writeOutputs } from './report/write-outputs.ts';
import { roundOf, runInterleaved } from './baseline/interleave.ts';
import { EXIT_INTERRUPTED, type RunOptions, type RunOutcome, type RunPlan } from './pipeline/options.ts';
import { planRun, selectScenarios } from './pipeline/plan.ts';
import { measureScenarios } from './pipeline/measure.ts';
import { cleanUp, startBase, startHead, type Started } from './pipeline/start.ts';

export { EXIT_INTERRUPTED, type RunOptions, type RunOutcome } from './pipeline/options.ts';
export { newRunId } from './pipeline/plan.ts';

/**
 * Runs perfgate. Throws ConfigError/UsageError/InfrastructureError for exits 2 and 3 before anything was
 * measured; once measuring has started, problems are recorded in the result (and the outputs written).
 * A failed budget or a regression is a result (exitCode 1), never an exception.
 */
export async function runPerfgate(options: RunOptions, log: Log): Promise<RunOutcome> {
  const config = await loadConfig(options.paths.length ? options.paths : ['perf'], {
    cwd: options.cwd,
    env: options.env,
  });
  const scenarios = selectScenarios(config.scenarios, options.scenarios);
  const plan = await planRun(config, options);
  const result = newResult(config, plan.targetLabel, options);
  const outputs = { json: options.json, markdown: options.markdown, csv: options.csv };
  const save = () => writeOutputs(finalize(result, options), outputs);

  const started: Started = { stacks: [] };
  const control = { signal: options.signal, onProgress: options.onProgress };
  let infrastructureFailure: InfrastructureError | undefined;
  try {
    const start = { runId: plan.runId, signal: options.signal, keep: options.keep };
    const head = await startHead({ target: plan.target, services: config.services }, start, log);
    if (head.stack) {
      started.stacks.push(head.stack);
      result.startup = head.stack.timings;
    }
    const headOrigin = head.origin;
    result.target = headOrigin;

    let baseOrigin: string | undefined;
    if (plan.base && !options.signal?.aborted) {
      const base = await startBase({ base: plan.base, services: config.services!, cwd: options.cwd }, start, log);
      started.removeWorktree = base.removeWorktree;
      if (base.stack) {
        started.stacks.push(base.stack);
        baseOrigin = base.stack.origin;
      } else {
        result.comparisonSkipped = base.skipped;
      }
    }

    infrastructureFailure = await measureScenarios(scenarios, { head, baseOrigin }, control, log, async (measured) => {
      result.scenarios.push(measured);
      await save();
    });

    if (baseOrigin && !infrastructureFailure && !options.signal?.aborted) {
      await log.group('Comparing with the base (interleaved rounds)', () =>
        comparePaired(result, scenarios, config, plan, headOrigin!, baseOrigin!, options, log),
      );
    } else if (options.baselineFile && !infrastructureFailure && !options.signal?.aborted) {
      await log.group('Comparing with the stored baseline', () =>
        compareWithStored(result, scenarios, config, plan, headOrigin!, options, log),
      );
    }
  } catch (error) {
    if (result.scenarios.length === 0 && !options.signal?.aborted) {
      await cleanUp(started, log);
      throw error;
    }
    // Something broke after measuring started: keep what was measured and say what happened.
    const message = error instanceof Error ? error.message : String(error);
    result.warnings.push(`the run stopped early: ${message}`);
    if (error instanceof InfrastructureError) infrastructureFailure = error;
    else if (!options.signal?.aborted) throw error;
  } finally {
    if (options.signal?.aborted) result.warnings.push(`interrupted (${String(options.signal.reason ?? 'signal')}); results are partial`);
  }
  await cleanUp(started, log);
  await save();

  const exitCode = options.signal?.aborted
    ? EXIT_INTERRUPTED
    : infrastructureFailure
      ? infrastructureFailure.exitCode
      : exitCodeFor(result, options.failOnInconclusive);
  return { result, config, exitCode };
}

export function exitCodeFor(result: RunResult, failOnInconclusive = false): number {
  if (result.verdict === 'fail') return 1;
  if (result.verdict === 'inconclusive' && failOnInconclusive) return 1;
  return 0;
}

async function comparePaired(
  result: RunResult,
  scenarios: Scenario[],
  config: PerfConfig,
  plan: RunPlan,
  headOrigin: string,
  baseOrigin: string,
  options: RunOptions,
  log: Log,
): Promise<void> {
  // With extend_once the family α is spent in two looks of α/2 each (Bonferroni spending), so buying more pairs
  // for an inconclusive metric cannot raise the false-alarm rate above α.
  const looks = config.compare.extendOnce ? 2 : 1;
  const settings = { ...config.compare, pairs: plan.pairs, alpha: config.compare.alpha / looks };
  const measurable = scenarios.filter((s) => result.scenarios.some((r) => r.name === s.name && !r.error));
  const loader = (o: LoadOptions) =>
    runLoad({ ...o, onProgress: (p) => options.onProgress?.(o.scenario.name, o.origin === baseOrigin ? 'base' : 'head', p) });
  const interleave = (firstPair: number) =>
    runInterleaved({
      scenarios: measurable,
      base: { name: 'base', origin: baseOrigin },
      head: { name: 'head', origin: headOrigin },
      settings,
      seed: plan.seed,
      runLoad: loader,
      signal: options.signal,
      log,
      firstPair,
      skipWarmup: firstPair > 0,
    });
  const rounds = await interleave(0);
  result.base = plan.base;
  result.head = plan.head;
  result.pairs = settings.pairs;
  result.seed = plan.seed;
  attachComparisons(result, measurable, rounds, settings, 'paired');
  const undecided = result.scenarios.some((s) => Object.values(s.comparison ?? {}).some((c) => c?.verdict === 'inconclusive'));
  if (looks === 2 && undecided && !options.signal?.aborted) {
    log.info(`some metrics are inconclusive: buying ${settings.pairs} more pairs once (extend_once)`);
    const more = await interleave(settings.pairs);
    for (const [name, extra] of more) {
      const first = rounds.get(name);
      if (first) rounds.set(name, { base: [...first.base, ...extra.base], head: [...first.head, ...extra.head] });
    }
    result.pairs = settings.pairs * 2;
    attachComparisons(result, measurable, rounds, settings, 'paired');
  }
}

async function compareWithStored(
  result: RunResult,
  scenarios: Scenario[],
  config: PerfConfig,
  plan: RunPlan,
  headOrigin: string,
  options: RunOptions,
  log: Log,
): Promise<void> {
  const stored = await readResults(options.baselineFile!, options.cwd);
  log.warn(
    'comparing with a saved run: it was measured on another machine or at another time, so this is weak evidence. ' +
      'Prefer --base, which measures both versions here, interleaved.',
  );
  const settings = { ...config.compare, pairs: plan.pairs };
  const rounds = new Map<string, { base: Round[]; head: Round[] }>();
  const compared: Scenario[] = [];
  for (const scenario of scenarios) {
    const saved = stored.scenarios.find((s) => s.name === scenario.name);
    if (!saved) {
      result.warnings.push(`"${scenario.name}" is not in ${options.baselineFile}; not compared`);
      continue;
    }
    const head: Round[] = [];
    for (let index = 0; index < settings.pairs && !options.signal?.aborted; index++) {
      const measurement = await runLoad({
        origin: headOrigin,
        scenario,
        warmupMs: index === 0 ? scenario.warmupMs : 0,
        durationMs: settings.roundMs || scenario.durationMs,
        signal: options.signal,
        onProgress: (p) => options.onProgress?.(scenario.name, 'head', p),
      });
      head.push(roundOf(index, 'head', 0, measurement));
    }
    rounds.set(scenario.name, { base: storedRounds(saved), head });
    compared.push(scenario);
  }
  result.base = stored.head ?? { ref: options.baselineFile!, sha: '' };
  result.head = plan.head;
  result.pairs = settings.pairs;
  result.seed = plan.seed;
  result.warnings.push(`compared with the saved run ${options.baselineFile} (unpaired): weak evidence across machines or times`);
  attachComparisons(result, compared, rounds, settings, 'unpaired');
}

function attachComparisons(
  result: RunResult,
  scenarios: Scenario[],
  rounds: Map<string, { base: Round[]; head: Round[] }>,
  settings: PerfConfig['compare'],
  mode: 'paired' | 'unpaired',
): void {
  const inputs = scenarios
    .filter((s) => rounds.has(s.name))
    .map((scenario) => ({ scenario, rounds: rounds.get(scenario.name)! }));
  const comparisons = compareScenarios(inputs, settings, mode);
  inputs.forEach((input, i) => {
    const target = result.scenarios.find((s) => s.name === input.scenario.name);
    if (!target) return;
    target.comparison = comparisons[i];
    target.rounds = [...input.rounds.base, ...input.rounds.head].sort((a, b) => a.index - b.index || a.order - b.order);
    target.verdict = scenarioVerdict(target);
  });
}

/** A saved run's own head rounds, or its single measurement as one round. */
function storedRounds(saved: ScenarioResult): Round[] {
  const head = (saved.rounds ?? []).filter((r) => r.arm === 'head').map((r) => ({ ...r, arm: 'base' as const }));
  return head.length > 0 ? head : [roundOf(0, 'base', 0, saved.measurement)];
}

export async function readResults(file: string, cwd: string): Promise<RunResult> {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch {
    throw new UsageError(`Cannot read the results file ${file}; write one with: perfgate run --json ${file}`);
  }
  let parsed: RunResult;
  try {
    parsed = JSON.parse(text) as RunResult;
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (${(error as Error).message}); expected a file written by perfgate run --json.`);
  }
  if (parsed?.schemaVersion !== 1 || !Array.isArray(parsed.scenarios)) {
    throw new UsageError(`${file} is not a perfgate results file (schemaVersion 1); write one with: perfgate run --json ${file}`);
  }
  return parsed;
}

/** `perfgate compare base.json head.json`: two saved runs, unpaired. */
export async function compareSavedRuns(
  baseFile: string,
  headFile: string,
  cwd: string,
  config: PerfConfig['compare'],
): Promise<RunResult> {
  const [base, head] = await Promise.all([readResults(baseFile, cwd), readResults(headFile, cwd)]);
  const result: RunResult = structuredClone(head);
  const rounds = new Map<string, { base: Round[]; head: Round[] }>();
  const scenarios: Scenario[] = [];
  for (const scenario of result.scenarios) {
    const saved = base.scenarios.find((s) => s.name === scenario.name);
    if (!saved) {
      result.warnings.push(`"${scenario.name}" is not in ${baseFile}; not compared`);
      continue;
    }
    const headRounds = storedRounds(scenario).map((r) => ({ ...r, arm: 'head' as const }));
    rounds.set(scenario.name, { base: storedRounds(saved), head: headRounds });
    scenarios.push(scenarioFromResult(scenario));
  }
  result.base = base.head ?? { ref: baseFile, sha: '' };
  result.warnings = [
    ...result.warnings.filter((w) => !w.startsWith('compared with')),
    `compared ${headFile} with ${baseFile} (unpaired): runs from different machines or times are weak evidence`,
  ];
  attachComparisons(result, scenarios, rounds, config, 'unpaired');
  return finalize(result, {});
}

/** The parts of a Scenario the decision needs, rebuilt from a saved result. */
function scenarioFromResult(s: ScenarioResult): Scenario {
  return {
    name: s.name,
    requests: [],
    connections: s.connections,
    warmupMs: 0,
    durationMs: s.measurement.durationMs,
    timeoutMs: SCENARIO_DEFAULTS.timeoutMs,
    maxErrorRate: SCENARIO_DEFAULTS.maxErrorRate,
    budgets: [],
    tolerance: { ...DEFAULT_TOLERANCE },
    at: s.budgets[0]?.at ?? { file: '', line: 1, col: 1 },
  };
}

function newResult(config: PerfConfig, target: string, options: RunOptions): RunResult {
  const cpus = os.cpus();
  return {
    schemaVersion: 1,
    verdict: 'pass',
    startedAt: new Date().toISOString(),
    finishedAt: '',
    tool: { name: 'perfgate', version: packageJson.version, node: process.version },
    config: config.files,
    target,
    scenarios: [],
    environment: {
      platform: `${os.platform()} ${os.release()}`,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      ...(options.env.RUNNER_NAME ? { runner: `${options.env.RUNNER_NAME} (${options.env.RUNNER_OS ?? ''})`.trim() } : {}),
    },
    ...(options.github ? { github: options.github } : {}),
    warnings: [],
  };
}

function finalize(result: RunResult, options: Pick<RunOptions, 'failOnInconclusive'>): RunResult {
  void options;
  for (const scenario of result.scenarios) scenario.verdict = scenarioVerdict(scenario);
  result.verdict = runVerdict(result.scenarios);
  result.finishedAt = new Date().toISOString();
  return result;
}
