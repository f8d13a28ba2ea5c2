// Step 4, compare: the head against the base, three ways, one decision (compare/decide.ts). Paired: both arms
// measured here in interleaved rounds, the strong evidence. Stored: the head measured again in rounds against a
// saved run's (unpaired). Saved runs: two results files, nothing measured (`perfgate compare`). Each returns
// what it adds to the results; finalize.ts puts it in. And reading a results file back.
import { roundOf, runInterleaved, type ArmRounds, type SequentialStop } from '../baseline/interleave.ts';
import { compareFamily, type ComparedScenarioSpec, type CompareMode } from '../compare/decide.ts';
import { addWindow, diagnosisOf, emptyTotals, type Counters, type WindowSample } from '../compare/diagnosis.ts';
import { DEFAULT_TOLERANCE } from '../config/load.ts';
import type { CompareSettings, Scenario } from '../config/types.ts';
import { runLoad, type LoadOptions } from '../load/run-load.ts';
import type { Log } from '../log.ts';
import type { LoadMeasurement, Round, RunResult, ScenarioResult } from '../result.ts';
import type { StartedStack } from '../services/stack.ts';
import type { ComparedScenario, Comparison, LoadControl, RunPlan, SavedComparison } from './options.ts';

export interface PairedRequest {
  /** The scenarios run; those measured without an error are compared. */
  scenarios: Scenario[];
  measured: ScenarioResult[];
  compare: CompareSettings;
  plan: Pick<RunPlan, 'head' | 'base' | 'seed' | 'pairs'>;
  origins: { head: string; base: string };
  /** The stacks perfgate started, whose counters the diagnosis reads around each round. */
  stacks?: { head?: StartedStack; base?: StartedStack };
}

/**
 * Both arms here, in interleaved pairs, sequentially: after min_pairs and every 2 pairs more, the scenario stops as
 * soon as every metric is decided (the per-look levels keep the error rates; stats/sequential.ts), else at the most
 * pairs or when its share of the time budget is spent.
 */
export async function comparePaired(request: PairedRequest, control: LoadControl, log: Log): Promise<Comparison> {
  const { plan, origins } = request;
  const settings: CompareSettings = { ...request.compare, pairs: plan.pairs, minPairs: Math.min(request.compare.minPairs, plan.pairs) };
  const measurable = request.scenarios.filter((s) => request.measured.some((r) => r.name === s.name && !r.error));
  const diagnosed = roundDiagnosis(request.stacks);
  const loader = (o: LoadOptions) => {
    const arm = o.origin === origins.base ? 'base' : 'head';
    diagnosed?.loading(arm);
    return (control.runLoad ?? runLoad)({ ...o, onProgress: (p) => control.onProgress?.(o.scenario.name, arm, p) });
  };
  // Every look decides with the whole family in view: scenarios not measured yet take part with no pairs (p = 1),
  // so a look is never held to a laxer Holm threshold than the final decision.
  const soFar = new Map<string, ArmRounds>();
  const decided = (scenario: Scenario, rounds: ArmRounds) => {
    soFar.set(scenario.name, rounds);
    const inputs = measurable.map((s) => ({ scenario: s, rounds: soFar.get(s.name) ?? { base: [], head: [] } }));
    // Its mix entries' metrics too: a scenario stops only when those are decided as well.
    const compared = compareFamily(inputs, settings, 'paired')[measurable.indexOf(scenario)];
    const all = [compared?.metrics ?? {}, ...(compared?.entries.map((e) => e.comparison) ?? [])].flatMap((c) => Object.values(c));
    return all.every((entry) => entry?.verdict !== 'inconclusive');
  };
  const stops = new Map<string, SequentialStop>();
  const rounds = await runInterleaved({
    scenarios: measurable,
    base: { name: 'base', origin: origins.base },
    head: { name: 'head', origin: origins.head },
    settings,
    seed: plan.seed,
    runLoad: loader,
    signal: control.signal,
    log,
    decided,
    onStop: (name, stop) => stops.set(name, stop),
    ...(diagnosed ? { aroundRound: diagnosed.around } : {}),
  });
  const compared = compareRounds(measurable, rounds, settings, 'paired');
  for (const [name, scenario] of compared) {
    const stop = stops.get(name);
    if (stop) scenario.sequential = { pairs: stop.pairs, stop: stop.reason };
    const diagnosis = diagnosed?.of(rounds.get(name));
    if (diagnosis) scenario.diagnosis = diagnosis;
  }
  const pairs = Math.max(0, ...[...stops.values()].map((s) => s.pairs));
  return { base: plan.base, head: plan.head, pairs, seed: plan.seed, scenarios: compared, warnings: [] };
}

