// The Markdown report: a PR comment and the job summary. Safe with hostile names, bounded in length.
import { createHash } from 'node:crypto';
import { BUDGET_METRICS, isDiagnosisMetric, type BudgetMetric, type CompareMetric } from '../config/types.ts';
import { METRIC } from '../metrics.ts';
import type { BudgetResult, BudgetStatus, ComparisonEntry, ComparisonVerdict, Round, RunResult, ScenarioResult } from '../result.ts';
import { checkSummary } from './checks.ts';
import { codeName, escapeMarkdown, mermaidLabel } from './escape.ts';
import { sweepFinding, sweeps, type Sweep } from './sweep.ts';
import { comparisonEntries, hasComparison, scenarioFindings } from './findings.ts';
import {
  comparisonWords,
  sequentialWords,
  formatBytes,
  formatTransfer,
  formatConfidence,
  formatGeneratorCpu,
  formatMetric,
  formatMetricChange,
  formatMetricInterval,
  formatMetricSize,
  formatMs,
  formatNumber,
  formatOutcomes,
  formatP,
  formatQps,
  formatQpsValue,
  metricLabel,
} from './format.ts';
import { entryFigures, entryNotes } from './entries.ts';
import { describeFinding, headlineText, verdictEmoji } from './headline.ts';
import { loadSourceWords } from './load-source.ts';
import { redactUrls } from './redact.ts';
import { diagnosisLines } from './diagnosis.ts';
import { historyMarkdown } from './history.ts';

/**
 * GitHub rejects an issue comment longer than 65,536 characters. Lengths here are UTF-8 bytes, never fewer than
 * characters of any count, so a body within this many bytes is within GitHub's limit however it counts.
 */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** The comment's cap, in UTF-8 bytes. */
export const DEFAULT_MAX_LENGTH = 65_000;
/** $GITHUB_STEP_SUMMARY takes up to 1 MiB (1,048,576 bytes) per step; the cap in UTF-8 bytes keeps a margin. */
export const JOB_SUMMARY_MAX_LENGTH = 1_000_000;

/** The size GitHub's limits count: UTF-8 bytes (an emoji is 4, a CJK character 3). */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export interface MarkdownOptions {
  /** Distinguishes several perfgate jobs commenting on one PR (hidden marker). */
  key?: string;
  /** Link to the workflow run. */
  runUrl?: string;
  /** In UTF-8 bytes; default 65,000 (under GitHub's 65,536-character comment limit). */
  maxLength?: number;
  /** What the report is shaped to fit, for the note that says it was shortened (default: the comment). */
  fits?: 'comment' | 'job summary';
  /** Where the full report lives when this one had to be shortened (default: runUrl). */
  summaryUrl?: string;
}

/** Longest user-provided name or reason shown; the rest is elided (the JSON keeps everything). */
const MAX_NAME = 120;
const MAX_REASON = 400;
const MAX_CHART_SCENARIOS = 8;

/** The hidden marker that identifies perfgate's comment for one key. */
export function commentMarker(key = 'default'): string {
  return `<!-- perfgate:${sanitizeKey(key)} -->`;
}

/** Keys are shown inside an HTML comment: keep them to a plain, comment-safe alphabet. */
export function sanitizeKey(key: string): string {
  const clean = key
    .trim()
    .replace(/[^A-Za-z0-9._/:+=-]/g, '_')
    .replace(/-{2,}/g, '-');
  return clean.slice(0, 200) || 'default';
}

const VERDICT_MARKER = /<!-- perfgate-verdict:([0-9a-f]+) -->/;

/**
 * A digest of everything a reader decides on: the verdicts of the run, every scenario, budget and
 * comparison — not the figures, which move with noise. `comment: on-change` compares these.
 */
