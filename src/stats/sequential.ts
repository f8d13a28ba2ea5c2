// Repeated exact signed-rank tests (a group-sequential design with a constant nominal level, as Pocock's): the
// same test is looked at after n_1 < n_2 < … < n_K pairs, and the comparison stops as soon as it rejects. Looking
// K times at level α would reject a true null more often than α, so each look is held to a smaller nominal level
// α', chosen so that P(any look rejects) ≤ α.
//
// That probability does not depend on the data's distribution: under H0 (differences symmetric about the tested
// shift, continuous), the signs are fair coins independent of the ranks, and the ranks of |d_1|, …, |d_n| among
// themselves at every n follow the law of a uniformly random ordering, whatever the distribution. So the
// statistics' joint law across the looks is the same for any such data, and a simulation of random signs and
// random ranks (seeded, so the same every run) gives α' for every data set at once.
import { mulberry32 } from './rng.ts';
import { signedRankNullCounts } from './signed-rank.ts';

/** Sequences simulated: the estimate of P(any look rejects) at α = 0.0025 then rests on about 500 events. */
const SIMULATIONS = 200_000;
const SEED = 20261125;

/** Per n, P(W+ ≥ w) for w = 0 … n(n+1)/2 (no ties). */
function upperTails(n: number): Float64Array {
  const counts = signedRankNullCounts(n);
  const tails = new Float64Array(counts.length + 1);
  const total = 2 ** n;
  for (let w = counts.length - 1; w >= 0; w--) tails[w] = tails[w + 1]! + counts[w]! / total;
  return tails;
}

/** For each simulated sequence, the smallest p-value over the looks; sorted ascending. Cached per schedule. */
const minimaCache = new Map<string, Float64Array>();

function simulatedMinima(looks: number[]): Float64Array {
  const key = looks.join(',');
  const cached = minimaCache.get(key);
  if (cached) return cached;
  const last = looks[looks.length - 1]!;
  const tails = new Map(looks.map((n) => [n, upperTails(n)]));
  const random = mulberry32(SEED);
  const minima = new Float64Array(SIMULATIONS);
  const values = new Float64Array(last);
  const positive = new Uint8Array(last);
  for (let s = 0; s < SIMULATIONS; s++) {
    let w = 0;
    let min = 1;
    let next = 0;
    for (let n = 0; n < last; n++) {
      // Insert |d_{n+1}| in sorted order; every larger value moves up one rank.
      const v = random();
      const isPositive = random() < 0.5 ? 1 : 0;
      let j = n;
      let largerPositives = 0;
      while (j > 0 && values[j - 1]! > v) {
        values[j] = values[j - 1]!;
        positive[j] = positive[j - 1]!;
        largerPositives += positive[j]!;
        j--;
      }
      values[j] = v;
      positive[j] = isPositive;
      w += largerPositives + (isPositive ? j + 1 : 0);
      if (n + 1 === looks[next]) {
        const p = tails.get(n + 1)![w]!;
        if (p < min) min = p;
        next++;
      }
    }
    minima[s] = min;
  }
  minima.sort();
  minimaCache.set(key, minima);
  return minima;
}

/**
 * The nominal level α' for each look of a one-sided exact signed-rank test looked at after `looks` pairs, such that
 * P(some look has p < α') ≤ alpha under H0, for any continuous symmetric data. One look: alpha itself. The
 * simulation's own error is covered by a margin (three standard errors of the count).
 */
export function sequentialNominalLevel(alpha: number, looks: readonly number[]): number {
  if (looks.length <= 1) return alpha;
  const minima = simulatedMinima([...looks]);
  // The largest count of sequences allowed to reject, with the margin: k + 3√k ≤ α·S.
  const allowed = alpha * SIMULATIONS;
  let k = Math.floor(allowed);
  while (k > 0 && k + 3 * Math.sqrt(k) > allowed) k--;
  if (k === 0) return 0;
  // Rejecting when p < α' selects exactly the sequences whose smallest p is below α': at most k of them when α' is
  // the (k+1)-th smallest minimum (ties with it do not reject).
  return minima[k]!;
}

/** The look schedule: from `min` pairs in steps of `step`, up to `max`. */
export function lookSchedule(min: number, step: number, max: number): number[] {
  const looks: number[] = [];
  for (let n = min; n < max; n += step) looks.push(n);
  looks.push(max);
  return [...new Set(looks)].filter((n) => n >= 1).sort((a, b) => a - b);
}
