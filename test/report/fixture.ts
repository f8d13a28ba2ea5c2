// A hand-written RunResult covering the cases reports must show: budgets pass/fail/inconclusive,
// a comparison with a regression, HTTP errors and client failures, rounds, server cost.
import type { LoadMeasurement, Round, RunResult, ScenarioResult } from '../../src/result.ts';
import { metricsOf } from '../../src/metrics.ts';

export function measurement(overrides: Partial<LoadMeasurement> = {}): LoadMeasurement {
  return {
    connections: 50,
    durationMs: 10_000,
    outcomes: {
      total: 12_350,
      success: 12_310,
      httpErrors: 30,
      failures: 10,
      byStatus: { '200': 12_310, '500': 25, '503': 5 },
      byFailure: { timeout: 7, refused: 0, reset: 3, other: 0 },
    },
    latency: { min: 0.21, p50: 0.734, p90: 2.5, p95: 4.25, p99: 412.3, p999: 980, max: 1_204, mean: 3.14159 },
    qps: 1_231,
    bytesPerSec: 1_572_864,
    generator: { cpu: 0.45, saturated: false },
    ...overrides,
  };
}

function rounds(): Round[] {
  const out: Round[] = [];
  for (let index = 0; index < 3; index++) {
    for (const arm of ['base', 'head'] as const) {
      out.push({
        index,
        arm,
        order: ((index + (arm === 'base' ? 0 : 1)) % 2) as 0 | 1,
        metrics: { qps: arm === 'base' ? 1300 + index : 1100 + index, p50: 0.7, p95: 4.2, p99: arm === 'base' ? 350 : 412 },
        outcomes: {
          total: 1000,
          success: 998,
          httpErrors: 2,
          failures: 0,
          byStatus: { '200': 998, '500': 2 },
          byFailure: { timeout: 0, refused: 0, reset: 0, other: 0 },
        },
        generatorSaturated: false,
      });
    }
  }
  return out;
}

export function listPosts(): ScenarioResult {
  const m = measurement();
  return {
    name: 'list posts',
    verdict: 'fail',
    connections: 50,
    metrics: metricsOf(m),
    measurement: m,
    server: { cpuMsPerRequest: 0.52, peakMemoryBytes: 134_217_728, cpuCores: 0.8 },
    budgets: [
      {
        metric: 'p99',
        op: '<=',
        limit: 250,
        value: 412.3,
        pass: false,
        status: 'fail',
        text: '<= 250ms',
        reason: 'p99 was 412 ms, above the 250 ms limit',
        at: { file: 'perf/api.yaml', line: 12, col: 7 },
      },
      {
        metric: 'qps',
        op: '>=',
        limit: 1000,
        value: 1231,
        pass: true,
        status: 'pass',
        text: '>= 1000',
        at: { file: 'perf/api.yaml', line: 13, col: 7 },
      },
      {
        metric: 'success',
        op: '>=',
        limit: 0.999,
        value: 12_310 / 12_350,
        pass: false,
        status: 'inconclusive',
        text: '>= 99.9%',
        reason: 'too few requests to tell a 99.9% success rate apart',
        at: { file: 'perf/api.yaml', line: 14, col: 7 },
      },
    ],
    comparison: {
      qps: {
        base: 1301,
        head: 1101,
        change: -0.1537,
        low: -0.17,
        high: -0.14,
        confidence: 0.975,
        p: 0.0004,
        alpha: 0.0125,
        tolerance: 0.05,
        mde: 0.068,
        verdict: 'regression',
      },
      p50: {
        base: 0.7,
        head: 0.7,
        change: 0.001,
        low: -0.01,
        high: 0.012,
        confidence: 0.9,
        p: 0.004,
        alpha: 0.05,
        tolerance: 0.05,
        mde: 0.061,
        verdict: 'unchanged',
      },
      p99: {
        base: 350,
        head: 412,
        change: 0.18,
        low: 0.1,
        high: 0.25,
        confidence: 0.9667,
        p: 0.002,
        alpha: 0.0167,
        tolerance: 0.1,
        mde: 0.19,
        verdict: 'regression',
      },
      p95: {
        base: 4.2,
        head: 4.25,
        change: 0.012,
        low: null,
        high: null,
        confidence: 0.95,
        p: 0.3,
        alpha: 0.025,
        tolerance: 0.05,
        mde: null,
        verdict: 'inconclusive',
        reason: 'too few pairs for a 95% confidence interval; the change was +1.2%',
      },
      error_rate: {
        base: 0.002,
        head: 0.002,
        change: 0,
        low: -0.0003,
        high: 0.0003,
        confidence: 0.98,
        p: 0.0002,
        alpha: 0.01,
        tolerance: 0.0005,
        mde: 0.0008,
        verdict: 'unchanged',
      },
      failure_rate: {
        base: 0,
        head: 0,
        change: 0,
        low: -0.0011,
        high: 0.0011,
        confidence: 0.98,
        p: 1,
        alpha: 0.01,
        tolerance: 0.0005,
        mde: 0.0016,
        verdict: 'inconclusive',
        reason:
          'the change (±0 pp, CI −0.11 pp to +0.11 pp) could still exceed the 0.05 pp tolerance; with 3,000 base and 3,000 head requests, changes of 0.16 pp or more could be detected (tolerance 0.05 pp)',
      },
    },
    rounds: rounds(),
    warnings: ['the base arm varied a lot between rounds'],
  };
}

