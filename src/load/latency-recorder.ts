// Our own latency histogram, in microseconds. autocannon's histogram stores whole milliseconds (a 0.3 ms
// service reads as 0 ms), so every response's own responseTime is recorded here instead.
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../result.ts';

const SETTINGS = {
  bitBucketSize: 32,
  autoResize: true,
  lowestDiscernibleValue: 1,
  highestTrackableValue: 60_000_000,
  numberOfSignificantValueDigits: 3,
} as const;

/** A recorder as one worker thread hands it over: the histogram (compressed) and its exact extremes in µs. */
export interface EncodedLatency {
  histogram: string;
  minUs: number;
  maxUs: number;
}

export class LatencyRecorder {
  private readonly histogram = hdr.build(SETTINGS);
  /**
   * The exact extremes once recorders were added together: a histogram rebuilt from buckets knows only each
   * bucket's range, so its min and max would read up to 0.1% off the values actually recorded.
   */
  private extremes: { minUs: number; maxUs: number } | undefined;

  /** Records one latency given in (fractional) milliseconds. */
  recordMs(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** For another thread: structured clone cannot carry the histogram itself. */
  encode(): EncodedLatency {
    const h = this.histogram;
    return { histogram: hdr.encodeIntoCompressedBase64(h), ...this.exactExtremes() };
  }

  /** Adds another recorder's values (from another worker thread): the same as if they had been recorded here. */
  add(other: EncodedLatency): void {
    const decoded = hdr.decodeFromCompressedBase64(other.histogram, SETTINGS.bitBucketSize, false);
    if (decoded.totalCount === 0) return;
    const own = this.histogram.totalCount > 0 ? this.exactExtremes() : undefined;
    this.histogram.add(decoded);
    this.extremes = own
      ? { minUs: Math.min(own.minUs, other.minUs), maxUs: Math.max(own.maxUs, other.maxUs) }
      : { minUs: other.minUs, maxUs: other.maxUs };
  }

  private exactExtremes(): { minUs: number; maxUs: number } {
    if (this.histogram.totalCount === 0) return { minUs: 0, maxUs: 0 };
    return this.extremes ?? { minUs: this.histogram.minNonZeroValue, maxUs: this.histogram.maxValue };
  }

  summary(): LatencySummary {
    const h = this.histogram;
    if (h.totalCount === 0) return { min: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
    const at = (p: number) => h.getValueAtPercentile(p) / 1000;
    const { minUs, maxUs } = this.exactExtremes();
    return {
      min: minUs / 1000,
      p50: at(50),
      p90: at(90),
      p95: at(95),
      p99: at(99),
      p999: at(99.9),
      max: maxUs / 1000,
      mean: h.mean / 1000,
    };
  }
}
