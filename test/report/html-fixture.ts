// RunResults for the HTML report: a realistic comparison of the example app (noisy pairs, a regression, an
// unchanged scenario, check failures, a concurrency sweep) for the screenshot in docs/, and a large one (10
// scenarios × 30 pairs) for the size limit.
import type { ComparisonEntry, Round, RunResult, ScenarioResult } from '../../src/result.ts';
import { metricsOf } from '../../src/metrics.ts';
import { listPosts, measurement, runResult } from './fixture.ts';

/** A seeded uniform [0, 1) (mulberry32): the same noise on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Interleaved rounds around the given medians, ±noise (relative), alternating which arm runs first. */
function noisyRounds(pairs: number, base: { qps: number; p99: number }, head: { qps: number; p99: number }, seed: number): Round[] {
  const random = rng(seed);
  const jitter = (v: number, noise: number) => v * (1 + (random() - 0.5) * 2 * noise);
  const out: Round[] = [];
  for (let index = 0; index < pairs; index++) {
    const drift = 1 + (random() - 0.5) * 0.08; // the runner's own drift, shared by both arms of a pair
    for (const arm of ['base', 'head'] as const) {
      const m = arm === 'base' ? base : head;
      const qps = jitter(m.qps * drift, 0.03);
      const p99 = jitter(m.p99 / drift, 0.06);
      out.push({
        index,
        arm,
        order: ((index + (arm === 'base' ? 0 : 1)) % 2) as 0 | 1,
        metrics: { qps, p50: p99 / 9, p95: p99 / 2.2, p99 },
        outcomes: {
          total: Math.round(qps * 5),
          success: Math.round(qps * 5),
          httpErrors: 0,
          failures: 0,
          byStatus: { '200': Math.round(qps * 5) },
          byFailure: { timeout: 0, refused: 0, reset: 0, other: 0 },
        },
        generatorSaturated: false,
      });
    }
  }
  return out;
}

/** A relative comparison entry whose verdict follows from its CI and tolerance, as compare/ would decide it. */
function entry(base: number, head: number, tolerance: number, worse: 'higher' | 'lower', halfWidth = 0.03): ComparisonEntry {
  const change = head / base - 1;
  const [low, high] = [change - halfWidth, change + halfWidth];
  const worsening = worse === 'higher' ? low : -high;
  const bettering = worse === 'higher' ? -high : low;
  const verdict: ComparisonEntry['verdict'] =
    worsening > tolerance
      ? 'regression'
      : bettering > tolerance
        ? 'improvement'
        : high < tolerance && low > -tolerance
          ? 'unchanged'
          : 'inconclusive';
  return {
    base,
    head,
    change,
    low,
    high,
    confidence: 0.975,
    p: verdict === 'inconclusive' ? 0.21 : 0.0002,
    alpha: 0.0125,
    tolerance,
    mde: tolerance + halfWidth,
    verdict,
  };
}

