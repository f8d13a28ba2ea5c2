// A minimal valid Scenario for tests that drive the load engine directly.
import type { Scenario } from '../../src/config/types.ts';

export function scenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    name: 'test',
    requests: [{ weight: 1, request: { method: 'GET', path: '/', headers: {} } }],
    connections: 4,
    warmupMs: 0,
    durationMs: 1000,
    timeoutMs: 2000,
    maxErrorRate: 0.001,
    budgets: [],
    tolerance: { qps: 0.05, p50: 0.05, p95: 0.1, p99: 0.1 },
    at: { file: 'perf/test.yaml', line: 1, col: 1 },
    ...overrides,
  };
}
