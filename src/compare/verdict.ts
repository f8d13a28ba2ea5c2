// Verdicts: fail beats inconclusive beats pass, for a scenario and for the whole run.
import type { ScenarioResult, Verdict } from '../result.ts';

export function scenarioVerdict(
  s: Pick<ScenarioResult, 'budgets' | 'comparison' | 'error'> & Partial<Pick<ScenarioResult, 'measurement' | 'drift' | 'entries'>>,
): Verdict {
  // A mix entry's budgets and comparisons are the scenario's too: a slow endpoint fails it like a slow total.
  const entries = s.entries ?? [];
  const comparisons = [s.comparison, ...entries.map((e) => e.comparison)].flatMap((c) => Object.values(c ?? {}));
  const budgets = [...s.budgets, ...entries.flatMap((e) => e.budgets ?? [])];
  // Requests were sent and none succeeded: a failure whatever the budgets say (there may be none).
  const nothingSucceeded = s.measurement !== undefined && s.measurement.outcomes.total > 0 && s.measurement.outcomes.success === 0;
  if (
    s.error ||
    nothingSucceeded ||
    budgets.some((b) => b.status === 'fail') ||
    comparisons.some((c) => c?.verdict === 'regression') ||
    // A new step for the worse on main's history beyond history: fail_on_change (a recorded run only).
    s.drift?.some((d) => d.fails)
  )
    return 'fail';
  if (budgets.some((b) => b.status === 'inconclusive') || comparisons.some((c) => c?.verdict === 'inconclusive')) return 'inconclusive';
  return 'pass';
}

export function runVerdict(scenarios: Array<Pick<ScenarioResult, 'verdict'>>): Verdict {
  if (scenarios.length === 0) return 'inconclusive';
  if (scenarios.some((s) => s.verdict === 'fail')) return 'fail';
  if (scenarios.some((s) => s.verdict === 'inconclusive')) return 'inconclusive';
  return 'pass';
}
