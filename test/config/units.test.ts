// Values with units: exact conversions, one message per mistake.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBandwidth, parseBandwidth, parseCount, parseDuration, parseSize } from '../../src/config/units.ts';

test('bandwidths are bits with decimal multiples, unless a capital B says bytes', () => {
  const bytesPerSecond = (text: string) => {
    const parsed = parseBandwidth(text);
    assert.ok(parsed.ok, text);
    return parsed.value;
  };
  assert.equal(bytesPerSecond('1Gbit/s'), 125_000_000);
  assert.equal(bytesPerSecond('1 gbit'), 125_000_000);
  assert.equal(bytesPerSecond('10Gbps'), 1_250_000_000);
  assert.equal(bytesPerSecond('100Mbit/s'), 12_500_000);
  assert.equal(bytesPerSecond('100Mb/s'), 12_500_000);
  assert.equal(bytesPerSecond('125MB/s'), 125_000_000);
  assert.equal(bytesPerSecond('2.5 GBps'), 2_500_000_000);
  for (const bad of ['1 gigabit', '1G', '0Gbit/s', 'fast']) {
    assert.deepEqual(parseBandwidth(bad), {
      ok: false,
      error: `expected a bandwidth like 1Gbit/s, 100Mbit/s or 125MB/s, got ${JSON.stringify(bad)}`,
    });
  }
  assert.equal(parseBandwidth(1000).ok, false, 'a bare number has no unit to say bits or bytes');
});

test('bandwidths print in bits per second', () => {
  assert.equal(formatBandwidth(125_000_000), '1 Gbit/s');
  assert.equal(formatBandwidth(106_250_000), '850 Mbit/s');
  assert.equal(formatBandwidth(156_250_000), '1.3 Gbit/s');
  assert.equal(formatBandwidth(1500), '12 kbit/s');
  assert.equal(formatBandwidth(10), '80 bit/s');
});

test('no parser turns a number too large for a double into Infinity', () => {
  const digits = '9'.repeat(400);
  assert.deepEqual(parseDuration(1e308), { ok: false, error: 'expected a finite duration, got 1e+308' }, '1e308 s is Infinity ms');
  assert.deepEqual(parseDuration(`${digits}ms`), { ok: false, error: `expected a finite duration, got "${digits}ms"` });
  assert.deepEqual(parseCount(digits), { ok: false, error: `expected a finite number, got "${digits}"` });
  assert.deepEqual(parseSize(`${digits}g`), { ok: false, error: `expected a finite size, got "${digits}g"` });
  assert.deepEqual(parseBandwidth(`${digits}Gbit/s`), { ok: false, error: `expected a finite bandwidth, got "${digits}Gbit/s"` });
  for (const bad of [Infinity, NaN, -1]) assert.equal(parseDuration(bad).ok, false, String(bad));
  assert.deepEqual(parseDuration('1h'), { ok: true, value: 3_600_000 });
});
