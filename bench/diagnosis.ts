// npm run bench:diagnosis: what the diagnosis' counters cost the service (#11). Two stacks of the example (perf/),
// one as perfgate starts it by default (Postgres with pg_stat_statements loaded and tracking every statement, its
// counters, Redis' INFO and the app's cgroup read before and after each window) and one with `stats: false` on
// Postgres and Redis (no extension, nothing read); the same load on each in interleaved pairs of equal windows, the
// order alternating, so drift hits both. Prints each pair's QPS and ratio (on / off), the median ratio, its exact 95%
// interval (Hodges–Lehmann on the pairs' log-ratios) and the range, and what was read per request.
//
// The two arms are two stacks, so the ratio holds their placement's difference too: a ratio whose interval holds 1
// is no measurable overhead. By default every request runs a statement (the example's CACHE_BYPASS=1: the list
// query on every request), the case where tracking costs most; --cached measures the example as it is (a Redis hit).
// A script, not a test. Options: --pairs N (8), --seconds S (5), --connections C (10), --cached.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import { addWindow, diagnosisOf, emptyTotals, type ArmTotals } from '../src/compare/diagnosis.ts';
import { loadConfig } from '../src/config/load.ts';
import type { Services } from '../src/config/types.ts';
import { runLoad } from '../src/load/run-load.ts';
import { consoleLog } from '../src/log.ts';
import { startStack, type StartedStack } from '../src/services/stack.ts';
import { hodgesLehmann } from '../src/stats/hodges-lehmann.ts';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    cached: { type: 'boolean', default: false },
  },
});
const pairs = Number(values.pairs);
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const config = await loadConfig([path.join(root, 'perf')], { cwd: root });
const list = config.scenarios.find((s) => s.name === 'list posts') ?? config.scenarios[0]!;
const scenario = { ...list, connections: Number(values.connections), warmupMs: 0, durationMs: Number(values.seconds) * 1000 };

/** The example's services with the diagnosis on or off, and with its cache bypassed unless --cached. */
function services(stats: boolean): Services {
  const base = config.services!;
  return {
    app: { ...base.app, env: { ...base.app.env, ...(values.cached ? {} : { CACHE_BYPASS: '1' }) } },
    dependencies: base.dependencies.map((d) => (d.kind === 'postgres' || d.kind === 'redis' ? { ...d, stats } : d)),
  };
}

const log = consoleLog();
const quiet = { ...log, info: () => undefined };
const runId = `bench-diagnosis-${Date.now().toString(36)}`;
const stacks: StartedStack[] = [];
try {
  const on = await startStack({ services: services(true), runId, arm: 'head', log: quiet });
  stacks.push(on);
  const off = await startStack({ services: services(false), runId, arm: 'base', log: quiet });
  stacks.push(off);
  if (!on.counters) throw new Error('the stats-on stack has no counters to read');
  console.log(
    `example app, ${values.cached ? 'as it is (the list cached in Redis)' : 'CACHE_BYPASS=1 (a statement on every request)'}, ` +
      `${scenario.connections} connections, ${values.seconds} s windows, ${pairs} pairs; on = pg_stat_statements (track=all) + counters read around each window, off = stats: false`,
  );
  // Both warm, the same way, before the first pair.
  for (const stack of [on, off]) await runLoad({ origin: stack.origin, scenario: { ...scenario, durationMs: 3000 } });

  const qps = { on: [] as number[], off: [] as number[] };
  let totals: ArmTotals = emptyTotals();
  for (let pair = 0; pair < pairs; pair++) {
    for (const arm of pair % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
      if (arm === 'on') {
        const before = await on.counters.read();
        const m = await runLoad({ origin: on.origin, scenario });
        const after = await on.counters.read();
        totals = addWindow(totals, { requests: m.outcomes.total, before, after });
        qps.on.push(m.qps);
      } else {
        qps.off.push((await runLoad({ origin: off.origin, scenario })).qps);
      }
    }
    const ratio = qps.on[pair]! / qps.off[pair]!;
    console.log(
      `  pair ${pair + 1} (${pair % 2 === 0 ? 'on first ' : 'off first'})  on ${fmt(qps.on[pair]!)} req/s  off ${fmt(qps.off[pair]!)} req/s  ratio ${ratio.toFixed(3)}`,
    );
  }
  const logRatios = qps.on.map((q, i) => Math.log(q / qps.off[i]!));
  const ratios = logRatios.map(Math.exp).sort((a, b) => a - b);
  const estimate = hodgesLehmann(logRatios, 0.95);
  const interval =
    estimate.low === null || estimate.high === null
      ? 'n/a (too few pairs)'
      : `${Math.exp(estimate.low).toFixed(3)} … ${Math.exp(estimate.high).toFixed(3)}`;
  console.log(
    `\nQPS on / off: median ratio ${median(ratios).toFixed(3)} (on ${fmt(median(qps.on))}, off ${fmt(median(qps.off))} req/s); ` +
      `Hodges–Lehmann ${Math.exp(estimate.estimate).toFixed(3)}, 95% interval ${interval}; pairs range ${ratios[0]!.toFixed(3)} … ${ratios.at(-1)!.toFixed(3)}`,
  );
  const d = diagnosisOf(totals);
  console.log(
    `read on the stats-on stack, per request: ${d?.postgres?.statementsPerRequest.head.toFixed(2) ?? '—'} SQL statements, ` +
      `${d?.redis?.commandsPerRequest.head.toFixed(2) ?? '—'} Redis commands, app CPU ${d?.app?.cpuMsPerRequest.head.toFixed(3) ?? '—'} ms`,
  );
} finally {
  await Promise.allSettled(stacks.map((s) => s.stop()));
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US').padStart(6);
}
