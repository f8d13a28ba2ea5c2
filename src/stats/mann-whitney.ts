// The exact Mann–Whitney U test for two independent samples (the unpaired fallback: stored baselines).
import { lowerCriticalValue, type Alternative } from './signed-rank.ts';

/** counts[u] = number of arrangements of m x's and n y's with U = u (no ties), u = 0 … m·n. */
export function mannWhitneyNullCounts(m: number, n: number): number[] {
  // f[i][j][u]: arrangements of i x's and j y's; the last element is an x (adds j to U) or a y.
  let previous: number[][] = Array.from({ length: n + 1 }, () => [1]);
  for (let i = 1; i <= m; i++) {
    const current: number[][] = [[1]];
    for (let j = 1; j <= n; j++) {
      const size = i * j + 1;
      const row = new Array<number>(size).fill(0);
      const withX = previous[j]!;
      const withY = current[j - 1]!;
      for (let u = 0; u < withX.length; u++) row[u + j]! += withX[u]!;
      for (let u = 0; u < withY.length; u++) row[u]! += withY[u]!;
      current.push(row);
    }
    previous = current;
  }
  return previous[n]!;
}

/** U = number of pairs (x_i, y_j) with x_i > y_j, ties counting ½. */
export function mannWhitneyU(x: number[], y: number[]): number {
  let u = 0;
  for (const a of x) for (const b of y) u += a > b ? 1 : a === b ? 0.5 : 0;
  return u;
}

/**
 * Exact one-sided p: 'greater' tests whether x tends to exceed y. Ties are scored ½ against the untied null
 * distribution, which is slightly conservative with many ties.
 */
export function mannWhitneyPValue(x: number[], y: number[], alternative: Alternative): number {
  if (x.length === 0 || y.length === 0) return 1;
  const counts = mannWhitneyNullCounts(x.length, y.length);
  const total = counts.reduce((a, b) => a + b, 0);
  const u = mannWhitneyU(x, y);
  let tail = 0;
  if (alternative === 'greater') for (let k = Math.ceil(u); k < counts.length; k++) tail += counts[k]!;
  else for (let k = 0; k <= Math.floor(u); k++) tail += counts[k]!;
  return tail / total;
}

/** The largest c with P(U ≤ c) ≤ alpha (`strict`: < alpha), or -1. */
export function mannWhitneyCriticalValue(m: number, n: number, alpha: number, strict = false): number {
  return lowerCriticalValue(mannWhitneyNullCounts(m, n), alpha, strict);
}
