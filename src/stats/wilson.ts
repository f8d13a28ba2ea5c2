// Wilson score bounds for a binomial share: how sure a run of n requests is about its success rate.
// One-sided at `confidence` (z = probit(confidence)), so "≥ 99.95% with 95% confidence" reads directly.
import { normalQuantile } from './normal.ts';

function bound(successes: number, n: number, confidence: number, sign: 1 | -1): number {
  return boundAt(successes, n, normalQuantile(confidence), sign);
}

function boundAt(successes: number, n: number, z: number, sign: 1 | -1): number {
  if (n === 0) return sign < 0 ? 0 : 1;
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.min(1, Math.max(0, (centre + sign * spread) / (1 + z2 / n)));
}

export function wilsonLowerBound(successes: number, n: number, confidence = 0.95): number {
  return bound(successes, n, confidence, -1);
}

export function wilsonUpperBound(successes: number, n: number, confidence = 0.95): number {
  return bound(successes, n, confidence, 1);
}

/** Both Wilson score bounds for a normal quantile z: two-sided at 1 − 2·(1 − Φ(z)), e.g. z = 1.96 for 95%. */
export function wilsonInterval(successes: number, n: number, z: number): [number, number] {
  return [boundAt(successes, n, z, -1), boundAt(successes, n, z, 1)];
}

/** The fewest requests that, all successful, establish a share ≥ target: below this a run cannot tell. */
export function requestsNeeded(target: number, confidence = 0.95): number {
  if (target <= 0) return 1;
  if (target >= 1) return Infinity;
  // With p = 1 the lower bound is n / (n + z²): solve n ≥ target·z² / (1 − target), then confirm exactly.
  const z2 = normalQuantile(confidence) ** 2;
  let n = Math.max(1, Math.floor((target * z2) / (1 - target)) - 2);
  while (wilsonLowerBound(n, n, confidence) < target) n++;
  return n;
}
