// The calibration file `perfgate calibrate` writes (perf/calibration.json) and `compare.calibration:` reads: this
// runner's A/A spread per scenario and compared metric, and the tolerance it recommends. One zod schema, used to
// write it and to read it; and how a read calibration fills the tolerances a perf file leaves unset. Pure.
import { z } from 'zod';
import type { CompareMetric, Scenario } from './types.ts';
import { COMPARE_METRICS } from './types.ts';

const metricSchema = z.object({
  spread: z
    .number()
    .nonnegative()
    .optional()
    .meta({ description: 'QPS and latency: sample sd of the paired log-ratios ln(head) − ln(base).' }),
  base: z.number().min(0).max(1).optional().meta({ description: "The rates: the base arm's rate over all its rounds." }),
  head: z.number().min(0).max(1).optional().meta({ description: "The rates: the head arm's rate over all its rounds." }),
  mde: z.number().nonnegative().nullable().meta({ description: 'The minimum detectable effect a comparison reported at these pairs.' }),
  recommended: z.object({
    tolerance: z
      .number()
      .positive()
      .meta({ description: 'Relative for qps and latency (0.07 = 7%), absolute for the rates (0.0005 = 0.05 pp).' }),
    pairs: z.int().min(2).optional().meta({ description: 'The most pairs of the design the recommendation is for.' }),
  }),
});

const scenarioSchema = z.object(
  Object.fromEntries(COMPARE_METRICS.map((m) => [m, metricSchema.optional()])) as Record<CompareMetric, z.ZodOptional<typeof metricSchema>>,
);

const calibrationSchema = z
  .object({
    version: z.literal(1, 'expected version: 1'),
    createdAt: z.string().min(1),
    runner: z.object({ platform: z.string(), cpus: z.int().min(0), cpuModel: z.string() }),
    commit: z.string().optional(),
    pairs: z.int().min(2),
    roundMs: z.number().positive(),
    scenarios: z.record(z.string(), scenarioSchema),
  })
  .meta({ title: 'perfgate calibration', description: 'perfgate calibrate: an A/A comparison on this runner.' });

export type Calibration = z.output<typeof calibrationSchema>;

/** The file's text: checked against the schema first, so a file perfgate writes always reads back. */
export function calibrationText(calibration: Calibration): string {
  return `${JSON.stringify(calibrationSchema.parse(calibration), null, 2)}\n`;
}

/** A calibration file's text → the calibration, or what is wrong with it in a few words. */
export function parseCalibration(text: string): { ok: true; value: Calibration } | { ok: false; error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `it is not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const result = calibrationSchema.safeParse(data);
  if (result.success) return { ok: true, value: result.data };
  const faults = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'the file'}: ${issue.message}`);
  const more = result.error.issues.length > 3 ? `; and ${result.error.issues.length - 3} more` : '';
  return { ok: false, error: `it is not a perfgate calibration (${faults.join('; ')}${more})` };
}

/**
 * Each scenario's tolerances with the calibration's recommendations where the perf file set none (`explicit`: the
 * metrics whose tolerance a scenario, or its file's defaults:, set; those win). Scenarios the calibration does not
 * name keep theirs; calibration entries for scenarios that do not exist are ignored.
 */
export function applyCalibration(
  scenarios: Scenario[],
  explicit: ReadonlyMap<string, ReadonlySet<CompareMetric>>,
  calibration: Calibration,
): Scenario[] {
  return scenarios.map((scenario) => {
    const entries = calibration.scenarios[scenario.name];
    if (!entries) return scenario;
    const set = explicit.get(scenario.name);
    const tolerance = { ...scenario.tolerance };
    for (const metric of COMPARE_METRICS) {
      const recommended = entries[metric]?.recommended.tolerance;
      if (recommended !== undefined && !set?.has(metric)) tolerance[metric] = recommended;
    }
    return { ...scenario, tolerance };
  });
}
