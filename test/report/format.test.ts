import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatBytes,
  formatChange,
  formatInterval,
  formatMs,
  formatOutcomes,
  formatP,
  formatPercent,
  formatQps,
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
