// Budgets → results. A failure is a result, not an exception; and a budget the data cannot settle is
// inconclusive, with the reason, never a silent pass.
import { isDiagnosisMetric, type Budget, type DiagnosisMetric, type MetricName, type Op, type Scenario } from '../config/types.ts';
import { formatBandwidth } from '../config/units.ts';
import { DIAGNOSIS_METRIC, METRIC, metricsOf } from '../metrics.ts';
import { formatMetric, formatNumber } from '../report/format.ts';
import type { BudgetResult, BudgetStatus, LoadMeasurement, ScenarioResult } from '../result.ts';
import { requestsNeeded, wilsonLowerBound, wilsonUpperBound } from '../stats/wilson.ts';

const CONFIDENCE = 0.95;

function holds(value: number, op: Op, limit: number): boolean {
  switch (op) {
    case '>=':
      return value >= limit;
    case '>':
      return value > limit;
    case '<=':
      return value <= limit;
    case '<':
      return value < limit;
  }
}

/** The head's diagnosis of the measured run, for the budgets on it, and why a service's counters are not in it. */
export interface DiagnosisInput {
  diagnosis?: ScenarioResult['diagnosis'];
  /** Per service kind whose counters are missing: why, in words that say how to fix it. */
  unread: Partial<Record<'postgres' | 'redis', string>>;
}

export function evaluateBudgets(scenario: Scenario, measurement: LoadMeasurement, diagnosed?: DiagnosisInput): BudgetResult[] {
  const metrics = metricsOf(measurement);
  return scenario.budgets.map((budget) =>
    isDiagnosisMetric(budget.metric)
      ? evaluateDiagnosis(budget, budget.metric, measurement, diagnosed)
      : evaluate({ ...budget, metric: budget.metric }, metrics[budget.metric], scenario, measurement),
  );
}

/**
 * A budget on what Postgres or Redis did per request: exact counts over the measured run (warm-up included, as the
 * counters are read around the whole run), so no confidence bound. Without those counters it is not measurable,
 * and fails: a gate the user asked for never passes silently.
 */
function evaluateDiagnosis(
  budget: Budget,
  metric: DiagnosisMetric,
  m: LoadMeasurement,
  diagnosed: DiagnosisInput | undefined,
): BudgetResult {
  const spec = DIAGNOSIS_METRIC[metric];
  const value = spec.read(diagnosed?.diagnosis);
  const base = { metric, op: budget.op, limit: budget.limit, text: budget.text, at: budget.at };
  if (value === undefined) {
    const why = diagnosed?.unread[spec.source] ?? `no ${spec.source === 'postgres' ? 'Postgres' : 'Redis'} counters were read`;
    return { ...base, value: null, status: 'fail', pass: false, reason: `not measurable: ${why}` };
  }
  const result = (status: BudgetStatus, reason?: string): BudgetResult => ({
    ...base,
    value,
    status,
    pass: status === 'pass',
    ...(reason ? { reason } : {}),
  });
  if (m.outcomes.total === 0) return result('inconclusive', 'no request was sent in the measured window');
  const status = holds(value, budget.op, budget.limit) ? 'pass' : 'fail';
  if (status === 'fail') {
    const direction = budget.op === '<=' || budget.op === '<' ? 'over' : 'under';
    return result('fail', `${formatNumber(value, 2)} ${spec.label}, ${direction} the ${budget.text} budget`);
  }
  if (m.aborted) return result('inconclusive', `the measured window was cut short (${m.aborted}); ${spec.label} covers only part of it`);
  return result('pass');
}

/** A budget on the load's figures. */
type LoadBudget = Budget & { metric: MetricName };

