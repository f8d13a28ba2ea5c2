// npm run bench:noise: where a pair's spread comes from on this machine. Two stacks of the same example (an A/A),
// alternating 1 s rounds of one scenario (ABBA order), then the rounds grouped into k seconds per arm: the spread
// of the paired log-ratios at k = 1, 2, 3, 5, 10 s shows how a round's length buys precision, the same-arm
// spread how much pairing cancels, and the mean how far two identical stacks sit apart. A script, not a test.
// Options: --rounds N (150 alternations of 1 s per arm), --scenario I (0: the first scenario of perf/).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.ts';
import { runLoad } from '../src/load/run-load.ts';
import { memoryLog } from '../src/log.ts';
import { startStack, type StartedStack } from '../src/services/stack.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '150' }, scenario: { type: 'string', default: '0' } } });
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const config = await loadConfig([path.join(root, 'perf')], { cwd: root });
const scenario = { ...config.scenarios[Number(values.scenario)]!, warmupMs: 0 };
const rounds = Number(values.rounds);
const log = memoryLog();
const runId = `noise-${Date.now().toString(36)}`;
type Row = { qps: number; p50: number; p99: number };
const a: Row[] = [];
const b: Row[] = [];
const live: StartedStack[] = [];
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void Promise.allSettled(live.map((s) => s.stop())).then(() => process.exit(130)));
}
try {
  const stackA = await startStack({ services: config.services!, runId, arm: 'head', log });
  live.push(stackA);
  const stackB = await startStack({ services: config.services!, runId, arm: 'base', log });
  live.push(stackB);
  const measure = async (stack: StartedStack, durationMs: number): Promise<Row> => {
    const m = await runLoad({ origin: stack.origin, scenario, warmupMs: 0, durationMs, amount: undefined });
    return { qps: m.qps, p50: m.latency.p50, p99: m.latency.p99 };
  };
  for (const stack of [stackA, stackB]) await measure(stack, 5000);
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? ([stackA, stackB] as const) : ([stackB, stackA] as const);
    for (const stack of order) (stack === stackA ? a : b).push(await measure(stack, 1000));
  }
} finally {
  await Promise.allSettled(live.map((s) => s.stop()));
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(`\n${scenario.name}: ${rounds} alternations of 1 s per arm, two stacks of the same code\n`);
console.log('| seconds per arm | metric | pair spread (sd of log-ratio) | same-arm spread | mean log-ratio (B vs A) |');
console.log('|--:|---|--:|--:|--:|');
for (const k of [1, 2, 3, 5, 10]) {
  for (const metric of ['qps', 'p50', 'p99'] as const) {
    const block = (arm: Row[], i: number) => mean(arm.slice(i, i + k).map((r) => r[metric]));
    const pairs: number[] = [];
    const same: number[] = [];
    for (let i = 0; i + k <= a.length; i += k) pairs.push(Math.log(block(b, i)) - Math.log(block(a, i)));
    for (let i = 0; i + 2 * k <= a.length; i += 2 * k) same.push(Math.log(block(a, i + k)) - Math.log(block(a, i)));
    console.log(
      `| ${k} | ${metric} | ${pct(sd(pairs))} (${pairs.length} pairs) | ${same.length > 1 ? pct(sd(same)) : '–'} | ${pct(mean(pairs))} |`,
    );
  }
}
