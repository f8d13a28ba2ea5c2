// Newcombe's hybrid score interval for the difference of two independent proportions (Newcombe, "Interval
// estimation for the difference between independent proportions: comparison of eleven methods", Statistics in
// Medicine 17:873–890, 1998; method 10): each proportion's Wilson score interval, combined by the square root of
// the summed squared distances. Good coverage near 0 and with zero events, where the Wald interval collapses.
import { normalQuantile } from './normal.ts';
import { wilsonInterval } from './wilson.ts';

export interface Proportion {
  events: number;
  n: number;
}

export interface Difference {
  /** p1 − p2. NaN when either n is 0. */
  estimate: number;
  low: number;
  high: number;
}

/** p1 − p2 with Newcombe's interval for a normal quantile z per side (z = 1.96: two-sided 95%). */
function newcombeIntervalZ(a: Proportion, b: Proportion, z: number): Difference {
  if (a.n === 0 || b.n === 0) return { estimate: NaN, low: -1, high: 1 };
  const p1 = a.events / a.n;
  const p2 = b.events / b.n;
  const [l1, u1] = wilsonInterval(a.events, a.n, z);
  const [l2, u2] = wilsonInterval(b.events, b.n, z);
  const estimate = p1 - p2;
  return {
    estimate,
    low: estimate - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
    high: estimate + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
  };
}

/** Two-sided at `confidence`. */
export function newcombeInterval(a: Proportion, b: Proportion, confidence = 0.95): Difference {
  return newcombeIntervalZ(a, b, -normalQuantile((1 - confidence) / 2));
}

/** Each side at one-sided level alpha (two-sided 1 − 2·alpha): z = Φ⁻¹(1 − alpha). */
export function newcombeIntervalAt(a: Proportion, b: Proportion, alpha: number): Difference {
  return newcombeIntervalZ(a, b, -normalQuantile(alpha));
}

/**
 * The one-sided p-value dual to newcombeIntervalAt: the smallest alpha at which the interval lies wholly above
 * `bound` (side 'above', a test of H0: p1 − p2 ≤ bound) or wholly below it ('below', H0: p1 − p2 ≥ bound). So
 * p < alpha exactly when newcombeIntervalAt(a, b, alpha) lies beyond the bound (to the bisection's precision,
 * relative 1e-12). 1 when the estimate itself is not beyond the bound. The interval narrows as alpha grows, so
 * bisection on log alpha finds it.
 */
export function newcombePValue(a: Proportion, b: Proportion, side: 'above' | 'below', bound: number): number {
  const beyond = (alpha: number) => {
    const ci = newcombeIntervalAt(a, b, alpha);
    return side === 'above' ? ci.low > bound : ci.high < bound;
  };
  const estimate = a.n === 0 || b.n === 0 ? NaN : a.events / a.n - b.events / b.n;
  if (!(side === 'above' ? estimate > bound : estimate < bound)) return 1;
  let lo = Math.log(1e-300);
  let hi = Math.log(0.5);
  if (beyond(Math.exp(lo))) return 0;
  if (!beyond(Math.exp(hi))) return 0.5;
  // Invariant: beyond at e^hi, not at e^lo.
  for (let i = 0; i < 200 && hi - lo > 1e-13; i++) {
    const mid = (lo + hi) / 2;
    if (beyond(Math.exp(mid))) hi = mid;
    else lo = mid;
  }
  return Math.exp(hi);
}
