// npm run bench:checks: what checking responses costs the load generator. A loopback target in its own process
// answers a small (11 B) or a padded (~1.5 kB) JSON body; perfgate's own load engine drives it with and without
// `expect: { json: { path: $.ok, equals: true } }`, in interleaved pairs of equal windows, so drift hits both.
// Prints QPS with and without the check, the median ratio per pair, and how many bodies were checked or sampled
// out (each second: every response until 10,000 responses or 1,000,000 body characters, then 1 in 10).
// A script, not a test. Options: --pairs N (8), --seconds S (2), --connections C (10).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import type { Scenario } from '../src/config/types.ts';
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

function scenario(checked: boolean): Scenario {
  return {
    name: checked ? 'checked' : 'unchecked',
    requests: [
      {
        weight: 1,
        request: {
          method: 'GET',
          path: '/',
          headers: {},
          ...(checked ? { expect: { json: { path: '$.ok', steps: ['ok'], equals: true } } } : {}),
        },
      },
    ],
    connections: Number(values.connections),
    warmupMs: 0,
    durationMs,
    timeoutMs: 2000,
    maxErrorRate: 0.001,
    budgets: [],
    tolerance: { qps: 0.1, p50: 0.1, p95: 0.15, p99: 0.2 },
    at: { file: 'bench/checks.ts', line: 1, col: 1 },
  };
}

console.log('| body | QPS without check | QPS with check | median ratio (with / without) | range | bodies checked / sampled out |');
console.log('|---|--:|--:|--:|--:|--:|');
for (const padBytes of [0, 1470]) {
  const target = spawn(process.execPath, [path.join(here, 'target-server.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PAD_BYTES: String(padBytes) },
  });
  try {
    const port = await new Promise<string>((resolve) => target.stdout!.once('data', (d) => resolve(String(d).trim())));
    const origin = `http://127.0.0.1:${port}`;
    await runLoad({ origin, scenario: scenario(false), warmupMs: 0, durationMs: 2000, amount: undefined });
    const without: number[] = [];
    const withCheck: number[] = [];
    let checked = 0;
    let skipped = 0;
    for (let i = 0; i < pairs; i++) {
      for (const check of i % 2 === 0 ? [false, true] : [true, false]) {
        const m = await runLoad({ origin, scenario: scenario(check), warmupMs: 0, durationMs, amount: undefined });
        if (m.outcomes.httpErrors > 0 || m.outcomes.failures > 0) throw new Error(`unexpected errors: ${JSON.stringify(m.outcomes)}`);
        (check ? withCheck : without).push(m.qps);
        checked += m.outcomes.checks?.checked ?? 0;
        skipped += m.outcomes.checks?.skipped ?? 0;
      }
    }
    const ratios = withCheck.map((q, i) => q / without[i]!).sort((a, b) => a - b);
    const n = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
    console.log(
      `| ${padBytes === 0 ? '11 B' : '~1.5 kB'} | ${n.format(median(without))} | ${n.format(median(withCheck))} | ${median(ratios).toFixed(3)} | ${ratios[0]!.toFixed(2)}–${ratios[ratios.length - 1]!.toFixed(2)} | ${n.format(checked)} / ${n.format(skipped)} |`,
    );
  } finally {
    target.kill('SIGTERM');
  }
}
