// Step 3, measure: each scenario's load window on the head, its budgets checked and its warnings put in words,
// while the app (or the target) is watched so a service that goes away ends the run as an infrastructure
// failure. The base, when there is one, gets the same load unrecorded.
import { evaluateBudgets, type DiagnosisInput } from '../compare/budgets.ts';
import { addAppCost, addWindow, diagnosisOf, emptyTotals, type Counters } from '../compare/diagnosis.ts';
import { entryResults } from '../compare/entries.ts';
import { scenarioVerdict } from '../compare/verdict.ts';
import type { Scenario } from '../config/types.ts';
import { InfrastructureError } from '../errors.ts';
import { probeTarget } from '../load/probe.ts';
import { runLoad } from '../load/run-load.ts';
import type { Log } from '../log.ts';
import { metricsOf } from '../metrics.ts';
import { redactUrls } from '../report/redact.ts';
import { measurementWarnings } from '../report/warnings.ts';
import type { ScenarioResult, ServerCost } from '../result.ts';
import type { CounterReader } from '../services/diagnosis.ts';
import type { HeadArm, LoadControl } from './options.ts';

/**
 * Measures the scenarios in order, handing each result to `onMeasured` as soon as it exists (the run saves its
 * partial outputs there). Stops when interrupted, or at the first scenario whose service went away: that
 * failure is returned.
 */
export async function measureScenarios(
  scenarios: Scenario[],
  arms: { head: HeadArm; baseOrigin?: string },
  control: LoadControl,
  log: Log,
  onMeasured: (measured: ScenarioResult) => Promise<void>,
): Promise<InfrastructureError | undefined> {
  for (const scenario of scenarios) {
    if (control.signal?.aborted) break;
    const measured = await log.group(`Scenario: ${scenario.name} (${describeLoad(scenario)})`, () =>
      measureScenario(scenario, arms.head, control, log),
    );
    await onMeasured(measured);
    if (arms.baseOrigin && !measured.error && !control.signal?.aborted) {
      // The base arm gets the same load history as the head (unrecorded), so neither arm enters the
      // comparison warmer than the other.
      await (control.runLoad ?? runLoad)({ origin: arms.baseOrigin, scenario, signal: control.signal });
    }
    if (measured.error) return new InfrastructureError(measured.error);
  }
  return undefined;
}

/** One scenario on the head: its window, the server's cost, budgets and warnings, and whether the service survived. */
async function measureScenario(scenario: Scenario, head: HeadArm, control: LoadControl, log: Log): Promise<ScenarioResult> {
  const { origin, stack } = head;
  const counters = head.counters ?? stack?.counters;
  // The database's and cache's counters are read before the load starts and after every request settled, never during it.
  const before = await counters?.read().catch(() => undefined);
  const sampler = stack?.sampleServerCost();
  let warmupRequests = 0;
  // Stop loading a dead app at once rather than counting refused connections to the end of the window.
  const window = new AbortController();
  const forward = () => window.abort(control.signal?.reason);
  control.signal?.addEventListener('abort', forward, { once: true });
  const watch = stack
    ? setInterval(() => {
        void stack.isAppRunning().then((running) => {
          if (!running && !window.signal.aborted) window.abort('the app container exited');
        });
      }, 1000)
    : undefined;
  const measurement = await (control.runLoad ?? runLoad)({
    origin,
    scenario,
    signal: window.signal,
    onProgress: (p) => control.onProgress?.(scenario.name, 'head', p),
    onWarmupSettled: (requests) => (warmupRequests = requests),
  }).finally(() => {
    if (watch) clearInterval(watch);
    control.signal?.removeEventListener('abort', forward);
  });
  let server: ServerCost | undefined;
  if (sampler) server = await sampler.stop(measurement.outcomes.total).catch(() => undefined);
  const after = before && (await counters?.read().catch(() => undefined));
  // Per request of the whole run, warm-up included: the counters cannot be read between the two without pausing the load.
  const requests = warmupRequests + measurement.outcomes.total;
  let totals = after ? addWindow(emptyTotals(), { requests, before, after }) : emptyTotals();
  // The app's own cgroup counters when they could be read; else what the stats sampler saw.
  if (server && !totals.app) totals = addAppCost(totals, server, measurement.outcomes.total, requests);
  const diagnosis = diagnosisOf(totals);
  const warnings = measurementWarnings(measurement, scenario);
  let error: string | undefined;
  if (stack && !(await stack.isAppRunning())) {
    const tail = await stack.logTail('app', 50).catch(() => '');
    error =
      `The app container exited during "${scenario.name}"; the figures cover only what was measured before.` +
      (tail ? `\nLast lines of its log:\n${tail}` : '');
  } else if (!stack && measurement.outcomes.failures > 0) {
    const probe = await probeTarget(origin, { deadlineMs: 2000, signal: control.signal });
    if (probe.outcome === 'unreachable')
      error = `The target ${redactUrls(origin)} stopped responding during "${scenario.name}" (${probe.reason}).`;
  }
  if (error) measurement.aborted ??= 'the service under test went away';
  const budgets = evaluateBudgets(scenario, measurement, { diagnosis, unread: unreadCounters(counters, !stack, [before, after]) });
  const scenarioResult: ScenarioResult = {
    name: scenario.name,
    verdict: 'pass',
    connections: scenario.connections,
    ...(scenario.rate ? { rate: scenario.rate } : {}),
    ...(scenario.sweepOf !== undefined ? { sweepOf: scenario.sweepOf } : {}),
    metrics: metricsOf(measurement),
    measurement,
    ...(server ? { server } : {}),
    ...(diagnosis ? { diagnosis } : {}),
    budgets,
    ...withEntries(entryResults(scenario, measurement)),
    warnings,
    ...(error ? { error } : {}),
    at: scenario.at,
  };
  scenarioResult.verdict = scenarioVerdict(scenarioResult);
  for (const warning of warnings) log.warn(`${scenario.name}: ${warning}`);
  return scenarioResult;
}

/** A mix's entries, each with its own metrics and budgets (absent without a mix). */
const withEntries = (entries: ScenarioResult['entries']) => (entries ? { entries } : {});

/** Why Postgres' or Redis' counters are not in a measured run's diagnosis, in words for the budgets on them. */
function unreadCounters(
  reader: CounterReader | undefined,
  target: boolean,
  readings: Array<Counters | undefined>,
): DiagnosisInput['unread'] {
  const unread: DiagnosisInput['unread'] = {};
  for (const kind of ['postgres', 'redis'] as const) {
    const name = kind === 'postgres' ? 'Postgres' : 'Redis';
    const failed = readings.map((r) => r?.unread?.[kind]).find((error) => error !== undefined);
    unread[kind] = failed
      ? `${name}'s counters could not be read around the measured run (${redactUrls(failed)})`
      : (reader?.unavailable?.[kind] ??
        (target
          ? `load went to a running target with no diagnose: { ${kind}: … } naming its ${name} (docs/config.md#diagnose)`
          : `perfgate started no ${name} whose counters it reads`));
  }
  return unread;
}

/** The load in a few words, for the scenario's heading: "20 connections, 10s". */
function describeLoad(scenario: Scenario): string {
  const window = scenario.amount ? `${scenario.amount} requests` : `${scenario.durationMs / 1000}s`;
  return scenario.rate
    ? `${scenario.rate} req/s open model, up to ${scenario.connections} connections, ${window}`
    : `${scenario.connections} connections, ${window}`;
}