export function verdictDigest(result: RunResult): string {
  const state = {
    verdict: result.verdict,
    comparisonSkipped: result.comparisonSkipped !== undefined,
    scenarios: result.scenarios.map((s) => ({
      name: s.name,
      verdict: s.verdict,
      error: s.error !== undefined,
      budgets: s.budgets.map((b) => [b.metric, b.op, b.limit, b.status]),
      comparison: comparisonEntries(s).map(([metric, e]) => [metric, e.verdict]),
      // A mix's entries decide too (absent without one, so a plain scenario's digest is what it always was).
      ...(s.entries
        ? {
            entries: s.entries.map((e) => ({
              name: e.name,
              budgets: (e.budgets ?? []).map((b) => [b.metric, b.op, b.limit, b.status]),
              comparison: comparisonEntries(e).map(([metric, c]) => [metric, c.verdict]),
            })),
          }
        : {}),
    })),
  };
  return createHash('sha256').update(JSON.stringify(state)).digest('hex').slice(0, 16);
}

/** The verdict digest embedded in a comment body, if any. */
export function readVerdictDigest(body: string): string | undefined {
  return VERDICT_MARKER.exec(body)?.[1];
}

type Detail = 'full' | 'no-rounds' | 'summary' | 'minimal';
const DETAILS: Detail[] = ['full', 'no-rounds', 'summary', 'minimal'];

export function renderMarkdown(result: RunResult, options: MarkdownOptions = {}): string {
  const max = options.maxLength ?? DEFAULT_MAX_LENGTH;
  for (const detail of DETAILS) {
    const body = render(result, options, detail, max);
    if (utf8Bytes(body) <= max) return body;
  }
  return hardTruncate(render(result, options, 'minimal', max), max, options);
}

