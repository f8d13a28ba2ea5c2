// The history (#13) in words: `perfgate history`'s terminal trend (a sparkline of the last runs per series and
// each change point with the commits around it), its CSV (one row per recorded run and scenario), and the short
// line per scenario in the Markdown comment of a pull request's run.
import { runnerKey, HISTORY_METRICS, type HistoryLine, type HistoryMetric } from '../history/schema.ts';
import { median } from 'simple-statistics';
import type { Series, Shift, ScenarioHistory } from '../history/trend.ts';
import type { ScenarioResult } from '../result.ts';
import { csvField } from './csv.ts';
import { codeName, escapeMarkdown } from './escape.ts';
import { formatChange, formatMetric, formatMetricChange, formatNumber, metricLabel } from './format.ts';
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

type Step = Pick<Shift, 'metric' | 'from' | 'to' | 'time' | 'before' | 'after' | 'change'>;

/** "QPS stepped −10.0% between a1b2c3d and d4e5f6a, 9 days ago (1,000 → 900 req/s)"; "ago" only given a now. */
function shiftWords(shift: Step, name: (sha: string) => string = short, now?: string): string {
  const ago = now === undefined ? undefined : timeAgo(shift.time, now);
  return (
    `${metricLabel(shift.metric)} ${stepWords(shift.metric, shift)} between ${name(shift.from)} and ${name(shift.to)}` +
    `${ago ? `, ${ago}` : ''} (${formatMetric(shift.metric, shift.before)} → ${formatMetric(shift.metric, shift.after)})`
  );
}

/** A new change point in the log of the run that found it: "QPS stepped −10.0% between … (1,000 → 900 req/s)". */
export function changePointWords(shift: Step): string {
  return shiftWords(shift);
}

type Drift = NonNullable<ScenarioResult['drift']>[number];

/** "QPS stepped −10.0% between a1b2c3d and d4e5f6a (…): a new change point beyond fail_on_change 10%, this run fails". */
export function driftWords(drift: Drift, name: (sha: string) => string = short): string {
  const threshold = `${formatNumber(drift.threshold * 100, 1)}%`;
  return drift.fails
    ? `${shiftWords(drift, name)}: a new change point at least fail_on_change ${threshold}, so this run fails`
    : `${shiftWords(drift, name)}: a new change point at least warn_on_change ${threshold}`;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "9 days ago", "3 hours ago", "just now" of `then` seen at `now` (ISO times); undefined for one unreadable or later. */
export function timeAgo(then: string, now: string): string | undefined {
  const elapsed = Date.parse(now) - Date.parse(then);
  if (!Number.isFinite(elapsed) || elapsed < 0) return undefined;
  const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  if (elapsed < MINUTE) return 'just now';
  if (elapsed < HOUR) return count(Math.floor(elapsed / MINUTE), 'minute');
  if (elapsed < 2 * DAY) return count(Math.floor(elapsed / HOUR), 'hour');
  return count(Math.floor(elapsed / DAY), 'day');
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
function historyWords(
  history: ScenarioHistory,
  name: (sha: string) => string,
  now?: string,
  spark = true,
): { trends: string[]; changes: string[] } {
  const trends: string[] = [];
  for (const metric of ['qps', 'p99'] as const) {
    const values = history[metric];
    if (values.length === 0) continue;
    let text = `${metricLabel(metric)}${spark ? ` ${sparkline(values)}` : ''} median ${formatMetric(metric, median(values))}`;
    const base = history.base?.[metric];
    const head = history.head?.[metric];
    if (base) text += `, the base ${formatMetric(metric, base.value)} (above ${Math.round(base.percentile * 100)}% of them)`;
    else if (head) text += `, this head ${formatMetric(metric, head.value)} (above ${Math.round(head.percentile * 100)}% of them)`;
    trends.push(text);
  }
  const changes = history.changes.map((c) => shiftWords({ ...c, change: c.change ?? Number.NaN }, name, now));
  return { trends, changes };
}

function historyTitle(history: ScenarioHistory): string {
  return `last ${history.qps.length} of ${history.runs} run${history.runs === 1 ? '' : 's'} on this runner`;
}

/**
 * The short Markdown lines of a scenario's main history in a pull request's comment (each step's time said against
 * `now`, the run's end), and a recorded run's new change points; none without either.
 */
export function historyMarkdown(scenario: ScenarioResult, now?: string): string[] {
  const drift = (scenario.drift ?? []).map(
    (d) => `- ${d.fails ? '❌' : '⚠️'} Main's history: ${driftWords(d, (sha) => codeName(short(sha)))}.`,
  );
  const out = drift.length > 0 ? [...drift, ''] : [];
  const history = scenario.history;
  if (!history || history.qps.length === 0) return out;
  const { trends, changes } = historyWords(history, (sha) => codeName(short(sha)), now);
  return [
    ...out,
    `**Main's history** (${historyTitle(history)}, ${escapeMarkdown(history.source)}): ${trends.join('; ')}. ` +
      `${changes.length > 0 ? `${changes.join('; ')}.` : 'No change point in them.'}`,
    '',
  ];
}

/** The same in the terminal, indented under the scenario; `plain` shows control characters as escapes. */
export function historyTerminal(scenario: ScenarioResult, now?: string): string[] {
  const drift = (scenario.drift ?? []).map((d) => `  main's history: ${driftWords(d)}`);
  const history = scenario.history;
  if (!history || history.qps.length === 0) return drift;
  const { trends, changes } = historyWords(history, short, now);
  return [
    ...drift,
    `  main's history (${historyTitle(history)}, ${showInvisible(history.source)}):`,
    ...trends.map((t) => `    ${t}`),
    ...(changes.length > 0 ? changes.map((c) => `    ${c}`) : ['    no change point in them']),
  ];
}

/**
 * The same as plain text for the HTML report (which draws the trend as a chart, so no sparklines): its title, the
 * trend and change-point sentences, and a recorded run's new change points. Undefined with neither.
 */
export function historyText(
  scenario: ScenarioResult,
  now?: string,
): { title?: string; trends: string[]; changes: string[]; drift: Array<{ text: string; fails: boolean }> } | undefined {
  const drift = (scenario.drift ?? []).map((d) => ({ text: driftWords(d), fails: d.fails }));
  const history = scenario.history;
  if (!history || history.qps.length === 0) return drift.length > 0 ? { trends: [], changes: [], drift } : undefined;
  const { trends, changes } = historyWords(history, short, now, false);
  return { title: `${historyTitle(history)}, ${history.source}`, trends, changes, drift };
}
