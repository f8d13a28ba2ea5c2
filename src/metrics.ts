// The budget metrics of one measured window, in the units of the results contract.
import type { MetricName } from './config/types.ts';
import type { LoadMeasurement } from './result.ts';

export function metricsOf(m: LoadMeasurement): Record<MetricName, number> {
  const { total, success, httpErrors, failures } = m.outcomes;
  const share = (count: number) => (total === 0 ? 0 : count / total);
  return {
    qps: m.qps,
    p50: m.latency.p50,
    p90: m.latency.p90,
    p95: m.latency.p95,
    p99: m.latency.p99,
    p999: m.latency.p999,
    max: m.latency.max,
    mean: m.latency.mean,
    success: share(success),
    error_rate: share(httpErrors),
    failure_rate: share(failures),
  };
}

/** Unit of a metric, for display. */
export function unitOf(metric: MetricName): 'ms' | 'req/s' | '%' {
  if (metric === 'qps') return 'req/s';
  if (metric === 'success' || metric === 'error_rate' || metric === 'failure_rate') return '%';
  return 'ms';
}

/** Whether a larger value is better (qps, success) or worse (latency, error rates). */
export function higherIsBetter(metric: MetricName): boolean {
  return metric === 'qps' || metric === 'success';
}
