// The human-readable report for a terminal: one block per scenario, then a one-line overall verdict.
import { showInvisible } from '../invisible.ts';
import type { BudgetStatus, ComparisonVerdict, RunResult, ScenarioResult, Verdict } from '../result.ts';
import { comparisonEntries } from './findings.ts';
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
  formatMsValue,
  formatNumber,
  formatOutcomes,
  formatP,
  formatQps,
  metricLabel,
  statusWord,
} from './format.ts';
import { checkSummary } from './checks.ts';
import { entryFigures, entryNotes } from './entries.ts';
import { headlineText } from './headline.ts';
import { loadSourceWords } from './load-source.ts';
import { redactUrls } from './redact.ts';
import { diagnosisLines } from './diagnosis.ts';
import { historyTerminal } from './history.ts';
import { sweepFinding, sweeps, type Sweep } from './sweep.ts';
import { textTable } from './text-table.ts';

export interface TerminalOptions {
  /** ANSI colours; default: only when stdout is a TTY and NO_COLOR is unset. */
  color?: boolean;
}

/** Whether a stream should get colours (honours NO_COLOR and FORCE_COLOR). */
export function supportsColor(stream: { isTTY?: boolean } = process.stdout, env = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

interface Paint {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

function paint(color: boolean): Paint {
  const wrap = (open: number, close: number) => (s: string) => (color ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
}

/**
 * User-provided text without control characters, so a scenario name cannot drive the terminal; bidi and zero-width
 * characters shown as escapes (\u202E), so it cannot pass for another name.
 */
function plain(text: string): string {
  return showInvisible(text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' '));
}

export function renderTerminal(result: RunResult, options: TerminalOptions = {}): string {
  const p = paint(options.color ?? supportsColor());
  const status = (s: BudgetStatus | Verdict) => {
    const word = s === 'pass' || s === 'fail' || s === 'inconclusive' ? statusWord(s) : s;
    return s === 'pass' ? p.green(word) : s === 'fail' ? p.red(word) : p.yellow(word);
  };
  const lines: string[] = [];

  lines.push(p.bold(`perfgate ${result.tool.version}`) + p.dim(` · target ${plain(redactUrls(result.target))}`));
  const source = loadSourceWords(result);
  if (source) lines.push(p.dim(plain(source)));
  if (result.base) {
    const head = result.head ? `${plain(result.head.ref)} (${short(result.head.sha)})` : 'head';
    const pairs = result.pairs ? `, ${result.pairs} interleaved pairs` : '';
    lines.push(p.dim(`comparing ${head} against ${plain(result.base.ref)} (${short(result.base.sha)})${pairs}`));
  }
  if (result.comparisonSkipped) lines.push(p.yellow(`comparison skipped: ${plain(result.comparisonSkipped)}`));

  for (const scenario of result.scenarios) {
    lines.push('', ...scenarioBlock(scenario, p, status, result.finishedAt || result.startedAt));
  }

  for (const sweep of sweeps(result.scenarios)) lines.push('', ...sweepBlock(sweep, p));

  if (result.warnings.length > 0) {
    lines.push('', p.yellow('Warnings'));
    for (const w of result.warnings) lines.push(`  - ${plain(w)}`);
  }

  // An interrupted run has no verdict line: the line says it was interrupted (the exit code is 130 or 143).
  lines.push('', result.interrupted ? p.yellow(overallLine(result)) : `${status(result.verdict)}: ${overallLine(result)}`);
  return `${lines.join('\n')}\n`;
}

function overallLine(result: RunResult): string {
  return `perfgate: ${headlineText(result, { name: (s) => `"${plain(s)}"`, text: plain })}`;
}

/** `now`: when the run ended, for how long ago main's history changed. */
function scenarioBlock(scenario: ScenarioResult, p: Paint, status: (s: BudgetStatus | Verdict) => string, now: string): string[] {
  const m = scenario.measurement;
  const lines: string[] = [];
  lines.push(`${p.bold(plain(scenario.name))} — ${status(scenario.verdict)}`);
  const window = `${formatNumber(m.durationMs / 1000, 1)} s measured`;
  const model = scenario.rate === undefined ? 'closed model' : `open model at ${formatNumber(scenario.rate)} req/s`;
  lines.push(p.dim(`  ${scenario.connections} connections · ${model} · ${window}`));
  if (scenario.error) lines.push(p.red(`  could not be measured: ${plain(scenario.error)}`));
  if (m.aborted) lines.push(p.yellow(`  measurement cut short: ${plain(m.aborted)}`));

  if (scenario.budgets.length > 0) {
    lines.push('  Budgets');
    const rows = scenario.budgets.map((b) => [
      metricLabel(b.metric),
      plain(b.text),
      formatMetric(b.metric, b.value),
      status(b.status),
      b.reason ? plain(b.reason) : '',
    ]);
    lines.push(...textTable([['metric', 'budget', 'value', 'status', ''].map(p.dim), ...rows], [], '    '));
  }

  const info: string[][] = [];
  info.push(['Throughput', `${formatQps(m.qps, scenario.connections, scenario.rate)} · ${formatTransfer(m)}`]);
  const l = m.latency;
  info.push([
    'Latency',
    `p50 ${formatMsValue(l.p50)} · p90 ${formatMsValue(l.p90)} · p95 ${formatMsValue(l.p95)} · p99 ${formatMsValue(l.p99)} · p99.9 ${formatMsValue(l.p999)} · max ${formatMsValue(l.max)} · mean ${formatMsValue(l.mean)} (ms)`,
  ]);
  const outcomes = formatOutcomes(m.outcomes);
  info.push(['Outcomes', m.outcomes.httpErrors + m.outcomes.failures > 0 ? p.yellow(outcomes) : outcomes]);
  const checks = checkSummary(m.outcomes);
  if (checks) {
    info.push(['Checks', p.yellow(plain(checks.title))]);
    for (const f of checks.failures) info.push(['', `${plain(f.what)}${f.body ? ` — body: ${plain(JSON.stringify(f.body))}` : ''}`]);
  }
  const generator = `load generator CPU ${formatGeneratorCpu(m.generator)}`;
  info.push([
    'Client',
    m.generator.saturated
      ? `${generator} ${p.yellow('— SATURATED: the generator was the bottleneck, so these figures measure the client, not the service')}`
      : generator,
  ]);
  if (scenario.server) {
    const s = scenario.server;
    info.push([
      'Server',
      `${formatNumber(s.cpuMsPerRequest, s.cpuMsPerRequest < 1 ? 3 : 2)} CPU-ms/request · peak memory ${formatBytes(s.peakMemoryBytes)} · ${formatNumber(s.cpuCores, 2)} cores`,
    ]);
  }
  lines.push(...textTable(info, [], '  '));
  lines.push(...entriesBlock(scenario, p));

  const entries = comparisonEntries(scenario);
  if (entries.length > 0) {
    lines.push('  Comparison (median per arm, rates over all rounds; each CI at the level of its verdict)');
    if (scenario.sequential) lines.push(`  Pairs: ${sequentialWords(scenario.sequential)}`);
    const rows = entries.map(([metric, e]) => [
      metricLabel(metric),
      formatMetric(metric, e.base),
      formatMetric(metric, e.head),
      formatMetricChange(metric, e.change),
      e.low === null || e.high === null ? 'n/a' : `${formatMetricInterval(metric, e.low, e.high)} (${formatConfidence(e.confidence)})`,
      formatP(e.p),
      colorVerdict(e.verdict, comparisonWords(metric, e), p) + (e.reason ? ` (${plain(e.reason)})` : ''),
    ]);
    lines.push(
      ...textTable(
        [['metric', 'base', 'head', 'change', 'CI', 'p', 'verdict'].map(p.dim), ...rows],
        ['left', 'right', 'right', 'right', 'left', 'right', 'left'],
        '    ',
      ),
    );
  }

  const diagnosis = diagnosisLines(scenario.diagnosis, (query) => `"${plain(query)}"`);
  if (diagnosis) lines.push(`  ${diagnosis.title}`, ...diagnosis.lines.map((l) => `    ${l}`));
  lines.push(...historyTerminal(scenario, now));

  if (scenario.warnings.length > 0) {
    for (const w of scenario.warnings) lines.push(p.yellow(`  warning: ${plain(w)}`));
  }
  return lines;
}

/** A mix: each entry's figures beside the total, with what failed, changed or is undecided in it. */
function entriesBlock(scenario: ScenarioResult, p: Paint): string[] {
  const entries = scenario.entries ?? [];
  if (entries.length === 0) return [];
  const notes = new Map(entryNotes(scenario, plain).map((n) => [n.name, n]));
  const rows = entries.map((e) => {
    const f = entryFigures(e);
    const note = notes.get(e.name);
    const words = note ? note.parts.join(', ') : '';
    const shown = note?.verdict === 'fail' ? p.red(words) : note?.verdict === 'inconclusive' ? p.yellow(words) : p.green(words);
    return [plain(e.name), f.qps, f.p50, f.p99, f.ok, shown];
  });
  return [
    '  Mix entries',
    ...textTable(
      [['entry', 'QPS', 'p50', 'p99', 'ok/requests', ''].map(p.dim), ...rows],
      ['left', 'right', 'right', 'right', 'right', 'left'],
      '    ',
    ),
  ];
}

function sweepBlock(sweep: Sweep, p: Paint): string[] {
  const rows = sweep.levels.map((l) => [
    String(l.connections),
    formatMetric('qps', l.qps),
    formatMetric('p50', l.p50),
    formatMetric('p99', l.p99),
    formatNumber(l.problems),
    statusWord(l.scenario.verdict) + (l.generatorSaturated ? ' (client saturated)' : ''),
  ]);
  return [
    p.bold(`Concurrency sweep: ${plain(sweep.name)}`),
    ...textTable(
      [['connections', 'QPS', 'p50', 'p99', 'errors', 'verdict'].map(p.dim), ...rows],
      ['right', 'right', 'right', 'right', 'right', 'left'],
      '    ',
    ),
    `  ${plain(sweepFinding(sweep))}`,
  ];
}

function colorVerdict(verdict: ComparisonVerdict, text: string, p: Paint): string {
  if (verdict === 'regression') return p.red(text);
  if (verdict === 'improvement') return p.green(text);
  if (verdict === 'inconclusive') return p.yellow(text);
  return text;
}

function short(sha: string): string {
  return /^[0-9a-f]{40}$/i.test(sha) ? sha.slice(0, 7) : plain(sha);
}
