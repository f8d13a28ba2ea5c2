// npm run bench:gate-time -- --from results.json: what a comparison's time budget buys. A real `perfgate run --base`
// result (its rounds, every scenario) is replayed many times through the product's sequential design and decision
// code, at several budgets side by side: each replay draws pairs (seeded, with replacement) from the run's own
// pairs, per scenario, and follows runInterleaved's rule (the first look at min_pairs, then two pairs at a time; a
// scenario stops when every metric is decided, at the most pairs, or when its share of what is left of the budget
// would be overrun; the scenarios still open share the rest equally). Gate time = the run's own fixed cost (stacks,
// the budget run) + the arm warm-ups + the pairs at the run's measured cost per window.
//
// Options: --from FILE (required), --budgets 3m,5m,7m,10m, --gates N (default 1000), --seed S.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import { compareScenarios } from '../src/compare/decide.ts';
import { loadConfig } from '../src/config/load.ts';
import type { CompareMetric, CompareSettings, Scenario } from '../src/config/types.ts';
import type { Round } from '../src/result.ts';
import { readRunResult } from '../src/results/read.ts';
import { mulberry32 } from '../src/stats/rng.ts';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    budgets: { type: 'string', default: '3m,5m,7m,10m' },
    gates: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '20261126' },
  },
});
if (!values.from) {
  console.error('usage: npm run bench:gate-time -- --from results.json (a `perfgate run --base` result with its rounds)');
  process.exit(2);
}
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const run = await readRunResult(values.from, process.cwd());
const config = await loadConfig([path.join(root, 'perf')], { cwd: root });
const BATCH = 2;

interface Pair {
  base: Round;
  head: Round;
}
const pairsOf = (rounds: Round[]): Pair[] => {
  const byIndex = new Map<number, Partial<Pair>>();
  for (const round of rounds) (byIndex.get(round.index) ?? byIndex.set(round.index, {}).get(round.index)!)[round.arm] = round;
  return [...byIndex.values()].filter((p): p is Pair => p.base !== undefined && p.head !== undefined);
};
const scenarios: Array<{ scenario: Scenario; pairs: Pair[] }> = config.scenarios.flatMap((scenario) => {
  const measured = run.scenarios.find((s) => s.name === scenario.name);
  const pairs = pairsOf(measured?.rounds ?? []);
  return pairs.length > 0 ? [{ scenario, pairs }] : [];
});
if (scenarios.length === 0) {
  console.error(`${values.from} has no paired rounds for the scenarios in perf/: run \`perfgate run --base REF --json FILE\` first`);
  process.exit(2);
}

// The run's own costs: what is not pairs or arm warm-ups (stacks, the budget run) is fixed; the rest, spread over
// its windows, is the cost of a window (its load plus the reads and decisions between windows).
const settings: CompareSettings = config.compare;
const totalMs = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
const windows = scenarios.reduce((n, s) => n + 2 * s.pairs.length, 0);
const budgetRunMs = run.scenarios.reduce(
  (t, s) => t + s.measurement.durationMs + (config.scenarios.find((c) => c.name === s.name)?.warmupMs ?? 0),
  0,
);
const startupMs = (run.startup?.total ?? 0) * 2;
const warmupsMs = scenarios.length * 2 * settings.armWarmupMs;
const perWindowMs = (totalMs - startupMs - budgetRunMs - warmupsMs) / windows;
const fixedMs = startupMs + budgetRunMs;

