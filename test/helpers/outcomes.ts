// A round's or window's outcomes for tests: `total` requests, of which these HTTP errors (500) and client failures (timeouts).
import type { Outcomes } from '../../src/result.ts';

export function outcomes(total: number, httpErrors = 0, failures = 0): Outcomes {
  const success = total - httpErrors - failures;
  return {
    total,
    success,
    httpErrors,
    failures,
    byStatus: { '200': success, ...(httpErrors ? { '500': httpErrors } : {}) },
    byFailure: { timeout: failures, refused: 0, reset: 0, other: 0 },
  };
}
