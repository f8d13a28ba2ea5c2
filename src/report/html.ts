// The HTML report (`--html FILE`): one self-contained page a person opens from an artifact. Inline CSS and inline
// SVG charts (./html-charts.ts), no script, no network: no CDN, no web font, no link that loads anything.
// Every piece of user text (names, refs, reasons, bodies, queries) goes through escapeHtml, and the target through
// redactUrls first.
import type { CompareMetric } from '../config/types.ts';
import type { BudgetResult, ComparisonEntry, Outcomes, RunResult, ScenarioResult } from '../result.ts';
import { checkSummary } from './checks.ts';
import { diagnosisLines } from './diagnosis.ts';
import { escapeHtml } from './escape.ts';
import { entryFigures, entryNotes } from './entries.ts';
import { comparisonEntries } from './findings.ts';
import {
  comparisonWords,
  formatBytes,
  formatConfidence,
  formatGeneratorCpu,
  formatMetric,
  formatMetricChange,
  formatMetricInterval,
  formatMetricSize,
  formatNumber,
  formatOutcomes,
  formatP,
  formatQps,
  metricLabel,
  sequentialWords,
  statusWord,
} from './format.ts';
import { headlineText } from './headline.ts';
import { historyText } from './history.ts';
import { historySvg, intervalsSvg, latencyCurveSvg, roundsSvg, sweepSvg } from './html-charts.ts';
import { loadSourceWords } from './load-source.ts';
import { redactUrls } from './redact.ts';
import { sweepFinding, sweeps } from './sweep.ts';

const esc = (text: string) => escapeHtml(text);
const code = (text: string) => `<code>${esc(text)}</code>`;
const MAX_NAME = 200;
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const STYLE = `
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg2:#f6f8fa}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1080px;padding:24px;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 6px;padding-top:12px;border-top:1px solid var(--line)}
h3{font-size:14px;margin:18px 0 6px}
h1 code,h2 code{font-size:inherit;background:none;padding:0}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--bg2);padding:1px 4px;border-radius:4px}
pre{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--bg2);padding:6px 8px;white-space:pre-wrap;word-break:break-all;margin:4px 0}
table{border-collapse:collapse;margin:6px 0 10px;font-size:13px}
th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
th{background:var(--bg2);font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.muted{color:var(--muted)}.meta{margin:0;padding-left:18px;color:var(--muted)}
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;vertical-align:middle}
.pass,.unchanged{background:#1a7f37}.fail,.regression{background:#cf222e}.inconclusive{background:#9a6700}.improvement{background:#0969da}
.note{border-left:4px solid #9a6700;background:#fff8c5;padding:6px 10px;margin:8px 0}
.error{border-left:4px solid #cf222e;background:#ffebe9;padding:6px 10px;margin:8px 0}
.charts{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
figure{margin:6px 0}svg{max-width:100%;height:auto}svg text{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif}
nav ul{columns:2;margin:6px 0;padding-left:18px}
@media print{h2{break-before:auto}figure,table{break-inside:avoid}}
`;