export function health(): ScenarioResult {
  const m = measurement({
    connections: 10,
    outcomes: {
      total: 50_000,
      success: 50_000,
      httpErrors: 0,
      failures: 0,
      byStatus: { '200': 50_000 },
      byFailure: { timeout: 0, refused: 0, reset: 0, other: 0 },
    },
    latency: { min: 0.05, p50: 0.081, p90: 0.12, p95: 0.15, p99: 0.31, p999: 0.9, max: 3.2, mean: 0.095 },
    qps: 5_000,
    generator: { cpu: 0.97, saturated: true },
  });
  return {
    name: 'health',
    verdict: 'pass',
    connections: 10,
    metrics: metricsOf(m),
    measurement: m,
    budgets: [
      {
        metric: 'p99',
        op: '<=',
        limit: 5,
        value: 0.31,
        pass: true,
        status: 'pass',
        text: '<= 5ms',
        at: { file: 'perf/api.yaml', line: 22, col: 7 },
      },
    ],
    warnings: [],
  };
}

export function runResult(overrides: Partial<RunResult> = {}): RunResult {
  return {
    schemaVersion: 1,
    verdict: 'fail',
    startedAt: '2026-11-24T10:00:00.000Z',
    finishedAt: '2026-11-24T10:05:00.000Z',
    tool: { name: 'perfgate', version: '0.1.0', node: 'v24.11.0' },
    config: ['perf/api.yaml'],
    target: 'http://127.0.0.1:3000',
    scenarios: [listPosts(), health()],
    base: { ref: 'origin/main', sha: 'a'.repeat(40) },
    head: { ref: 'feature/x', sha: 'b'.repeat(40) },
    pairs: 3,
    seed: 'seed-42',
    startup: { 'app build': 12_300, postgres: 2_100 },
    environment: { platform: 'linux', cpus: 2, cpuModel: 'AMD EPYC 7763', runner: 'GitHub Actions 2' },
    warnings: [],
    ...overrides,
  };
}

/** The same run without a comparison: budgets only. */
export function budgetsOnly(overrides: Partial<RunResult> = {}): RunResult {
  const scenarios = [listPosts(), health()].map((s) => {
    const copy = { ...s };
    delete copy.comparison;
    delete copy.rounds;
    return copy;
  });
  const result = runResult({ scenarios, ...overrides });
  delete result.base;
  delete result.head;
  delete result.pairs;
  delete result.seed;
  return result;
}
