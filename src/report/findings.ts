// What a reader must know about a run, in order of severity: the basis of every report's headline.
import { COMPARE_METRICS, type CompareMetric } from '../config/types.ts';
import type { BudgetResult, ComparisonEntry, RunResult, ScenarioResult } from '../result.ts';

type Drift = NonNullable<ScenarioResult['drift']>[number];

/** A finding about a mix entry names the entry (`mixEntry`); the others are the scenario's own. */
export type Finding = { mixEntry?: string } & (
  | { kind: 'error'; scenario: string; message: string }
  | { kind: 'budget-fail'; scenario: string; budget: BudgetResult }
  | { kind: 'regression'; scenario: string; metric: CompareMetric; entry: ComparisonEntry }
  | { kind: 'drift'; scenario: string; drift: Drift }
  | { kind: 'budget-inconclusive'; scenario: string; budget: BudgetResult }
  | { kind: 'comparison-inconclusive'; scenario: string; metric: CompareMetric; entry: ComparisonEntry }
  | { kind: 'comparison-skipped'; message: string }
  | { kind: 'improvement'; scenario: string; metric: CompareMetric; entry: ComparisonEntry }
);

const SEVERITY: Record<Finding['kind'], number> = {
  error: 0,
  'budget-fail': 1,
  regression: 2,
  drift: 3,
  'budget-inconclusive': 4,
  'comparison-inconclusive': 5,
  'comparison-skipped': 6,
  improvement: 7,
};

export function isProblem(finding: Finding): boolean {
  return finding.kind === 'error' || finding.kind === 'budget-fail' || finding.kind === 'regression' || finding.kind === 'drift';
}

export function isInconclusive(finding: Finding): boolean {
  return finding.kind === 'budget-inconclusive' || finding.kind === 'comparison-inconclusive' || finding.kind === 'comparison-skipped';
}

/** The comparison entries of a scenario in a stable order (qps, p50, p95, p99, error_rate, failure_rate). */
export function comparisonEntries(scenario: Pick<ScenarioResult, 'comparison'>): Array<[CompareMetric, ComparisonEntry]> {
  const entries: Array<[CompareMetric, ComparisonEntry]> = [];
  for (const metric of COMPARE_METRICS) {
    const entry = scenario.comparison?.[metric];
    if (entry) entries.push([metric, entry]);
  }
  return entries;
}

export function scenarioFindings(scenario: ScenarioResult): Finding[] {
  const findings: Finding[] = [];
  const name = scenario.name;
  if (scenario.error) findings.push({ kind: 'error', scenario: name, message: scenario.error });
  for (const budget of scenario.budgets) {
    if (budget.status === 'fail') findings.push({ kind: 'budget-fail', scenario: name, budget });
    if (budget.status === 'inconclusive') findings.push({ kind: 'budget-inconclusive', scenario: name, budget });
  }
  for (const [metric, entry] of comparisonEntries(scenario)) {
    if (entry.verdict === 'regression') findings.push({ kind: 'regression', scenario: name, metric, entry });
    if (entry.verdict === 'inconclusive') findings.push({ kind: 'comparison-inconclusive', scenario: name, metric, entry });
    if (entry.verdict === 'improvement') findings.push({ kind: 'improvement', scenario: name, metric, entry });
  }
  // A new change point on main that fails the recorded run; one that only warns is in the reports, not the headline.
  for (const drift of scenario.drift ?? []) if (drift.fails) findings.push({ kind: 'drift', scenario: name, drift });
  findings.push(...mixEntryFindings(scenario));
  return findings;
}

/** Each mix entry's failed or undecided budgets and its changed or undecided metrics, named by the entry. */
function mixEntryFindings(scenario: ScenarioResult): Finding[] {
  const scenarioName = scenario.name;
  return (scenario.entries ?? []).flatMap((mix) => {
    const named = { scenario: scenarioName, mixEntry: mix.name };
    const findings: Finding[] = [];
    for (const budget of mix.budgets ?? []) {
      if (budget.status === 'fail') findings.push({ kind: 'budget-fail', ...named, budget });
      if (budget.status === 'inconclusive') findings.push({ kind: 'budget-inconclusive', ...named, budget });
    }
    for (const [metric, entry] of comparisonEntries(mix)) {
      if (entry.verdict === 'regression') findings.push({ kind: 'regression', ...named, metric, entry });
      if (entry.verdict === 'inconclusive') findings.push({ kind: 'comparison-inconclusive', ...named, metric, entry });
      if (entry.verdict === 'improvement') findings.push({ kind: 'improvement', ...named, metric, entry });
    }
    return findings;
  });
}

/** Every finding of the run, most severe first (stable within a severity: scenario order). */
export function runFindings(result: RunResult): Finding[] {
  const findings = result.scenarios.flatMap(scenarioFindings);
  if (result.comparisonSkipped) findings.push({ kind: 'comparison-skipped', message: result.comparisonSkipped });
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => SEVERITY[a.finding.kind] - SEVERITY[b.finding.kind] || a.index - b.index)
    .map(({ finding }) => finding);
}

/** Whether the run compared base and head at all. */
export function hasComparison(result: RunResult): boolean {
  return result.scenarios.some((s) => s.comparison && Object.keys(s.comparison).length > 0);
}
