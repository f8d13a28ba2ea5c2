// Our own latency histogram, in microseconds. autocannon's histogram stores whole milliseconds (a 0.3 ms
// service reads as 0 ms), so every response's own responseTime is recorded here instead.
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../result.ts';

export class LatencyRecorder {
  private readonly histogram = hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });

  /** Records one latency given in (fractional) milliseconds. */
  recordMs(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): LatencySummary {
    const h = this.histogram;
    if (h.totalCount === 0) return { min: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
    const at = (p: number) => h.getValueAtPercentile(p) / 1000;
    return {
      min: h.minNonZeroValue / 1000,
      p50: at(50),
      p90: at(90),
      p95: at(95),
      p99: at(99),
      p999: at(99.9),
      max: h.maxValue / 1000,
      mean: h.mean / 1000,
    };
  }
}