/**
 * The diagnosis of paired rounds: each arm's counters read before and after each round's window, kept by round, so
 * an interrupted pair's rounds, dropped from the comparison, are dropped here too; then per arm, the sum of the
 * deltas over the sum of the requests.
 *
 * A reading costs a docker exec per container (about 0.4 s here), between windows, where it adds to the gate's time
 * and never to a measurement. The two stacks are separate, so the reading after an arm's window is still that
 * arm's "before" at its next window when nothing loaded its stack in between (the other arm's window does not; a
 * warm-up does): one reading per window instead of two. What the idle stack did meanwhile (next to nothing: no
 * load reaches it) is counted in its next window, alike in both arms.
 */
function roundDiagnosis(stacks: PairedRequest['stacks']) {
  const readers = { head: stacks?.head?.counters, base: stacks?.base?.counters };
  if (!readers.head || !readers.base) return undefined;
  const samples = new Map<Round, WindowSample>();
  /** Per arm, the reading after its last measured window, while no other load has reached its stack since. */
  const last: { head?: Counters; base?: Counters } = {};
  let measuring: 'base' | 'head' | undefined;
  /** Every load goes through here: the measured window that around() announced keeps its arm's reading, any other forgets it. */
  const loading = (arm: 'base' | 'head') => {
    if (measuring === arm) measuring = undefined;
    else delete last[arm];
  };
  const around = async (_scenario: Scenario, arm: 'base' | 'head') => {
    const reader = readers[arm]!;
    const before = last[arm] ?? (await reader.read().catch(() => undefined));
    delete last[arm];
    measuring = arm;
    return async (round: Round, measurement: LoadMeasurement) => {
      const after = before && (await reader.read().catch(() => undefined));
      if (before && after) {
        samples.set(round, { requests: measurement.outcomes.total, before, after });
        last[arm] = after;
      }
    };
  };
  const of = (rounds: ArmRounds | undefined) => {
    if (!rounds) return undefined;
    const totals = (arm: Round[]) =>
      arm.reduce((t, round) => {
        const sample = samples.get(round);
        return sample ? addWindow(t, sample) : t;
      }, emptyTotals());
    return diagnosisOf(totals(rounds.head), totals(rounds.base));
  };
  return { around, of, loading };
}

export interface StoredRequest {
  scenarios: Scenario[];
  compare: CompareSettings;
  plan: Pick<RunPlan, 'head' | 'seed' | 'pairs'>;
  headOrigin: string;
  /** The saved run as named by the user, read before anything started (a bad file is the user's error, at once). */
  baseline: { file: string; stored: RunResult };
}

/** The head measured again, in rounds, against a saved run's: unpaired, and said to be weak evidence. */
export async function compareWithStored(request: StoredRequest, control: LoadControl, log: Log): Promise<Comparison> {
  const { plan, baseline } = request;
  const { stored } = baseline;
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
      const measurement = await (control.runLoad ?? runLoad)({
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
  const comparisons = compareFamily(inputs, settings, mode);
  return new Map(
    inputs.map((input, i) => [
      input.scenario.name,
      {
        comparison: comparisons[i]!.metrics,
        ...(comparisons[i]!.entries.length > 0 ? { entries: comparisons[i]!.entries } : {}),
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
