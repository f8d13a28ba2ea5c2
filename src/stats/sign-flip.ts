// The exact sign-flip permutation test on the mean of paired differences: all 2^n sign vectors enumerated.
import type { Alternative } from './signed-rank.ts';

export function signFlipPValue(differences: number[], alternative: Alternative): number {
  const n = differences.length;
  if (n === 0) return 1;
  if (n > 24) throw new RangeError(`exact sign-flip enumeration is limited to 24 pairs, got ${n}`);
  const observed = differences.reduce((a, b) => a + b, 0);
  const magnitudes = differences.map(Math.abs);
  // A tiny tolerance keeps sums equal to the observed one (up to rounding) in the tail, as they should be.
  const eps = 1e-12 * magnitudes.reduce((a, b) => a + b, 0);
  let extreme = 0;
  for (let mask = 0; mask < 2 ** n; mask++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += mask & (1 << i) ? -magnitudes[i]! : magnitudes[i]!;
    if (alternative === 'greater' ? sum >= observed - eps : sum <= observed + eps) extreme++;
  }
  return extreme / 2 ** n;
}
