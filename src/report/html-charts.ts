// The HTML report's charts: Vega-Lite specs compiled to Vega and rendered to SVG strings in Node (renderer 'none',
// no DOM, no canvas), so the report needs no script to be read. Every value axis starts at zero unless it says it is
// a log axis or a change axis (head vs base, centred on 0 with the tolerance band shaded). No user text reaches a
// chart: labels are metric names, arms, pairs and numbers; the names stay in the escaped HTML around it.
import { median } from 'simple-statistics';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ComparisonEntry, Round, ScenarioResult } from '../result.ts';
import type { CompareMetric } from '../config/types.ts';
import { METRIC } from '../metrics.ts';
import type { Sweep } from './sweep.ts';

/** The comment's colours (src/report/markdown.ts): blue base, red head. */
const ARM_COLOURS = { base: '#0969da', head: '#cf222e' } as const;
const VERDICT_COLOURS = { regression: '#cf222e', improvement: '#1a7f37', unchanged: '#57606a', inconclusive: '#bf8700' } as const;

const CONFIG = {
  // Accessibility text per mark would double the file; each chart carries one description instead.
  aria: false,
  // Short, as it is repeated on every text element; the page's CSS sets the real font stack for svg text.
  font: 'sans-serif',
  view: { stroke: '#d0d7de' },
  axis: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#eaeef2' },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom', direction: 'horizontal', labelLimit: 300 },
  title: { fontSize: 12, fontWeight: 'bold', anchor: 'start' },
} as const;