function evaluate(budget: LoadBudget, value: number, scenario: Scenario, m: LoadMeasurement): BudgetResult {
  const base = { metric: budget.metric, op: budget.op, limit: budget.limit, value, text: budget.text, at: budget.at };
  const result = (status: BudgetStatus, reason?: string): BudgetResult => ({
    ...base,
    status,
    pass: status === 'pass',
    ...(reason ? { reason } : {}),
  });
  const spec = METRIC[budget.metric];
  const { total } = m.outcomes;
  if (total === 0) return result('inconclusive', 'no request was sent in the measured window');
  // Every request failed: there is no response time to judge, and an empty histogram must never pass.
  if (spec.kind === 'latency' && m.outcomes.success + m.outcomes.httpErrors === 0) {
    return result(
      'fail',
      `no request got a complete response (all ${formatNumber(total)} failed), so ${spec.label} cannot be within ${budget.text}`,
    );
  }

  let status: BudgetStatus;
  let reason: string | undefined;
  if (spec.kind === 'share') ({ status, reason } = judgeShare(budget, value, spec.count(m.outcomes), total, scenario));
  else {
    status = holds(value, budget.op, budget.limit) ? 'pass' : 'fail';
    if (status === 'fail') reason = failReason(budget, value, scenario);
  }

  const ceiling = linkCeiling(scenario, m);
  if (
    spec.kind === 'throughput' &&
    status === 'pass' &&
    ceiling !== undefined &&
    (budget.op === '>=' || budget.op === '>') &&
    !holds(ceiling, budget.op, budget.limit)
  ) {
    return {
      ...result(
        'fail',
        `at ${formatNumber(m.bytesPerResponse!)} bytes per response, the ${formatBandwidth(scenario.bandwidth!)} link carries at most ` +
          `${formatMetric(budget.metric, ceiling)}, under the ${budget.text} budget (${formatMetric(budget.metric, value)} was measured here, where the network is not the limit)`,
      ),
      link: { bandwidth: scenario.bandwidth!, ceiling },
    };
  }
  // A saturated client can only lower QPS and add latency (responses wait in its own event loop): a pass still
  // holds, but a failure may be the client's doing.
  if (status === 'fail' && m.generator.saturated && spec.kind !== 'share') {
    return result(
      'inconclusive',
      `${reason}; but the load generator was saturated (${(m.generator.cpu * 100).toFixed(0)}% of a core), so this measures the client, not the service`,
    );
  }
  if (m.aborted && status === 'pass')
    return result(
      'inconclusive',
      `the measured window was cut short (${m.aborted}); ${spec.label} ${formatMetric(budget.metric, value)} covers only part of it`,
    );
  return result(status, reason);
}

/** The most responses per second the scenario's production link carries at the measured response size. */
export function linkCeiling(scenario: Pick<Scenario, 'bandwidth'>, m: Pick<LoadMeasurement, 'bytesPerResponse'>): number | undefined {
  if (!scenario.bandwidth || !m.bytesPerResponse) return undefined;
  return scenario.bandwidth / m.bytesPerResponse;
}

/** A share is judged by its confidence bound on the side the budget cares about. */
function judgeShare(
  budget: LoadBudget,
  value: number,
  count: number,
  total: number,
  scenario: Scenario,
): { status: BudgetStatus; reason?: string } {
  const shown = `${METRIC[budget.metric].label} ${formatMetric(budget.metric, value)} of ${formatNumber(total)} requests`;
  const lower = wilsonLowerBound(count, total, CONFIDENCE);
  const upper = wilsonUpperBound(count, total, CONFIDENCE);
  const wantsHigh = budget.op === '>=' || budget.op === '>';
  const [established, refuted] = wantsHigh
    ? [holds(lower, budget.op, budget.limit), !holds(upper, budget.op, budget.limit)]
    : [holds(upper, budget.op, budget.limit), !holds(lower, budget.op, budget.limit)];
  if (established) return { status: 'pass' };
  if (refuted || !holds(value, budget.op, budget.limit)) {
    return { status: 'fail', reason: `${shown}, ${wantsHigh ? 'under' : 'over'} the ${budget.text} budget` };
  }
  // The observed share meets the budget, but this many requests cannot establish it.
  const target = wantsHigh ? budget.limit : 1 - budget.limit;
  const needed = requestsNeeded(target, CONFIDENCE);
  if (needed > total) {
    return {
      status: 'inconclusive',
      reason: `only ${formatNumber(total)} requests: establishing ${budget.text} with 95% confidence needs at least ${needed.toLocaleString('en-US')} even with none failing; raise duration or ${scenario.rate === undefined ? 'connections' : 'rate'}`,
    };
  }
  return {
    status: 'inconclusive',
    reason: `${shown}: too close to ${budget.text} to establish with 95% confidence (bound ${formatMetric(budget.metric, wantsHigh ? lower : upper)}); run longer`,
  };
}

function failReason(budget: LoadBudget, value: number, scenario: Scenario): string {
  const spec = METRIC[budget.metric];
  const direction = spec.better === 'higher' ? 'under' : 'over';
  const at = spec.kind === 'throughput' ? ` at ${scenario.connections} connections` : '';
  return `${spec.label} was ${formatMetric(budget.metric, value)}${at}, ${direction} the ${budget.text} budget`;
}