/** The whole report as one HTML document. Charts are rendered by Vega in Node, so this is async; it does no I/O. */
export async function renderHtml(result: RunResult): Promise<string> {
  const headline = headlineText(result, { name: (s) => code(clip(s, MAX_NAME)), text: (s) => esc(clip(s, 60)) });
  const body: string[] = [`<h1>perfgate ${badge(result.verdict)}</h1>`, `<p>${headline}</p>`, runFacts(result), ...notes(result)];
  if (result.scenarios.length > 1) {
    const items = result.scenarios.map(
      (s, i) => `<li><a href="#scenario-${i + 1}">${esc(clip(s.name, MAX_NAME))}</a> ${badge(s.verdict)}</li>`,
    );
    body.push(`<nav><h3>Scenarios</h3><ul>${items.join('')}</ul></nav>`);
  }
  for (const sweep of sweeps(result.scenarios)) {
    body.push(
      `<h2>Sweep ${code(clip(sweep.name, MAX_NAME))}</h2>`,
      `<p>${esc(sweepFinding(sweep))}</p>`,
      figure(await sweepSvg(sweep)),
      sweepTable(sweep.levels),
    );
  }
  const now = result.finishedAt || result.startedAt;
  for (const [i, scenario] of result.scenarios.entries()) body.push(...(await scenarioSection(scenario, i + 1, now)));
  body.push(
    `<p class="muted">perfgate ${esc(result.tool.version)} on Node ${esc(result.tool.node)} · ${esc(result.startedAt)} – ${esc(result.finishedAt)}</p>`,
  );
  const title = `perfgate: ${result.verdict}${result.scenarios.length === 1 ? ` — ${result.scenarios[0]!.name}` : ` — ${result.scenarios.length} scenarios`}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No script, no network: a report opened from an artifact can neither run code nor fetch anything.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(clip(title, 300))}</title>`,
    `<style>${STYLE.trim()}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function badge(verdict: string): string {
  return `<span class="badge ${verdict}">${verdict}</span>`;
}

function runFacts(result: RunResult): string {
  const facts: string[] = [];
  if (result.base) {
    const head = result.head ? `${code(clip(result.head.ref, 200))} (${esc(result.head.sha.slice(0, 7))})` : 'this branch';
    const pairs = result.pairs ? ` over ${result.pairs} interleaved base/head pairs` : '';
    const seed = result.seed ? `, seed ${code(result.seed)}` : '';
    facts.push(`Compared ${head} with ${code(clip(result.base.ref, 200))} (${esc(result.base.sha.slice(0, 7))})${pairs}${seed}`);
  }
  facts.push(`Target ${code(redactUrls(result.target))}`);
  const loadSource = loadSourceWords(result);
  if (loadSource) facts.push(esc(loadSource));
  if (result.config.length > 0) facts.push(`Config ${result.config.map((f) => code(f)).join(', ')}`);
  const env = result.environment;
  facts.push(esc(`${env.platform}, ${env.cpus} CPUs (${env.cpuModel})${env.runner ? `, ${env.runner}` : ''}`));
  return `<ul class="meta">${facts.map((f) => `<li>${f}</li>`).join('')}</ul>`;
}

function notes(result: RunResult): string[] {
  const out: string[] = [];
  if (result.interrupted) out.push(`<p class="error">Interrupted by ${esc(result.interrupted)}: the results are partial.</p>`);
  if (result.comparisonSkipped)
    out.push(`<p class="note">Comparison with the base skipped: ${esc(redactUrls(result.comparisonSkipped))}</p>`);
  for (const w of result.warnings) out.push(`<p class="note">${esc(redactUrls(w))}</p>`);
  return out;
}

function figure(svg: string | undefined): string {
  return svg ? `<figure>${svg}</figure>` : '';
}

function table(head: string[], rows: string[][], numeric: number[] = []): string {
  const th = head.map((h) => `<th>${h}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c, i) => (numeric.includes(i) ? `<td class="n">${c}</td>` : `<td>${c}</td>`)).join('')}</tr>`);
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr.join('')}</tbody></table>`;
}

function sweepTable(levels: ReturnType<typeof sweeps>[number]['levels']): string {
  return table(
    ['connections', 'QPS', 'p50', 'p99', 'errors + failures'],
    levels.map((l) => [
      String(l.connections),
      formatMetric('qps', l.qps),
      formatMetric('p50', l.p50),
      formatMetric('p99', l.p99),
      formatNumber(l.problems) + (l.generatorSaturated ? ' (generator saturated)' : ''),
    ]),
    [0, 1, 2, 3, 4],
  );
}

