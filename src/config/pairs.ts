// Can n pairs ever show a difference? An exact one-sided test on n pairs cannot go below p = 2^-n, and Holm's
// first threshold is α / m for a family of m (scenario, metric) tests, a mix's (entry, metric) tests included. When
// 2^-n ≥ α / m the gate cannot fire.
import { ENTRY_COMPARE_METRICS, type CompareMetric, type Scenario } from './types.ts';

function minimumPairs(family: number, alpha: number): number {
  let n = 1;
  while (2 ** -n >= alpha / Math.max(1, family)) n++;
  return n;
}

/** The tests mix entries add to the family: per entry, those of its QPS, p50 and p99 that are compared. */
export function mixEntryTests(scenarios: ReadonlyArray<Pick<Scenario, 'requests'>>, metrics: readonly CompareMetric[]): number {
  const perEntry = ENTRY_COMPARE_METRICS.filter((m) => metrics.includes(m)).length;
  return scenarios.reduce((sum, s) => sum + s.requests.filter((r) => r.entry).length * perEntry, 0);
}

/** A message when `pairs` cannot support the comparison, else undefined. */
export function pairsProblem(pairs: number, metrics: number, scenarios: number, alpha: number, entryTests = 0): string | undefined {
  const family = metrics * Math.max(1, scenarios) + entryTests;
  const tests = `${scenarios} scenarios × ${metrics} metrics${entryTests > 0 ? ` + ${entryTests} of mix entries` : ''}`;
  if (metrics > 1 && pairs < 8) {
    return `${pairs} pairs are too few when ${metrics} metrics are gated: use at least 8 (the smallest p-value of ${pairs} pairs is 1/${2 ** pairs}, which cannot beat the Holm-corrected α)`;
  }
  const needed = minimumPairs(family, alpha);
  if (pairs < needed) {
    return `${pairs} pairs cannot reach a verdict for ${family} tests (${tests}): the smallest p-value is 1/${2 ** pairs} but Holm needs below ${alpha}/${family}; use at least ${needed} pairs, or compare fewer metrics`;
  }
  return undefined;
}
