// The comparison decision on seeded synthetic rounds: exact outcomes for fixed seeds, and every guard.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompareSettings, Scenario } from '../../src/config/types.ts';
import { compareScenarios, type CompareInput } from '../../src/compare/decide.ts';
import type { Round } from '../../src/result.ts';
import { mulberry32 } from '../../src/stats/rng.ts';

const settings: CompareSettings = { pairs: 10, alpha: 0.05, roundMs: 5000, armWarmupMs: 0, maxBaseCv: 0.25, extendOnce: false, metrics: ['qps', 'p50', 'p99'] };
const scenario = { name: 's', tolerance: { qps: 0.05, p50: 0.05, p95: 0.1, p99: 0.1 }, maxErrorRate: 0.001 } as Scenario;

/** Rounds with a shared per-pair environment factor (σ 10%) and independent noise (σ 3%). */
function rounds(seed: number, slowdown: number, patch: (r: Round) => void = () => {}): CompareInput {
  const random = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const base: Round[] = [];
  const head: Round[] = [];
  for (let index = 0; index < 10; index++) {
    const env = Math.exp(0.1 * gauss());
    const round = (arm: 'base' | 'head', factor: number): Round => ({
      index,
      arm,
      order: 0,
      metrics: { qps: (1000 * env * Math.exp(0.03 * gauss())) / factor, p50: (5 / env) * factor * Math.exp(0.03 * gauss()), p95: 8, p99: (20 / env) * factor * Math.exp(0.03 * gauss()) },
      outcomes: { total: 5000, success: 5000, httpErrors: 0, failures: 0, byStatus: { '200': 5000 }, byFailure: { timeout: 0, refused: 0, reset: 0, other: 0 } },
      generatorSaturated: false,
    });
    base.push(round('base', 1));
    head.push(round('head', slowdown));
  }
  for (const r of [...base, ...head]) patch(r);
  return { scenario, rounds: { base, head } };
}

test('A/A over 400 seeded gates: at most 1% report a regression; a 10% slowdown is always found', () => {
  const failing = (slowdown: number) => {
    let gates = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const [result] = compareScenarios([rounds(seed, slowdown)], settings, 'paired');
      if (Object.values(result!).some((e) => e!.verdict === 'regression')) gates++;
    }
    return gates;
  };
  assert.ok(failing(1) <= 4, `A/A false fails ${failing(1)} of 400`);
  assert.equal(failing(1.1), 400);
});

test('a 20% slowdown is a regression on every metric, with the change and its CI', () => {
  const [result] = compareScenarios([rounds(7, 1.2)], settings, 'paired');
  for (const metric of ['qps', 'p50', 'p99'] as const) assert.equal(result![metric]!.verdict, 'regression', metric);
  const qps = result!.qps!;
  assert.ok(qps.change < -0.12 && qps.change > -0.22, `qps change ${qps.change}`);
  assert.ok(qps.low! <= qps.change && qps.change <= qps.high!);
  assert.equal(qps.p, 1 / 1024);
  assert.equal(qps.tolerance, 0.05);
  // Holm across the family of three: thresholds α/3, α/2, α.
  assert.deepEqual([result!.qps!.alpha, result!.p50!.alpha, result!.p99!.alpha].sort(), [0.05 / 3, 0.025, 0.05].sort());
});

test('a 20% speed-up is an improvement, not a regression', () => {
  const [result] = compareScenarios([rounds(11, 1 / 1.2)], settings, 'paired');
  assert.equal(result!.qps!.verdict, 'improvement');
  assert.equal(result!.p99!.verdict, 'improvement');
});

test('guards turn every metric inconclusive, with the reason', () => {
  const cases: Array<[string, (r: Round) => void, RegExp]> = [
    ['client failures', (r) => r.arm === 'head' && r.index === 3 && (r.outcomes = { ...r.outcomes, failures: 2, total: 5002 }), /requests failed without a response .* in 1 round of the head arm/],
    ['HTTP errors above the limit', (r) => r.arm === 'base' && r.index === 0 && (r.outcomes = { ...r.outcomes, httpErrors: 50, total: 5050 }), /HTTP errors exceeded the scenario's 0.10% limit in 1 round/],
    ['a saturated generator', (r) => r.index === 5 && (r.generatorSaturated = true), /load generator was saturated/],
    ['an unstable base arm', (r) => r.arm === 'base' && r.index % 2 === 0 && (r.metrics = { ...r.metrics, qps: r.metrics.qps * 3, p50: r.metrics.p50 / 2, p99: r.metrics.p99 / 2 }), /the base varied too much between rounds \(QPS CV \d+%, limit 25%\)/],
  ];
  for (const [name, patch, reason] of cases) {
    const [result] = compareScenarios([rounds(7, 1.2, patch)], settings, 'paired');
    assert.equal(result!.qps!.verdict, 'inconclusive', name);
    assert.match(result!.qps!.reason!, reason, name);
  }
});

test('too few pairs for the corrected α is inconclusive, never a pass', () => {
  const input = rounds(7, 1.2);
  input.rounds.base = input.rounds.base.slice(0, 4);
  input.rounds.head = input.rounds.head.slice(0, 4);
  const [result] = compareScenarios([input], settings, 'paired');
  assert.equal(result!.qps!.verdict, 'inconclusive');
  assert.match(result!.qps!.reason!, /too few pairs to ever reach significance/);
});

test('unpaired (saved runs): Mann–Whitney on rounds; a 20% slowdown is still found', () => {
  const [result] = compareScenarios([rounds(3, 1.2)], settings, 'unpaired');
  assert.equal(result!.p50!.verdict, 'regression');
});
