// The last step of `perfgate calibrate`: the A/A comparison's rounds → this runner's calibration (compare/calibrate.ts,
// pure), stamped with the machine, the commit and the time, and written where compare.calibration: can name it.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { calibrateScenarios } from '../compare/calibrate.ts';
import type { CompareInput } from '../compare/decide.ts';
import { calibrationText, type Calibration } from '../config/calibration.ts';
import type { PerfConfig } from '../config/types.ts';
import type { Comparison, RunPlan } from './options.ts';

/** The calibration of every scenario the comparison has rounds for, against the config's own design. */
export function calibrationOf(config: PerfConfig, comparison: Comparison, plan: Pick<RunPlan, 'head' | 'pairs'>): Calibration {
  const inputs: CompareInput[] = config.scenarios.flatMap((scenario) => {
    const compared = comparison.scenarios.get(scenario.name);
    if (!compared) return [];
    const rounds = { base: compared.rounds.filter((r) => r.arm === 'base'), head: compared.rounds.filter((r) => r.arm === 'head') };
    return [{ scenario, rounds }];
  });
  const calibrated = calibrateScenarios(inputs, config.compare);
  const cpus = os.cpus();
  return {
    version: 1,
    createdAt: new Date().toISOString(),
    runner: { platform: `${os.platform()} ${os.release()}`, cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown' },
    ...(plan.head ? { commit: plan.head.sha } : {}),
    pairs: plan.pairs,
    roundMs: config.compare.roundMs,
    scenarios: Object.fromEntries(inputs.map((input, i) => [input.scenario.name, calibrated[i]!])),
  };
}

/** Writes the file (its directory created), checked against the schema the config loader reads it with. */
export async function writeCalibration(file: string, calibration: Calibration): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, calibrationText(calibration), 'utf8');
}
