// Values with units, as users write them in perf/*.yaml: durations (500ms, 10s, 2m), rates (99.95%), sizes (512m).
// Each parser returns the canonical number or an error message that says what was expected.

export type Parsed = { ok: true; value: number } | { ok: false; error: string };

/** Every parser's last step: a value too large for a double (a 400-digit string, 1e308 seconds) is refused, never Infinity. */
function finite(value: number, input: unknown, kind: string): Parsed {
  return Number.isFinite(value) ? { ok: true, value } : { ok: false, error: `expected a finite ${kind}, got ${show(input)}` };
}

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)\s*$/i;
const DURATION_UNIT_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "500ms" | "10s" | "2m" | "1.5s" | "1h" → milliseconds. A bare number is seconds (like `timeout: 10`). */
export function parseDuration(input: unknown): Parsed {
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0) return finite(input * 1000, input, 'duration');
  const match = typeof input === 'string' ? DURATION.exec(input) : null;
  if (!match) return { ok: false, error: `expected a duration like 500ms, 10s or 2m, got ${show(input)}` };
  return finite(Number(match[1]) * DURATION_UNIT_MS[match[2]!.toLowerCase()]!, input, 'duration');
}

const RATE = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/;

/** "99.95%" → 0.9995; a bare number in 0..1 is a fraction already. */
export function parseRate(input: unknown): Parsed {
  if (typeof input === 'number' && input >= 0 && input <= 1) return { ok: true, value: input };
  const match = typeof input === 'string' ? RATE.exec(input) : null;
  if (!match || Number(match[1]) > 100) {
    return { ok: false, error: `expected a percentage like 99.95% or 0.1% (or a fraction 0..1), got ${show(input)}` };
  }
  return { ok: true, value: round(Number(match[1]) / 100) };
}

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i;
const SIZE_UNIT: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** "512m" | "1g" | "64k" | "100KB" → bytes (binary multiples, as Docker reads them). A bare number is bytes. */
export function parseSize(input: unknown): Parsed {
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0) return { ok: true, value: input };
  const match = typeof input === 'string' ? SIZE.exec(input) : null;
  if (!match) return { ok: false, error: `expected a size like 512m, 1g or 64k, got ${show(input)}` };
  return finite(Math.round(Number(match[1]) * SIZE_UNIT[(match[2] ?? 'b').toLowerCase()]!), input, 'size');
}

const BANDWIDTH = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(bit\/s|bit|bps|b\/s|B\/s|Bps)\s*$/i;
const DECIMAL: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 };

/**
 * "1Gbit/s" | "100Mbit" | "10Gbps" | "125MB/s" → bytes per second. Network links count in decimal multiples
 * and bits; a capital B (MB/s, MBps) means bytes.
 */
export function parseBandwidth(input: unknown): Parsed {
  const match = typeof input === 'string' ? BANDWIDTH.exec(input) : null;
  if (!match || Number(match[1]) <= 0) {
    return { ok: false, error: `expected a bandwidth like 1Gbit/s, 100Mbit/s or 125MB/s, got ${show(input)}` };
  }
  const unit = match[3]!;
  const bytes = unit.startsWith('B');
  const perSecond = Number(match[1]) * DECIMAL[match[2]!.toLowerCase()]!;
  return finite(bytes ? perSecond : perSecond / 8, input, 'bandwidth');
}

/** Bytes per second → "850 Mbit/s", "1.2 Gbit/s": links are spoken of in bits, decimal multiples. */
export function formatBandwidth(bytesPerSec: number): string {
  const bits = bytesPerSec * 8;
  const [scale, prefix] = bits >= 1e9 ? [1e9, 'G'] : bits >= 1e6 ? [1e6, 'M'] : bits >= 1e3 ? [1e3, 'k'] : [1, ''];
  const value = bits / scale;
  return `${Number(value.toPrecision(value >= 100 ? 3 : 2))} ${prefix}bit/s`;
}

const COUNT = /^\s*(\d+(?:\.\d+)?)\s*(k|m)?\s*$/i;

/** "1000" | "1k" | 2500 → a plain number (for QPS limits). */
export function parseCount(input: unknown): Parsed {
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0) return { ok: true, value: input };
  const match = typeof input === 'string' ? COUNT.exec(input) : null;
  if (!match) return { ok: false, error: `expected a number like 1000 or 1.5k, got ${show(input)}` };
  const scale = match[2] ? (match[2].toLowerCase() === 'k' ? 1000 : 1_000_000) : 1;
  return finite(Number(match[1]) * scale, input, 'number');
}

export function show(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (typeof input === 'string') return JSON.stringify(input);
  if (input !== null && typeof input === 'object') return Array.isArray(input) ? 'a list' : 'a mapping';
  return String(input);
}

/** Avoids 0.9995000000000001 from percent arithmetic. */
function round(x: number): number {
  return Number(x.toPrecision(12));
}
