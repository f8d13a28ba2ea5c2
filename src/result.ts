// The results contract: what `--json` writes and what the reports, the comparison and the action read.
// The types are inferred from the one zod schema in src/results/schema.ts, where each field is described.
// Names here are a public contract (schemaVersion 1): extend, never rename.
import type { z } from 'zod';
import type {
  budgetResultSchema,
  budgetStatusSchema,
  comparisonEntrySchema,
  comparisonVerdictSchema,
  entryMeasurementSchema,
  entryResultSchema,
  failureKindSchema,
  latencySummarySchema,
  loadMeasurementSchema,
  outcomesSchema,
  roundSchema,
  runResultSchema,
  scenarioResultSchema,
  serverCostSchema,
  verdictSchema,
} from './results/schema.ts';

/**
 * Every failure kind, in the order the reports list them: the one list the schema, the counters, the CSV and the
 * words follow (here, not in the schema, so that the load engine's threads load no zod).
 */
export const FAILURE_KINDS = ['timeout', 'refused', 'reset', 'truncated', 'interrupted', 'other'] as const;

export type Verdict = z.infer<typeof verdictSchema>;
export type BudgetStatus = z.infer<typeof budgetStatusSchema>;
export type ComparisonVerdict = z.infer<typeof comparisonVerdictSchema>;
/** Why a request got no complete response: truncated = the connection closed partway through the response. */
export type FailureKind = z.infer<typeof failureKindSchema>;
/** Latency in milliseconds (decimals, from microsecond samples). */
export type LatencySummary = z.infer<typeof latencySummarySchema>;
export type Outcomes = z.infer<typeof outcomesSchema>;
/** One measured window of load against one target. */
export type LoadMeasurement = z.infer<typeof loadMeasurementSchema>;
/** Server-side cost of a scenario, sampled from the app container (#3). */
export type ServerCost = z.infer<typeof serverCostSchema>;
export type BudgetResult = z.infer<typeof budgetResultSchema>;
/** QPS and latency: relative figures, from paired per-round log-ratios; the rates: absolute, from each arm's totals. */
export type ComparisonEntry = z.infer<typeof comparisonEntrySchema>;
export type Round = z.infer<typeof roundSchema>;
/** One mix entry's part of a measured window. */
export type EntryMeasurement = z.infer<typeof entryMeasurementSchema>;
/** One mix entry of a scenario as measured, judged and compared. */
export type EntryResult = z.infer<typeof entryResultSchema>;
export type ScenarioResult = z.infer<typeof scenarioResultSchema>;
export type RunResult = z.infer<typeof runResultSchema>;
