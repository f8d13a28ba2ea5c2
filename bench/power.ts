// npm run bench:power: how often the gate cries wolf (A/A) and how often it catches a real slowdown, on this
// machine, with the real stacks, the real interleaving and the real decision code. A script, not a test.
//
// Conditions (the example app's knobs, head arm only):
//   A/A        the same image and settings in both arms
//   cpu        CPU_BURN_US on the head: a QPS drop (35 µs aims at about 20% where the example serves ~7,000 req/s at
//              1 CPU, ~140 µs per request; the measured drop is printed)
//   tail       TAIL_SLOW_PCT/TAIL_SLOW_MS on the head: a tail-only delay that raises p99
// Each full gate = per-arm warm-up + `pairs` interleaved pairs, decided by compareScenarios. Recorded pairs are
// then resampled (seeded) into many more synthetic gates, to estimate rates beyond what the time box allows.
// Options: --minutes M (default 12), --pairs N (the product's), --round S (the product's), --warmup S (the
// product's), --cpu-burn US (35), --tail "PCT,MS" ("1.5,2"), --only a/a,cpu,tail (which conditions to run; default
// all three, in turn), --noise quiet,noisy (each condition quiet and/or beside a noisy neighbour: another process
// burning one core in seeded bursts, busy 1–4 s, idle 1–4 s, as another job on a shared runner), --pool N (#14:
// every gate runs a fixed `pairs` pairs, as a pool member does, with fresh stacks and a seed of its own; then
// each N consecutive gates of a condition stand for N runners and their pairs are pooled as perfgate merge pools
// them, into one fixed-n test of N × pairs, reported beside one runner's; resampled the same way).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pairOrder, runInterleaved } from '../src/baseline/interleave.ts';
import { compareScenarios } from '../src/compare/decide.ts';
import { loadConfig } from '../src/config/load.ts';
import { DEFAULT_TOLERANCE, type CompareSettings, type Services } from '../src/config/types.ts';
import { runLoad } from '../src/load/run-load.ts';
import { memoryLog } from '../src/log.ts';
import type { Round } from '../src/result.ts';
import { startStack, type StartedStack } from '../src/services/stack.ts';
import { poolRounds } from '../src/scale-out/merge.ts';
import { mulberry32 } from '../src/stats/rng.ts';
import { startNoisyNeighbour, type NoisyNeighbour } from '../test/helpers/noisy-neighbour.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '12' },
    pairs: { type: 'string' },
    round: { type: 'string' },
    warmup: { type: 'string' },
    noise: { type: 'string', default: 'quiet' },
    'cpu-burn': { type: 'string', default: '35' },
    tail: { type: 'string', default: '1.5,2' },
    only: { type: 'string', default: 'a/a,cpu,tail' },
    pool: { type: 'string', default: '1' },
  },
});
const pool = Number(values.pool);
if (!Number.isInteger(pool) || pool < 1) {
  console.error(`--pool takes a whole number of runners, at least 1; got "${values.pool}"`);
  process.exit(2);
}
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const config = await loadConfig([path.join(root, 'perf')], { cwd: root });
const scenario = { ...config.scenarios[0]!, warmupMs: 0 };
// The product's comparison settings (pairs, rounds, warm-up, metrics, tolerances, α) unless overridden.
const settings: CompareSettings = {
  ...config.compare,
  ...(values.pairs !== undefined ? { pairs: Number(values.pairs) } : {}),
  ...(values.round !== undefined ? { roundMs: Number(values.round) * 1000 } : {}),
  ...(values.warmup !== undefined ? { armWarmupMs: Number(values.warmup) * 1000 } : {}),
};
// A pool member runs the most pairs, no early stop (docs/scale-out.md, "Sequential pairs on a pool").
if (pool > 1) settings.minPairs = settings.pairs;
const [tailPct, tailMs] = values.tail.split(',');
const only = new Set(
  values.only
    .toLowerCase()
    .split(',')
    .map((c) => c.trim()),
);
const allConditions: Array<{ name: string; env: Record<string, string> }> = [
  { name: 'A/A', env: {} },
  { name: `cpu +${values['cpu-burn']} µs/request`, env: { CPU_BURN_US: values['cpu-burn'] } },
  { name: `tail ${tailPct}% +${tailMs} ms`, env: { TAIL_SLOW_PCT: tailPct!, TAIL_SLOW_MS: tailMs! } },
];
const noises = values.noise
  .toLowerCase()
  .split(',')
  .map((n) => n.trim());
