// Budget expressions: `qps: ">= 1000"`, `p99: "<= 500ms"`, `success: ">= 99.95%"`.
// A metric's kind (src/metrics.ts) decides how its limit is read.
import { BUDGET_METRIC } from '../metrics.ts';
import type { BudgetMetric, Op } from './types.ts';
import { parseCount, parseDuration, parseRate, type Parsed } from './units.ts';

const EXPRESSION = /^\s*(>=|<=|>|<)\s*(.+?)\s*$/;

function exampleFor(metric: BudgetMetric): string {
  return `"${BUDGET_METRIC[metric].example}"`;
}

export type ParsedBudget = { ok: true; op: Op; limit: number } | { ok: false; error: string };

export function parseBudget(metric: BudgetMetric, input: unknown): ParsedBudget {
  if (!Object.hasOwn(BUDGET_METRIC, metric)) return { ok: false, error: `unknown metric ${metric}` };
  const match = typeof input === 'string' ? EXPRESSION.exec(input) : null;
  if (!match) {
    return { ok: false, error: `expected a budget like ${exampleFor(metric)} for ${metric} (an operator >=, <=, > or < and a limit)` };
  }
  const op = match[1] as Op;
  const raw = match[2]!;
  let parsed: Parsed;
  switch (BUDGET_METRIC[metric].kind) {
    case 'throughput':
    case 'per-request':
      parsed = parseCount(raw);
      break;
    case 'share':
      parsed = parseRate(raw);
      break;
    case 'latency':
      // Latency limits need a unit: "500" could be ms or s.
      parsed = /^\d+(\.\d+)?$/.test(raw) ? { ok: false, error: `a latency limit needs a unit, e.g. "${op} ${raw}ms"` } : parseDuration(raw);
      break;
  }
  if (!parsed.ok) return { ok: false, error: `${parsed.error} (in the budget for ${metric}, e.g. ${exampleFor(metric)})` };
  return { ok: true, op, limit: parsed.value };
}
