// The warnings a measurement earns, in words: what in a load window's figures a reader should not take at face
// value (the link, the generator, failures, an open model that did not hold). Pure: a measurement and its
// scenario in, sentences out; the pipeline logs them and stores them with the scenario.
import { linkCeiling } from '../compare/budgets.ts';
import type { Scenario } from '../config/types.ts';
import { formatBandwidth } from '../config/units.ts';
import type { LoadMeasurement } from '../result.ts';
import { formatOutcomes } from './format.ts';

/** Generator lateness (p99) past which the open model's schedule was not really kept; timers are ~1 ms. */
const SCHEDULE_LAG_WARNING_MS = 5;

/** Past this share of the production link, the link rather than the service would set QPS there. */
const LINK_WARNING_SHARE = 0.7;

/** One sentence per thing a reader should know before trusting this window's figures, in a fixed order. */
export function measurementWarnings(m: LoadMeasurement, scenario: Scenario): string[] {
  const warnings: string[] = [];
  const ceiling = linkCeiling(scenario, m);
  if (ceiling !== undefined && m.bytesPerSec >= LINK_WARNING_SHARE * scenario.bandwidth!) {
    const share = m.bytesPerSec / scenario.bandwidth!;
    const used = share <= 1 ? `${Math.round(share * 100)}% of` : `${Number(share.toPrecision(2))}× what`;
    warnings.push(
      `the responses used ${used} the ${formatBandwidth(scenario.bandwidth!)} link ${share <= 1 ? '' : 'carries '}` +
        `(${formatBandwidth(m.bytesPerSec)} at ${Math.round(m.bytesPerResponse!).toLocaleString('en-US')} bytes per response): in production the link, ` +
        `not the service, would cap QPS near ${Math.round(ceiling).toLocaleString('en-US')} req/s`,
    );
  }
  if (m.generator.saturated) {
    warnings.push(`${saturatedWords(m.generator)}: it was the bottleneck, so these figures measure the client, not the service`);
  }
  // The scenario fails on this whatever its budgets say (scenarioVerdict): this says why.
  if (m.outcomes.total > 0 && m.outcomes.success === 0) warnings.push(`no request succeeded: ${formatOutcomes(m.outcomes)}`);
  else if (m.outcomes.failures > 0) {
    const kinds = Object.entries(m.outcomes.byFailure)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${n} ${kind}`)
      .join(', ');
    warnings.push(`${m.outcomes.failures} requests got no response (${kinds})`);
  }
  if (m.rate && m.qps + m.outcomes.httpErrors / (m.durationMs / 1000) < m.rate * 0.95) {
    warnings.push(`the open model reached ${Math.round(m.outcomes.total / (m.durationMs / 1000))} of the requested ${m.rate} req/s`);
  }
  if (m.scheduleLag && m.scheduleLag.p99Ms >= SCHEDULE_LAG_WARNING_MS) {
    warnings.push(
      `the load generator fell behind its own ${m.rate} req/s schedule (p99 ${m.scheduleLag.p99Ms.toFixed(1)} ms late, max ${m.scheduleLag.maxMs.toFixed(1)} ms) ` +
        `while connections were free: that lateness is left out of the latency, but requests arrived less evenly than asked`,
    );
  }
  if (m.backlog) {
    warnings.push(
      `the service fell behind the ${m.rate} req/s schedule: ${m.backlog.unsent} requests were due but never sent ` +
        `(the oldest had waited ${Math.round(m.backlog.oldestWaitMs)} ms for a free connection); the latency of every sent request ` +
        `counts from when it was due, so the wait is in the percentiles. More connections only help if the service has spare capacity.`,
    );
  }
  if (m.aborted) warnings.push(`the measured window was cut short: ${m.aborted}`);
  return warnings;
}

/** Which of the generator's threads ran out of CPU (with workers, each is judged on its own core). */
function saturatedWords(generator: LoadMeasurement['generator']): string {
  const { perWorker, saturatedWorkers } = generator;
  if (!perWorker || !saturatedWorkers || saturatedWorkers.length === 0) {
    return `the load generator used ${(generator.cpu * 100).toFixed(0)}% of a core`;
  }
  const which = saturatedWorkers.map((n) => `${n} (${((perWorker[n - 1] ?? 0) * 100).toFixed(0)}%)`).join(', ');
  const one = saturatedWorkers.length === 1;
  return `load generator worker${one ? '' : 's'} ${which} of ${perWorker.length} used ${one ? 'its core' : 'their cores'}`;
}
