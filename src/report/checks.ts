// The outcome breakdown's `expect:` part, in words: how many responses failed their check, whether the body and
// header checks ran on every response or on a sample, and the first few distinct failures. Unescaped text: each
// renderer escapes it (a failure's body is the service's own text).
import type { Outcomes } from '../result.ts';
import { formatNumber } from './format.ts';

export interface CheckSummary {
  title: string;
  /** The first few distinct failures: what was wrong (with how often), and the body's first 200 characters. */
  failures: Array<{ what: string; body: string }>;
}

/** Present when responses were checked and some failed or were left out by sampling. */
export function checkSummary(outcomes: Outcomes): CheckSummary | undefined {
  const checks = outcomes.checks;
  const failed = outcomes.checkFailures ?? 0;
  if (!checks || (failed === 0 && checks.skipped === 0)) return undefined;
  const responses = checks.checked + checks.skipped;
  const sampled =
    checks.skipped > 0
      ? `; body and header checks ran on ${formatNumber(checks.checked)} of ${formatNumber(responses)} responses (each second every one up to 10,000 responses or 1 MB of bodies, then 1 in 10)`
      : '';
  const title = `${formatNumber(failed)} response${failed === 1 ? '' : 's'} failed their check (expect)${sampled}`;
  const failures = checks.failures.map((f) => ({
    what: `${f.request !== undefined ? `mix entry ${f.request + 1}, ` : ''}status ${f.status}: ${f.reason} ×${formatNumber(f.count)}`,
    body: f.body,
  }));
  return { title, failures };
}
