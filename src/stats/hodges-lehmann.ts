// Hodges–Lehmann estimates with exact confidence intervals: the median of the Walsh averages (paired) or
// of all pairwise differences (unpaired), and order statistics picked from the exact null distributions.
import { median } from 'simple-statistics';
import { mannWhitneyCriticalValue, mannWhitneyNullCounts } from './mann-whitney.ts';
import { signedRankCdf, signedRankCriticalValue } from './signed-rank.ts';

export interface Estimate {
  estimate: number;
  /** null when n is too small for a finite interval at this confidence (e.g. n = 5 at 95%). */
  low: number | null;
  high: number | null;
  /** The exact coverage of the interval (≥ the requested confidence), or null. */
  coverage: number | null;
}

export function walshAverages(x: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) for (let j = i; j < x.length; j++) out.push((x[i]! + x[j]!) / 2);
  return out.sort((a, b) => a - b);
}

/** One-sample HL: [W(k), W(M+1−k)] with k − 1 the signed-rank lower critical value at (1 − confidence)/2. */
export function hodgesLehmann(x: number[], confidence = 0.95): Estimate {
  return oneSample(x, (1 - confidence) / 2, false);
}

/**
 * The one-sample HL interval dual to one-sided signed-rank tests that reject when p < alpha: k − 1 is the largest
 * t with P(W+ ≤ t) < alpha. Its lower bound exceeds θ exactly when signedRankPValue(x − θ, 'greater') < alpha, and
 * its upper bound is below θ exactly when signedRankPValue(x − θ, 'less') < alpha, whenever x − θ has no zeros
 * and no ties in absolute value (Tukey: the number of positive Walsh averages of x − θ is then W+). Its two-sided
 * coverage is more than 1 − 2·alpha (`coverage` is exact).
 */
export function hodgesLehmannAt(x: number[], alpha: number): Estimate {
  return oneSample(x, alpha, true);
}

function oneSample(x: number[], tail: number, strict: boolean): Estimate {
  if (x.length === 0) return { estimate: NaN, low: null, high: null, coverage: null };
  const walsh = walshAverages(x);
  const estimate = median(walsh);
  const critical = signedRankCriticalValue(x.length, tail, strict);
  if (critical < 0) return { estimate, low: null, high: null, coverage: null };
  const k = critical + 1;
  return {
    estimate,
    low: walsh[k - 1]!,
    high: walsh[walsh.length - k]!,
    coverage: 1 - 2 * signedRankCdf(x.length, critical),
  };
}

/** Two-sample HL shift of y relative to x: median of y_j − x_i, CI from the Mann–Whitney distribution. */
export function hodgesLehmannShift(x: number[], y: number[], confidence = 0.95): Estimate {
  return twoSample(x, y, (1 - confidence) / 2, false);
}

/**
 * The two-sample HL interval dual to one-sided Mann–Whitney tests that reject when p < alpha: its lower bound
 * exceeds θ exactly when mannWhitneyPValue(y − θ, x, 'greater') < alpha, its upper bound is below θ exactly when
 * mannWhitneyPValue(y − θ, x, 'less') < alpha, whenever no y_j − θ equals an x_i.
 */
export function hodgesLehmannShiftAt(x: number[], y: number[], alpha: number): Estimate {
  return twoSample(x, y, alpha, true);
}

function twoSample(x: number[], y: number[], tail: number, strict: boolean): Estimate {
  if (x.length === 0 || y.length === 0) return { estimate: NaN, low: null, high: null, coverage: null };
  const differences: number[] = [];
  for (const a of x) for (const b of y) differences.push(b - a);
  differences.sort((a, b) => a - b);
  const estimate = median(differences);
  const critical = mannWhitneyCriticalValue(x.length, y.length, tail, strict);
  if (critical < 0) return { estimate, low: null, high: null, coverage: null };
  const k = critical + 1;
  const counts = mannWhitneyNullCounts(x.length, y.length);
  const total = counts.reduce((a, b) => a + b, 0);
  const lowerTail = counts.slice(0, critical + 1).reduce((a, b) => a + b, 0) / total;
  return { estimate, low: differences[k - 1]!, high: differences[differences.length - k]!, coverage: 1 - 2 * lowerTail };
}
