// `perfgate calibrate`'s terminal table: per scenario and metric, this runner's A/A spread, the MDE at the pairs
// measured, and the recommended tolerance against the one the config uses now.
import { CALIBRATION_MARGIN } from '../compare/calibrate.ts';
import type { Calibration } from '../config/calibration.ts';
import { COMPARE_METRICS, type CompareMetric, type Scenario } from '../config/types.ts';
import { formatMetricSize, formatPercent, metricLabel } from './format.ts';
import { textTable } from './text-table.ts';

export interface CalibrationView {
  calibration: Calibration;
  /** The file, as shown to the user. */
  file: string;
  /** The config's scenarios: their tolerances now. */
  scenarios: Array<Pick<Scenario, 'name' | 'tolerance'>>;
  /** The design the recommendation is for. */
  design: { minPairs: number; pairs: number };
  /** Whether compare.calibration: already names this file. */
  applied: boolean;
  /** The file relative to the perf file, as compare.calibration: would name it. */
  fromConfig: string;
}

export function renderCalibration({ calibration, file, scenarios, design, applied, fromConfig }: CalibrationView): string {
  const rows: string[][] = [['scenario', 'metric', 'spread', `MDE (${calibration.pairs} pairs)`, 'recommended δ', 'current δ', '']];
  for (const [name, metrics] of Object.entries(calibration.scenarios)) {
    const current = scenarios.find((s) => s.name === name)?.tolerance as Partial<Record<CompareMetric, number>> | undefined;
    for (const metric of COMPARE_METRICS) {
      const entry = metrics[metric];
      if (!entry) continue;
      const now = current?.[metric];
      const recommended = entry.recommended.tolerance;
      const spread =
        entry.spread !== undefined
          ? `${(entry.spread * 100).toFixed(1)}%`
          : `${formatPercent(entry.base ?? 0)} / ${formatPercent(entry.head ?? 0)}`;
      const note = now === undefined ? '' : recommended > now + 1e-12 ? 'raise' : recommended < now - 1e-12 ? 'could lower' : '';
      rows.push([
        name,
        metricLabel(metric),
        spread,
        entry.mde === null ? 'n/a' : formatMetricSize(metric, entry.mde),
        formatMetricSize(metric, recommended),
        now === undefined ? 'n/a' : formatMetricSize(metric, now),
        note,
      ]);
    }
  }
  const seconds = calibration.roundMs / 1000;
  const lines = [
    `${file}: an A/A comparison on this runner (the same code in both arms), ${calibration.pairs} pairs of ${seconds}s rounds per scenario`,
    '',
    ...textTable(rows, ['left', 'left', 'right', 'right', 'right', 'right', 'left'], '  '),
    '',
    "spread: the sd of the paired log-ratios (QPS, latency); for the rates, each arm's rate (base / head).",
    `recommended δ: a tolerance at which an A/A comparison of ${design.minPairs}…${design.pairs} pairs reads "unchanged" in most gates:`,
    `${CALIBRATION_MARGIN} × the half-width of the final look's confidence interval, rounded up, at least 1%.`,
    applied
      ? 'compare.calibration names this file: the next run uses these tolerances wherever the YAML sets none.'
      : `To use them: compare: { calibration: ${fromConfig} } in the perf file; a tolerance set in YAML still wins.`,
  ];
  return `${lines.join('\n')}\n`;
}