if (noises.some((n) => n !== 'quiet' && n !== 'noisy')) {
  console.error(`--noise takes quiet, noisy or quiet,noisy; got "${values.noise}"`);
  process.exit(2);
}
const conditions = allConditions
  .filter((c) => only.has(c.name.split(' ')[0]!.toLowerCase()))
  .flatMap((c) => noises.map((noise) => ({ ...c, name: `${c.name}, ${noise}`, noisy: noise === 'noisy' })));
if (conditions.length === 0) {
  console.error(`--only takes a comma-separated list of a/a, cpu, tail; got "${values.only}"`);
  process.exit(2);
}

const withEnv = (services: Services, env: Record<string, string>): Services => ({
  ...services,
  app: { ...services.app, env: { ...services.app.env, ...env } },
});
const deadline = Date.now() + Number(values.minutes) * 60_000;
const runId = `power-${Date.now().toString(36)}`;
const log = memoryLog();

interface Gate {
  verdicts: Record<string, string>;
  mde: Record<string, number | null>;
  seconds: number;
  pairs: number;
  /** The gate's rounds: pooled with the next pool − 1 gates of its condition. */
  rounds: { base: Round[]; head: Round[] };
}

/** The product's stopping rule for one scenario: every metric decided. */
const decidedNow = (rounds: { base: Round[]; head: Round[] }) =>
  Object.values(compareScenarios([{ scenario, rounds }], settings, 'paired')[0]!).every((e) => e!.verdict !== 'inconclusive');
const gates = new Map<string, Gate[]>(conditions.map((c) => [c.name, []]));
const pools = new Map<string, Array<{ base: Round; head: Round }>>(conditions.map((c) => [c.name, []]));

