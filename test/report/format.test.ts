import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMPARE_METRICS, METRICS, RATE_METRICS } from '../../src/config/types.ts';
import { METRIC, UNIT } from '../../src/metrics.ts';
import {
  comparisonWords,
  formatBytes,
  formatChange,
  formatInterval,
  formatMetric,
  formatMetricSize,
  formatMs,
  formatOutcomes,
  formatP,
  formatPercent,
  formatQps,
  formatValue,
  metricLabel,
} from '../../src/report/format.ts';

test('milliseconds keep µs precision for fast services and drop it for slow ones', () => {
  assert.equal(formatMs(0.0813), '0.081 ms');
  assert.equal(formatMs(4.256), '4.26 ms');
  assert.equal(formatMs(41.25), '41.3 ms');
  assert.equal(formatMs(1204.4), '1,204 ms');
  assert.equal(formatMs(0), '0 ms');
});

test('QPS always carries its concurrency', () => {
  assert.equal(formatQps(1234.4, 50), '1,234 req/s @ 50 conn');
  assert.equal(formatQps(12.34, 1), '12.3 req/s @ 1 conn');
  assert.equal(formatQps(480, 8, 500), '480 req/s @ 8 conn, 500 req/s offered');
});

test('percentages never round a near miss to 100% or 0%', () => {
  assert.equal(formatPercent(1), '100%');
  assert.equal(formatPercent(0), '0%');
  assert.equal(formatPercent(0.9995), '99.95%');
  assert.equal(formatPercent(0.99999), '99.999%');
  assert.equal(formatPercent(0.0000123), '0.0012%');
  assert.equal(formatPercent(0.5), '50%');
});

test('changes, intervals and p-values', () => {
  assert.equal(formatChange(0.18), '+18%');
  assert.equal(formatChange(-0.042), '−4.2%');
  assert.equal(formatChange(0.0001), '±0.0%');
  assert.equal(formatInterval(-0.1, 0.05), '−10% … +5.0%');
  assert.equal(formatInterval(null, 0.05), 'n/a');
  assert.equal(formatP(0.0004), '<0.001');
  assert.equal(formatP(0.0042), '0.004');
  assert.equal(formatP(0.41), '0.41');
});

test('one table says what each metric is; its kind decides the unit, and the comparison agrees with the lists', () => {
  assert.deepEqual(Object.keys(METRIC), [...METRICS]);
  for (const metric of METRICS) {
    const spec = METRIC[metric];
    assert.equal(spec.unit, UNIT[spec.kind], metric);
    assert.equal(metricLabel(metric), spec.label);
    assert.equal(spec.compare === undefined, !(COMPARE_METRICS as readonly string[]).includes(metric), metric);
    assert.equal(spec.compare === 'absolute', (RATE_METRICS as readonly string[]).includes(metric), metric);
  }
  assert.deepEqual(
    METRICS.map((m) => METRIC[m].label),
    ['QPS', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max latency', 'mean latency', 'success rate', 'HTTP error rate', 'client failure rate'],
  );
});

test('a value is formatted by its kind, one precision per kind', () => {
  assert.equal(formatValue('latency', 1234.5), '1,235 ms');
  assert.equal(formatValue('throughput', 12.34), '12.3 req/s');
  assert.equal(formatValue('share', 0.99995), '99.995%');
  for (const metric of ['p50', 'max', 'mean'] as const) assert.equal(formatMetric(metric, 0.0813), '0.081 ms');
  for (const metric of ['success', 'error_rate', 'failure_rate'] as const) assert.equal(formatMetric(metric, 0.000486), '0.049%');
  assert.equal(formatMetric('qps', 1234.4), '1,234 req/s');
});

test('comparisons read relative for QPS and latency, in percentage points for the rates', () => {
  const entry = {
    base: 0,
    head: 0,
    change: 0.18,
    low: 0.1,
    high: 0.25,
    confidence: 0.95,
    p: 0.001,
    alpha: 0.05,
    tolerance: 0.125,
    mde: null,
    verdict: 'regression' as const,
  };
  assert.equal(comparisonWords('p99', entry), 'regressed: 18% slower');
  assert.equal(comparisonWords('qps', { ...entry, change: -0.18 }), 'regressed: 18% lower');
  assert.equal(comparisonWords('failure_rate', { ...entry, change: 0.02 }), 'regressed: 2 pp higher');
  assert.equal(formatMetricSize('p99', 0.125), '12.5%');
  assert.equal(formatMetricSize('error_rate', 0.0005), '0.05 pp');
});

test('bytes use binary units', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1_572_864), '1.50 MiB');
  assert.equal(formatBytes(134_217_728), '128.0 MiB');
});

test('outcomes name every HTTP error status and every failure kind', () => {
  const text = formatOutcomes({
    total: 100,
    success: 90,
    httpErrors: 7,
    failures: 3,
    byStatus: { '200': 90, '503': 2, '500': 5 },
    byFailure: { timeout: 1, refused: 2, reset: 0, other: 0 },
  });
  assert.equal(text, '100 requests: 90 ok, 7 HTTP errors (500 ×5, 503 ×2), 3 failures (timeout ×1, connection refused ×2)');
  const clean = formatOutcomes({
    total: 5,
    success: 5,
    httpErrors: 0,
    failures: 0,
    byStatus: { '200': 5 },
    byFailure: { timeout: 0, refused: 0, reset: 0, other: 0 },
  });
  assert.equal(clean, '5 requests: 5 ok, 0 HTTP errors, 0 failures');
});
