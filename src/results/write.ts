// Writing a results file: what perfgate writes, it can read back. JSON has no Infinity or NaN (JSON.stringify
// writes them as null, which the schema refuses), so the text is checked with the same schema readers use before
// it is written, and a fault is named where it is made instead of in the report sub-action a workflow later.
import type { RunResult } from '../result.ts';
import { formatPath, InvalidResultsError, parseRunResult } from './read.ts';

/** perfgate built a result off its own contract: a bug in perfgate, reported with the path of the fault. */
export class UnreadableResultsError extends Error {
  constructor(fault: string) {
    super(`perfgate would write results it cannot read back (${fault}); this is a bug in perfgate, please report it`);
    this.name = 'UnreadableResultsError';
  }
}

/** The results JSON as `perfgate run --json` writes it, checked to read back through readRunResult. */
export function serializeRunResult(result: RunResult): string {
  const nonFinite = firstNonFinite(result, []);
  if (nonFinite) throw new UnreadableResultsError(`${formatPath(nonFinite.path)}: ${nonFinite.value}, which JSON can only write as null`);
  const text = `${JSON.stringify(result, null, 2)}\n`;
  try {
    parseRunResult(JSON.parse(text), 'results');
  } catch (error) {
    if (error instanceof InvalidResultsError) throw new UnreadableResultsError(error.fault);
    throw error;
  }
  return text;
}

/** The first Infinity or NaN in a value, with its path: JSON.stringify would silently write it as null. */
function firstNonFinite(value: unknown, path: PropertyKey[]): { path: PropertyKey[]; value: number } | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, value };
  if (value === null || typeof value !== 'object') return undefined;
  const entries: Array<[PropertyKey, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, child] of entries) {
    const found = firstNonFinite(child, [...path, key]);
    if (found) return found;
  }
  return undefined;
}
