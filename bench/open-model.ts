// npm run bench:open-model: the open model on perfgate's constant schedule vs autocannon's own overallRate,
// same target, same rate and connections, alternating A B A B. Half-way through each window the target
// blocks its event loop once for 200 ms (a GC pause, a lock): the classic coordinated-omission test. Prints
// how evenly requests arrived (per 100 ms) and the percentiles each reports. A script, not a test.
// Options: --rounds N (default 3), --seconds S (default 4), --rate R (default 1000), --connections C (default 20).
import { spawn } from 'node:child_process';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import autocannon from 'autocannon';
import { LatencyRecorder } from '../src/load/latency-recorder.ts';
import { runLoad } from '../src/load/run-load.ts';
import type { Scenario } from '../src/config/types.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '4' },
    rate: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '20' },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const connections = Number(values.connections);
const STALL_MS = 200;

// The target: 1 ms per answer; /stall blocks its event loop once; /arrivals reports requests per 100 ms.
const TARGET = `
const http = require('node:http');
let arrivals = [];
const server = http.createServer((req, res) => {
  if (req.url === '/stall') { res.end('ok'); setImmediate(() => { const end = Date.now() + ${STALL_MS}; while (Date.now() < end); }); return; }
  if (req.url === '/arrivals') { const a = arrivals; arrivals = []; res.end(JSON.stringify(a)); return; }
  arrivals.push(performance.now());
  setTimeout(() => res.end('{"ok":true}'), 1);
});
server.keepAliveTimeout = 65000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;
const target = spawn(process.execPath, ['-e', TARGET], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<string>((resolve) => target.stdout!.once('data', (d) => resolve(String(d).trim())));
const url = `http://127.0.0.1:${port}`;

const get = (path: string) =>
  new Promise<string>((resolve, reject) => {
    http
      .get(`${url}${path}`, { agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });

/** Requests per 100 ms bucket before the stall (the first partial bucket dropped): how even the pacing is. */
async function spread(): Promise<{ max: number; min: number }> {
  const arrivals = JSON.parse(await get('/arrivals')) as number[];
  const first = arrivals[0] ?? 0;
  const buckets = new Array<number>(Math.floor(seconds * 10)).fill(0);
  for (const t of arrivals) {
    const i = Math.floor((t - first) / 100);
    if (i < buckets.length) buckets[i]!++;
  }
  const whole = buckets.slice(1, Math.floor(seconds * 5) - 1);
  return { max: Math.max(...whole), min: Math.min(...whole) };
}

interface Sample {
  sent: number;
  max: number;
  min: number;
  p50: number;
  p99: number;
  p999: number;
  ownP99?: number;
}

const stallHalfway = () => setTimeout(() => void get('/stall'), (seconds * 1000) / 2);

async function perfgateArm(): Promise<Sample> {
  const scenario: Scenario = {
    name: 'bench',
    requests: [{ weight: 1, request: { method: 'GET', path: '/', headers: {} } }],
    connections,
    rate,
    warmupMs: 0,
    durationMs: seconds * 1000,
    timeoutMs: 10_000,
    maxErrorRate: 0.001,
    budgets: [],
    tolerance: { qps: 0.05, p50: 0.05, p95: 0.1, p99: 0.1 },
    at: { file: 'bench', line: 1, col: 1 },
  };
  const stall = stallHalfway();
  const m = await runLoad({ origin: url, scenario });
  clearTimeout(stall);
  return { sent: m.outcomes.total, ...(await spread()), p50: m.latency.p50, p99: m.latency.p99, p999: m.latency.p999 };
}

async function autocannonArm(): Promise<Sample> {
  const recorder = new LatencyRecorder();
  const stall = stallHalfway();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections, overallRate: rate, duration: seconds }, (error, r) =>
      error ? reject(error) : resolve(r),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => recorder.recordMs(responseTime));
  });
  clearTimeout(stall);
  const own = recorder.summary();
  return { sent: result.requests.total, ...(await spread()), p50: own.p50, p99: own.p99, p999: own.p999, ownP99: result.latency.p99 };
}

const samples: Record<'perfgate' | 'autocannon', Sample[]> = { perfgate: [], autocannon: [] };
for (let round = 0; round < rounds; round++) {
  for (const arm of round % 2 === 0 ? (['perfgate', 'autocannon'] as const) : (['autocannon', 'perfgate'] as const)) {
    const sample = arm === 'perfgate' ? await perfgateArm() : await autocannonArm();
    samples[arm].push(sample);
    console.error(`round ${round + 1} ${arm}: ${JSON.stringify(sample)}`);
  }
}
target.kill();

const row = (name: string, s: Sample[], key: keyof Sample) => median(s.map((x) => x[key] as number));
const expectedPer100 = rate / 10;
console.log(
  `\nopen model at ${rate} req/s, ${connections} connections, ${seconds} s windows, one ${STALL_MS} ms server stall half-way; medians of ${rounds} rounds`,
);
console.log(`| | requests | per 100 ms before the stall (expected ${expectedPer100}) min – max | p50 ms | p99 ms | p99.9 ms |`);
console.log('|---|---|---|---|---|---|');
for (const arm of ['perfgate', 'autocannon'] as const) {
  const s = samples[arm];
  console.log(
    `| ${arm === 'perfgate' ? 'perfgate (constant schedule; wait for a free connection + response)' : 'autocannon overallRate (latency from send)'} | ${row(arm, s, 'sent')} | ${row(arm, s, 'min')} – ${row(arm, s, 'max')} | ${row(arm, s, 'p50').toFixed(2)} | ${row(arm, s, 'p99').toFixed(2)} | ${row(arm, s, 'p999').toFixed(2)} |`,
  );
}
console.log(
  `| autocannon's own histogram (its 1 ms-spacing correction, whole ms) | | | | ${row('autocannon', samples.autocannon, 'ownP99')} | |`,
);
