// The history (#13) in words: `perfgate history`'s terminal trend (a sparkline of the last runs per series and
// each change point with the commits around it), its CSV (one row per recorded run and scenario), and the short
// line per scenario in the Markdown comment of a pull request's run.
import { runnerKey, HISTORY_METRICS, type HistoryLine, type HistoryMetric } from '../history/schema.ts';
import { median, type Series, type Shift, type ScenarioHistory } from '../history/trend.ts';
import type { ScenarioResult } from '../result.ts';
import { csvField } from './csv.ts';
import { codeName, escapeMarkdown } from './escape.ts';
import { formatChange, formatMetric, formatMetricChange, metricLabel } from './format.ts';
import { showInvisible } from '../invisible.ts';

const BARS = '▁▂▃▄▅▆▇█';

/** One character per value, scaled between the values' min and max (a flat series is a flat line). */
function sparkline(values: readonly number[]): string {
  if (values.length === 0) return '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (max === min) return BARS[3]!.repeat(values.length);
  return values.map((v) => BARS[Math.min(BARS.length - 1, Math.floor(((v - min) / (max - min)) * BARS.length))]!).join('');
}

function short(sha: string): string {
  return sha.slice(0, 7);
}

/** "stepped −10.0%" (QPS, latency) or "stepped +0.12 pp" (the rates, or from a zero base). */
function stepWords(metric: HistoryMetric, shift: Pick<Shift, 'before' | 'after' | 'change'>): string {
  const rate = metric === 'error_rate' || metric === 'failure_rate';
  if (rate) return `stepped ${formatMetricChange(metric, shift.after - shift.before)}`;
  return `stepped ${Number.isFinite(shift.change) ? formatChange(shift.change) : 'up from 0'}`;
}

/** "QPS stepped −10.0% between a1b2c3d and d4e5f6a (1,000 → 900 req/s)". */
function shiftWords(shift: Shift, name: (sha: string) => string = short): string {
  return (
    `${metricLabel(shift.metric)} ${stepWords(shift.metric, shift)} between ${name(shift.from)} and ${name(shift.to)} ` +
    `(${formatMetric(shift.metric, shift.before)} → ${formatMetric(shift.metric, shift.after)})`
  );
}

export interface TrendSection {
  series: Series;
  shifts: Shift[];
}

/** `perfgate history` in a terminal: per series, the last `last` runs as a sparkline with their range, then its steps. */
export function renderHistoryTerminal(source: string, sections: readonly TrendSection[], last: number): string {
  const out: string[] = [];
  const runs = new Set(sections.flatMap((s) => s.series.points.map((p) => `${p.sha} ${p.time}`))).size;
  out.push(`history: ${source}, ${runs} run${runs === 1 ? '' : 's'} shown`);
  let runner = '';
  for (const { series, shifts } of sections) {
    if (series.runner !== runner) {
      runner = series.runner;
      out.push('', `runner: ${showInvisible(runner)}`);
    }
    const shown = series.points.slice(-last);
    const values = shown.map((p) => p.value);
    const sorted = [...values].sort((a, b) => a - b);
    const latest = shown.at(-1)!;
    const fmt = (v: number) => formatMetric(series.metric, v);
    out.push(
      `  "${showInvisible(series.scenario)}" · ${metricLabel(series.metric)} · last ${shown.length} of ${series.points.length} runs`,
      `    ${sparkline(values)}  min ${fmt(sorted[0]!)} · median ${fmt(median(values))} · max ${fmt(sorted.at(-1)!)} · latest ${fmt(latest.value)} at ${short(latest.sha)}`,
    );
    if (shifts.length === 0) out.push(`    no change point in ${series.points.length} runs`);
    for (const shift of shifts) {
      out.push(`    ${shiftWords(shift)}, after run ${shift.index} of ${series.points.length} (p = ${shift.p.toFixed(3)})`);
    }
  }
  return `${out.join('\n')}\n`;
}

const CSV_COLUMNS = ['sha', 'time', 'runner', 'scenario', 'connections', ...HISTORY_METRICS] as const;

/** One row per recorded run and scenario, in recorded order. */
export function renderHistoryCsv(lines: readonly HistoryLine[]): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const line of lines) {
    rows.push(
      [
        csvField(line.sha),
        csvField(line.time, true),
        csvField(runnerKey(line.runner), true),
        csvField(line.scenario, true),
        csvField(line.connections),
        ...HISTORY_METRICS.map((m) => csvField(line.metrics[m])),
      ].join(','),
    );
  }
  return `${rows.join('\n')}\n`;
}

/** A scenario's main history in words: per metric its trend and where the PR sits, and the recent steps. */
function historyWords(history: ScenarioHistory, name: (sha: string) => string): { trends: string[]; changes: string[] } {
  const trends: string[] = [];
  for (const metric of ['qps', 'p99'] as const) {
    const values = history[metric];
    if (values.length === 0) continue;
    let text = `${metricLabel(metric)} ${sparkline(values)} median ${formatMetric(metric, median(values))}`;
    const base = history.base?.[metric];
    const head = history.head?.[metric];
    if (base) text += `, the base ${formatMetric(metric, base.value)} (above ${Math.round(base.percentile * 100)}% of them)`;
    else if (head) text += `, this head ${formatMetric(metric, head.value)} (above ${Math.round(head.percentile * 100)}% of them)`;
    trends.push(text);
  }
  const changes = history.changes.map((c) => shiftWords({ ...c, index: 0, change: c.change ?? Number.NaN }, name));
  return { trends, changes };
}

function historyTitle(history: ScenarioHistory): string {
  return `last ${history.qps.length} of ${history.runs} run${history.runs === 1 ? '' : 's'} on this runner`;
}

/** The short Markdown lines of a scenario's main history in a pull request's comment; none without one. */
export function historyMarkdown(scenario: ScenarioResult): string[] {
  const history = scenario.history;
  if (!history || history.qps.length === 0) return [];
  const { trends, changes } = historyWords(history, (sha) => codeName(short(sha)));
  return [
    `**Main's history** (${historyTitle(history)}, ${escapeMarkdown(history.source)}): ${trends.join('; ')}. ` +
      `${changes.length > 0 ? `${changes.join('; ')}.` : 'No change point in them.'}`,
    '',
  ];
}

/** The same in the terminal, indented under the scenario; `plain` shows control characters as escapes. */
export function historyTerminal(scenario: ScenarioResult): string[] {
  const history = scenario.history;
  if (!history || history.qps.length === 0) return [];
  const { trends, changes } = historyWords(history, short);
  return [
    `  main's history (${historyTitle(history)}, ${showInvisible(history.source)}):`,
    ...trends.map((t) => `    ${t}`),
    ...(changes.length > 0 ? changes.map((c) => `    ${c}`) : ['    no change point in them']),
  ];
}
