// "did you mean": the closest known name by edit distance, when it is close enough to be a typo.

export function suggest(input: string, candidates: readonly string[]): string | undefined {
  const threshold = Math.max(1, Math.min(2, Math.floor(input.length / 3)));
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    // The distance is at least the difference in length: a name too long or too short to be a typo is not
    // compared at all, so a huge key costs nothing here (suggesting is linear in the keys of a file).
    if (Math.abs(candidate.length - input.length) > threshold) continue;
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= threshold) return best;
  // A prefix is also a likely typo: "dur" → "duration".
  return input.length >= 3 ? candidates.find((c) => c.startsWith(lower)) : undefined;
}

/** Optimal string alignment distance (Levenshtein with adjacent transpositions). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