// Both stacks are started fresh for every gate, as in a real gate run (a long-lived base against a fresh head
// showed an arm bias of several percent here).
// Ctrl-C or a kill stops the stacks that are up: the bench must not leave containers behind either.
const live = new Set<StartedStack>();
let neighbour: NoisyNeighbour | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: stopping ${live.size} stacks…`);
    void Promise.allSettled([...[...live].map((stack) => stack.stop()), neighbour?.stop()]).then(() => process.exit(130));
  });
}

let gate = 0;
while (Date.now() < deadline) {
  const condition = conditions[gate % conditions.length]!;
  gate++;
  // The product's order: the head stack first (it serves the budget run), then the base.
  const head: StartedStack = await startStack({
    services: withEnv(config.services!, condition.env),
    runId: `${runId}-${gate}`,
    arm: 'head',
    log,
  });
  live.add(head);
  try {
    const base: StartedStack = await startStack({ services: config.services!, runId: `${runId}-${gate}`, arm: 'base', log });
    live.add(base);
    try {
      const started = performance.now();
      // The neighbour is busy only while the arms are measured (seeded per gate), bounded by the gate's own time.
      neighbour = condition.noisy ? await startNoisyNeighbour({ seed: gate, maxMs: 20 * 60_000 }) : undefined;
      const rounds = (
        await runInterleaved({
          scenarios: [scenario],
          base: { name: 'base', origin: base.origin },
          head: { name: 'head', origin: head.origin },
          settings,
          seed: `${runId}-${gate}`,
          runLoad,
          log,
          decided: (_s, r) => decidedNow(r),
        })
      ).get(scenario.name)!;
      await neighbour?.stop();
      neighbour = undefined;
      const [comparison] = compareScenarios([{ scenario, rounds }], settings, 'paired');
      const verdicts = Object.fromEntries(Object.entries(comparison!).map(([metric, entry]) => [metric, entry!.verdict]));
      const mde = Object.fromEntries(Object.entries(comparison!).map(([metric, entry]) => [metric, entry!.mde]));
      const seconds = (performance.now() - started) / 1000;
      gates.get(condition.name)!.push({ verdicts, mde, seconds, pairs: rounds.base.length, rounds });
      rounds.base.forEach((b, i) => pools.get(condition.name)!.push({ base: b, head: rounds.head[i]! }));
      const changes = Object.entries(comparison!)
        .map(
          ([m, e]) =>
            `${m} ${(e!.change * 100).toFixed(1)}% ${e!.verdict}${e!.verdict === 'inconclusive' && !/more pairs/.test(e!.reason ?? '') ? ` (${e!.reason})` : ''}`,
        )
        .join(', ');
      console.log(`gate ${gate} ${condition.name.padEnd(22)} ${seconds.toFixed(0)} s, ${rounds.base.length} pairs: ${changes}`);
    } finally {
      await neighbour?.stop();
      neighbour = undefined;
      await base.stop();
      live.delete(base);
    }
  } finally {
    await head.stop();
    live.delete(head);
  }
}

// Resample recorded pairs into synthetic gates of the same size (seeded), for tighter rate estimates.
const random = mulberry32(20261124);
const SYNTHETIC = 2000;
const tolerances = settings.metrics.map((m) => `${m} ${(scenario.tolerance[m] ?? DEFAULT_TOLERANCE[m]) * 100}%`).join(', ');
console.log(
  `\n${settings.minPairs}…${settings.pairs} sequential pairs × ${settings.roundMs / 1000} s rounds, ${settings.armWarmupMs / 1000} s warm-up per arm; δ ${tolerances}; Holm α ${settings.alpha} over ${settings.metrics.length} metrics`,
);
for (const condition of conditions) {
  const real = gates.get(condition.name)!;
  const pool = pools.get(condition.name)!;
  if (real.length === 0) continue;
  const failed = (g: { verdicts: Record<string, string> }, metric?: string) =>
    metric ? g.verdicts[metric] === 'regression' : Object.values(g.verdicts).includes('regression');
  let synthetic = { any: 0, qps: 0, p99: 0, inconclusive: 0 };
  const unchanged = Object.fromEntries(settings.metrics.map((m) => [m, 0]));
  // Synthetic gates keep the product's balanced order: half their pairs from base-first pairs, half from
  // head-first ones (drawing pairs at random would bring back coin-like imbalance).
  const baseFirst = pool.filter((p) => p.base.order === 0);
  const headFirst = pool.filter((p) => p.base.order === 1);
  const syntheticPairs: number[] = [];
  let qpsRegressionBy10 = 0;
  let qpsRegressionBy8 = 0;
  for (let i = 0; i < SYNTHETIC; i++) {
    // Sequential, as the product: min_pairs balanced pairs, then two at a time, stopping once every metric is decided.
    const strata = pairOrder(`synthetic-${i}`, 0, settings.pairs).map((o) => (o === 'base-first' ? baseFirst : headFirst));
    const picked = strata.map((stratum, index) => {
      const from = stratum.length > 0 ? stratum : pool;
      const pair = from[Math.floor(random() * from.length)]!;
      return { base: { ...pair.base, index }, head: { ...pair.head, index } };
    });
    const take = (k: number) => ({ base: picked.slice(0, k).map((p) => p.base), head: picked.slice(0, k).map((p) => p.head) });
    let n = Math.min(settings.minPairs, settings.pairs);
    while (n < settings.pairs && !decidedNow(take(n))) n = Math.min(settings.pairs, n + 2);
    syntheticPairs.push(n);
    const [c] = compareScenarios([{ scenario, rounds: take(n) }], settings, 'paired');
    if (c!.qps!.verdict === 'regression' && n <= 10) qpsRegressionBy10++;
    if (c!.qps!.verdict === 'regression' && n <= 8) qpsRegressionBy8++;
    const verdicts = Object.fromEntries(Object.entries(c!).map(([m, e]) => [m, e!.verdict]));
    for (const m of settings.metrics) if (verdicts[m] === 'unchanged') unchanged[m]!++;
    synthetic = {
      any: synthetic.any + (failed({ verdicts }) ? 1 : 0),
      qps: synthetic.qps + (verdicts.qps === 'regression' ? 1 : 0),
      p99: synthetic.p99 + (verdicts.p99 === 'regression' ? 1 : 0),
      inconclusive: synthetic.inconclusive + (Object.values(verdicts).includes('inconclusive') && !failed({ verdicts }) ? 1 : 0),
    };
  }
  const ratio = (metric: 'qps' | 'p99') => {
    const r = pool.map((p) => p.head.metrics[metric] / p.base.metrics[metric]).sort((a, b) => a - b);
    return r[Math.floor(r.length / 2)]!;
  };
  // The order effect: the second run of a pair against the first, whatever the arm (balanced orders keep it out
  // of the arms' comparison; this shows how large it is here).
  const orderRatio = (metric: 'qps' | 'p99') => {
    const r = pool
      .map((p) => (p.base.order === 1 ? p.base.metrics[metric] / p.head.metrics[metric] : p.head.metrics[metric] / p.base.metrics[metric]))
      .sort((a, b) => a - b);
    return r[Math.floor(r.length / 2)]!;
  };
  const fails = real.filter((g) => failed(g)).length;
  // What each real gate could resolve: the minimum detectable effect per metric (median and worst over gates).
  const mdes = settings.metrics
    .map((m) => {
      const values = real
        .map((g) => g.mde[m])
        .filter((v): v is number => typeof v === 'number')
        .sort((a, b) => a - b);
      if (values.length === 0) return `${m} –`;
      return `${m} ${(values[Math.floor(values.length / 2)]! * 100).toFixed(1)}% (max ${(values[values.length - 1]! * 100).toFixed(1)}%)`;
    })
    .join(', ');
  const medianPairs = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const pairsUsed = `pairs: real median ${medianPairs(real.map((g) => g.pairs))}, resampled median ${medianPairs(syntheticPairs)}; QPS regression within 8 pairs ${((qpsRegressionBy8 / SYNTHETIC) * 100).toFixed(0)}%, within 10 ${((qpsRegressionBy10 / SYNTHETIC) * 100).toFixed(0)}%`;
  const unchangedShares = settings.metrics.map((m) => `${m} ${((unchanged[m]! / SYNTHETIC) * 100).toFixed(0)}%`).join(', ');
  const mean = real.reduce((s, g) => s + g.seconds, 0) / real.length;
  console.log(
    `${condition.name.padEnd(22)} measured effect: QPS ×${ratio('qps').toFixed(3)}, p99 ×${ratio('p99').toFixed(3)} | second run of a pair vs first: QPS ×${orderRatio('qps').toFixed(3)}, p99 ×${orderRatio('p99').toFixed(3)} | real gates: ${fails}/${real.length} fail (upper 95% bound ${(clopperPearsonUpper(fails, real.length) * 100).toFixed(0)}%), ${mean.toFixed(0)} s each | ` +
      `resampled ${SYNTHETIC}: any regression ${((synthetic.any / SYNTHETIC) * 100).toFixed(1)}%, QPS ${((synthetic.qps / SYNTHETIC) * 100).toFixed(1)}%, p99 ${((synthetic.p99 / SYNTHETIC) * 100).toFixed(1)}%, inconclusive ${((synthetic.inconclusive / SYNTHETIC) * 100).toFixed(1)}%; unchanged: ${unchangedShares} | MDE median (max): ${mdes} | ${pairsUsed}`,
  );
}

if (pool > 1) {
  // Each `pool` consecutive gates of a condition as one matrix of `pool` runners: their pairs pooled as perfgate merge
  // pools them (scale-out/merge.ts), decided once at a fixed design of pool × pairs.
  const pooledSettings: CompareSettings = { ...settings, pairs: pool * settings.pairs, minPairs: pool * settings.pairs };
  const decide = (rounds: { base: Round[]; head: Round[] }, s: CompareSettings) =>
    compareScenarios([{ scenario, rounds }], s, 'paired')[0]!;
  const regressed = (c: ReturnType<typeof decide>, metric?: string) =>
    metric ? c[metric as keyof typeof c]?.verdict === 'regression' : Object.values(c).some((e) => e!.verdict === 'regression');
  const poolOf = (members: Array<{ base: Round[]; head: Round[] }>) => ({
    base: poolRounds(members.map((m) => m.base)),
    head: poolRounds(members.map((m) => m.head)),
  });
  console.log(`\npooled: ${pool} runners × ${settings.pairs} pairs = one fixed ${pool * settings.pairs}-pair test (perfgate merge)`);
  for (const condition of conditions) {
    const real = gates.get(condition.name)!;
    const groups = Array.from({ length: Math.floor(real.length / pool) }, (_, g) => real.slice(g * pool, (g + 1) * pool));
    const pooledFails = groups.filter((group) => regressed(decide(poolOf(group.map((g) => g.rounds)), pooledSettings))).length;
    const singleFails = real.filter((g) => regressed(decide(g.rounds, settings))).length;
    // Resampled: `pool` members of `pairs` balanced pairs each from the recorded pairs, pooled and decided at once,
    // against one member's `pairs` alone.
    const recorded = real.flatMap((g) => g.rounds.base.map((b, i) => ({ base: b, head: g.rounds.head[i]! })));
    if (recorded.length === 0) continue;
    const strata = { baseFirst: recorded.filter((p) => p.base.order === 0), headFirst: recorded.filter((p) => p.base.order === 1) };
    const member = (i: number, m: number) =>
      pairOrder(`pooled-${i}-${m}`, 0, settings.pairs).map((o, index) => {
        const from =
          (o === 'base-first' ? strata.baseFirst : strata.headFirst).length > 0
            ? strata[o === 'base-first' ? 'baseFirst' : 'headFirst']
            : recorded;
        const pair = from[Math.floor(random() * from.length)]!;
        return { base: { ...pair.base, index }, head: { ...pair.head, index } };
      });
    const counts = { pooled: { any: 0, qps: 0, p99: 0 }, single: { any: 0, qps: 0, p99: 0 } };
    for (let i = 0; i < SYNTHETIC; i++) {
      const members = Array.from({ length: pool }, (_, m) => member(i, m)).map((pairs) => ({
        base: pairs.map((p) => p.base),
        head: pairs.map((p) => p.head),
      }));
      const pooled = decide(poolOf(members), pooledSettings);
      const single = decide(members[0]!, settings);
      for (const [name, c] of [
        ['pooled', pooled],
        ['single', single],
      ] as const) {
        counts[name].any += regressed(c) ? 1 : 0;
        counts[name].qps += regressed(c, 'qps') ? 1 : 0;
        counts[name].p99 += regressed(c, 'p99') ? 1 : 0;
      }
    }
    const pct = (k: number) => `${((k / SYNTHETIC) * 100).toFixed(1)}%`;
    console.log(
      `${condition.name.padEnd(22)} real: pooled ${pooledFails}/${groups.length} fail, one runner ${singleFails}/${real.length} fail | ` +
        `resampled ${SYNTHETIC}: pooled ${pool * settings.pairs} pairs any regression ${pct(counts.pooled.any)}, QPS ${pct(counts.pooled.qps)}, p99 ${pct(counts.pooled.p99)}; ` +
        `one runner's ${settings.pairs} pairs any ${pct(counts.single.any)}, QPS ${pct(counts.single.qps)}, p99 ${pct(counts.single.p99)}`,
    );
  }
}

/** One-sided 95% Clopper–Pearson upper bound for k failures in n trials (bisection on the binomial CDF). */
function clopperPearsonUpper(k: number, n: number): number {
  if (k >= n) return 1;
  const cdf = (p: number) => {
    let sum = 0;
    let term = (1 - p) ** n;
    for (let i = 0; i <= k; i++) {
      sum += term;
      term *= ((n - i) / (i + 1)) * (p / (1 - p));
    }
    return sum;
  };
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) > 0.05) lo = mid;
    else hi = mid;
  }
  return hi;
}
