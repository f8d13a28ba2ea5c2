// Every request that ends is counted once: a success (2xx/3xx), an HTTP error by status code, or a client
// failure by kind. Nothing is dropped: autocannon itself folds non-2xx into its req/s and leaves timeouts out
// of its latency, so we count apart.
// With `expect:`, a response's verdict decides instead: a response that fails its check is an HTTP error of kind
// check, counted apart with the first few distinct failures.
import { FAILURE_KINDS, type FailureKind, type Outcomes } from '../result.ts';
import type { CheckFailure, Verdict } from './response-check.ts';

/** Distinct check failures kept as samples (each with its count). */
const FAILURE_SAMPLES = 5;

export class OutcomeCounter {
  success = 0;
  httpErrors = 0;
  failures = 0;
  bytes = 0;
  checkFailures = 0;
  // Indexed by status code: cheaper than a Map on the per-response path.
  private readonly byStatus = new Array<number>(600).fill(0);
  private readonly byFailure = noFailures();
  /** Set when the scenario checks responses: the outcomes then carry `checkFailures` and `checks`. */
  private readonly checks: { checked: number; skipped: number; samples: Map<string, CheckFailure & { count: number }> } | undefined;

  constructor(options: { checking?: boolean } = {}) {
    this.checks = options.checking ? { checked: 0, skipped: 0, samples: new Map() } : undefined;
  }

  /** `verdict`: the response's `expect` check; absent = a 2xx or 3xx is a success. */
  response(status: number, bytes: number, verdict?: Verdict): void {
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    this.bytes += bytes;
    if (verdict === undefined) {
      if (status >= 200 && status < 400) this.success++;
      else this.httpErrors++;
    } else if (verdict.kind === 'pass') {
      this.success++;
      if (verdict.content === 'checked') this.checks!.checked++;
      else if (verdict.content === 'skipped') this.checks!.skipped++;
    } else if (verdict.kind === 'status') {
      this.httpErrors++;
    } else {
      this.httpErrors++;
      this.checkFailures++;
      this.checks!.checked++;
      this.sample(verdict.failure);
    }
  }

  private sample(failure: CheckFailure): void {
    const samples = this.checks!.samples;
    const key = `${failure.request ?? ''}\u0000${failure.status}\u0000${failure.reason}\u0000${failure.body}`;
    const seen = samples.get(key);
    if (seen) seen.count++;
    else if (samples.size < FAILURE_SAMPLES) samples.set(key, { ...failure, count: 1 });
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
      ...(this.checks
        ? {
            checkFailures: this.checkFailures,
            checks: {
              checked: this.checks.checked,
              skipped: this.checks.skipped,
              failures: [...this.checks.samples.values()].map((f) => ({ ...f })),
            },
          }
        : {}),
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

/**
 * Several counters' outcomes as one (worker threads each count their own connections): every count is the sum,
 * and the failure samples keep the first FAILURE_SAMPLES distinct ones in the order given, each with its count
 * summed over every part. The same as one counter fed every response, except that a failure a part did not keep
 * as a sample (it already held 5 others) is missing from that sample's count.
 */
export function mergeOutcomes(parts: readonly Outcomes[]): Outcomes {
  const merged: Outcomes = {
    total: 0,
    success: 0,
    httpErrors: 0,
    failures: 0,
    byStatus: {},
    byFailure: noFailures(),
  };
  const samples = new Map<string, CheckFailure & { count: number }>();
  for (const part of parts) {
    merged.total += part.total;
    merged.success += part.success;
    merged.httpErrors += part.httpErrors;
    merged.failures += part.failures;
    for (const [code, n] of Object.entries(part.byStatus)) merged.byStatus[code] = (merged.byStatus[code] ?? 0) + n;
    for (const [kind, n] of Object.entries(part.byFailure) as Array<[FailureKind, number]>) {
      merged.byFailure[kind] = (merged.byFailure[kind] ?? 0) + n;
    }
    if (part.checks) {
      merged.checkFailures = (merged.checkFailures ?? 0) + (part.checkFailures ?? 0);
      const checks = (merged.checks ??= { checked: 0, skipped: 0, failures: [] });
      checks.checked += part.checks.checked;
      checks.skipped += part.checks.skipped;
      for (const failure of part.checks.failures) {
        const key = `${failure.request ?? ''}\u0000${failure.status}\u0000${failure.reason}\u0000${failure.body}`;
        const seen = samples.get(key);
        if (seen) seen.count += failure.count;
        else if (samples.size < FAILURE_SAMPLES) samples.set(key, { ...failure });
      }
    }
  }
  if (merged.checks) merged.checks.failures = [...samples.values()];
  return merged;
}

/** Zero of every failure kind. */
function noFailures(): Record<FailureKind, number> {
  return Object.fromEntries(FAILURE_KINDS.map((kind) => [kind, 0])) as Record<FailureKind, number>;
}
