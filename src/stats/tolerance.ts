// Tests against a tolerance instead of against zero (#13). For a shift θ of oriented log values (positive = worse)
// and a tolerance d > 0, three one-sided questions, each an exact rank test of shifted data:
//   regression   H0: θ ≤ d     — is it worse by more than the tolerance?
//   improvement  H0: θ ≥ −d    — is it better by more than the tolerance?
//   unchanged    H0: |θ| ≥ d   — is it within the tolerance? (two one-sided tests, TOST: p = the larger of the two)
// A true change inside ±d is called a regression at most at rate α, at any noise level, by construction.
import { mannWhitneyNullCounts, mannWhitneyPValue } from './mann-whitney.ts';
import { signedRankPValue } from './signed-rank.ts';

export interface ToleranceTests {
  regression: number;
  improvement: number;
  unchanged: number;
  /**
   * The smallest p-value the regression test could reach on this data: 2^-n over the n non-zero shifted
   * differences it uses (paired), 1/C(m + n, m) (unpaired).
   */
  smallestP: number;
}

/** Paired: r are the per-pair oriented log-ratios; exact Wilcoxon signed-rank tests of r − d and r + d. */
export function signedRankToleranceTests(r: number[], d: number): ToleranceTests {
  const minus = r.map((x) => x - d);
  const plus = r.map((x) => x + d);
  return {
    regression: signedRankPValue(minus, 'greater'),
    improvement: signedRankPValue(plus, 'less'),
    unchanged: Math.max(signedRankPValue(minus, 'less'), signedRankPValue(plus, 'greater')),
    smallestP: 2 ** -minus.filter((x) => x !== 0).length,
  };
}

/** Unpaired: oriented log values per arm; exact Mann–Whitney tests with the shift applied to the head's values. */
export function mannWhitneyToleranceTests(base: number[], head: number[], d: number): ToleranceTests {
  const minus = head.map((x) => x - d);
  const plus = head.map((x) => x + d);
  const arrangements = mannWhitneyNullCounts(base.length, head.length).reduce((a, b) => a + b, 0);
  return {
    regression: mannWhitneyPValue(minus, base, 'greater'),
    improvement: mannWhitneyPValue(plus, base, 'less'),
    unchanged: Math.max(mannWhitneyPValue(minus, base, 'less'), mannWhitneyPValue(plus, base, 'greater')),
    smallestP: 1 / arrangements,
  };
}
