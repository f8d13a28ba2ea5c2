// A mix's entries in a report: each entry's own figures beside the scenario's total, and one line for each entry a
// reader must look at (a budget it failed or could not settle, a metric that changed or is undecided), e.g.
// "GET /slow: p99 +80% (regression)". Names and budget text are the user's: every caller passes how to show them.
import type { EntryResult, ScenarioResult, Verdict } from '../result.ts';
import { comparisonEntries } from './findings.ts';
import { formatMetric, formatMetricChange, formatNumber, metricLabel } from './format.ts';

export interface EntryNote {
  name: string;
  /** fail: a failed budget or a regression; inconclusive: an undecided one; pass: only improvements. */
  verdict: Verdict;
  /** "p99 +80% (regression)", "p99 612 ms breaks budget <= 300ms", … */
  parts: string[];
}

/** The entries with a budget that did not pass or a metric that is not unchanged; `text` shows a budget as written. */
export function entryNotes(scenario: Pick<ScenarioResult, 'entries'>, text: (s: string) => string): EntryNote[] {
  return (scenario.entries ?? []).flatMap((entry): EntryNote[] => {
    const parts: string[] = [];
    const verdicts: Verdict[] = [];
    for (const b of entry.budgets ?? []) {
      if (b.status === 'pass') continue;
      verdicts.push(b.status);
      parts.push(
        b.status === 'fail'
          ? `${metricLabel(b.metric)} ${formatMetric(b.metric, b.value)} breaks budget ${text(b.text)}`
          : `${metricLabel(b.metric)} budget ${text(b.text)} undecided`,
      );
    }
    for (const [metric, c] of comparisonEntries(entry)) {
      if (c.verdict === 'unchanged') continue;
      verdicts.push(c.verdict === 'regression' ? 'fail' : c.verdict === 'inconclusive' ? 'inconclusive' : 'pass');
      parts.push(`${metricLabel(metric)} ${formatMetricChange(metric, c.change)} (${c.verdict})`);
    }
    if (parts.length === 0) return [];
    const verdict = verdicts.includes('fail') ? 'fail' : verdicts.includes('inconclusive') ? 'inconclusive' : 'pass';
    return [{ name: entry.name, verdict, parts }];
  });
}

/** An entry's measured figures (the head's): QPS, p50, p99, and how many of its requests succeeded. */
export function entryFigures(entry: EntryResult): { qps: string; p50: string; p99: string; ok: string } {
  const o = entry.outcomes;
  return {
    qps: formatMetric('qps', entry.metrics.qps),
    p50: formatMetric('p50', entry.metrics.p50),
    p99: formatMetric('p99', entry.metrics.p99),
    ok: `${formatNumber(o.success)}/${formatNumber(o.total)}`,
  };
}
