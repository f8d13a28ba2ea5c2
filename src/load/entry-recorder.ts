// A mix's entries, each counted on its own: every request of the window lands in exactly one entry's outcomes and
// latency histogram (the same kinds and the same µs histogram as the scenario's total), so the entries add up to
// the total and a slow endpoint is seen as itself rather than diluted by the fast ones.
import type { Scenario } from '../config/types.ts';
import type { EntryMeasurement } from '../result.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { OutcomeCounter } from './outcome-counter.ts';
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
    const seconds = windowMs / 1000;
    return this.names.map((name, i) => {
      const counter = this.counters[i]!;
      const outcomes = counter.outcomes();
      const responses = outcomes.success + outcomes.httpErrors;
      return {
        name,
        outcomes,
        latency: this.latencies[i]!.summary(),
        qps: outcomes.success / seconds,
        bytesPerSec: counter.bytes / seconds,
        bytesPerResponse: responses > 0 ? counter.bytes / responses : 0,
      };
    });
  }
}