async function scenarioSection(scenario: ScenarioResult, n: number, now: string): Promise<string[]> {
  const m = scenario.measurement;
  const out = [`<h2 id="scenario-${n}">${code(clip(scenario.name, MAX_NAME))} ${badge(scenario.verdict)}</h2>`];
  const facts = [esc(formatQps(m.qps, scenario.connections, scenario.rate))];
  if (scenario.at) facts.push(`written at ${code(`${scenario.at.file}:${scenario.at.line}:${scenario.at.col}`)}`);
  if (scenario.sweepOf !== undefined) facts.push(`one level of the sweep ${code(clip(scenario.sweepOf, MAX_NAME))}`);
  if (scenario.sequential) facts.push(esc(sequentialWords(scenario.sequential)));
  if (m.generator.saturated) facts.push('<strong>the load generator was saturated: these figures measure the client</strong>');
  if (m.aborted) facts.push(`window cut short: ${esc(m.aborted)}`);
  out.push(`<ul class="meta">${facts.map((f) => `<li>${f}</li>`).join('')}</ul>`);
  if (scenario.error) out.push(`<p class="error">Could not be measured: ${esc(redactUrls(scenario.error))}</p>`);

  if (scenario.budgets.length > 0) out.push('<h3>Budgets</h3>', budgetTable(scenario.budgets));
  if (scenario.entries && scenario.entries.length > 0) out.push('<h3>Mix entries</h3>', entriesTable(scenario));

  const entries = comparisonEntries(scenario);
  if (entries.length > 0) out.push('<h3>Head vs base</h3>', comparisonTable(entries), figure(await intervalsSvg(entries)));

  const charts = [await latencyCurveSvg(scenario), await roundsSvg(scenario)].filter((s) => s !== undefined);
  if (charts.length > 0) out.push('<h3>Latency and rounds</h3>', `<div class="charts">${charts.map(figure).join('')}</div>`);

  out.push(...(await historySection(scenario, now)));

  out.push('<h3>Outcomes</h3>', outcomesTable(m.outcomes, scenario));
  const checks = checkSummary(m.outcomes);
  if (checks) {
    out.push(`<p>${esc(checks.title)}</p>`);
    for (const f of checks.failures) out.push(`<p>${esc(f.what)}</p><pre>${escapeHtml(f.body, true)}</pre>`);
  }
  const diagnosis = diagnosisHtml(scenario);
  if (diagnosis) out.push('<h3>Diagnosis</h3>', diagnosis);
  for (const w of scenario.warnings) out.push(`<p class="note">${esc(redactUrls(w))}</p>`);
  return out;
}

/** Main's history (#13): a recorded run's new change points, and a PR run's trend chart with its words. */
async function historySection(scenario: ScenarioResult, now: string): Promise<string[]> {
  const text = historyText(scenario, now);
  if (!text) return [];
  const out = ["<h3>Main's history</h3>"];
  for (const d of text.drift) out.push(`<p class="${d.fails ? 'error' : 'note'}">New change point: ${esc(d.text)}</p>`);
  if (text.title) out.push(`<p class="muted">${esc(text.title)}</p>`);
  if (scenario.history) out.push(figure(await historySvg(scenario.history)));
  const items = [...text.trends, ...(text.title && text.changes.length === 0 ? ['No change point in them.'] : text.changes)];
  if (items.length > 0) out.push(`<ul>${items.map((t) => `<li>${esc(t)}</li>`).join('')}</ul>`);
  return out;
}

/** Each mix entry's figures, with what failed, changed or is undecided in it. */
function entriesTable(scenario: ScenarioResult): string {
  const notes = new Map(entryNotes(scenario, (t) => t).map((n) => [n.name, n]));
  return table(
    ['entry', 'QPS', 'p50', 'p99', 'ok / requests', ''],
    (scenario.entries ?? []).map((e) => {
      const f = entryFigures(e);
      const note = notes.get(e.name);
      return [
        code(clip(e.name, MAX_NAME)),
        f.qps,
        f.p50,
        f.p99,
        f.ok,
        note ? `<span class="badge ${note.verdict}">${note.parts.map(esc).join(', ')}</span>` : '',
      ];
    }),
    [1, 2, 3, 4],
  );
}

