// Step 4, compare: the head against the base, three ways, one decision (compare/decide.ts). Paired: both arms
// measured here in interleaved rounds, the strong evidence. Stored: the head measured again in rounds against a
// saved run's (unpaired). Saved runs: two results files, nothing measured (`perfgate compare`). Each returns
// what it adds to the results; finalize.ts puts it in. And reading a results file back.
import { roundOf, runInterleaved, type ArmRounds } from '../baseline/interleave.ts';
import { compareScenarios, type ComparedScenarioSpec, type CompareMode } from '../compare/decide.ts';
import { DEFAULT_TOLERANCE } from '../config/load.ts';
import type { CompareSettings, Scenario } from '../config/types.ts';
import { runLoad, type LoadOptions } from '../load/run-load.ts';
import type { Log } from '../log.ts';
import type { Round, RunResult, ScenarioResult } from '../result.ts';
import { readRunResult } from '../results/read.ts';
import type { ComparedScenario, Comparison, LoadControl, RunPlan, SavedComparison } from './options.ts';

export interface PairedRequest {
  /** The scenarios run; those measured without an error are compared. */
  scenarios: Scenario[];
  measured: ScenarioResult[];
  compare: CompareSettings;
  plan: Pick<RunPlan, 'head' | 'base' | 'seed' | 'pairs'>;
  origins: { head: string; base: string };
}

/** Both arms here, in interleaved pairs; with extend_once, more pairs once when a metric is still undecided. */
export async function comparePaired(request: PairedRequest, control: LoadControl, log: Log): Promise<Comparison> {
  const { plan, origins } = request;
  // With extend_once the family α is spent in two looks of α/2 each (Bonferroni spending), so buying more pairs
  // for an inconclusive metric cannot raise the false-alarm rate above α.
  const looks = request.compare.extendOnce ? 2 : 1;
  const settings = { ...request.compare, pairs: plan.pairs, alpha: request.compare.alpha / looks };
  const measurable = request.scenarios.filter((s) => request.measured.some((r) => r.name === s.name && !r.error));
  const loader = (o: LoadOptions) =>
    runLoad({ ...o, onProgress: (p) => control.onProgress?.(o.scenario.name, o.origin === origins.base ? 'base' : 'head', p) });
  const interleave = (firstPair: number) =>
    runInterleaved({
      scenarios: measurable,
      base: { name: 'base', origin: origins.base },
      head: { name: 'head', origin: origins.head },
      settings,
      seed: plan.seed,
      runLoad: loader,
      signal: control.signal,
      log,
      firstPair,
      skipWarmup: firstPair > 0,
    });
  const rounds = await interleave(0);
  let compared = compareRounds(measurable, rounds, settings, 'paired');
  let pairs = settings.pairs;
  const undecided = [...compared.values()].some((c) =>
    Object.values(c.comparison ?? {}).some((entry) => entry?.verdict === 'inconclusive'),
  );
  if (looks === 2 && undecided && !control.signal?.aborted) {
    log.info(`some metrics are inconclusive: buying ${settings.pairs} more pairs once (extend_once)`);
    const more = await interleave(settings.pairs);
    for (const [name, extra] of more) {
      const first = rounds.get(name);
      if (first) rounds.set(name, { base: [...first.base, ...extra.base], head: [...first.head, ...extra.head] });
    }
    pairs = settings.pairs * 2;
    compared = compareRounds(measurable, rounds, settings, 'paired');
  }
  return { base: plan.base, head: plan.head, pairs, seed: plan.seed, scenarios: compared, warnings: [] };
}

export interface StoredRequest {
  scenarios: Scenario[];
  compare: CompareSettings;
  plan: Pick<RunPlan, 'head' | 'seed' | 'pairs'>;
  headOrigin: string;
  /** The saved run as named by the user, and the directory it is relative to. */
  baseline: { file: string; cwd: string };
}

