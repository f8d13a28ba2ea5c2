// `perfgate merge a.json b.json …` (#14): the effects around the pure merge — every file read through the one
// results reader (a file that is not perfgate's is exit 2, naming it), then merged.
import { readRunResult } from '../results/read.ts';
import type { RunResult } from '../result.ts';
import { mergeRuns } from './merge.ts';

export async function mergeResultFiles(files: string[], cwd: string): Promise<RunResult> {
  const results = await Promise.all(files.map((file) => readRunResult(file, cwd)));
  return mergeRuns(files.map((file, i) => ({ file, result: results[i]! })));
}
