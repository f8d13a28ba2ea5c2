// A mix's entries, each counted on its own: every request of the window lands in exactly one entry's outcomes and
// latency histogram (the same kinds and the same µs histogram as the scenario's total), so the entries add up to
// the total and a slow endpoint is seen as itself rather than diluted by the fast ones.
import type { Scenario } from '../config/types.ts';
import type { EntryMeasurement, LatencySummary, Outcomes } from '../result.ts';
import { LatencyRecorder, type EncodedLatency } from './latency-recorder.ts';
import { mergeOutcomes, OutcomeCounter } from './outcome-counter.ts';
import type { Outcome } from './request-ledger.ts';

export class EntryRecorder {
  private readonly names: string[];
  private readonly counters: OutcomeCounter[];
  private readonly latencies: LatencyRecorder[];

  /** The scenario's mix entries; `undefined` when it has no `mix:` (nothing to split). */
  static of(scenario: Scenario, options: { checking: boolean }): EntryRecorder | undefined {
    const names = scenario.requests.map((r) => r.entry?.name);
    if (names.some((name) => name === undefined)) return undefined;
    return new EntryRecorder(names as string[], options);
  }

  constructor(names: string[], options: { checking: boolean }) {
    this.names = names;
    this.counters = names.map(() => new OutcomeCounter({ checking: options.checking }));
    this.latencies = names.map(() => new LatencyRecorder());
  }

  /** One request of the window, of entry `entry` (its index in the mix). */
  record(entry: number, latencyMs: number, outcome: Outcome): void {
    const counter = this.counters[entry];
    if (!counter) return;
    if ('failure' in outcome) counter.failure(outcome.failure);
    else counter.response(outcome.status, outcome.bytes, outcome.verdict);
    this.latencies[entry]!.recordMs(latencyMs);
  }

  /** Each entry over a window of `windowMs`, in mix order. */
  measurements(windowMs: number): EntryMeasurement[] {
    return this.names.map((name, i) => {
      const counter = this.counters[i]!;
      return entryMeasurement(name, counter.outcomes(), counter.bytes, this.latencies[i]!.summary(), windowMs);
    });
  }

  /** Each entry's raw counts, for another thread to merge (worker-pool.ts). */
  encode(): EntryTally[] {
    return this.counters.map((counter, i) => ({
      outcomes: counter.outcomes(),
      bytes: counter.bytes,
      latency: this.latencies[i]!.encode(),
    }));
  }
}

/** One entry's raw counts as a worker thread hands them over. */
export interface EntryTally {
  outcomes: Outcomes;
  bytes: number;
  latency: EncodedLatency;
}

/** The worker threads' entries as one (`parts`: each thread's entries, in mix order): counts summed, histograms added. */
export function mergedEntries(names: readonly string[], parts: ReadonlyArray<readonly EntryTally[]>, windowMs: number): EntryMeasurement[] {
  return names.map((name, i) => {
    const latency = new LatencyRecorder();
    for (const part of parts) latency.add(part[i]!.latency);
    const bytes = parts.reduce((sum, part) => sum + part[i]!.bytes, 0);
    return entryMeasurement(name, mergeOutcomes(parts.map((part) => part[i]!.outcomes)), bytes, latency.summary(), windowMs);
  });
}

function entryMeasurement(name: string, outcomes: Outcomes, bytes: number, latency: LatencySummary, windowMs: number): EntryMeasurement {
  const seconds = windowMs / 1000;
  const responses = outcomes.success + outcomes.httpErrors;
  return {
    name,
    outcomes,
    latency,
    qps: outcomes.success / seconds,
    bytesPerSec: bytes / seconds,
    bytesPerResponse: responses > 0 ? bytes / responses : 0,
  };
}