/** SVG text of one Vega-Lite spec. */
async function toSvg(spec: TopLevelSpec, description: string): Promise<string> {
  const vega = compile({ ...spec, config: CONFIG } as TopLevelSpec).spec;
  const view = new View(parse(vega), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  // One accessible name for the whole chart. The groups that hold the data's marks keep a short data-mark (what
  // the browser test counts). What goes: vega's other class names (for its scenegraph, never styled here),
  // attributes that say the default (opacity 1; nothing in a static page takes pointer events), per-mark aria-hidden
  // (the chart is one image), and hidden empty paths: a third of the bytes, nothing a reader sees.
  return svg
    .replace(/^<svg /, `<svg role="img" aria-label="${attr(description)}" `)
    .replace(/ class="mark-(\w+) role-mark\b[^"]*"/g, ' data-mark="$1"')
    .replace(/ (?:class="[^"]*"|opacity="1"|pointer-events="none"|aria-hidden="true")/g, '')
    .replace(/<path d="" display="none"\/>/g, '')
    .replace(/<g><\/g>/g, '');
}

const attr = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

const ARM_SCALE = { domain: ['base', 'head'], range: [ARM_COLOURS.base, ARM_COLOURS.head] };

/** Percentiles on a tail axis: x = −log10(1 − q), so p90 → 1, p99 → 2, p99.9 → 3 (equal steps per added nine). */
const PERCENTILES = [
  { key: 'p50', label: 'p50', x: Math.log10(2) },
  { key: 'p90', label: 'p90', x: 1 },
  { key: 'p95', label: 'p95', x: Math.log10(20) },
  { key: 'p99', label: 'p99', x: 2 },
  { key: 'p999', label: 'p99.9', x: 3 },
] as const;

function medianOf(values: number[]): number | undefined {
  return values.length === 0 ? undefined : median(values);
}

/**
 * The latency percentile curve: with rounds, each arm's median over its rounds at the percentiles rounds record
 * (p50, p95, p99); always the head's whole measurement from p50 to p99.9. Log-scale value axis, labelled so.
 */
export async function latencyCurveSvg(scenario: ScenarioResult): Promise<string | undefined> {
  const rows: Array<{ x: number; label: string; ms: number; series: string; arm: 'base' | 'head' }> = [];
  const rounds = scenario.rounds ?? [];
  for (const arm of ['base', 'head'] as const) {
    const mine = rounds.filter((r) => r.arm === arm);
    if (mine.length === 0) continue;
    for (const p of PERCENTILES) {
      const value = medianOf(mine.map((r) => r.metrics[p.key as 'p50']).filter((v): v is number => v !== undefined));
      if (value !== undefined && value > 0) rows.push({ x: p.x, label: p.label, ms: value, series: `${arm}, median of rounds`, arm });
    }
  }
  const latency = scenario.measurement.latency;
  const whole = rounds.length > 0 ? 'head, whole run' : 'this run';
  for (const p of PERCENTILES) {
    const value = latency[p.key];
    if (value > 0) rows.push({ x: p.x, label: p.label, ms: value, series: whole, arm: 'head' });
  }
  if (rows.length === 0) return undefined;
  const series = [...new Set(rows.map((r) => r.series))];
  const colour = (s: string) => (s.startsWith('base') ? ARM_COLOURS.base : s === whole && rounds.length > 0 ? '#fb8f44' : ARM_COLOURS.head);
  // Ticks at the decades the data spans (a log axis left to itself labels 2, 20, 200 between them).
  const lo = Math.floor(Math.log10(Math.min(...rows.map((r) => r.ms))));
  const hi = Math.ceil(Math.log10(Math.max(...rows.map((r) => r.ms))));
  const decades = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
  return toSvg(
    {
      title: 'Latency percentiles',
      width: 300,
      height: 180,
      data: { values: rows },
      mark: { type: 'line', point: { filled: true, size: 30 }, strokeWidth: 2 },
      encoding: {
        x: {
          field: 'x',
          type: 'quantitative',
          title: 'percentile (tail axis)',
          scale: { domain: [0.2, 3.1], nice: false, zero: false },
          axis: { values: PERCENTILES.map((p) => p.x), labelExpr: percentileLabelExpr(), grid: false },
        },
        y: {
          field: 'ms',
          type: 'quantitative',
          title: 'latency (ms, log scale)',
          scale: { type: 'log', domain: [decades[0]!, decades.at(-1)!] },
          axis: { values: decades, format: ',~g' },
        },
        color: { field: 'series', type: 'nominal', title: null, scale: { domain: series, range: series.map(colour) } },
      },
    },
    `Latency percentiles p50 to p99.9 in milliseconds on a log scale: ${series.join(', ')}`,
  );
}

function percentileLabelExpr(): string {
  // Vega expression mapping the tick positions back to their names.
  return PERCENTILES.map((p) => `abs(datum.value - ${p.x}) < 0.01 ? '${p.label}' : `).join('') + "''";
}

/** Base and head of the same pair, in pair order. */
function pairRows(rounds: Round[], metric: 'qps' | 'p99'): Array<{ pair: number; arm: 'base' | 'head'; value: number }> {
  return rounds
    .filter((r) => r.metrics[metric] !== undefined)
    .map((r) => ({ pair: r.index + 1, arm: r.arm, value: r.metrics[metric]! }))
    .sort((a, b) => a.pair - b.pair || a.arm.localeCompare(b.arm));
}

/** QPS and p99 per pair for both arms, zero-based: the noise and the shift at a glance. */
export async function roundsSvg(scenario: ScenarioResult): Promise<string | undefined> {
  const rounds = scenario.rounds ?? [];
  if (!rounds.some((r) => r.arm === 'base') || !rounds.some((r) => r.arm === 'head')) return undefined;
  const panel = (metric: 'qps' | 'p99', title: string, unit: string) => ({
    title,
    width: 260,
    height: 150,
    data: { values: pairRows(rounds, metric) },
    mark: { type: 'line' as const, point: { filled: true, size: 30 }, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'pair', type: 'quantitative' as const, title: 'pair', axis: { tickMinStep: 1, format: 'd' }, scale: { zero: false } },
      y: { field: 'value', type: 'quantitative' as const, title: unit, scale: { zero: true } },
      color: { field: 'arm', type: 'nominal' as const, title: null, scale: ARM_SCALE },
    },
  });
  return toSvg(
    { hconcat: [panel('qps', 'QPS per pair', 'req/s'), panel('p99', 'p99 per pair', 'ms')], resolve: { scale: { color: 'shared' } } },
    'QPS and p99 latency of each interleaved pair, base in blue and head in red, on zero-based axes',
  );
}

interface IntervalRow {
  metric: string;
  change: number;
  low?: number;
  high?: number;
  tolLow: number;
  tolHigh: number;
  verdict: ComparisonEntry['verdict'];
}

/**
 * Each metric's change with its CI drawn as an interval against the tolerance band (±δ shaded): relative metrics
 * on a % change axis, the rates in percentage points on their own. Both axes are change axes centred on 0.
 */
export async function intervalsSvg(entries: Array<[CompareMetric, ComparisonEntry]>): Promise<string | undefined> {
  const relative = entries.filter(([m]) => METRIC[m].compare !== 'absolute');
  const absolute = entries.filter(([m]) => METRIC[m].compare === 'absolute');
  const panels = [
    relative.length > 0 ? intervalPanel(relative, 1, 'change, head vs base (%)', 'relative') : undefined,
    absolute.length > 0 ? intervalPanel(absolute, 100, 'change, head vs base (percentage points)', 'rates') : undefined,
  ].filter((p) => p !== undefined);
  if (panels.length === 0) return undefined;
  return toSvg(
    { vconcat: panels, resolve: { scale: { x: 'independent', color: 'shared' } } },
    'Each metric: the change head vs base with its confidence interval, against the shaded tolerance band',
  );
}

function intervalPanel(entries: Array<[CompareMetric, ComparisonEntry]>, scale: number, title: string, kind: string) {
  const percent = kind === 'relative';
  const rows: IntervalRow[] = entries.map(([metric, e]) => ({
    metric: METRIC[metric].label,
    change: percent ? e.change : e.change * scale,
    ...(e.low !== null && e.high !== null ? { low: percent ? e.low : e.low * scale, high: percent ? e.high : e.high * scale } : {}),
    tolLow: -e.tolerance * scale,
    tolHigh: e.tolerance * scale,
    verdict: e.verdict,
  }));
  const extent = Math.max(...rows.flatMap((r) => [r.tolHigh, Math.abs(r.change), Math.abs(r.low ?? 0), Math.abs(r.high ?? 0)])) * 1.1;
  const x = {
    type: 'quantitative' as const,
    title,
    scale: { domain: [-extent, extent], nice: false },
    axis: percent ? { format: '+.0%' } : { format: '+.2~f' },
  };
  const y = { field: 'metric', type: 'nominal' as const, title: null, sort: null };
  const colour = {
    field: 'verdict',
    type: 'nominal' as const,
    title: 'verdict',
    scale: { domain: Object.keys(VERDICT_COLOURS), range: Object.values(VERDICT_COLOURS) },
  };
  return {
    width: 420,
    height: { step: 22 },
    data: { values: rows },
    layer: [
      {
        mark: { type: 'bar' as const, color: '#8c959f', opacity: 0.18 },
        encoding: { x: { ...x, field: 'tolLow' }, x2: { field: 'tolHigh' }, y },
      },
      { mark: { type: 'rule' as const, color: '#57606a' }, encoding: { x: { ...x, datum: 0 } } },
      { mark: { type: 'rule' as const, strokeWidth: 3 }, encoding: { x: { ...x, field: 'low' }, x2: { field: 'high' }, y, color: colour } },
      { mark: { type: 'point' as const, filled: true, size: 50 }, encoding: { x: { ...x, field: 'change' }, y, color: colour } },
    ],
  };
}

/** A sweep: QPS and p99 against connections, zero-based, the knee marked. */
export async function sweepSvg(sweep: Sweep): Promise<string> {
  const rows = sweep.levels.map((l) => ({ connections: l.connections, qps: l.qps, p99: l.p99 }));
  const knee = sweep.knee ? [{ connections: sweep.knee.level.connections }] : [];
  const panel = (field: 'qps' | 'p99', title: string, unit: string, colour: string) => ({
    title,
    width: 260,
    height: 150,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line' as const, point: { filled: true, size: 30 }, color: colour },
        encoding: {
          x: { field: 'connections', type: 'quantitative' as const, title: 'connections', scale: { zero: true } },
          y: { field, type: 'quantitative' as const, title: unit, scale: { zero: true } },
        },
      },
      ...(knee.length > 0
        ? [
            {
              data: { values: knee },
              mark: { type: 'rule' as const, color: '#bf8700', strokeDash: [4, 3] },
              encoding: { x: { field: 'connections', type: 'quantitative' as const } },
            },
          ]
        : []),
    ],
  });
  return toSvg(
    {
      hconcat: [
        panel('qps', 'QPS against connections', 'req/s', ARM_COLOURS.head),
        panel('p99', 'p99 against connections', 'ms', '#8250df'),
      ],
    },
    `Throughput and p99 latency against connections on zero-based axes${sweep.knee ? `; the knee at ${sweep.knee.level.connections} connections is dashed` : ''}`,
  );
}