function budgetTable(budgets: BudgetResult[]): string {
  return table(
    ['metric', 'budget', 'measured', 'status', 'why', 'written at'],
    budgets.map((b) => [
      esc(metricLabel(b.metric)),
      code(b.text),
      formatMetric(b.metric, b.value),
      `<span class="badge ${b.status}">${statusWord(b.status)}</span>`,
      b.reason ? esc(b.reason) : '',
      code(`${b.at.file}:${b.at.line}:${b.at.col}`),
    ]),
    [2],
  );
}

function comparisonTable(entries: Array<[CompareMetric, ComparisonEntry]>): string {
  return table(
    ['metric', 'base', 'head', 'change', 'CI', 'tolerance', 'p (α)', 'verdict'],
    entries.map(([metric, e]) => [
      esc(metricLabel(metric)),
      formatMetric(metric, e.base),
      formatMetric(metric, e.head),
      formatMetricChange(metric, e.change),
      `${formatMetricInterval(metric, e.low, e.high)} <span class="muted">(${formatConfidence(e.confidence)})</span>`,
      `±${formatMetricSize(metric, e.tolerance)}`,
      `${formatP(e.p)} (${formatP(e.alpha)})`,
      `<span class="badge ${e.verdict}">${e.verdict}</span> ${esc(comparisonWords(metric, e))}${e.reason ? `<br><span class="muted">${esc(e.reason)}</span>` : ''}`,
    ]),
    [1, 2, 3, 4, 5, 6],
  );
}

function outcomesTable(o: Outcomes, scenario: ScenarioResult): string {
  const rows: string[][] = [
    ['requests', formatNumber(o.total), ''],
    ['successes (2xx, 3xx)', formatNumber(o.success), share(o.success, o.total)],
  ];
  const statuses = Object.entries(o.byStatus).sort(([a], [b]) => a.localeCompare(b));
  for (const [status, n] of statuses) rows.push([`&nbsp;&nbsp;status ${esc(status)}`, formatNumber(n), share(n, o.total)]);
  rows.push(['HTTP errors', formatNumber(o.httpErrors), share(o.httpErrors, o.total)]);
  if (o.checkFailures !== undefined)
    rows.push(['&nbsp;&nbsp;failed their check (expect)', formatNumber(o.checkFailures), share(o.checkFailures, o.total)]);
  rows.push(['failures (no complete response)', formatNumber(o.failures), share(o.failures, o.total)]);
  for (const [kind, n] of Object.entries(o.byFailure)) if (n) rows.push([`&nbsp;&nbsp;${esc(kind)}`, formatNumber(n), share(n, o.total)]);
  const m = scenario.measurement;
  const extra = [`generator CPU ${formatGeneratorCpu(m.generator)}`];
  if (scenario.server) {
    extra.push(
      `app ${formatNumber(scenario.server.cpuMsPerRequest, 2)} ms CPU per request, ${formatNumber(scenario.server.cpuCores, 2)} cores, peak memory ${formatBytes(scenario.server.peakMemoryBytes)}`,
    );
  }
  return `${table(['outcome', 'count', 'share'], rows, [1, 2])}<p class="muted">${esc(formatOutcomes(o))} · ${esc(extra.join(' · '))}</p>`;
}

const share = (n: number, total: number) => (total > 0 ? `${formatNumber((n / total) * 100, 2)}%` : '');

/** Private-use sentinels stand for the quoted statements while the line is escaped; each becomes an escaped <code>. */
function diagnosisHtml(scenario: ScenarioResult): string | undefined {
  const quotes: string[] = [];
  const lines = diagnosisLines(scenario.diagnosis, (q) => `\uE000${quotes.push(q) - 1}\uE001`);
  if (!lines) return undefined;
  const html = (text: string) => esc(text).replace(/\uE000(\d+)\uE001/g, (_, i: string) => code(quotes[Number(i)] ?? ''));
  return `<p>${html(lines.title)}</p>${lines.lines.length > 0 ? `<ul>${lines.lines.map((l) => `<li>${html(l)}</li>`).join('')}</ul>` : ''}`;
}