function render(result: RunResult, options: MarkdownOptions, detail: Detail, max: number): string {
  const out: string[] = [];
  out.push(commentMarker(options.key), `<!-- perfgate-verdict:${verdictDigest(result)} -->`);
  out.push(`### ${verdictEmoji(result.verdict)} perfgate: ${headline(result)}`, '');
  const context = contextLine(result);
  if (context) out.push(context, '');
  if (result.comparisonSkipped) {
    out.push(`> [!WARNING]`, `> Comparison with the base skipped: ${reason(result.comparisonSkipped)}`, '');
  }

  if (detail === 'full' || detail === 'no-rounds') {
    for (const scenario of result.scenarios) out.push(...scenarioSection(result, scenario));
    for (const sweep of sweeps(result.scenarios)) out.push(...sweepSection(sweep));
    const chart = charts(result);
    if (chart.length > 0) out.push(...chart);
    out.push(...historyCharts(result));
  } else if (detail === 'summary') {
    out.push('| | scenario | summary |', '|---|---|---|');
    for (const scenario of result.scenarios) out.push(summaryRow(scenario));
    out.push('');
  }
  if (result.warnings.length > 0 && detail !== 'minimal') {
    out.push('**Warnings**', '', ...result.warnings.map((w) => `- ⚠️ ${reason(w)}`), '');
  }

  if (detail === 'full' && result.scenarios.some((s) => s.rounds && s.rounds.length > 0)) {
    out.push(...roundsDetails(result));
  }
  if (detail !== 'minimal') out.push(...methodDetails(result, detail));

  if (detail === 'minimal') {
    const footer = footerLines(result, options, detail);
    const budget = max - utf8Bytes(out.join('\n')) - utf8Bytes(footer.join('\n')) - 200;
    out.push(...fittingScenarioLines(result, budget), '');
    out.push(...footer);
  } else {
    out.push(...footerLines(result, options, detail));
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function headline(result: RunResult): string {
  return headlineText(result, { name: (s) => codeName(clip(s, MAX_NAME)), text: (s) => escapeMarkdown(clip(s, 60)) });
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never keep the first half of a surrogate pair (an emoji) without its second.
  const end = /[\uD800-\uDBFF]/.test(text[max - 2] ?? '') ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}

function reason(text: string): string {
  return escapeMarkdown(clip(text, MAX_REASON));
}

function shortSha(sha: string): string {
  return /^[0-9a-f]{7,40}$/i.test(sha) ? sha.slice(0, 7) : escapeMarkdown(clip(sha, 40));
}

function contextLine(result: RunResult): string | undefined {
  if (!result.base) return undefined;
  const head = result.head ? `${codeName(clip(result.head.ref, 80))} (${shortSha(result.head.sha)})` : 'this branch';
  const pairs = result.pairs ? ` over ${result.pairs} interleaved base/head pairs` : '';
  return `Compared ${head} with ${codeName(clip(result.base.ref, 80))} (${shortSha(result.base.sha)})${pairs}.`;
}

const STATUS_ICON: Record<BudgetStatus, string> = { pass: '✅', fail: '❌', inconclusive: '⚠️' };
const COMPARISON_ICON: Record<ComparisonVerdict, string> = {
  regression: '❌',
  improvement: '🚀',
  unchanged: '✅',
  inconclusive: '⚠️',
};

function qpsLabel(scenario: ScenarioResult): string {
  const at = scenario.rate === undefined ? '' : `, ${formatNumber(scenario.rate)} req/s offered`;
  return `${METRIC.qps.label} @ ${scenario.connections} conn${at}`;
}

function rowLabel(scenario: ScenarioResult, metric: BudgetMetric): string {
  return metric === 'qps' ? qpsLabel(scenario) : metricLabel(metric);
}

function scenarioSection(result: RunResult, scenario: ScenarioResult): string[] {
  const out: string[] = [];
  const conn = `${scenario.connections} connection${scenario.connections === 1 ? '' : 's'}${scenario.rate === undefined ? '' : `, ${formatNumber(scenario.rate)} req/s offered`}`;
  out.push(`#### ${verdictEmoji(scenario.verdict)} ${codeName(clip(scenario.name, MAX_NAME))} · ${conn}`, '');
  const table = hasComparison(result) ? comparisonTable(scenario) : budgetTable(scenario);
  if (table.length > 0) out.push(...table, '');
  if (scenario.sequential) out.push(`Pairs: ${sequentialWords(scenario.sequential)}.`, '');
  out.push(measuredLine(scenario), '');
  out.push(...entriesMarkdown(scenario));
  out.push(...historyMarkdown(scenario, result.finishedAt || result.startedAt));
  const diagnosis = diagnosisLines(scenario.diagnosis, codeName);
  if (diagnosis)
    out.push(diagnosis.lines.length > 0 ? `**${diagnosis.title}:**` : `${diagnosis.title}.`, ...diagnosis.lines.map((l) => `- ${l}`), '');
  const notes = scenarioNotes(scenario);
  if (notes.length > 0) out.push(...notes, '');
  return out;
}

function budgetCell(budgets: BudgetResult[]): string {
  if (budgets.length === 0) return '—';
  return budgets
    .map((b) => {
      const text = `${STATUS_ICON[b.status]} ${escapeMarkdown(clip(b.text, 60))}`;
      return b.status === 'pass' ? text : `${text} (was ${formatMetric(b.metric, b.value)})`;
    })
    .join('<br>');
}

function comparisonTable(scenario: ScenarioResult): string[] {
  const compared = new Map(comparisonEntries(scenario));
  const metrics = BUDGET_METRICS.filter((m) => compared.has(m as CompareMetric) || scenario.budgets.some((b) => b.metric === m));
  if (metrics.length === 0) return [];
  const rows = metrics.map((metric) => {
    const budgets = scenario.budgets.filter((b) => b.metric === metric);
    const entry = compared.get(metric as CompareMetric);
    if (!entry) {
      const value = budgets[0] ? budgets[0].value : isDiagnosisMetric(metric) ? null : scenario.metrics[metric];
      return `| ${rowLabel(scenario, metric)} | ${budgetCell(budgets)} | — | ${formatMetric(metric, value)} | — | not compared |`;
    }
    return `| ${rowLabel(scenario, metric)} | ${budgetCell(budgets)} | ${formatMetric(metric, entry.base)} | ${formatMetric(metric, entry.head)} | ${changeCell(metric as CompareMetric, entry)} | ${verdictCell(metric as CompareMetric, entry)} |`;
  });
  return ['| metric | budget | base | head | change (CI) | verdict |', '|---|---|--:|--:|--:|---|', ...rows];
}

function changeCell(metric: CompareMetric, entry: ComparisonEntry): string {
  const ci = entry.low === null || entry.high === null ? '' : ` (${formatMetricInterval(metric, entry.low, entry.high)})`;
  return `${formatMetricChange(metric, entry.change)}${ci}`;
}

/** The verdict in words; an inconclusive one says the smallest change this run could have detected. */
function verdictCell(metric: CompareMetric, entry: ComparisonEntry): string {
  const words = `${COMPARISON_ICON[entry.verdict]} ${comparisonWords(metric, entry)}`;
  return entry.verdict === 'inconclusive' && entry.mde !== null
    ? `${words} (could detect ≥ ${formatMetricSize(metric, entry.mde)})`
    : words;
}

function budgetTable(scenario: ScenarioResult): string[] {
  if (scenario.budgets.length === 0) return [];
  const rows = scenario.budgets.map(
    (b) =>
      `| ${rowLabel(scenario, b.metric)} | ${escapeMarkdown(clip(b.text, 60))} | ${formatMetric(b.metric, b.value)} | ${STATUS_ICON[b.status]} ${b.status} |`,
  );
  return ['| metric | budget | value | status |', '|---|---|--:|---|', ...rows];
}

function measuredLine(scenario: ScenarioResult): string {
  const m = scenario.measurement;
  const l = m.latency;
  const parts = [
    `**${formatQps(m.qps, scenario.connections, scenario.rate)}**`,
    `p50 ${formatMs(l.p50)} · p90 ${formatMs(l.p90)} · p95 ${formatMs(l.p95)} · p99 ${formatMs(l.p99)} · p99.9 ${formatMs(l.p999)} · max ${formatMs(l.max)} · mean ${formatMs(l.mean)}`,
    formatOutcomes(m.outcomes),
    formatTransfer(m),
    `load generator CPU ${formatGeneratorCpu(m.generator)}`,
  ];
  if (scenario.server) {
    const s = scenario.server;
    parts.push(
      `server ${formatNumber(s.cpuMsPerRequest, s.cpuMsPerRequest < 1 ? 3 : 2)} CPU-ms/request, peak memory ${formatBytes(s.peakMemoryBytes)}`,
    );
  }
  return `Measured over ${formatNumber(m.durationMs / 1000, 1)} s: ${parts.join(' · ')}`;
}

/** A mix: each entry's figures beside the total, then one line per entry that failed, changed or is undecided. */
function entriesMarkdown(scenario: ScenarioResult): string[] {
  const entries = scenario.entries ?? [];
  if (entries.length === 0) return [];
  const rows = entries.map((e) => {
    const f = entryFigures(e);
    return `| ${codeName(clip(e.name, MAX_NAME))} | ${f.qps} | ${f.p50} | ${f.p99} | ${f.ok} |`;
  });
  const icon = { fail: '❌', inconclusive: '⚠️', pass: '🚀' } as const;
  const notes = entryNotes(scenario, (t) => escapeMarkdown(clip(t, 60))).map(
    (n) => `- ${icon[n.verdict]} ${codeName(clip(n.name, MAX_NAME))}: ${n.parts.join(', ')}`,
  );
  return [
    '| mix entry | QPS | p50 | p99 | ok / requests |',
    '|---|--:|--:|--:|--:|',
    ...rows,
    '',
    ...(notes.length > 0 ? [...notes, ''] : []),
  ];
}

function scenarioNotes(scenario: ScenarioResult): string[] {
  const notes: string[] = [];
  if (scenario.error) notes.push(`- ❌ Could not be measured: ${reason(scenario.error)}`);
  if (scenario.measurement.aborted) notes.push(`- ⚠️ Measurement cut short: ${reason(scenario.measurement.aborted)}`);
  const checks = checkSummary(scenario.measurement.outcomes);
  if (checks) {
    notes.push(`- ⚠️ ${escapeMarkdown(checks.title)}`);
    for (const f of checks.failures) notes.push(`  - ${escapeMarkdown(f.what)}${f.body ? `: ${codeName(f.body)}` : ''}`);
  }
  if (scenario.measurement.generator.saturated) {
    notes.push(
      `- ⚠️ The load generator was saturated (${formatNumber(scenario.measurement.generator.cpu, 2)} cores): these figures measure the client, not the service.`,
    );
  }
  for (const b of scenario.budgets) {
    if (b.status !== 'pass' && b.reason) {
      const why = b.status === 'fail' ? 'fails' : 'undecided';
      notes.push(`- ${STATUS_ICON[b.status]} **${metricLabel(b.metric)}** budget ${why}: ${reason(b.reason)}`);
    }
  }
  const noteWord: Record<ComparisonVerdict, string> = {
    regression: 'regressed',
    inconclusive: 'undecided',
    unchanged: 'unchanged',
    improvement: 'improved',
  };
  for (const [metric, e] of comparisonEntries(scenario)) {
    if (e.reason)
      notes.push(`- ${COMPARISON_ICON[e.verdict]} **${metricLabel(metric)}** change ${noteWord[e.verdict]}: ${reason(e.reason)}`);
  }
  for (const w of scenario.warnings) notes.push(`- ⚠️ ${reason(w)}`);
  return notes;
}

function summaryRow(scenario: ScenarioResult): string {
  return `| ${verdictEmoji(scenario.verdict)} | ${codeName(clip(scenario.name, MAX_NAME))} | ${summaryText(scenario)} |`;
}

/** One line per scenario: its key figures and what went wrong, for shortened reports. */
function summaryText(scenario: ScenarioResult): string {
  const m = scenario.measurement;
  const figures = `${formatQps(m.qps, scenario.connections, scenario.rate)} · p99 ${formatMs(m.latency.p99)} · ${formatNumber(m.outcomes.success)}/${formatNumber(m.outcomes.total)} ok`;
  const style = { name: () => '', text: (s: string) => escapeMarkdown(clip(s, 60)) };
  const issues = scenarioFindings(scenario)
    .filter((f) => f.kind !== 'improvement')
    .map((f) => describeFinding(f, style).replace(/ in $/, '').trim());
  const shown = issues.slice(0, 3).join('; ') + (issues.length > 3 ? ` and ${issues.length - 3} more` : '');
  return issues.length > 0 ? `${figures} — ${shown}` : figures;
}

function fittingScenarioLines(result: RunResult, budget: number): string[] {
  // Failures first: they are what the reader needs when space is short.
  const order = { fail: 0, inconclusive: 1, pass: 2 } as const;
  const sorted = result.scenarios.map((s, i) => ({ s, i })).sort((a, b) => order[a.s.verdict] - order[b.s.verdict] || a.i - b.i);
  const lines: string[] = [];
  let used = 0;
  for (const { s } of sorted) {
    const line = `- ${verdictEmoji(s.verdict)} ${codeName(clip(s.name, MAX_NAME))}: ${summaryText(s)}`;
    const bytes = utf8Bytes(line) + 1;
    if (used + bytes > budget) break;
    lines.push(line);
    used += bytes;
  }
  const omitted = result.scenarios.length - lines.length;
  if (omitted > 0) lines.push(`- …and ${omitted} more scenario${omitted === 1 ? '' : 's'}`);
  return lines;
}

// Charts that do not lie: every value axis starts at zero (a bar that starts at the data's minimum turns a 28% rise
// into a tenfold one), and the chart shows what the table cannot: each pair's base and head, so a reader sees the
// noise and the shift. xychart-beta has no legend, so the two lines get fixed colours that the title names.
const CHART_COLOURS = '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#0969da, #cf222e"}}}}%%';

function charts(result: RunResult): string[] {
  const out: string[] = [];
  for (const s of result.scenarios.filter((x) => x.comparison).slice(0, MAX_CHART_SCENARIOS)) {
    // The open model's QPS is the schedule's: its p99 is what moves. Otherwise QPS, at its concurrency.
    const metric = s.rate === undefined ? 'qps' : 'p99';
    const { label, kind, unit } = METRIC[metric];
    const title = `${mermaidLabel(s.name)}${metric === 'qps' ? ` @${s.connections}` : ''}: ${kind === 'latency' ? `${label} latency` : label}`;
    const pairs = pairedRounds(s);
    if (pairs.length >= 2) {
      const top = axisTop(pairs.flatMap(([b, h]) => [b.metrics[metric] ?? 0, h.metrics[metric] ?? 0]));
      out.push(
        '```mermaid',
        CHART_COLOURS,
        'xychart-beta',
        `  title "${title} per pair (blue base, red head)"`,
        `  x-axis "pair" [${pairs.map((_, i) => String(i + 1)).join(', ')}]`,
        `  y-axis "${unit}" 0 --> ${top}`,
        `  line [${pairs.map(([b]) => chartNumber(b.metrics[metric] ?? 0)).join(', ')}]`,
        `  line [${pairs.map(([, h]) => chartNumber(h.metrics[metric] ?? 0)).join(', ')}]`,
        '```',
        '',
      );
      continue;
    }
    const e = s.comparison?.[metric];
    if (!e) continue;
    out.push(
      '```mermaid',
      'xychart-beta',
      `  title "${title}: base vs head"`,
      '  x-axis ["base", "head"]',
      `  y-axis "${unit}" 0 --> ${axisTop([e.base, e.head])}`,
      `  bar [${chartNumber(e.base)}, ${chartNumber(e.head)}]`,
      '```',
      '',
    );
  }
  return out;
}

/** Base and head rounds of the same pair, in pair order. */
function pairedRounds(s: ScenarioResult): Array<[Round, Round]> {
  const rounds = s.rounds ?? [];
  const head = new Map(rounds.filter((r) => r.arm === 'head').map((r) => [r.index, r]));
  return rounds
    .filter((r) => r.arm === 'base' && head.has(r.index))
    .sort((a, b) => a.index - b.index)
    .map((b) => [b, head.get(b.index)!]);
}

/** A round number a little above the largest value, so the axis runs from zero to it. */
/**
 * Per scenario with a main history, its last runs' QPS (p99 in the open model) on a zero-based axis: main in grey,
 * this PR's base (blue) and head (red) as level lines, the colours of the rest of the comment.
 */
function historyCharts(result: RunResult): string[] {
  const out: string[] = [];
  for (const s of result.scenarios.filter((x) => x.history && x.history.qps.length >= 2).slice(0, MAX_CHART_SCENARIOS)) {
    const history = s.history!;
    const metric = s.rate === undefined || history.p99.length < 2 ? 'qps' : 'p99';
    const values = history[metric];
    const levels = (['base', 'head'] as const).flatMap((arm) => {
      const value = history[arm]?.[metric]?.value;
      return value === undefined ? [] : [{ arm, value }];
    });
    const { label, unit } = METRIC[metric];
    // Mermaid colours lines in order: main first, then whichever levels there are.
    const palette = ['#57606a', ...levels.map((l) => (l.arm === 'base' ? '#0969da' : '#cf222e'))].join(', ');
    const key = levels.map((l) => (l.arm === 'base' ? 'blue: the base' : 'red: this head')).join(', ');
    out.push(
      '```mermaid',
      `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
      'xychart-beta',
      `  title "${mermaidLabel(s.name)}: ${label} of main's last ${values.length} runs${key ? ` (${key})` : ''}"`,
      `  x-axis "run" [${values.map((_, i) => String(i + 1)).join(', ')}]`,
      `  y-axis "${unit}" 0 --> ${axisTop([...values, ...levels.map((l) => l.value)])}`,
      `  line [${values.map(chartNumber).join(', ')}]`,
      ...levels.map((l) => `  line [${values.map(() => chartNumber(l.value)).join(', ')}]`),
      '```',
      '',
    );
  }
  return out;
}

function axisTop(values: number[]): string {
  const max = Math.max(0, ...values.filter(Number.isFinite));
  if (max === 0) return '1';
  const step = 10 ** Math.floor(Math.log10(max * 1.1));
  return chartNumber(Math.ceil((max * 1.1) / step) * step);
}

function sweepSection(sweep: Sweep): string[] {
  const rows = sweep.levels.map(
    (l) =>
      `| ${l.connections} | ${formatMetric('qps', l.qps)} | ${formatMetric('p50', l.p50)} | ${formatMetric('p99', l.p99)} | ${formatNumber(l.problems)} | ${verdictEmoji(l.scenario.verdict)}${l.generatorSaturated ? ' client saturated' : ''} |`,
  );
  return [
    `#### Concurrency sweep: ${codeName(clip(sweep.name, MAX_NAME))}`,
    '',
    '| connections | QPS | p50 | p99 | errors | |',
    '|--:|--:|--:|--:|--:|---|',
    ...rows,
    '',
    escapeMarkdown(sweepFinding(sweep)),
    '',
    '```mermaid',
    CHART_COLOURS,
    'xychart-beta',
    `  title "${mermaidLabel(sweep.name)}: QPS by connections"`,
    `  x-axis [${sweep.levels.map((l) => String(l.connections)).join(', ')}]`,
    `  y-axis "req/s" 0 --> ${axisTop(sweep.levels.map((l) => l.qps))}`,
    `  line [${sweep.levels.map((l) => chartNumber(l.qps)).join(', ')}]`,
    '```',
    '',
  ];
}

function chartNumber(value: number): string {
  if (!Number.isFinite(value)) return '0';
  return String(Math.abs(value) >= 100 ? Math.round(value) : Number(value.toPrecision(4)));
}

function roundsDetails(result: RunResult): string[] {
  const out = ['<details><summary>Per-round data</summary>', ''];
  for (const s of result.scenarios) {
    if (!s.rounds || s.rounds.length === 0) continue;
    out.push(`${codeName(clip(s.name, MAX_NAME))}`, '');
    out.push(
      '| round | arm | order | QPS | p50 | p95 | p99 | ok | HTTP errors | failures | generator |',
      '|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|---|',
    );
    const rounds = [...s.rounds].sort((a, b) => a.index - b.index || armOrder(a) - armOrder(b));
    for (const r of rounds) out.push(roundRow(r));
    out.push('');
  }
  out.push('</details>', '');
  return out;
}

function armOrder(round: Round): number {
  return round.arm === 'base' ? 0 : 1;
}

function roundRow(r: Round): string {
  const m = r.metrics;
  return `| ${r.index} | ${r.arm} | ${r.order === 0 ? 'first' : 'second'} | ${formatQpsValue(m.qps)} | ${formatMs(m.p50)} | ${formatMs(m.p95)} | ${formatMs(m.p99)} | ${formatNumber(r.outcomes.success)} | ${formatNumber(r.outcomes.httpErrors)} | ${formatNumber(r.outcomes.failures)} | ${r.generatorSaturated ? '⚠️ saturated' : 'ok'} |`;
}

function methodDetails(result: RunResult, detail: Detail): string[] {
  const env = result.environment;
  const loadSource = loadSourceWords(result);
  const lines = [
    `- perfgate ${escapeMarkdown(result.tool.version)} on Node ${escapeMarkdown(result.tool.node)}, ${escapeMarkdown(env.platform)}, ${env.cpus} × ${escapeMarkdown(clip(env.cpuModel, 80))}${env.runner ? ` (runner ${escapeMarkdown(clip(env.runner, 80))})` : ''}`,
    `- Target: ${codeName(clip(redactUrls(result.target), 200))}`,
    ...(loadSource ? [`- Load: ${escapeMarkdown(clip(loadSource, 400))}`] : []),
    `- Config: ${result.config.map((c) => codeName(clip(c, 200))).join(', ') || '—'}`,
  ];
  if (result.base) {
    lines.push(
      `- Base ${codeName(clip(result.base.ref, 80))} (${shortSha(result.base.sha)}) vs head${result.head ? ` ${codeName(clip(result.head.ref, 80))} (${shortSha(result.head.sha)})` : ''}: ${result.pairs ?? '?'} interleaved pairs, alternating which arm runs first${result.seed ? `, seed ${codeName(result.seed)}` : ''}`,
    );
    lines.push(
      `- QPS and latency are compared on per-pair log-ratios (change = Hodges–Lehmann estimate, exact CI); the HTTP error and client failure rates on each arm's totals (change in percentage points, Newcombe's CI). Each verdict is a test against the tolerance — worse by more than it, better by more than it, or within it — Holm-adjusted across scenarios and metrics, and each CI is at the level its verdict was reached at (1 − 2α), so a regression's CI lies wholly beyond the tolerance. An undecided metric shows the smallest change it could have detected.`,
    );
  }
  if (result.startup && Object.keys(result.startup).length > 0) {
    const phases = Object.entries(result.startup)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([phase, ms]) => `${escapeMarkdown(phase)} ${formatNumber(ms / 1000, 1)} s`);
    lines.push(`- Start-up: ${phases.join(' · ')}`);
  }
  // Per-scenario test figures only in the full report: one line per scenario is what a shortened one keeps.
  for (const s of detail === 'summary' ? [] : result.scenarios) {
    const compared = comparisonEntries(s);
    if (compared.length === 0) continue;
    const ps = compared.map(
      ([metric, e]) =>
        `${metricLabel(metric)} p=${formatP(e.p)} (α=${Number(e.alpha.toPrecision(2))}, tolerance ±${formatMetricSize(metric, e.tolerance)}, CI ${formatConfidence(e.confidence)})`,
    );
    lines.push(`- ${codeName(clip(s.name, MAX_NAME))}: ${ps.join(', ')}`);
  }
  lines.push(`- Run ${escapeMarkdown(result.startedAt)} → ${escapeMarkdown(result.finishedAt)}`);
  return ['<details><summary>How this was measured</summary>', '', ...lines, '', '</details>', ''];
}

function safeUrl(url: string | undefined): string | undefined {
  if (!url || !/^https?:\/\/[^\s<>"]+$/.test(url)) return undefined;
  return url.replace(/[()[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function footerLines(result: RunResult, options: MarkdownOptions, detail: Detail): string[] {
  const run = safeUrl(options.runUrl);
  const full = safeUrl(options.summaryUrl) ?? run;
  const out: string[] = [];
  if (detail !== 'full') {
    const dropped =
      detail === 'no-rounds'
        ? 'Per-round data is left out'
        : detail === 'summary'
          ? 'Shortened to one line per scenario'
          : 'Shortened to the verdict';
    out.push(`> [!NOTE]`, `> ${dropped} to fit GitHub's ${options.fits ?? 'comment'} size limit. ${fullReport(options, full)}`, '');
  }
  const meta = [`perfgate ${escapeMarkdown(result.tool.version)}`];
  if (run) meta.push(`[workflow run](${run})`);
  out.push(`<sub>${meta.join(' · ')}</sub>`);
  return out;
}

/** Where the whole report is, for a note that says this one is shorter. */
function fullReport(options: MarkdownOptions, full: string | undefined): string {
  if (options.fits === 'job summary') return 'The full report is in the results JSON.';
  return `The full report is in ${full ? `the [job summary](${full})` : 'the job summary of this workflow run'} and in the results JSON.`;
}

/**
 * Last resort when even the minimal report is too long: cut after a whole line within `max` UTF-8 bytes and say so.
 * A whole line keeps every character (no half of a surrogate pair or of a UTF-8 sequence), every table row and the
 * marker on the first line; the note follows a blank line, so it never joins a table.
 */
function hardTruncate(body: string, max: number, options: MarkdownOptions): string {
  const note = `\n\n> [!NOTE]\n> Truncated to fit GitHub's ${options.fits ?? 'comment'} size limit. ${fullReport(options, safeUrl(options.summaryUrl) ?? safeUrl(options.runUrl))}\n`;
  const room = Math.max(0, max - utf8Bytes(note));
  const markerEnd = body.includes('\n') ? body.indexOf('\n') : body.length;
  let cut = prefixWithin(body, room);
  const newline = cut.lastIndexOf('\n');
  // The marker line stays even when nothing else fits: without it the next run would start a second comment.
  cut = newline > markerEnd ? cut.slice(0, newline) : body.slice(0, markerEnd);
  return `${cut}${note}`;
}

/** The longest prefix of `text` within `maxBytes` UTF-8 bytes that ends between two characters. */
function prefixWithin(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    // A lone surrogate is written as U+FFFD, 3 bytes, as Buffer.byteLength counts it.
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}