type ScenarioHistory = NonNullable<ScenarioResult['history']>;

/** Main's runs in grey, the PR's base (blue) and head (red) as level lines, the change points as dashed rules. */
const HISTORY_SCALE = { domain: ['main', 'base', 'head'], range: ['#57606a', ARM_COLOURS.base, ARM_COLOURS.head] };

/**
 * Main's history of a scenario (#13): QPS and p99 of its last runs on this runner, oldest first, on zero-based axes;
 * this PR's base and head as level lines; each change point of that metric among them as a dashed rule between the
 * last run before its step and the first after it. Undefined with fewer than two runs.
 */
export async function historySvg(history: ScenarioHistory): Promise<string | undefined> {
  if (history.qps.length < 2) return undefined;
  const panel = (metric: 'qps' | 'p99', title: string, unit: string) => {
    const runs = history[metric].map((value, i) => ({ run: i + 1, value, series: 'main' }));
    const levels = (['base', 'head'] as const).flatMap((arm) => {
      const value = history[arm]?.[metric]?.value;
      return value === undefined ? [] : [{ value, series: arm }];
    });
    // The step lies between the run before `to` and `to` itself: half a run before the latter.
    const steps = history.changes
      .filter((c) => c.metric === metric)
      .map((c) => history.commits.indexOf(c.to))
      .filter((i) => i > 0)
      .map((i) => ({ run: i + 0.5 }));
    const x = {
      field: 'run',
      type: 'quantitative' as const,
      title: `main's runs, oldest first${steps.length > 0 ? ' (dashed: a change point)' : ''}`,
      scale: { domain: [1, history.qps.length], nice: false },
      axis: { tickMinStep: 1, format: 'd' },
    };
    const y = { field: 'value', type: 'quantitative' as const, title: unit, scale: { zero: true } };
    const colour = { field: 'series', type: 'nominal' as const, title: null, scale: HISTORY_SCALE };
    return {
      title,
      width: 260,
      height: 150,
      layer: [
        ...(steps.length > 0
          ? [
              {
                data: { values: steps },
                mark: { type: 'rule' as const, color: '#bf8700', strokeDash: [4, 3], strokeWidth: 1.5 },
                encoding: { x },
              },
            ]
          : []),
        { data: { values: runs }, mark: { type: 'line' as const, point: { filled: true, size: 25 } }, encoding: { x, y, color: colour } },
        ...(levels.length > 0
          ? [{ data: { values: levels }, mark: { type: 'rule' as const, strokeWidth: 1.5 }, encoding: { y, color: colour } }]
          : []),
      ],
    };
  };
  const panels = [panel('qps', "QPS of main's last runs", 'req/s')];
  if (history.p99.length >= 2) panels.push(panel('p99', "p99 of main's last runs", 'ms'));
  const marked = [history.base ? "this PR's base (blue)" : '', history.head ? 'head (red)' : ''].filter(Boolean).join(' and ');
  const steps = history.changes.filter((c) => c.metric === 'qps' || c.metric === 'p99').length;
  return toSvg(
    { hconcat: panels, resolve: { scale: { color: 'shared' } } },
    `QPS and p99 of main's last ${history.qps.length} runs in grey on zero-based axes` +
      `${marked ? `, ${marked} as level lines` : ''}${steps > 0 ? `; ${steps} change point${steps === 1 ? '' : 's'} dashed` : ''}`,
  );
}
