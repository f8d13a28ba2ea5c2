// The pipeline's shared words: what a run is asked to do (RunOptions), what it decided before starting anything
// (RunPlan), what a comparison adds (Comparison), what it returns (RunOutcome) and its exit codes. Types and
// constants only: every step imports this file and it imports no step, so the steps form no import cycle.
import type { Commit } from '../baseline/git-refs.ts';
import type { PerfConfig } from '../config/types.ts';
import type { GeneratorSetting } from '../generator/placement.ts';
import type { RunLoad } from '../generator/remote-load.ts';
import type { LoadProgress } from '../load/run-load.ts';
import type { Round, RunResult, ScenarioResult } from '../result.ts';
import type { Part } from '../scale-out/shard.ts';
import type { CounterReader } from '../services/diagnosis.ts';
import type { StartedStack } from '../services/stack.ts';

type Arm = 'head' | 'base';

/** Live progress of one scenario's load on one arm (the CLI's progress line, the action's log). */
type OnProgress = (scenario: string, arm: Arm, progress: LoadProgress) => void;

export interface RunOptions {
  /** Files or directories of perf/*.yaml; default ['perf']. */
  paths: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Overrides the YAML's target/services: load goes to this running service. */
  target?: string;
  /** Only these scenarios (by name). */
  scenarios?: string[];
  /** Compare against the merge-base of HEAD and this ref; 'none' disables the comparison. */
  base?: string;
  /** Compare against a saved results JSON (unpaired, weak evidence). */
  baselineFile?: string;
  pairs?: number;
  failOnInconclusive?: boolean;
  /** Leave containers running (`perfgate cleanup` removes them later). */
  keep?: boolean;
  /** Output paths; written even when the run fails part-way. */
  json?: string;
  markdown?: string;
  csv?: string;
  /** The self-contained HTML report; written once the run ends. */
  html?: string;
  signal?: AbortSignal;
  onProgress?: OnProgress;
  /** Pull request context to embed in the results (the action sets it). */
  github?: RunResult['github'];
  /** Labels everything this run creates in Docker (default: generated); the action's post step cleans by it. */
  runId?: string;
  /** The history branch (#13): record this run on it, or read it into a compared run's results. */
  history?: HistoryOptions;
  /** Where the load generator runs (#14): auto (default: in Docker when the engine is remote), runner or docker. */
  generator?: GeneratorSetting;
  /** A matrix job (#14): run only this shard's scenarios (`--shard i/n`). */
  shard?: Part;
  /** A matrix job (#14): one of n runners measuring the same scenarios, pairs of its own (`--pool i/n`). */
  pool?: Part;
}

/** Where the history lives, and whether this run is recorded on it (on main) or only reads it (in a pull request). */
export interface HistoryOptions {
  /** Default perfgate-history. */
  branch?: string;
  /** Default origin. */
  remote?: string;
  record: boolean;
}

/** What load goes to on the head. */
export interface HeadArm {
  origin: string;
  /** The stack perfgate started; none for a running target. */
  stack?: StartedStack;
  /** A running target's Postgres and Redis (diagnose:), read around its windows as a stack's are. */
  counters?: CounterReader;
}

/**
 * What every step that sends load reads: how to stop, where progress goes, and, with the generator inside Docker,
 * the runLoad that sends each window there (absent: load/run-load.ts, here).
 */
export type LoadControl = Pick<RunOptions, 'signal' | 'onProgress'> & { runLoad?: RunLoad };

export interface RunOutcome {
  result: RunResult;
  config: PerfConfig;
  exitCode: number;
}

/** The signals that interrupt a run (the CLI's Ctrl-C or kill, the runner cancelling the Action's job). */
export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** Exit codes beyond 0–3: interrupted, as shells report it (128 + the signal's number). */
export const EXIT_INTERRUPTED: Record<InterruptSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/** Everything decided before anything starts: where load goes, which commits are compared, with what seed. */
export interface RunPlan {
  runId: string;
  /** A running service to load, when perfgate starts none. */
  target?: string;
  targetLabel: string;
  head?: Commit;
  base?: Commit;
  seed: string;
  pairs: number;
}

/** One scenario's comparison: an entry per compared metric, and the rounds it was decided on in the order run. */
export interface ComparedScenario {
  comparison: ScenarioResult['comparison'];
  /** A mix: each entry's comparison, by name. */
  entries?: Array<{ name: string; comparison: ScenarioResult['comparison'] }>;
  rounds: Round[];
  /** Paired comparisons: the pairs this scenario used, and why they stopped. */
  sequential?: ScenarioResult['sequential'];
  /** Paired comparisons: what the database, the cache and the app did per request in each arm. */
  diagnosis?: ScenarioResult['diagnosis'];
}

/** What a comparison adds to a run's result (finalize.ts puts it in). */
export interface Comparison {
  base?: RunResult['base'];
  head?: RunResult['head'];
  pairs: number;
  seed: string;
  /** By scenario name; scenarios not compared are not here. */
  scenarios: Map<string, ComparedScenario>;
  /** For the result's warnings: scenarios left out, and how weak the evidence is. */
  warnings: string[];
}

/** What comparing two saved runs adds to the head's results. */
export type SavedComparison = Pick<Comparison, 'base' | 'scenarios' | 'warnings'>;
