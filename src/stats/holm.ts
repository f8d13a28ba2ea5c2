// Holm–Bonferroni step-down across a family of tests: controls the family-wise error rate at alpha without
// Bonferroni's full price. Results keep the input order.

export interface HolmDecision {
  /** The threshold this test was held to: alpha / (m − rank). */
  threshold: number;
  reject: boolean;
  /**
   * The level this test's decision holds at, for a confidence interval that must agree with it: its own threshold
   * when rejected; otherwise the threshold of the test where the step-down stopped (≤ its own), which its p-value
   * is never below. So p < level exactly when the test was rejected.
   */
  level: number;
}

/**
 * `nominal` maps a test's share of alpha to the level its p-value is held to: the identity for a single look; for a
 * test looked at repeatedly, the smaller per-look level that keeps its chance of ever rejecting at that share
 * (stats/sequential.ts). Family-wise error stays ≤ alpha: a true null is rejected only if some true null's p-value
 * falls below nominal(alpha / m0) at some look, which each does with probability ≤ alpha / m0.
 */
export function holm(
  pValues: number[],
  alpha: number,
  nominal: (share: number, index: number) => number = (share) => share,
): HolmDecision[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const decisions = new Array<HolmDecision>(m);
  let stoppedAt: number | undefined;
  order.forEach(([p, index], rank) => {
    const threshold = nominal(alpha / (m - rank), index);
    const reject = stoppedAt === undefined && p < threshold;
    if (!reject) stoppedAt ??= threshold;
    decisions[index] = { threshold, reject, level: reject ? threshold : stoppedAt! };
  });
  return decisions;
}
