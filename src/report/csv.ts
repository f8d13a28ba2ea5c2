// One CSV row per scenario with every figure, then one per entry of its mix, for spreadsheets and dashboards
// (RFC 4180).
import { COMPARE_METRICS, METRICS } from '../config/types.ts';
import { showInvisible } from '../invisible.ts';
import { FAILURE_KINDS, type EntryMeasurement, type EntryResult, type RunResult, type ScenarioResult } from '../result.ts';

type Cell = string | number | boolean | null | undefined;

/** What a row measured: the scenario's figures, or one entry's. */
interface Figures {
  metrics: ScenarioResult['metrics'];
  outcomes: ScenarioResult['measurement']['outcomes'];
  budgets: ScenarioResult['budgets'];
  comparison: ScenarioResult['comparison'] | EntryResult['comparison'];
  latencyMin: number | undefined;
  bytesPerSec: number | undefined;
  bytesPerResponse: number | undefined;
}

/**
 * One row: a scenario, or one entry of its mix (after the scenario's row). An entry's row has the entry's own
 * metrics, outcomes, budgets and comparison, the scenario's window (connections, rate, duration), and leaves blank
 * what only the whole scenario has (the generator, the server's cost, the open model's schedule), so that summing
 * a column over the rows of one kind never counts anything twice.
 */
interface Row {
  scenario: ScenarioResult;
  entry?: EntryResult;
  own: Figures;
}

function scenarioRow(scenario: ScenarioResult): Row {
  const m = scenario.measurement;
  return {
    scenario,
    own: {
      metrics: scenario.metrics,
      outcomes: m.outcomes,
      budgets: scenario.budgets,
      comparison: scenario.comparison,
      latencyMin: m.latency.min,
      bytesPerSec: m.bytesPerSec,
      bytesPerResponse: m.bytesPerResponse,
    },
  };
}

/** `window`: the entry's part of the scenario's window (latency, bytes), when the results carry it. */
function entryRow(scenario: ScenarioResult, entry: EntryResult, window: EntryMeasurement | undefined): Row {
  return {
    scenario,
    entry,
    own: {
      metrics: entry.metrics,
      outcomes: entry.outcomes,
      budgets: entry.budgets ?? [],
      comparison: entry.comparison,
      latencyMin: window?.latency.min,
      bytesPerSec: window?.bytesPerSec,
      bytesPerResponse: window?.bytesPerResponse,
    },
  };
}

/** Only on a scenario's own row. */
const whole = (value: (s: ScenarioResult) => Cell) => (row: Row) => (row.entry ? undefined : value(row.scenario));

interface Column {
  header: string;
  value(row: Row): Cell;
  /** User-provided text: guarded against spreadsheet formula injection. */
  text?: boolean;
}

const COLUMNS: Column[] = [
  { header: 'scenario', value: (r) => r.scenario.name, text: true },
  { header: 'entry', value: (r) => r.entry?.name, text: true },
  { header: 'verdict', value: whole((s) => s.verdict) },
  { header: 'connections', value: (r) => r.scenario.connections },
  { header: 'rate', value: (r) => r.scenario.rate },
  { header: 'sweep_of', value: (r) => r.scenario.sweepOf, text: true },
  { header: 'duration_ms', value: (r) => r.scenario.measurement.durationMs },
  ...METRICS.map((metric): Column => ({ header: metric, value: (r) => r.own.metrics[metric] })),
  { header: 'latency_min_ms', value: (r) => r.own.latencyMin },
  { header: 'requests_total', value: (r) => r.own.outcomes.total },
  { header: 'requests_success', value: (r) => r.own.outcomes.success },
  { header: 'http_errors', value: (r) => r.own.outcomes.httpErrors },
  { header: 'failures', value: (r) => r.own.outcomes.failures },
  ...FAILURE_KINDS.map((kind): Column => ({ header: `failures_${kind}`, value: (r) => r.own.outcomes.byFailure[kind] ?? 0 })),
  {
    header: 'by_status',
    value: (r) =>
      Object.entries(r.own.outcomes.byStatus)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([code, n]) => `${code}:${n}`)
        .join(' '),
  },
  { header: 'bytes_per_sec', value: (r) => r.own.bytesPerSec },
  { header: 'bytes_per_response', value: (r) => r.own.bytesPerResponse },
  { header: 'achieved_rate', value: whole((s) => s.measurement.achievedRate) },
  { header: 'backlog_unsent', value: whole((s) => s.measurement.backlog?.unsent) },
  { header: 'schedule_lag_p99_ms', value: whole((s) => s.measurement.scheduleLag?.p99Ms) },
  { header: 'generator_cpu_cores', value: whole((s) => s.measurement.generator.cpu) },
  { header: 'generator_saturated', value: whole((s) => s.measurement.generator.saturated) },
  { header: 'server_cpu_ms_per_request', value: whole((s) => s.server?.cpuMsPerRequest) },
  { header: 'server_peak_memory_bytes', value: whole((s) => s.server?.peakMemoryBytes) },
  { header: 'server_cpu_cores', value: whole((s) => s.server?.cpuCores) },
  { header: 'budgets_failed', value: (r) => r.own.budgets.filter((b) => b.status === 'fail').length },
  { header: 'budgets_inconclusive', value: (r) => r.own.budgets.filter((b) => b.status === 'inconclusive').length },
  ...COMPARE_METRICS.flatMap((metric): Column[] => [
    { header: `base_${metric}`, value: (r) => r.own.comparison?.[metric]?.base },
    { header: `head_${metric}`, value: (r) => r.own.comparison?.[metric]?.head },
    { header: `change_${metric}`, value: (r) => r.own.comparison?.[metric]?.change },
    { header: `ci_low_${metric}`, value: (r) => r.own.comparison?.[metric]?.low },
    { header: `ci_high_${metric}`, value: (r) => r.own.comparison?.[metric]?.high },
    { header: `p_${metric}`, value: (r) => r.own.comparison?.[metric]?.p },
    { header: `verdict_${metric}`, value: (r) => r.own.comparison?.[metric]?.verdict },
    { header: `ci_level_${metric}`, value: (r) => r.own.comparison?.[metric]?.confidence },
    { header: `mde_${metric}`, value: (r) => r.own.comparison?.[metric]?.mde },
  ]),
  { header: 'error', value: whole((s) => s.error), text: true },
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
  const line = (row: Row) => COLUMNS.map((c) => csvField(c.value(row), c.text)).join(',');
  for (const scenario of result.scenarios) {
    lines.push(line(scenarioRow(scenario)));
    for (const entry of scenario.entries ?? []) {
      lines.push(
        line(
          entryRow(
            scenario,
            entry,
            scenario.measurement.entries?.find((e) => e.name === entry.name),
          ),
        ),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
