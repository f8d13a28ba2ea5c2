// A mix's entries as windows, rounds and results of their own: each entry's part of a window is read like a whole
// window (the same metrics, the same budget rules), so an entry budget is judged exactly as a scenario budget is,
// and an entry's rounds are compared exactly as a scenario's are.
import type { Scenario } from '../config/types.ts';
import { metricsOf } from '../metrics.ts';
import type { EntryMeasurement, EntryResult, LoadMeasurement, Round } from '../result.ts';
import { evaluateBudgets } from './budgets.ts';

/** One entry's part of a window, as a window: its outcomes, latency and QPS, with the window's length and generator. */
export function entryWindow(m: LoadMeasurement, entry: EntryMeasurement): LoadMeasurement {
  const { entries: _all, ...window } = m;
  return {
    ...window,
    outcomes: entry.outcomes,
    latency: entry.latency,
    qps: entry.qps,
    bytesPerSec: entry.bytesPerSec,
    bytesPerResponse: entry.bytesPerResponse,
  };
}

/** Each mix entry of a measured window with its metrics and its own budgets judged; undefined without a mix. */
export function entryResults(scenario: Scenario, m: LoadMeasurement): EntryResult[] | undefined {
  return m.entries?.map((entry, i) => {
    const window = entryWindow(m, entry);
    const mix = scenario.requests[i]?.entry;
    const budgets = mix && mix.budgets.length > 0 ? evaluateBudgets({ ...scenario, budgets: mix.budgets }, window) : undefined;
    return {
      name: entry.name,
      metrics: metricsOf(window),
      outcomes: entry.outcomes,
      ...(budgets ? { budgets } : {}),
      ...(mix ? { at: mix.at } : {}),
    };
  });
}

/** The entries' names in the rounds, in mix order (the first round that has them). */
export function entryNames(rounds: { base: Round[]; head: Round[] }): string[] {
  const first = [...rounds.head, ...rounds.base].find((r) => r.entries && r.entries.length > 0);
  return first?.entries?.map((e) => e.name) ?? [];
}

/** One entry's rounds, as rounds of their own: a round without that entry (an older saved run) is left out. */
export function entryRounds(rounds: { base: Round[]; head: Round[] }, name: string): { base: Round[]; head: Round[] } {
  const of = (arm: Round[]) =>
    arm.flatMap((round): Round[] => {
      const entry = round.entries?.find((e) => e.name === name);
      if (!entry) return [];
      const { entries: _all, ...rest } = round;
      return [{ ...rest, metrics: entry.metrics, outcomes: entry.outcomes }];
    });
  return { base: of(rounds.base), head: of(rounds.head) };
}
