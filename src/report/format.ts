// Number formatting shared by every report: fixed locale (en-US) so output is the same on every machine.
import type { BudgetMetric, CompareMetric } from '../config/types.ts';
import {
  FAILURE_KINDS,
  type BudgetStatus,
  type ComparisonEntry,
  type FailureKind,
  type LoadMeasurement,
  type Outcomes,
} from '../result.ts';
import { formatBandwidth } from '../config/units.ts';
import { BUDGET_METRIC, METRIC, UNIT, type MetricKind } from '../metrics.ts';

const grouped = (decimals: number) => new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
const GROUPED = [grouped(0), grouped(1), grouped(2), grouped(3)];

/** Thousands-grouped with a fixed number of decimals (0..3). */
export function formatNumber(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return String(value);
  return GROUPED[Math.max(0, Math.min(3, decimals))]!.format(value);
}

/** The generator's CPU use, and its worker threads when there were several: "1.46 cores over 2 workers". */
export function formatGeneratorCpu(generator: { cpu: number; workers?: number | undefined }): string {
  const workers = generator.workers ?? 1;
  return `${formatNumber(generator.cpu, 2)} cores${workers > 1 ? ` over ${workers} workers` : ''}`;
}

/** Milliseconds with precision that scales with size: µs-level for fast services, whole ms for slow ones. */
export function formatMsValue(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const abs = Math.abs(ms);
  if (abs === 0) return '0';
  if (abs < 1) return formatNumber(ms, 3);
  if (abs < 10) return formatNumber(ms, 2);
  if (abs < 100) return formatNumber(ms, 1);
  return formatNumber(ms, 0);
}

export function formatMs(ms: number): string {
  return `${formatMsValue(ms)} ms`;
}

export function formatQpsValue(qps: number): string {
  return Math.abs(qps) < 100 ? formatNumber(qps, 1) : formatNumber(qps, 0);
}

/** "1,234 req/s @ 50 conn" — QPS means nothing without the concurrency it was measured at. */
export function formatQps(qps: number, connections: number, rate?: number): string {
  const at = rate === undefined ? `${connections} conn` : `${connections} conn, ${formatNumber(rate)} req/s offered`;
  return `${formatQpsValue(qps)} req/s @ ${at}`;
}

