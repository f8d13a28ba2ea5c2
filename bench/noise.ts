// npm run bench:noise: where a pair's spread comes from on this machine. Two stacks of the same example (an A/A),
// alternating 1 s rounds of one scenario (ABBA order), then the rounds grouped into k seconds per arm: the spread
// of the paired log-ratios at k = 1, 2, 3, 5, 10 s shows how a round's length buys precision, the same-arm
// spread how much pairing cancels, and the mean how far two identical stacks sit apart. A script, not a test.
// Options: --rounds N (150 alternations of 1 s per arm), --scenario I (0: the first scenario of perf/).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { mean, sampleStandardDeviation } from 'simple-statistics';
import { loadConfig } from '../src/config/load.ts';
import { withAAStacks, type Row } from './a-a-stacks.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '150' }, scenario: { type: 'string', default: '0' } } });
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const config = await loadConfig([path.join(root, 'perf')], { cwd: root });
const scenario = { ...config.scenarios[Number(values.scenario)]!, warmupMs: 0 };
const rounds = Number(values.rounds);
const runId = `noise-${Date.now().toString(36)}`;
const a: Row[] = [];
const b: Row[] = [];
await withAAStacks(config.services!, scenario, runId, async ({ a: stackA, b: stackB, measure }) => {
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? ([stackA, stackB] as const) : ([stackB, stackA] as const);
    for (const stack of order) (stack === stackA ? a : b).push(await measure(stack, 1000));
  }
});

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
      `| ${k} | ${metric} | ${pairs.length > 1 ? pct(sampleStandardDeviation(pairs)) : '–'} (${pairs.length} pairs) | ${same.length > 1 ? pct(sampleStandardDeviation(same)) : '–'} | ${pct(mean(pairs))} |`,
    );
  }
}