function replay(budgetMs: number, random: () => number) {
  const soFar = new Map<string, { base: Round[]; head: Round[] }>();
  const family = () => scenarios.map((s) => ({ scenario: s.scenario, rounds: soFar.get(s.scenario.name) ?? { base: [], head: [] } }));
  const decided = (i: number) =>
    Object.values(compareScenarios(family(), settings, 'paired')[i] ?? {}).every((entry) => entry?.verdict !== 'inconclusive');
  let clock = 0;
  const used: number[] = [];
  scenarios.forEach(({ scenario, pairs }, i) => {
    const deadline = clock + (budgetMs - clock) / (scenarios.length - i);
    clock += 2 * settings.armWarmupMs;
    const rounds = { base: [] as Round[], head: [] as Round[] };
    soFar.set(scenario.name, rounds);
    const add = (n: number) => {
      for (let k = 0; k < n; k++) {
        const pair = pairs[Math.floor(random() * pairs.length)]!;
        const index = rounds.base.length;
        rounds.base.push({ ...pair.base, index });
        rounds.head.push({ ...pair.head, index });
        clock += 2 * perWindowMs;
      }
    };
    add(Math.min(settings.minPairs, settings.pairs));
    while (!decided(i) && rounds.base.length < settings.pairs && clock + BATCH * 2 * perWindowMs <= deadline) {
      add(Math.min(BATCH, settings.pairs - rounds.base.length));
    }
    used.push(rounds.base.length);
  });
  const verdicts = compareScenarios(family(), settings, 'paired');
  return { ms: fixedMs + clock, used, verdicts };
}

const parseBudget = (text: string) => {
  const m = /^(\d+(?:\.\d+)?)(m|s)$/.exec(text.trim());
  if (!m) throw new Error(`--budgets: "${text}" is not like 5m or 300s`);
  return Number(m[1]) * (m[2] === 'm' ? 60_000 : 1000);
};
const budgets = values.budgets.split(',').map((b) => ({ label: b.trim(), ms: parseBudget(b) }));
const gates = Number(values.gates);
const minutes = (ms: number) => `${Math.floor(ms / 60_000)} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s`;

console.log(
  `from ${values.from}: ${scenarios.length} scenarios, ${scenarios.map((s) => `${s.scenario.name} ${s.pairs.length} pairs`).join(', ')}; ` +
    `measured cost per window ${(perWindowMs / 1000).toFixed(2)} s (round ${settings.roundMs / 1000} s), fixed ${(fixedMs / 1000).toFixed(0)} s; ` +
    `the real run took ${minutes(totalMs)}; ${gates} replays per budget`,
);
const metrics: readonly CompareMetric[] = settings.metrics;
for (const budget of budgets) {
  const random = mulberry32(Number(values.seed));
  const times: number[] = [];
  const pairsUsed = scenarios.map(() => [] as number[]);
  const counts = new Map<string, { unchanged: number; inconclusive: number; regression: number; improvement: number; all: number }>();
  for (let g = 0; g < gates; g++) {
    const { ms, used, verdicts } = replay(budget.ms, random);
    times.push(ms);
    used.forEach((n, i) => pairsUsed[i]!.push(n));
    verdicts.forEach((entries) => {
      for (const metric of metrics) {
        const verdict = entries[metric]?.verdict;
        if (!verdict) continue;
        const c =
          counts.get(metric) ?? counts.set(metric, { unchanged: 0, inconclusive: 0, regression: 0, improvement: 0, all: 0 }).get(metric)!;
        c[verdict]++;
        c.all++;
      }
    });
  }
  const all = [...counts.values()].reduce(
    (t, c) => ({ unchanged: t.unchanged + c.unchanged, regression: t.regression + c.regression, all: t.all + c.all }),
    { unchanged: 0, regression: 0, all: 0 },
  );
  const share = (n: number, of: number) => `${((n / of) * 100).toFixed(0)}%`;
  console.log(
    `budget ${budget.label}: median gate ${minutes(median(times))} (max ${minutes(Math.max(...times))}); ` +
      `unchanged ${share(all.unchanged, all.all)} of metrics, regression ${share(all.regression, all.all)} | ` +
      [...counts].map(([m, c]) => `${m} unchanged ${share(c.unchanged, c.all)}`).join(', ') +
      ` | median pairs: ${scenarios.map((s, i) => `${s.scenario.name} ${median(pairsUsed[i]!)}`).join(', ')}`,
  );
}
