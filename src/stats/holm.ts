// Holm–Bonferroni step-down across a family of tests: controls the family-wise error rate at alpha without
// Bonferroni's full price. Results keep the input order.

export interface HolmDecision {
  /** The threshold this test was held to: alpha / (m − rank). */
  threshold: number;
  reject: boolean;
}

export function holm(pValues: number[], alpha: number): HolmDecision[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const decisions = new Array<HolmDecision>(m);
  let stopped = false;
  order.forEach(([p, index], rank) => {
    const threshold = alpha / (m - rank);
    const reject = !stopped && p < threshold;
    if (!reject) stopped = true;
    decisions[index] = { threshold, reject };
  });
  return decisions;
}
