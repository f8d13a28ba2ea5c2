// Step 1, plan: which scenarios, where the load goes, which commits are compared. Reads the config and the
// options, asks git for the commits, and throws a UsageError (exit 2) for anything wrong before a container starts.
import { randomBytes } from 'node:crypto';
import { defaultBaseRef, headInfo, resolveBase } from '../baseline/git-refs.ts';
import { finalLookLevels, pairsForInterval } from '../compare/calibrate.ts';
import { mixEntryTests, pairsProblem } from '../config/pairs.ts';
import type { PerfConfig, Scenario } from '../config/types.ts';
import { UsageError } from '../errors.ts';
import { redactUrls } from '../report/redact.ts';
import type { RunOptions, RunPlan } from './options.ts';

/** The options a plan reads. */
export type PlanRequest = Pick<RunOptions, 'cwd' | 'env' | 'target' | 'base' | 'baselineFile' | 'pairs' | 'runId'>;

/**
 * Decides, before anything starts, where load goes and which commits are compared; every usage error that
 * needs no Docker and no measurement is thrown here (exit 2).
 */
export async function planRun(config: PerfConfig, options: PlanRequest): Promise<RunPlan> {
  const target = options.target ?? (config.services ? undefined : config.target);
  if (!target && !config.services) {
    throw new UsageError(
      `No service to measure: ${config.files.join(', ')} has neither target: nor services:.\n` +
        'Add target: http://127.0.0.1:PORT (a running service) or services: (perfgate starts it), or pass --target URL.',
    );
  }
  if (target) assertAllowedTarget(target, options.env);
  if (options.base && options.base !== 'none' && options.baselineFile) {
    throw new UsageError('Use either --base (measure the base branch now) or --baseline-file (a saved run), not both.');
  }
  const pairs = options.pairs ?? config.compare.pairs;
  const baseRef =
    options.base === 'none' || options.baselineFile ? undefined : (options.base ?? config.compare.base ?? defaultBaseRef(options.env));
  let head: RunPlan['head'];
  let base: RunPlan['base'];
  if (baseRef) {
    if (target) {
      throw new UsageError(
        `Comparing with ${baseRef} needs services: so perfgate can build and start the base branch; ` +
          'a running target can only be compared with a saved run (--baseline-file), or use --base none.',
      );
    }
    head = await headInfo(options.cwd);
    base = await resolveBase(baseRef, options.cwd);
  } else {
    head = await headInfo(options.cwd).catch(() => undefined);
  }
  if ((base || options.baselineFile) && options.pairs !== undefined) {
    const problem = pairsProblem(pairs, config.compare.metrics.length, config.scenarios.length, config.compare.alpha, entryTests(config));
    if (problem) throw new UsageError(`--pairs ${pairs}: ${problem}.`);
  }
  return {
    runId: options.runId ?? newRunId(),
    target,
    targetLabel: target ? redactUrls(target) : 'services',
    head,
    base,
    seed: head?.sha ?? 'perfgate',
    pairs,
  };
}

/** The options a calibration's plan reads. */
export type CalibrationRequest = Pick<RunOptions, 'cwd' | 'pairs' | 'runId'>;

/**
 * A calibration: an A/A comparison, the head's services started twice (base = head, the same working tree), at a
 * fixed design of `pairs` pairs (default the config's most pairs). Needs services: (a running target cannot be
 * started twice) and enough pairs for the interval the config's final look shows.
 */
export async function planCalibration(config: PerfConfig, options: CalibrationRequest): Promise<RunPlan> {
  if (!config.services) {
    throw new UsageError(
      `perfgate calibrate starts the services twice and compares them: ${config.files.join(', ')} has no services:. ` +
        'A running target (target:) cannot be calibrated.',
    );
  }
  const pairs = options.pairs ?? config.compare.pairs;
  const problem = pairsProblem(pairs, config.compare.metrics.length, config.scenarios.length, config.compare.alpha, entryTests(config));
  if (problem) throw new UsageError(`--pairs ${pairs}: ${problem}.`);
  const family = config.compare.metrics.length * config.scenarios.length;
  const needed = Math.max(pairsForInterval(finalLookLevels(config.compare, family).ratio), 2);
  if (pairs < needed) {
    throw new UsageError(
      `--pairs ${pairs}: too few pairs to measure the confidence interval the final look of ${config.compare.minPairs}…${config.compare.pairs} ` +
        `pairs shows (${family} tests); use at least ${needed}, or the config's ${config.compare.pairs}.`,
    );
  }
  const head = await headInfo(options.cwd).catch(() => undefined);
  return {
    runId: options.runId ?? newRunId(),
    targetLabel: 'services',
    head,
    base: head,
    seed: head?.sha ?? 'perfgate',
    pairs,
  };
}

/** A short id, unique enough per machine, safe in Docker names and image tags. */
/** The tests the config's mix entries add to the comparison's Holm family. */
function entryTests(config: PerfConfig): number {
  return mixEntryTests(config.scenarios, config.compare.metrics);
}

export function newRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** Load goes only to loopback or to containers perfgate started; remote targets need an explicit opt-in. */
function assertAllowedTarget(target: string, env: NodeJS.ProcessEnv): void {
  let url: URL;
  const shown = redactUrls(target);
  try {
    url = new URL(target);
  } catch {
    throw new UsageError(`The target "${shown}" is not a URL; expected e.g. http://127.0.0.1:8080.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`The target ${shown} must be http:// or https://.`);
  }
  if (!LOOPBACK.test(url.hostname) && env.PERFGATE_ALLOW_REMOTE_TARGET !== '1') {
    throw new UsageError(
      `The target ${shown} is not on this machine. perfgate only loads loopback or the containers it starts, ` +
        'because a network between the generator and the service adds noise a gate cannot tell from a regression. ' +
        'Set PERFGATE_ALLOW_REMOTE_TARGET=1 to load it anyway.',
    );
  }
}

/** The scenarios named (a sweep by its own name selects every level), or all of them. */
export function selectScenarios(all: Scenario[], names: string[] | undefined): Scenario[] {
  if (!names || names.length === 0) return all;
  const unknown = names.filter((name) => !all.some((s) => s.name === name || s.sweepOf === name));
  if (unknown.length > 0) {
    throw new UsageError(
      `Unknown scenario ${unknown.map((n) => `"${n}"`).join(', ')}; the scenarios are: ${all.map((s) => `"${s.name}"`).join(', ')}.`,
    );
  }
  return all.filter((s) => names.includes(s.name) || (s.sweepOf !== undefined && names.includes(s.sweepOf)));
}
