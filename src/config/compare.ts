// compare: → CompareSettings, the defaults filled in, and the calibration file it names, read (file-facts.ts) and
// checked here. Whether the pairs can reach a verdict, and which scenarios a calibration applies to, depend on every
// file's scenarios, so load.ts sees to both after the merge.
import path from 'node:path';
import { parseCalibration, type Calibration } from './calibration.ts';
import type { AddIssue } from './issues.ts';
import type { Positions } from './positions.ts';
import type { PerfFile } from './schema.ts';
import type { CompareSettings, SourceLocation } from './types.ts';
import { ms } from './values.ts';

export const DEFAULT_COMPARE: CompareSettings = {
  pairs: 20,
  minPairs: 8,
  budgetMs: 10 * 60_000,
  alpha: 0.05,
  roundMs: 5000,
  armWarmupMs: 5000,
  extendOnce: false,
  metrics: ['qps', 'p50', 'p99', 'error_rate', 'failure_rate'],
};

export type CompareInput = NonNullable<PerfFile['compare']>;

export interface CompareAt {
  value: CompareSettings;
  /** The compare: key. */
  at: SourceLocation;
  /** pairs:, when it is set. */
  pairsAt?: SourceLocation;
  /** The calibration file calibration: names, read and valid. */
  calibration?: Calibration;
}

export interface CompareContext {
  pos: Positions;
  /** The YAML file's directory: the calibration file is relative to it. */
  dir: string;
  /** Files' text by absolute path; a file that could not be read is absent. */
  texts: ReadonlyMap<string, string>;
  add: AddIssue;
}

/** The calibration file compare: names, as an absolute path, to read before normalising. */
export function calibrationFiles(c: CompareInput | undefined, dir: string): string[] {
  return c?.calibration !== undefined ? [path.resolve(dir, c.calibration)] : [];
}

export function normaliseCompare(c: CompareInput, ctx: CompareContext): CompareAt {
  const { pos } = ctx;
  const value: CompareSettings = {
    ...(c.base !== undefined ? { base: c.base } : {}),
    pairs: c.pairs ?? Math.max(DEFAULT_COMPARE.pairs, c.min_pairs ?? 0),
    minPairs: Math.min(c.min_pairs ?? DEFAULT_COMPARE.minPairs, c.pairs ?? Math.max(DEFAULT_COMPARE.pairs, c.min_pairs ?? 0)),
    budgetMs: ms(c.budget, DEFAULT_COMPARE.budgetMs),
    alpha: c.alpha ?? DEFAULT_COMPARE.alpha,
    roundMs: ms(c.round, DEFAULT_COMPARE.roundMs),
    armWarmupMs: ms(c.warmup, DEFAULT_COMPARE.armWarmupMs),
    // max_base_cv is accepted but ignored (#13): pairing cancels shared drift, and the pairs' spread is the noise.
    // extend_once likewise (#15): sequential pairs buy more pairs only where a metric is still open.
    extendOnce: c.extend_once ?? DEFAULT_COMPARE.extendOnce,
    metrics: c.metrics ? [...new Set(c.metrics)] : [...DEFAULT_COMPARE.metrics],
  };
  const calibration = c.calibration !== undefined ? readCalibration(c.calibration, ctx) : undefined;
  if (calibration) value.calibration = path.resolve(ctx.dir, c.calibration!);
  return {
    value,
    at: pos.of(['compare'], true),
    ...(c.pairs !== undefined ? { pairsAt: pos.of(['compare', 'pairs']) } : {}),
    ...(calibration ? { calibration } : {}),
  };
}

/** The calibration file's content, or an issue at calibration: naming the file and what is wrong with it. */
function readCalibration(file: string, { pos, dir, texts, add }: CompareContext): Calibration | undefined {
  const full = path.resolve(dir, file);
  const at = pos.of(['compare', 'calibration']);
  const text = texts.get(full);
  if (text === undefined) {
    add(
      at,
      'compare.calibration',
      `cannot read the calibration file ${full} (it is relative to this YAML file); perfgate calibrate writes it`,
    );
    return undefined;
  }
  const parsed = parseCalibration(text);
  if (!parsed.ok) {
    add(at, 'compare.calibration', `the calibration file ${full} is unusable: ${parsed.error}; perfgate calibrate writes a new one`);
    return undefined;
  }
  return parsed.value;
}