/**
 * A fraction (0..1) as a percentage that never rounds a near-miss to a round number:
 * 0.99995 → "99.995%", never "100%"; 0.00001 → "0.001%", never "0%".
 */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return String(fraction);
  const pct = fraction * 100;
  if (pct === 0 || pct === 100) return `${pct}%`;
  // Small shares keep two significant digits: 0.0012%, not 0.001%.
  if (Math.abs(pct) < 1) return `${trimZeros(pct.toFixed(Math.max(2, 1 - Math.floor(Math.log10(Math.abs(pct))))))}%`;
  for (let decimals = 2; decimals <= 6; decimals++) {
    const text = pct.toFixed(decimals);
    const n = Number(text);
    if (n !== 0 && n !== 100) return `${trimZeros(text)}%`;
  }
  return `${pct}%`;
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? formatNumber(value, 0) : formatNumber(value, value < 10 ? 2 : 1)} ${BYTE_UNITS[unit]}`;
}

/** "1.17 MiB/s (9.8 Mbit/s, 1.17 KiB per response)": what a network link must carry, in its own units too. */
export function formatTransfer(m: Pick<LoadMeasurement, 'bytesPerSec' | 'bytesPerResponse'>): string {
  const perResponse = m.bytesPerResponse ? `, ${formatBytes(m.bytesPerResponse)} per response` : '';
  return `${formatBytes(m.bytesPerSec)}/s (${formatBandwidth(m.bytesPerSec)}${perResponse})`;
}

/** A value of a metric of this kind, in its unit: "12.3 ms", "1,234 req/s", "99.95%". The one place values are shown. */
export function formatValue(kind: MetricKind, value: number): string {
  switch (kind) {
    case 'latency':
      return formatMs(value);
    case 'throughput':
      return `${formatQpsValue(value)} ${UNIT.throughput}`;
    case 'share':
      return formatPercent(value);
    case 'per-request':
      // A count per request: its label names the unit ("SQL statements per request 5.00").
      return formatNumber(value, 2);
  }
}

/**
 * A metric's value in its own unit, by its kind: "12.3 ms", "1,234 req/s", "99.95%", "5.00"; null is a budget's value
 * that could not be measured (a diagnosis budget without counters).
 */
export function formatMetric(metric: BudgetMetric, value: number | null): string {
  return value === null ? 'not measured' : formatValue(BUDGET_METRIC[metric].kind, value);
}

/** What reports call a metric: "QPS", "p99.9", "HTTP error rate", "SQL statements per request". */
export function metricLabel(metric: BudgetMetric): string {
  return BUDGET_METRIC[metric].label;
}

/** Signed relative change with a real minus sign: "+18.2%", "−4.0%". */
export function formatChange(change: number): string {
  if (!Number.isFinite(change)) return String(change);
  const pct = change * 100;
  const digits = Math.abs(pct) < 10 ? 1 : 0;
  const text = Math.abs(pct).toFixed(digits);
  if (Number(text) === 0) return `±${text}%`;
  return `${pct > 0 ? '+' : '−'}${text}%`;
}

export function formatInterval(low: number | null, high: number | null): string {
  if (low === null || high === null) return 'n/a';
  return `${formatChange(low)} … ${formatChange(high)}`;
}

/** A difference of two rates in percentage points: "+0.12 pp", "−0.035 pp", "±0 pp". */
function formatPoints(difference: number): string {
  if (!Number.isFinite(difference)) return String(difference);
  const text = formatPointsSize(difference);
  if (Number(text) === 0) return '±0 pp';
  return `${difference > 0 ? '+' : '−'}${text} pp`;
}

/** The size of a rate difference in percentage points, two significant digits below 1: 0.0005 → "0.05". */
function formatPointsSize(difference: number): string {
  const pp = Math.abs(difference * 100);
  return trimZeros(pp < 1 ? pp.toPrecision(2) : pp.toFixed(2));
}

/** A comparison's change in its metric's terms: relative for QPS and latency, percentage points for the rates. */
export function formatMetricChange(metric: CompareMetric, change: number): string {
  return isAbsolute(metric) ? formatPoints(change) : formatChange(change);
}

export function formatMetricInterval(metric: CompareMetric, low: number | null, high: number | null): string {
  if (!isAbsolute(metric)) return formatInterval(low, high);
  if (low === null || high === null) return 'n/a';
  return `${formatPoints(low)} … ${formatPoints(high)}`;
}

/** A tolerance or a minimum detectable effect, unsigned: "5%", "0.05 pp". */
export function formatMetricSize(metric: CompareMetric, size: number): string {
  return isAbsolute(metric) ? `${formatPointsSize(size)} pp` : formatPercentTolerance(size);
}

/** Compared in percentage points (the rates), not relative to the base. */
function isAbsolute(metric: CompareMetric): boolean {
  return METRIC[metric].compare === 'absolute';
}

/** The level of a comparison's CI: 0.9666… → "96.7%". */
export function formatConfidence(confidence: number): string {
  return `${trimZeros((confidence * 100).toFixed(1))}%`;
}

export function formatP(p: number): string {
  if (!Number.isFinite(p)) return String(p);
  if (p < 0.001) return '<0.001';
  return p < 0.01 ? p.toFixed(3) : p.toFixed(2);
}

export function statusWord(status: BudgetStatus): string {
  return status === 'pass' ? 'PASS' : status === 'fail' ? 'FAIL' : 'INCONCLUSIVE';
}

/** The comparison verdict in plain words, direction included: "regressed: 18% slower". */
export function comparisonWords(metric: CompareMetric, entry: ComparisonEntry): string {
  const size = formatMetricChange(metric, entry.change).replace(/^[+−±]/, '');
  switch (entry.verdict) {
    case 'regression':
      return `regressed: ${size} ${directionWord(metric, entry.change)}`;
    case 'improvement':
      return `improved: ${size} ${directionWord(metric, entry.change)}`;
    case 'unchanged':
      return `no change beyond ±${formatMetricSize(metric, entry.tolerance)}`;
    case 'inconclusive':
      return 'inconclusive';
  }
}

function directionWord(metric: CompareMetric, change: number): string {
  if (METRIC[metric].kind !== 'latency') return change < 0 ? 'lower' : 'higher';
  return change > 0 ? 'slower' : 'faster';
}

function formatPercentTolerance(tolerance: number): string {
  return `${trimZeros((tolerance * 100).toFixed(1))}%`;
}

const FAILURE_WORDS: Record<FailureKind, string> = {
  timeout: 'timeout',
  refused: 'connection refused',
  reset: 'connection reset',
  truncated: 'truncated response',
  interrupted: 'cut off by the interrupt',
  other: 'other',
};

/**
 * Outcomes in one line, never hiding HTTP errors or client failures:
 * "12,340 requests: 12,300 ok, 30 HTTP errors (500 ×30), 10 failures (timeout ×10)".
 */
export function formatOutcomes(outcomes: Outcomes): string {
  const parts = [`${formatNumber(outcomes.total)} requests: ${formatNumber(outcomes.success)} ok`];
  if (outcomes.httpErrors > 0) {
    const codes = Object.entries(outcomes.byStatus)
      .filter(([code]) => !/^[23]/.test(code))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, n]) => `${code} ×${formatNumber(n)}`);
    // Responses that failed their `expect:` check: HTTP errors of kind check, whatever their status.
    if (outcomes.checkFailures) codes.push(`check ×${formatNumber(outcomes.checkFailures)}`);
    parts.push(`${formatNumber(outcomes.httpErrors)} HTTP errors${codes.length ? ` (${codes.join(', ')})` : ''}`);
  } else {
    parts.push('0 HTTP errors');
  }
  if (outcomes.failures > 0) {
    const kinds = FAILURE_KINDS.filter((kind) => (outcomes.byFailure[kind] ?? 0) > 0).map(
      (kind) => `${FAILURE_WORDS[kind]} ×${formatNumber(outcomes.byFailure[kind] ?? 0)}`,
    );
    parts.push(`${formatNumber(outcomes.failures)} failures${kinds.length ? ` (${kinds.join(', ')})` : ''}`);
  } else {
    parts.push('0 failures');
  }
  return `${parts[0]}, ${parts.slice(1).join(', ')}`;
}

/** How many pairs a scenario's comparison used and why it stopped, for a reader: "decided after 10 pairs". */
export function sequentialWords(sequential: { pairs: number; stop: 'decided' | 'max-pairs' | 'budget' | 'interrupted' }): string {
  const pairs = `${sequential.pairs} pair${sequential.pairs === 1 ? '' : 's'}`;
  switch (sequential.stop) {
    case 'decided':
      return `every metric decided after ${pairs}`;
    case 'max-pairs':
      return `${pairs}, the most allowed (compare.pairs), left some metrics undecided`;
    case 'budget':
      return `stopped after ${pairs}: the time budget (compare.budget) was spent with some metrics undecided`;
    case 'interrupted':
      return `interrupted after ${pairs}`;
  }
}
