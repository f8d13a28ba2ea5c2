// The one-line verdict every report opens or closes with, worded for a person, not a statistician.
import type { RunResult } from '../result.ts';
import { hasComparison, isInconclusive, isProblem, runFindings, type Finding } from './findings.ts';
import { formatBandwidth } from '../config/units.ts';
import { formatChange, formatMetric, formatMetricChange, metricLabel } from './format.ts';

export interface HeadlineStyle {
  /** How a scenario name is shown (quoted, code-formatted, escaped). */
  name(text: string): string;
  /** How other user-provided text is shown (budget text as written). */
  text(text: string): string;
}

const MAX_LISTED = 2;

export function describeFinding(finding: Finding, style: HeadlineStyle): string {
  // A mix entry's finding: "p99 regressed 80% in `mixed` › GET /slow" (the entry alone where no scenario is named).
  const { mixEntry } = finding;
  if (mixEntry !== undefined) {
    const name = (scenario: string) => [style.name(scenario), style.text(mixEntry)].filter(Boolean).join(' › ');
    return describeFinding({ ...finding, mixEntry: undefined }, { ...style, name });
  }
  switch (finding.kind) {
    case 'error':
      return `${style.name(finding.scenario)} could not be measured`;
    case 'budget-fail': {
      const { budget } = finding;
      if (budget.link) {
        return `${metricLabel(budget.metric)} budget ${style.text(budget.text)} does not fit through the ${formatBandwidth(budget.link.bandwidth)} link in ${style.name(finding.scenario)}`;
      }
      return `${metricLabel(budget.metric)} ${formatMetric(budget.metric, budget.value)} breaks budget ${style.text(budget.text)} in ${style.name(finding.scenario)}`;
    }
    case 'regression':
      return `${metricLabel(finding.metric)} regressed ${unsigned(formatMetricChange(finding.metric, finding.entry.change))} in ${style.name(finding.scenario)}`;
    case 'drift': {
      const { drift } = finding;
      return `${metricLabel(drift.metric)} stepped ${formatChange(drift.change)} on main between ${drift.from.slice(0, 7)} and ${drift.to.slice(0, 7)} in ${style.name(finding.scenario)}`;
    }
    case 'improvement':
      return `${metricLabel(finding.metric)} improved ${unsigned(formatMetricChange(finding.metric, finding.entry.change))} in ${style.name(finding.scenario)}`;
    case 'budget-inconclusive':
      return `${metricLabel(finding.budget.metric)} budget undecided in ${style.name(finding.scenario)}`;
    case 'comparison-inconclusive':
      return `${metricLabel(finding.metric)} change undecided in ${style.name(finding.scenario)}`;
    case 'comparison-skipped':
      return 'comparison with the base skipped';
  }
}

function unsigned(change: string): string {
  return change.replace(/^[+−]/, '');
}

function list(findings: Finding[], style: HeadlineStyle): string {
  const shown = findings.slice(0, MAX_LISTED).map((f) => describeFinding(f, style));
  const more = findings.length - shown.length;
  return more > 0 ? `${shown.join('; ')} and ${more} more` : shown.join('; ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The headline without its verdict marker: "p99 regressed 18% in `list posts`". */
export function headlineText(result: RunResult, style: HeadlineStyle): string {
  const findings = runFindings(result);
  const problems = findings.filter(isProblem);
  const undecided = findings.filter(isInconclusive);
  const n = result.scenarios.length;

  if (result.interrupted) {
    // Partial results decide nothing about what was not measured; a failure found before the signal still shows.
    const found = problems.length > 0 ? `; ${list(problems, style)}` : '';
    const when = n === 0 ? 'before any scenario was measured' : `after ${plural(n, 'scenario')}`;
    return `interrupted by ${result.interrupted} ${when}: the results are partial${found}`;
  }
  if (result.verdict === 'fail') {
    if (problems.length > 0) return list(problems, style);
    if (undecided.length > 0) return `inconclusive, counted as a failure — ${list(undecided, style)}`;
    return `failed (${plural(n, 'scenario')})`;
  }
  if (result.verdict === 'inconclusive') {
    if (undecided.length > 0) return `inconclusive — ${list(undecided, style)}`;
    return 'inconclusive';
  }
  if (n === 0) return 'no scenarios ran';
  const budgets = result.scenarios.some((s) => s.budgets.length > 0);
  const scope = n === 1 ? 'the scenario' : `all ${n} scenarios`;
  let text = budgets ? `${scope} within budget` : `${scope} measured`;
  if (hasComparison(result)) text += ', no regression';
  const improvements = findings.filter((f) => f.kind === 'improvement');
  if (improvements.length > 0) text += `; ${list(improvements, style)}`;
  if (undecided.length > 0) text += ` (${plural(undecided.length, 'check')} undecided)`;
  return text;
}

export function verdictEmoji(verdict: RunResult['verdict']): string {
  return verdict === 'pass' ? '✅' : verdict === 'fail' ? '❌' : '⚠️';
}
