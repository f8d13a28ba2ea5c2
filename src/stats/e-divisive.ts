// E-Divisive means change-point detection (Matteson & James, 2014), as MongoDB's CI (Daly et al., ICPE 2020) and
// Apache Otava run it over a branch's performance history: for every split τ of a segment, the energy statistic
//
//   q(τ) = m·n/(m+n) · ( 2/(m·n) Σ_{i<τ≤j} |x_i − x_j| − 1/C(m,2) Σ_{i<k<τ} |x_i − x_k| − 1/C(n,2) Σ_{τ≤j<k} |x_j − x_k| )
//
// (m = τ points before the split, n after) measures how far apart the two sides' distributions are; the best split
// of the best segment is a candidate, kept only when a permutation test (the segment's values shuffled, seeded)
// says a split that large is rare without a change (p ≤ α). Kept candidates split their segment, and the search
// goes on until a candidate is not significant. Distribution-free: it needs no model of the noise, only that the
// points between change points are exchangeable.
import { median } from 'simple-statistics';
import { mulberry32 } from './rng.ts';

export interface ChangePoint {
  /** The first point after the step: the series changed between index − 1 and index. */
  index: number;
  /** The energy statistic of the split. */
  q: number;
  /** The permutation p-value: (1 + permutations with a split at least as large) / (1 + permutations). */
  p: number;
}

export interface EDivisiveOptions {
  /** Significance level of each candidate's permutation test (default 0.01, as MongoDB's signal processing). */
  alpha?: number;
  /** Shuffles per candidate (default 199: p in steps of 0.005). */
  permutations?: number;
  /** The fewest points on either side of a split (default 3). */
  minSize?: number;
  /** Seed of the shuffles: the same series gives the same change points. */
  seed?: number;
}

/** q(τ) for every split τ of `x` (index τ = the first point of the right side); NaN where a side is too small. */
export function energyStatistics(x: readonly number[], minSize = 2): Float64Array {
  const n = x.length;
  const q = new Float64Array(n).fill(NaN);
  if (n < 2 * Math.max(2, minSize)) return q;
  // left[i] = Σ_{k<i} |x_i − x_k|, right[i] = Σ_{k>i} |x_i − x_k|: O(n²) once, then O(1) per split.
  const left = new Float64Array(n);
  const right = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let k = i + 1; k < n; k++) {
      const d = Math.abs(x[i]! - x[k]!);
      right[i]! += d;
      left[k]! += d;
      total += d;
    }
  }
  let within = 0; // Σ over pairs both before τ
  let after = total; // Σ over pairs both at or after τ
  for (let tau = 1; tau < n; tau++) {
    within += left[tau - 1]!;
    after -= right[tau - 1]!;
    const m = tau;
    const r = n - tau;
    if (m < Math.max(2, minSize) || r < Math.max(2, minSize)) continue;
    const across = total - within - after;
    q[tau] = ((m * r) / (m + r)) * ((2 * across) / (m * r) - (2 * within) / (m * (m - 1)) - (2 * after) / (r * (r - 1)));
  }
  return q;
}

function best(q: Float64Array): { tau: number; q: number } {
  let tau = -1;
  let max = -Infinity;
  q.forEach((v, i) => {
    if (!Number.isNaN(v) && v > max) {
      max = v;
      tau = i;
    }
  });
  return { tau, q: max };
}

/** The change points of a series, in index order. */
export function eDivisive(series: readonly number[], options: EDivisiveOptions = {}): ChangePoint[] {
  const alpha = options.alpha ?? 0.01;
  const permutations = options.permutations ?? 199;
  const minSize = Math.max(2, options.minSize ?? 3);
  const random = mulberry32(options.seed ?? 20261125);
  const found: ChangePoint[] = [];
  // Segment boundaries: [0, …change points…, n).
  const bounds = [0, series.length];
  for (;;) {
    let candidate: { start: number; end: number; tau: number; q: number } | undefined;
    for (let s = 0; s + 1 < bounds.length; s++) {
      const start = bounds[s]!;
      const end = bounds[s + 1]!;
      const split = best(energyStatistics(series.slice(start, end), minSize));
      if (split.tau > 0 && (!candidate || split.q > candidate.q)) candidate = { start, end, tau: start + split.tau, q: split.q };
    }
    if (!candidate) break;
    const segment = series.slice(candidate.start, candidate.end);
    let asLarge = 0;
    for (let r = 0; r < permutations; r++) {
      shuffle(segment, random);
      if (best(energyStatistics(segment, minSize)).q >= candidate.q) asLarge++;
    }
    const p = (asLarge + 1) / (permutations + 1);
    if (p > alpha) break;
    found.push({ index: candidate.tau, q: candidate.q, p });
    bounds.push(candidate.tau);
    bounds.sort((a, b) => a - b);
  }
  return found.sort((a, b) => a.index - b.index);
}

/** Fisher–Yates, in place. */
function shuffle(values: number[], random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
}

export interface Step {
  index: number;
  p: number;
  /** Medians of the segments on either side (up to the neighbouring change points). */
  before: number;
  after: number;
  /** after / before − 1. */
  change: number;
}

/** Each change point with the size of its step: the median of its segment after against the one before. */
export function stepsOf(series: readonly number[], points: readonly ChangePoint[]): Step[] {
  const bounds = [0, ...points.map((c) => c.index), series.length];
  return points.map((c, i) => {
    const before = median(series.slice(bounds[i]!, c.index));
    const after = median(series.slice(c.index, bounds[i + 2]!));
    return { index: c.index, p: c.p, before, after, change: after / before - 1 };
  });
}
