// Validated unit values in canonical units, or the default when the key is absent. schema.ts has already refused
// values that do not parse, so the fallback is only ever the default.
import { parseDuration, parseRate } from './units.ts';

/** A duration in milliseconds. */
export function ms(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = parseDuration(value);
  return parsed.ok ? parsed.value : fallback;
}

/** A rate as a fraction (0..1). */
export function fraction(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = parseRate(value);
  return parsed.ok ? parsed.value : fallback;
}
