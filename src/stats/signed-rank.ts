// The exact Wilcoxon signed-rank test. Under H0 each |d_i|'s sign is a fair coin, so W+ (the sum of the ranks
// of positive differences) has a distribution we count exactly by dynamic programming over subset sums.
// Ties get midranks; doubling every rank makes them integers, so the same exact count covers ties too.

export type Alternative = 'greater' | 'less';

/** Counts of W+ = 0 … n(n+1)/2 over all 2^n sign vectors, ranks 1…n (no ties). */
export function signedRankNullCounts(n: number): number[] {
  return subsetSumCounts(Array.from({ length: n }, (_, i) => i + 1));
}

/** counts[s] = number of subsets of `weights` (non-negative integers) summing to s. */
function subsetSumCounts(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = new Array<number>(total + 1).fill(0);
  counts[0] = 1;
  let reach = 0;
  for (const w of weights) {
    reach += w;
    for (let s = reach; s >= w; s--) counts[s]! += counts[s - w]!;
  }
  return counts;
}

/** Midranks of the absolute values (1-based), ties averaged. */
export function absoluteRanks(values: number[]): number[] {
  const order = values.map((v, i) => [Math.abs(v), i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = rank;
    i = j + 1;
  }
  return ranks;
}

/**
 * Exact one-sided p-value of the signed-rank test: 'greater' tests whether the differences tend to be
 * positive. Zero differences carry no sign and are dropped (Wilcoxon's convention). With nothing left, p = 1.
 */
export function signedRankPValue(differences: number[], alternative: Alternative): number {
  const d = differences.filter((x) => x !== 0);
  if (d.length === 0) return 1;
  const doubled = absoluteRanks(d).map((r) => Math.round(r * 2));
  const counts = subsetSumCounts(doubled);
  const total = 2 ** d.length;
  const positive = doubled.reduce((sum, r, i) => (d[i]! > 0 ? sum + r : sum), 0);
  let tail = 0;
  if (alternative === 'greater') for (let s = positive; s < counts.length; s++) tail += counts[s]!;
  else for (let s = 0; s <= positive; s++) tail += counts[s]!;
  return tail / total;
}

/** Lower-tail probability P(W+ ≤ t) for n untied ranks. */
export function signedRankCdf(n: number, t: number): number {
  if (t < 0) return 0;
  const counts = signedRankNullCounts(n);
  let sum = 0;
  for (let s = 0; s <= Math.min(t, counts.length - 1); s++) sum += counts[s]!;
  return sum / 2 ** n;
}

/**
 * The largest t with P(W+ ≤ t) ≤ alpha (the table's lower critical value), or -1 when none exists. `strict`: the
 * largest t with P(W+ ≤ t) < alpha instead, matching a test that rejects when p < alpha (as Holm does).
 */
export function signedRankCriticalValue(n: number, alpha: number, strict = false): number {
  return lowerCriticalValue(signedRankNullCounts(n), alpha, strict);
}

/**
 * The largest value v of an exact null distribution (counts per value) with P(X ≤ v) ≤ alpha (`strict`:
 * P(X ≤ v) < alpha), or -1.
 */
export function lowerCriticalValue(counts: number[], alpha: number, strict = false): number {
  const total = counts.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  let critical = -1;
  for (let v = 0; v < counts.length; v++) {
    cumulative += counts[v]!;
    const tail = cumulative / total;
    if (strict ? tail >= alpha : tail > alpha) break;
    critical = v;
  }
  return critical;
}
