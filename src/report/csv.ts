// One CSV row per scenario with every figure, for spreadsheets and dashboards (RFC 4180).
import { COMPARE_METRICS, METRICS } from '../config/types.ts';
import { showInvisible } from '../invisible.ts';
import { FAILURE_KINDS, type RunResult, type ScenarioResult } from '../result.ts';

type Cell = string | number | boolean | null | undefined;

interface Column {
  header: string;
  value(scenario: ScenarioResult): Cell;
  /** User-provided text: guarded against spreadsheet formula injection. */
  text?: boolean;
}

const COLUMNS: Column[] = [
  { header: 'scenario', value: (s) => s.name, text: true },
  { header: 'verdict', value: (s) => s.verdict },
  { header: 'connections', value: (s) => s.connections },
  { header: 'rate', value: (s) => s.rate },
  { header: 'sweep_of', value: (s) => s.sweepOf, text: true },
  { header: 'duration_ms', value: (s) => s.measurement.durationMs },
  ...METRICS.map((metric): Column => ({ header: metric, value: (s) => s.metrics[metric] })),
  { header: 'latency_min_ms', value: (s) => s.measurement.latency.min },
  { header: 'requests_total', value: (s) => s.measurement.outcomes.total },
  { header: 'requests_success', value: (s) => s.measurement.outcomes.success },
  { header: 'http_errors', value: (s) => s.measurement.outcomes.httpErrors },
  { header: 'failures', value: (s) => s.measurement.outcomes.failures },
  ...FAILURE_KINDS.map((kind): Column => ({ header: `failures_${kind}`, value: (s) => s.measurement.outcomes.byFailure[kind] ?? 0 })),
  {
    header: 'by_status',
    value: (s) =>
      Object.entries(s.measurement.outcomes.byStatus)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([code, n]) => `${code}:${n}`)
        .join(' '),
  },
  { header: 'bytes_per_sec', value: (s) => s.measurement.bytesPerSec },
  { header: 'bytes_per_response', value: (s) => s.measurement.bytesPerResponse },
  { header: 'achieved_rate', value: (s) => s.measurement.achievedRate },
  { header: 'backlog_unsent', value: (s) => s.measurement.backlog?.unsent },
  { header: 'schedule_lag_p99_ms', value: (s) => s.measurement.scheduleLag?.p99Ms },
  { header: 'generator_cpu_cores', value: (s) => s.measurement.generator.cpu },
  { header: 'generator_saturated', value: (s) => s.measurement.generator.saturated },
  { header: 'server_cpu_ms_per_request', value: (s) => s.server?.cpuMsPerRequest },
  { header: 'server_peak_memory_bytes', value: (s) => s.server?.peakMemoryBytes },
  { header: 'server_cpu_cores', value: (s) => s.server?.cpuCores },
  { header: 'budgets_failed', value: (s) => s.budgets.filter((b) => b.status === 'fail').length },
  { header: 'budgets_inconclusive', value: (s) => s.budgets.filter((b) => b.status === 'inconclusive').length },
  ...COMPARE_METRICS.flatMap((metric): Column[] => [
    { header: `base_${metric}`, value: (s) => s.comparison?.[metric]?.base },
    { header: `head_${metric}`, value: (s) => s.comparison?.[metric]?.head },
    { header: `change_${metric}`, value: (s) => s.comparison?.[metric]?.change },
    { header: `ci_low_${metric}`, value: (s) => s.comparison?.[metric]?.low },
    { header: `ci_high_${metric}`, value: (s) => s.comparison?.[metric]?.high },
    { header: `p_${metric}`, value: (s) => s.comparison?.[metric]?.p },
    { header: `verdict_${metric}`, value: (s) => s.comparison?.[metric]?.verdict },
    { header: `ci_level_${metric}`, value: (s) => s.comparison?.[metric]?.confidence },
    { header: `mde_${metric}`, value: (s) => s.comparison?.[metric]?.mde },
  ]),
  { header: 'error', value: (s) => s.error, text: true },
];

/** RFC 4180: quote a field holding a comma, quote or line break; double inner quotes. */
export function csvField(value: Cell, text = false): string {
  if (value === undefined || value === null) return '';
  let s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  // Bidi, zero-width and control characters in a name are shown as escapes (\u202E), not obeyed.
  if (text) s = showInvisible(s, '\r\n');
  // A name starting with = + - @ would run as a formula in a spreadsheet (OWASP "CSV injection").
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_HEADERS: readonly string[] = COLUMNS.map((c) => c.header);

export function renderCsv(result: RunResult): string {
  const lines = [COLUMNS.map((c) => csvField(c.header)).join(',')];
  for (const scenario of result.scenarios) {
    lines.push(COLUMNS.map((c) => csvField(c.value(scenario), c.text)).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
