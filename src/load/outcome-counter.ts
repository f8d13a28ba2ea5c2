// Every request that ends is counted once: a success (2xx/3xx), an HTTP error by status code, or a client
// failure by kind. Nothing is dropped: autocannon itself folds non-2xx into its req/s and leaves timeouts out
// of its latency, so we count apart.
import type { FailureKind, Outcomes } from '../result.ts';

export class OutcomeCounter {
  success = 0;
  httpErrors = 0;
  failures = 0;
  bytes = 0;
  // Indexed by status code: cheaper than a Map on the per-response path.
  private readonly byStatus = new Array<number>(600).fill(0);
  private readonly byFailure: Record<FailureKind, number> = { timeout: 0, refused: 0, reset: 0, truncated: 0, other: 0 };

  response(status: number, bytes: number): void {
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    this.bytes += bytes;
    if (status >= 200 && status < 400) this.success++;
    else this.httpErrors++;
  }

  failure(kind: FailureKind): void {
    this.byFailure[kind]++;
    this.failures++;
  }

  get total(): number {
    return this.success + this.httpErrors + this.failures;
  }

  outcomes(): Outcomes {
    return {
      total: this.total,
      success: this.success,
      httpErrors: this.httpErrors,
      failures: this.failures,
      byStatus: Object.fromEntries(this.byStatus.flatMap((n, code) => (n > 0 ? [[String(code), n]] : []))),
      byFailure: { ...this.byFailure },
    };
  }
}

/** Classifies a client-side error from autocannon's `reqError`. */
export function failureKind(error: unknown): FailureKind {
  const e = error as { code?: string; message?: string } | undefined;
  const code = e?.code ?? '';
  const message = e?.message ?? '';
  if (message === 'request timed out' || code === 'ETIMEDOUT') return 'timeout';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(message)) return 'reset';
  return 'other';
}