function compared(
  name: string,
  base: { qps: number; p99: number },
  head: { qps: number; p99: number },
  pairs: number,
  seed: number,
): ScenarioResult {
  const m = measurement({
    qps: head.qps,
    latency: {
      min: 0.4,
      p50: head.p99 / 9,
      p90: head.p99 / 3,
      p95: head.p99 / 2.2,
      p99: head.p99,
      p999: head.p99 * 2.4,
      max: head.p99 * 4,
      mean: head.p99 / 7,
    },
    outcomes: {
      total: head.qps * 10,
      success: head.qps * 10,
      httpErrors: 0,
      failures: 0,
      byStatus: { '200': head.qps * 10 },
      byFailure: { timeout: 0, refused: 0, reset: 0, other: 0 },
    },
  });
  const regressed = head.qps < base.qps * 0.95;
  return {
    name,
    verdict: regressed ? 'fail' : 'pass',
    connections: 50,
    metrics: metricsOf(m),
    measurement: m,
    server: { cpuMsPerRequest: 0.61, peakMemoryBytes: 96 * 2 ** 20, cpuCores: 0.74 },
    budgets: [
      {
        metric: 'p99',
        op: '<=',
        limit: 500,
        value: head.p99,
        pass: head.p99 <= 500,
        status: head.p99 <= 500 ? 'pass' : 'fail',
        text: '<= 500ms',
        at: { file: 'perf/perf.yaml', line: 18, col: 9 },
      },
      {
        metric: 'success',
        op: '>=',
        limit: 0.9995,
        value: 1,
        pass: true,
        status: 'pass',
        text: '>= 99.95%',
        at: { file: 'perf/perf.yaml', line: 19, col: 9 },
      },
    ],
    comparison: {
      qps: entry(base.qps, head.qps, 0.05, 'lower'),
      p50: entry(base.p99 / 9, head.p99 / 9, 0.1, 'higher', 0.04),
      p95: entry(base.p99 / 2.2, head.p99 / 2.2, 0.1, 'higher', 0.05),
      p99: entry(base.p99, head.p99, 0.1, 'higher', 0.09),
      error_rate: { ...entry(1, 1, 0.0005, 'higher'), base: 0, head: 0, change: 0, low: -0.0002, high: 0.0002, verdict: 'unchanged' },
    },
    rounds: noisyRounds(pairs, base, head, seed),
    sequential: { pairs, stop: 'decided' },
    warnings: [],
    at: { file: 'perf/perf.yaml', line: 12, col: 5 },
  };
}

function sweepLevel(connections: number, qps: number, p99: number): ScenarioResult {
  const m = measurement({ connections, qps, latency: { ...measurement().latency, p50: p99 / 8, p99 } });
  return {
    name: `list posts sweep @${connections}`,
    verdict: 'pass',
    connections,
    sweepOf: 'list posts sweep',
    metrics: metricsOf(m),
    measurement: m,
    budgets: [],
    warnings: [],
  };
}

/** The example app's comparison as a reviewer would open it: a regression, an unchanged scenario, checks, a sweep. */
export function exampleComparison(): RunResult {
  const checked = listPosts();
  checked.name = 'create post';
  delete checked.comparison;
  delete checked.rounds;
  checked.measurement = measurement({
    outcomes: {
      total: 9_000,
      success: 6_000,
      httpErrors: 3_000,
      failures: 0,
      byStatus: { '200': 9_000 },
      byFailure: { timeout: 0, refused: 0, reset: 0, other: 0 },
      checkFailures: 3_000,
      checks: {
        checked: 9_000,
        skipped: 0,
        failures: [{ status: 200, reason: '$.code is 500, expected 0', body: '{"code":500,"error":"<db timeout>"}', count: 3_000 }],
      },
    },
  });
  checked.budgets = [
    {
      metric: 'success',
      op: '>=',
      limit: 0.9995,
      value: 6_000 / 9_000,
      pass: false,
      status: 'fail',
      text: '>= 99.95%',
      reason: '66.67% of requests succeeded, below 99.95%',
      at: { file: 'perf/perf.yaml', line: 31, col: 9 },
    },
  ];
  checked.warnings = [];
  return runResult({
    target: 'http://app:3000',
    pairs: 12,
    scenarios: [
      compared('list posts', { qps: 2_140, p99: 38 }, { qps: 1_030, p99: 49 }, 12, 7),
      compared('get post', { qps: 3_900, p99: 21 }, { qps: 3_880, p99: 21.4 }, 12, 11),
      checked,
      sweepLevel(10, 1_900, 9),
      sweepLevel(25, 3_100, 14),
      sweepLevel(50, 3_350, 29),
      sweepLevel(100, 3_380, 61),
    ],
  });
}

/** Ten compared scenarios of 30 pairs each and a sweep: the size limit's worst realistic case. */
export function tenScenarios(): RunResult {
  const scenarios = Array.from({ length: 10 }, (_, i) =>
    compared(`scenario ${i + 1}`, { qps: 1_000 + 100 * i, p99: 40 + i }, { qps: 990 + 90 * i, p99: 42 + i }, 30, i + 1),
  );
  return runResult({
    pairs: 30,
    scenarios: [...scenarios, sweepLevel(10, 1_900, 9), sweepLevel(50, 3_350, 29), sweepLevel(100, 3_380, 61)],
  });
}
