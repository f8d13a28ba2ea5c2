// Can n pairs ever show a difference? An exact one-sided test on n pairs cannot go below p = 2^-n, and Holm's
// first threshold is α / m for a family of m (scenario, metric) tests. When 2^-n ≥ α / m the gate cannot fire.

function minimumPairs(family: number, alpha: number): number {
  let n = 1;
  while (2 ** -n >= alpha / Math.max(1, family)) n++;
  return n;
}

/** A message when `pairs` cannot support the comparison, else undefined. */
export function pairsProblem(pairs: number, metrics: number, scenarios: number, alpha: number): string | undefined {
  const family = metrics * Math.max(1, scenarios);
  if (metrics > 1 && pairs < 8) {
    return `${pairs} pairs are too few when ${metrics} metrics are gated: use at least 8 (the smallest p-value of ${pairs} pairs is 1/${2 ** pairs}, which cannot beat the Holm-corrected α)`;
  }
  const needed = minimumPairs(family, alpha);
  if (pairs < needed) {
    return `${pairs} pairs cannot reach a verdict for ${family} tests (${scenarios} scenarios × ${metrics} metrics): the smallest p-value is 1/${2 ** pairs} but Holm needs below ${alpha}/${family}; use at least ${needed} pairs, or compare fewer metrics`;
  }
  return undefined;
}
