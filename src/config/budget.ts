// Budget expressions: `qps: ">= 1000"`, `p99: "<= 500ms"`, `success: ">= 99.95%"`.
import type { MetricName, Op } from './types.ts';
import { parseCount, parseDuration, parseRate, type Parsed } from './units.ts';

const EXPRESSION = /^\s*(>=|<=|>|<)\s*(.+?)\s*$/;

const LATENCY = new Set<MetricName>(['p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean']);
const RATES = new Set<MetricName>(['success', 'error_rate', 'failure_rate']);

export function exampleFor(metric: MetricName): string {
  if (metric === 'qps') return '">= 1000"';
  if (metric === 'success') return '">= 99.95%"';
  if (RATES.has(metric)) return '"<= 0.1%"';
  return '"<= 500ms"';
}

export type ParsedBudget = { ok: true; op: Op; limit: number } | { ok: false; error: string };

export function parseBudget(metric: MetricName, input: unknown): ParsedBudget {
  const match = typeof input === 'string' ? EXPRESSION.exec(input) : null;
  if (!match) {
    return { ok: false, error: `expected a budget like ${exampleFor(metric)} for ${metric} (an operator >=, <=, > or < and a limit)` };
  }
  const op = match[1] as Op;
  const raw = match[2]!;
  let parsed: Parsed;
  if (metric === 'qps') parsed = parseCount(raw);
  else if (RATES.has(metric)) parsed = parseRate(raw);
  else if (LATENCY.has(metric)) {
    // Latency limits need a unit: "500" could be ms or s.
    parsed = /^\d+(\.\d+)?$/.test(raw) ? { ok: false, error: `a latency limit needs a unit, e.g. "${op} ${raw}ms"` } : parseDuration(raw);
  } else parsed = { ok: false, error: `unknown metric ${metric}` };
  if (!parsed.ok) return { ok: false, error: `${parsed.error} (in the budget for ${metric}, e.g. ${exampleFor(metric)})` };
  return { ok: true, op, limit: parsed.value };
}
