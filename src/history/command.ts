// `perfgate history`: the history branch read (fetched, read-only), its series built per runner, scenario and
// metric, E-Divisive means run over each, and the trend and change points printed; optionally every run as CSV.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { renderHistoryCsv, renderHistoryTerminal } from '../report/history.ts';
import { readHistory } from './read.ts';
import { DEFAULT_HISTORY_BRANCH, DEFAULT_REMOTE } from './record.ts';
import { HISTORY_METRICS, type HistoryMetric } from './schema.ts';
import { seriesOf, shiftsOf } from './trend.ts';

export interface HistoryCommandOptions {
  cwd: string;
  branch?: string;
  remote?: string;
  scenarios: string[];
  metrics: string[];
  csv?: string;
  /** Runs shown per series (default 20). */
  last: number;
}

/** The terminal text, and warnings for stderr. Throws a UsageError (exit 2) for a missing branch or an unknown name. */
export async function historyCommand(options: HistoryCommandOptions): Promise<{ text: string; warnings: string[] }> {
  const unknown = options.metrics.filter((m) => !(HISTORY_METRICS as readonly string[]).includes(m));
  if (unknown.length > 0) {
    throw new UsageError(`unknown metric ${unknown.map((m) => `"${m}"`).join(', ')}: the history has ${HISTORY_METRICS.join(', ')}`);
  }
  const metrics = (options.metrics.length > 0 ? options.metrics : ['qps', 'p99']) as HistoryMetric[];
  const branch = options.branch ?? DEFAULT_HISTORY_BRANCH;
  const remote = options.remote ?? DEFAULT_REMOTE;
  const read = await readHistory({ cwd: options.cwd, branch, remote });
  if (!read) {
    throw new UsageError(
      `there is no history branch ${branch} (on ${remote}, or locally when there is no ${remote}): record runs on it with ` +
        "perfgate run --record, or the action's record: true on pushes to the default branch (docs/github-action.md)",
    );
  }
  const warnings: string[] = [];
  if (read.skipped > 0)
    warnings.push(`${read.skipped} line${read.skipped === 1 ? '' : 's'} of ${read.source} could not be read and were skipped`);
  const recorded = [...new Set(read.lines.map((l) => l.scenario))];
  const missing = options.scenarios.filter((s) => !recorded.includes(s));
  if (missing.length > 0) {
    throw new UsageError(
      `no recorded run of ${missing.map((s) => `"${s}"`).join(', ')} in ${read.source}; recorded: ${recorded.map((s) => `"${s}"`).join(', ') || 'none'}`,
    );
  }
  const lines = options.scenarios.length > 0 ? read.lines.filter((l) => options.scenarios.includes(l.scenario)) : read.lines;
  if (options.csv) await writeFile(path.resolve(options.cwd, options.csv), renderHistoryCsv(lines));
  const sections = seriesOf(lines, metrics)
    .sort(
      (a, b) =>
        a.runner.localeCompare(b.runner) || a.scenario.localeCompare(b.scenario) || metrics.indexOf(a.metric) - metrics.indexOf(b.metric),
    )
    .map((series) => ({ series, shifts: shiftsOf(series) }));
  if (sections.length === 0) return { text: `history: ${read.source}, no recorded value of ${metrics.join(', ')}\n`, warnings };
  return { text: renderHistoryTerminal(read.source, sections, options.last), warnings };
}