/** The head measured again, in rounds, against a saved run's: unpaired, and said to be weak evidence. */
export async function compareWithStored(request: StoredRequest, control: LoadControl, log: Log): Promise<Comparison> {
  const { plan, baseline } = request;
  const stored = await readRunResult(baseline.file, baseline.cwd);
  log.warn(
    'comparing with a saved run: it was measured on another machine or at another time, so this is weak evidence. ' +
      'Prefer --base, which measures both versions here, interleaved.',
  );
  const settings = { ...request.compare, pairs: plan.pairs };
  const rounds = new Map<string, ArmRounds>();
  const compared: Scenario[] = [];
  const warnings: string[] = [];
  for (const scenario of request.scenarios) {
    const saved = stored.scenarios.find((s) => s.name === scenario.name);
    if (!saved) {
      warnings.push(`"${scenario.name}" is not in ${baseline.file}; not compared`);
      continue;
    }
    const head: Round[] = [];
    for (let index = 0; index < settings.pairs && !control.signal?.aborted; index++) {
      const measurement = await runLoad({
        origin: request.headOrigin,
        scenario,
        warmupMs: index === 0 ? scenario.warmupMs : 0,
        durationMs: settings.roundMs || scenario.durationMs,
        signal: control.signal,
        onProgress: (p) => control.onProgress?.(scenario.name, 'head', p),
      });
      head.push(roundOf(index, 'head', 0, measurement));
    }
    rounds.set(scenario.name, { base: storedRounds(saved), head });
    compared.push(scenario);
  }
  warnings.push(`compared with the saved run ${baseline.file} (unpaired): weak evidence across machines or times`);
  return {
    base: stored.head ?? { ref: baseline.file, sha: '' },
    head: plan.head,
    pairs: settings.pairs,
    seed: plan.seed,
    scenarios: compareRounds(compared, rounds, settings, 'unpaired'),
    warnings,
  };
}

/**
 * `perfgate compare base.json head.json`: two saved runs, unpaired, nothing measured. `files` name them as the
 * user did, for the warnings.
 */
export function compareSaved(
  base: RunResult,
  head: RunResult,
  files: { base: string; head: string },
  settings: CompareSettings,
): SavedComparison {
  const rounds = new Map<string, ArmRounds>();
  const scenarios: ComparedScenarioSpec[] = [];
  const warnings: string[] = [];
  for (const scenario of head.scenarios) {
    const saved = base.scenarios.find((s) => s.name === scenario.name);
    if (!saved) {
      warnings.push(`"${scenario.name}" is not in ${files.base}; not compared`);
      continue;
    }
    const headRounds = storedRounds(scenario).map((r) => ({ ...r, arm: 'head' as const }));
    rounds.set(scenario.name, { base: storedRounds(saved), head: headRounds });
    // Saved runs carry no tolerances: the defaults apply.
    scenarios.push({ name: scenario.name, durationMs: scenario.measurement.durationMs, tolerance: { ...DEFAULT_TOLERANCE } });
  }
  warnings.push(`compared ${files.head} with ${files.base} (unpaired): runs from different machines or times are weak evidence`);
  return {
    base: base.head ?? { ref: files.base, sha: '' },
    scenarios: compareRounds(scenarios, rounds, settings, 'unpaired'),
    warnings,
  };
}

/** The decision for every scenario that has rounds, by name, with its rounds in the order they ran. */
function compareRounds(
  scenarios: ComparedScenarioSpec[],
  rounds: Map<string, ArmRounds>,
  settings: CompareSettings,
  mode: CompareMode,
): Map<string, ComparedScenario> {
  const inputs = scenarios.filter((s) => rounds.has(s.name)).map((scenario) => ({ scenario, rounds: rounds.get(scenario.name)! }));
  const comparisons = compareScenarios(inputs, settings, mode);
  return new Map(
    inputs.map((input, i) => [
      input.scenario.name,
      {
        comparison: comparisons[i],
        rounds: [...input.rounds.base, ...input.rounds.head].sort((a, b) => a.index - b.index || a.order - b.order),
      },
    ]),
  );
}

/** A saved run's own head rounds, or its single measurement as one round. */
function storedRounds(saved: ScenarioResult): Round[] {
  const head = (saved.rounds ?? []).filter((r) => r.arm === 'head').map((r) => ({ ...r, arm: 'base' as const }));
  return head.length > 0 ? head : [roundOf(0, 'base', 0, saved.measurement)];
}
