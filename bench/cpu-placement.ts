// npm run bench:cpu-placement: does how the app's CPU is limited change a pair's spread? Two stacks of the same
// example (an A/A); the same two stacks are switched live (`docker update`, `taskset`) between ways of giving the app
// its CPU, in shuffled blocks, so every way sees the same machine in the same minutes:
//   quota:  the config's `cpus:` as a CFS quota (what Testcontainers' withResourcesQuota sets; the product today);
//   pinned: the app's container on the last core (cpuset), perfgate's own process on the others, no quota;
//   free:   no limit at all.
// Each block: one 1 s warm-up per arm, then alternations of 1 s per arm (ABBA). Reported per way: the spread of the
// paired log-ratios at k = 1 and 5 s per arm, and the mean QPS. A script, not a test.
// Options: --blocks N (6 per way), --alternations N (10 per block), --scenario I (0: the first scenario of perf/).
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { mean, sampleStandardDeviation } from 'simple-statistics';
import Dockerode from 'dockerode';
import { loadConfig } from '../src/config/load.ts';
import { LABEL_RUN } from '../src/services/labels.ts';
import { mulberry32 } from '../src/stats/rng.ts';
import { withAAStacks, type Row } from './a-a-stacks.ts';

const { values } = parseArgs({
  options: {
    blocks: { type: 'string', default: '6' },
    alternations: { type: 'string', default: '10' },
    scenario: { type: 'string', default: '0' },
  },
});
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const config = await loadConfig([path.join(root, 'perf')], { cwd: root });
const scenario = { ...config.scenarios[Number(values.scenario)]!, warmupMs: 0 };
const cores = os.availableParallelism();
const cpus = config.services!.app.resources?.cpus ?? 1;
const ways = ['quota', 'pinned', 'free'] as const;
type Way = (typeof ways)[number];
const rows = new Map<Way, { a: Row[]; b: Row[] }>(ways.map((w) => [w, { a: [], b: [] }]));
const docker = new Dockerode();
const runId = `cpuplace-${Date.now().toString(36)}`;

async function apply(way: Way): Promise<void> {
  const apps = await docker.listContainers({ filters: { label: [`${LABEL_RUN}=${runId}`, 'dev.perfgate.service=app'] } });
  const all = `0-${cores - 1}`;
  const last = String(cores - 1);
  for (const app of apps) {
    await docker
      .getContainer(app.Id)
      .update(
        way === 'quota'
          ? { NanoCpus: Math.round(cpus * 1e9), CpusetCpus: all }
          : way === 'pinned'
            ? { NanoCpus: 0, CpusetCpus: last }
            : { NanoCpus: 0, CpusetCpus: all },
      );
  }
  // perfgate's generator: off the app's core when the app is pinned, anywhere otherwise.
  execFileSync('taskset', ['-a', '-cp', way === 'pinned' ? `0-${cores - 2}` : all, String(process.pid)], { stdio: 'ignore' });
}

await withAAStacks(config.services!, scenario, runId, async ({ a: stackA, b: stackB, measure }) => {
  try {
    const random = mulberry32(20261126);
    const blocks = Number(values.blocks);
    const alternations = Number(values.alternations);
    for (let block = 0; block < blocks; block++) {
      // Each block the three ways in a fresh order (Fisher–Yates), so none is always first after a switch.
      const order = [...ways];
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const way of order) {
        await apply(way);
        for (const stack of [stackA, stackB]) await measure(stack, 1000);
        const r = rows.get(way)!;
        for (let i = 0; i < alternations; i++) {
          const pair = i % 2 === 0 ? ([stackA, stackB] as const) : ([stackB, stackA] as const);
          for (const stack of pair) (stack === stackA ? r.a : r.b).push(await measure(stack, 1000));
        }
        process.stderr.write(`block ${block + 1}/${blocks}: ${way} done\n`);
      }
    }
  } finally {
    await apply('free').catch(() => undefined);
  }
});

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(
  `\n${scenario.name}: ${cores} cores, the app given ${cpus} CPU; ${values.blocks} blocks × ${values.alternations} alternations of 1 s per arm, per way\n`,
);
console.log('| way | QPS (mean) | QPS pair spread, 1 s / 5 s | p50, 1 s / 5 s | p99, 1 s / 5 s |');
console.log('|---|--:|--:|--:|--:|');
for (const way of ways) {
  const { a, b } = rows.get(way)!;
  const spread = (metric: keyof Row, k: number) => {
    const block = (arm: Row[], i: number) => mean(arm.slice(i, i + k).map((r) => r[metric]));
    const pairs: number[] = [];
    // Blocks of k never straddle two of the experiment's blocks (a change of way in between).
    for (let i = 0; i + k <= a.length; i += k) {
      if (Math.floor(i / Number(values.alternations)) !== Math.floor((i + k - 1) / Number(values.alternations))) continue;
      pairs.push(Math.log(block(b, i)) - Math.log(block(a, i)));
    }
    return pairs.length > 1 ? pct(sampleStandardDeviation(pairs)) : '–';
  };
  const cell = (metric: keyof Row) => `${spread(metric, 1)} / ${spread(metric, 5)}`;
  console.log(`| ${way} | ${Math.round(mean([...a, ...b].map((r) => r.qps)))} | ${cell('qps')} | ${cell('p50')} | ${cell('p99')} |`);
}
