// Annotations that point each failing budget, regression and config error at its own line of perf/*.yaml.
// Pure: it plans the annotations from the result alone (budgets and scenarios carry their `at`); the action
// entry emits them.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { CompareMetric, SourceLocation } from '../config/types.ts';
import type { ConfigError } from '../errors.ts';
import { showInvisible } from '../invisible.ts';
import type { BudgetResult, ComparisonEntry, RunResult } from '../result.ts';
import { comparisonEntries } from '../report/findings.ts';
import { formatConfidence, formatMetric, formatMetricChange, formatMetricInterval, metricLabel } from '../report/format.ts';

export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  startColumn?: number;
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties: AnnotationProperties;
}

export interface PathContext {
  /** The directory perfgate ran in (working-directory); locations are relative to it. */
  cwd: string;
  /** GITHUB_WORKSPACE: annotation paths are relative to the repository root. */
  workspace: string;
}

/** A location's file relative to the repository root, with forward slashes, as annotations expect. */
export function annotationFile(file: string, paths: PathContext): string {
  const absolute = isAbsolute(file) ? file : resolve(paths.cwd, file);
  const rel = relative(paths.workspace, absolute);
  // Outside the workspace, GitHub cannot place it on a file: keep the absolute path for the reader.
  if (rel.startsWith('..') || isAbsolute(rel)) return absolute.split(sep).join('/');
  return rel.split(sep).join('/');
}

function at(location: SourceLocation | undefined, paths: PathContext, title: string): AnnotationProperties {
  if (!location) return { title };
  return { title, file: annotationFile(location.file, paths), startLine: location.line, startColumn: location.col };
}

/**
 * Annotations for a finished run: failing/undecided budgets at their line, regressions and unmeasured scenarios
 * at their scenario's line (without a file when the result does not say where the scenario is written); a mix
 * entry's budgets at their line, its regressions at the entry's.
 */
export function resultAnnotations(result: RunResult, paths: PathContext): Annotation[] {
  const annotations: Annotation[] = [];
  for (const scenario of result.scenarios) {
    const quoted = `"${scenario.name}"`;
    const scenarioAt = scenario.at;
    if (scenario.error) {
      annotations.push({
        level: 'error',
        message: `${quoted} could not be measured: ${scenario.error}`,
        properties: at(scenarioAt, paths, `perfgate: ${scenario.name}`),
      });
    }
    for (const budget of scenario.budgets) {
      const annotation = budgetAnnotation(budget, quoted, paths);
      if (annotation) annotations.push(annotation);
    }
    for (const [metric, entry] of comparisonEntries(scenario)) {
      const annotation = comparisonAnnotation(metric, entry, quoted, scenarioAt, paths);
      if (annotation) annotations.push(annotation);
    }
    // A mix entry's budgets at their own lines, its regressions at the entry's line (else the scenario's).
    for (const mix of scenario.entries ?? []) {
      const named = `${quoted} › ${mix.name}`;
      for (const budget of mix.budgets ?? []) {
        const annotation = budgetAnnotation(budget, named, paths);
        if (annotation) annotations.push(annotation);
      }
      for (const [metric, entry] of comparisonEntries(mix)) {
        const annotation = comparisonAnnotation(metric, entry, named, mix.at ?? scenarioAt, paths);
        if (annotation) annotations.push(annotation);
      }
    }
  }
  // Names and reasons come from the results file: a bidi control or a control character in them is shown, not obeyed.
  return annotations.map((a) => ({
    ...a,
    message: showInvisible(a.message, '\n'),
    properties: { ...a.properties, ...(a.properties.title ? { title: showInvisible(a.properties.title) } : {}) },
  }));
}

/** A failed or undecided budget, at its own line; `where` names its scenario (and mix entry). */
function budgetAnnotation(budget: BudgetResult, where: string, paths: PathContext): Annotation | undefined {
  if (budget.status === 'pass') return undefined;
  const value = formatMetric(budget.metric, budget.value);
  const head =
    budget.status === 'fail'
      ? `${metricLabel(budget.metric)} ${value} breaks the budget ${budget.text} in ${where}`
      : `${metricLabel(budget.metric)} budget ${budget.text} in ${where} is undecided (measured ${value})`;
  return {
    level: budget.status === 'fail' ? 'error' : 'warning',
    message: budget.reason ? `${head}: ${budget.reason}` : head,
    properties: at(
      budget.at,
      paths,
      `perfgate: ${metricLabel(budget.metric)} budget ${budget.status === 'fail' ? 'failed' : 'inconclusive'}`,
    ),
  };
}

/** A regression or an undecided change, at `location` (its scenario's or mix entry's line). */
function comparisonAnnotation(
  metric: CompareMetric,
  entry: ComparisonEntry,
  where: string,
  location: SourceLocation | undefined,
  paths: PathContext,
): Annotation | undefined {
  if (entry.verdict !== 'regression' && entry.verdict !== 'inconclusive') return undefined;
  const figures = `${formatMetric(metric, entry.base)} → ${formatMetric(metric, entry.head)}, ${formatMetricChange(metric, entry.change)}, ${formatConfidence(entry.confidence)} CI ${formatMetricInterval(metric, entry.low, entry.high)}`;
  const message =
    entry.verdict === 'regression'
      ? `${metricLabel(metric)} regressed in ${where} (${figures})`
      : `${metricLabel(metric)} change in ${where} is undecided (${figures})`;
  return {
    level: entry.verdict === 'regression' ? 'error' : 'warning',
    message: entry.reason ? `${message}: ${entry.reason}` : message,
    properties: at(location, paths, `perfgate: ${metricLabel(metric)} ${entry.verdict === 'regression' ? 'regressed' : 'inconclusive'}`),
  };
}

/** One error annotation per config issue, at its file:line:col. */
export function configErrorAnnotations(error: ConfigError, paths: PathContext): Annotation[] {
  return error.issues.map((issue) => ({
    level: 'error' as const,
    message: issue.path ? `${issue.path}: ${issue.message}` : issue.message,
    properties: at(issue.at, paths, 'perfgate: invalid config'),
  }));
}
