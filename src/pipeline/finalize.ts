// Step 5, finalize: the one place a results file is put together. newResult stamps what is known at the start
// (tool, machine, config files, pull request); assemble adds what the run found — the same way for every partial
// save and for the end; finalize gives each scenario and the run their verdicts. And the exit code.
import os from 'node:os';
import packageJson from '../../package.json' with { type: 'json' };
import { runVerdict, scenarioVerdict } from '../compare/verdict.ts';
import type { InfrastructureError } from '../errors.ts';
import type { RunResult, ScenarioResult } from '../result.ts';
import {
  EXIT_INTERRUPTED,
  type ComparedScenario,
  type Comparison,
  type InterruptSignal,
  type RunOptions,
  type SavedComparison,
} from './options.ts';

/** What a run has found so far; assemble() turns it into the results. */
export interface RunState {
  /** Where the head's load went (the plan's label until that is known). */
  target: string;
  /** The head stack's start-up phases. */
  startup?: RunResult['startup'];
  /** Why a requested comparison did not happen. */
  comparisonSkipped?: string;
  /** As measured, in order. */
  scenarios: ScenarioResult[];
  comparison?: Comparison;
  /** The run's own (stopped early, interrupted); a comparison's warnings come before them. */
  warnings: string[];
  /** The signal that stopped the run: the results are partial. */
  interrupted?: InterruptSignal;
  /** Where the load came from (the runner, or a generator inside Docker). */
  generator?: RunResult['environment']['generator'];
}

/** The results as known before anything runs; `target` is the plan's label. */
export function newResult(files: string[], target: string, { env, github }: Pick<RunOptions, 'env' | 'github'>): RunResult {
  const cpus = os.cpus();
  return {
    schemaVersion: 1,
    verdict: 'pass',
    startedAt: new Date().toISOString(),
    finishedAt: '',
    tool: { name: 'perfgate', version: packageJson.version, node: process.version },
    config: files,
    target,
    scenarios: [],
    environment: {
      platform: `${os.platform()} ${os.release()}`,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      ...(env.RUNNER_NAME ? { runner: `${env.RUNNER_NAME} (${env.RUNNER_OS ?? ''})`.trim() } : {}),
    },
    ...(github ? { github } : {}),
    warnings: [],
  };
}

/** The results of a run so far, finalized: `header` from newResult, with what the run found. */
export function assemble(header: RunResult, state: RunState): RunResult {
  const { comparison } = state;
  return finalize({
    ...header,
    target: state.target,
    ...(state.generator ? { environment: { ...header.environment, generator: state.generator } } : {}),
    scenarios: comparison ? withComparisons(state.scenarios, comparison.scenarios) : state.scenarios,
    warnings: [...(comparison?.warnings ?? []), ...state.warnings],
    ...(state.startup ? { startup: state.startup } : {}),
    ...(state.comparisonSkipped !== undefined ? { comparisonSkipped: state.comparisonSkipped } : {}),
    ...(state.interrupted ? { interrupted: state.interrupted } : {}),
    ...(comparison ? { base: comparison.base, head: comparison.head, pairs: comparison.pairs, seed: comparison.seed } : {}),
  });
}

/** A saved head's results with a comparison against another saved run; its own "compared with …" warning goes. */
export function assembleSaved(head: RunResult, comparison: SavedComparison): RunResult {
  return finalize({
    ...head,
    scenarios: withComparisons(head.scenarios, comparison.scenarios),
    base: comparison.base,
    warnings: [...head.warnings.filter((w) => !w.startsWith('compared with')), ...comparison.warnings],
  });
}

/** Each compared scenario (the first of its name) with its comparison and rounds; the others as they were. */
function withComparisons(scenarios: ScenarioResult[], compared: Map<string, ComparedScenario>): ScenarioResult[] {
  const out = [...scenarios];
  for (const [name, { comparison, entries, rounds, sequential, diagnosis }] of compared) {
    const index = out.findIndex((s) => s.name === name);
    if (index >= 0)
      out[index] = {
        ...out[index]!,
        comparison,
        rounds,
        ...(sequential ? { sequential } : {}),
        ...(diagnosis ? { diagnosis } : {}),
        ...withEntryComparisons(out[index]!.entries, entries),
      };
  }
  return out;
}

/** A mix's measured entries, each with its comparison (matched by name; an entry not measured here is not added). */
function withEntryComparisons(measured: ScenarioResult['entries'], compared: ComparedScenario['entries']): Pick<ScenarioResult, 'entries'> {
  if (!measured) return {};
  if (!compared) return { entries: measured };
  return {
    entries: measured.map((entry) => {
      const comparison = compared.find((c) => c.name === entry.name)?.comparison;
      return comparison ? { ...entry, comparison } : entry;
    }),
  };
}

/**
 * Every scenario's verdict from its budgets and comparison, the run's from theirs, and the time it ended. An
 * interrupted run never passes: what it did not measure is unknown (a failure it found still fails). A shard that
 * was given no scenarios (more shards than scenarios) passes: it had nothing to judge, and merge gives the verdict.
 */
function finalize(result: RunResult): RunResult {
  const scenarios = result.scenarios.map((scenario) => ({ ...scenario, verdict: scenarioVerdict(scenario) }));
  const emptyShard = result.shard !== undefined && scenarios.length === 0;
  const verdict = emptyShard ? 'pass' : runVerdict(scenarios);
  return {
    ...result,
    verdict: result.interrupted && verdict === 'pass' ? 'inconclusive' : verdict,
    finishedAt: new Date().toISOString(),
    scenarios,
  };
}

/** 1 for a failed verdict, or an inconclusive one when asked to fail on it; else 0. */
export function exitCodeFor(result: RunResult, failOnInconclusive = false): number {
  if (result.verdict === 'fail') return 1;
  if (result.verdict === 'inconclusive' && failOnInconclusive) return 1;
  return 0;
}

/** How a run ends: interrupted (130 by SIGINT, 143 by SIGTERM), an infrastructure failure (3), or its verdict. */
export function runExitCode(result: RunResult, end: { failure?: InfrastructureError; failOnInconclusive?: boolean }): number {
  if (result.interrupted) return EXIT_INTERRUPTED[result.interrupted];
  if (end.failure) return end.failure.exitCode;
  return exitCodeFor(result, end.failOnInconclusive);
}

/** The signal that stopped a run, if one did: the entry points abort with the signal's name. */
export function interruptedBy(signal: AbortSignal | undefined): InterruptSignal | undefined {
  if (!signal?.aborted) return undefined;
  return signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
}
