// npm run bench:mix-entries: what counting each mix entry apart (#11) costs the load generator. A loopback target in
// its own process answers every path alike; perfgate's own load engine drives a two-entry mix (weights 3:1) with
// its entries named, so each request is also counted in its entry's outcomes and µs histogram, and the same mix
// without names, so it is not (both pick entries per request through setupRequest: only the counting differs). In
// interleaved pairs of equal windows, so drift hits both. Prints QPS each way and the median ratio per pair.
// A script, not a test. Options: --pairs N (8), --seconds S (2), --connections C (10).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import type { Scenario, WeightedRequest } from '../src/config/types.ts';
import { runLoad } from '../src/load/run-load.ts';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '10' },
  },
});
const pairs = Number(values.pairs);
const durationMs = Number(values.seconds) * 1000;
const here = path.dirname(new URL(import.meta.url).pathname);
const AT = { file: 'bench/mix-entries.ts', line: 1, col: 1 };

function scenario(counted: boolean): Scenario {
  const entry = (weight: number, p: string): WeightedRequest => ({
    weight,
    request: { method: 'GET', path: p, headers: {} },
    ...(counted ? { entry: { name: `GET ${p}`, budgets: [], at: AT } } : {}),
  });
  return {
    name: counted ? 'entries counted' : 'entries not counted',
    requests: [entry(3, '/a'), entry(1, '/b')],
    connections: Number(values.connections),
    warmupMs: 0,
    durationMs,
    timeoutMs: 2000,
    budgets: [],
    tolerance: { qps: 0.1, p50: 0.1, p95: 0.15, p99: 0.2 },
    at: AT,
  };
}

const target = spawn(process.execPath, [path.join(here, 'target-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const port = await new Promise<string>((resolve) => target.stdout!.once('data', (d) => resolve(String(d).trim())));
  const origin = `http://127.0.0.1:${port}`;
  await runLoad({ origin, scenario: scenario(false), warmupMs: 0, durationMs: 2000, amount: undefined });
  const without: number[] = [];
  const counted: number[] = [];
  for (let i = 0; i < pairs; i++) {
    for (const count of i % 2 === 0 ? [false, true] : [true, false]) {
      const m = await runLoad({ origin, scenario: scenario(count), warmupMs: 0, durationMs, amount: undefined });
      if (m.outcomes.httpErrors > 0 || m.outcomes.failures > 0) throw new Error(`unexpected errors: ${JSON.stringify(m.outcomes)}`);
      if (count !== (m.entries !== undefined)) throw new Error('entries counted where they should not be, or not where they should');
      (count ? counted : without).push(m.qps);
    }
  }
  const ratios = counted.map((q, i) => q / without[i]!).sort((a, b) => a - b);
  const n = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  console.log('| QPS, entries not counted | QPS, entries counted | median ratio (counted / not) | range |');
  console.log('|--:|--:|--:|--:|');
  console.log(
    `| ${n.format(median(without))} | ${n.format(median(counted))} | ${median(ratios).toFixed(3)} | ${ratios[0]!.toFixed(2)}–${ratios[ratios.length - 1]!.toFixed(2)} |`,
  );
} finally {
  target.kill('SIGTERM');
}
