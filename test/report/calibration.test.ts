// `perfgate calibrate`'s terminal table: one row per scenario and metric, the spread (or each arm's rate), the MDE,
// the recommended tolerance against the current one, and how to use the file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderCalibration } from '../../src/report/calibration.ts';

test('the calibration table: spread, MDE, recommended against current δ, and where to point compare.calibration', () => {
  const text = renderCalibration({
    calibration: {
      version: 1,
      createdAt: '2026-12-01T10:00:00.000Z',
      runner: { platform: 'linux', cpus: 2, cpuModel: 'cpu' },
      pairs: 20,
      roundMs: 5000,
      scenarios: {
        'list posts': {
          qps: { spread: 0.0976, mde: 0.115, recommended: { tolerance: 0.1, pairs: 20 } },
          error_rate: { base: 0, head: 0.0001, mde: 0.00066, recommended: { tolerance: 0.0005, pairs: 20 } },
        },
        gone: { qps: { spread: 0.01, mde: 0.06, recommended: { tolerance: 0.05, pairs: 20 } } },
      },
    },
    file: 'perf/calibration.json',
    scenarios: [{ name: 'list posts', tolerance: { qps: 0.05, p50: 0.05, p95: 0.1, p99: 0.1, error_rate: 0.0005, failure_rate: 0.0005 } }],
    design: { minPairs: 8, pairs: 20 },
    applied: false,
    fromConfig: 'calibration.json',
  });
  const lines = text.split('\n');
  assert.equal(
    lines[0],
    'perf/calibration.json: an A/A comparison on this runner (the same code in both arms), 20 pairs of 5s rounds per scenario',
  );
  assert.match(lines[2]!, /^ {2}scenario +metric +spread +MDE \(20 pairs\) +recommended δ +current δ$/);
  assert.match(lines[3]!, /^ {2}list posts +QPS +9\.8% +11\.5% +10% +5% +raise$/);
  assert.match(lines[4]!, /^ {2}list posts +HTTP error rate +0% \/ 0\.01% +0\.066 pp +0\.05 pp +0\.05 pp$/);
  assert.match(lines[5]!, /^ {2}gone +QPS +1\.0% +6% +5% +n\/a$/);
  assert.ok(text.includes('To use them: compare: { calibration: calibration.json } in the perf file'));
});
