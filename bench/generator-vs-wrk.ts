// npm run bench: perfgate's load generator with 1 and 2 worker threads vs `wrk -t1` and `wrk -t2` on the same
// local target, same connections and duration, interleaved in one run (each round runs all four, in an order
// rotated round by round). Prints req/s ratios (perfgate with N workers / wrk -tN), CPU per request for each, and
// both latencies. A script, not a test: this machine is noisy, so only the side-by-side ratios of one run mean
// anything.
// A fifth arm, a bare Node socket client with no accounting (bench/bare-socket-client.ts), shows Node's own floor.
// Options: --rounds N (default 3), --seconds S (default 5), --connections C (default 50), --workers 1,2 (the
// worker counts, each against wrk -t of the same number), --target nginx|node (default nginx when installed: a
// fast server, so that the generators and not the target set the pace; node: bench/target-server.mjs).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    workers: { type: 'string', default: '1,2' },
    target: { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const workerCounts = values.workers.split(',').map(Number);
const here = path.dirname(new URL(import.meta.url).pathname);

if (spawnSync('wrk', ['--version']).error) {
  console.error('wrk is not installed: apt-get install -y wrk');
  process.exit(2);
}
const hasNginx = !spawnSync('nginx', ['-v']).error;
const targetKind = values.target ?? (hasNginx ? 'nginx' : 'node');
if (targetKind === 'nginx' && !hasNginx) {
  console.error('nginx is not installed: apt-get install -y nginx-light (or --target node)');
  process.exit(2);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Ends a child process and resolves once it has exited. */
function ended(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  return exited;
}

/** Starts the target; resolves to its URL and how to stop it. */
async function startTarget(): Promise<{ url: string; describe: string; stop(): Promise<void> }> {
  if (targetKind === 'node') {
    const child = spawn(process.execPath, [path.join(here, 'target-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<string>((resolve) => child.stdout!.once('data', (d) => resolve(String(d).trim())));
    return { url: `http://127.0.0.1:${port}`, describe: 'node:http in its own process', stop: () => ended(child, 'SIGTERM') };
  }
  // nginx in the foreground from a temporary prefix: a fixed 11-byte JSON body, no logging, endless keep-alive.
  const prefix = mkdtempSync(path.join(os.tmpdir(), 'perfgate-bench-nginx-'));
  const port = await freePort();
  writeFileSync(
    path.join(prefix, 'nginx.conf'),
    `worker_processes auto;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 65;
  server {
    listen 127.0.0.1:${port};
    location / { default_type application/json; return 200 '{"ok":true}'; }
  }
}
`,
  );
  const child: ChildProcess = spawn('nginx', ['-p', prefix, '-c', path.join(prefix, 'nginx.conf')], { stdio: 'inherit' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const up = await fetch(url).then(
      () => true,
      () => false,
    );
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    describe: `nginx (${spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr.trim()}, worker_processes auto)`,
    stop: async () => {
      await ended(child, 'SIGQUIT');
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

/** Runs a command under bash and returns its stdout and the CPU seconds it used (bash `times`, children). */
function measured(command: string): { stdout: string; cpu: number } {
  const out = execFileSync('bash', ['-c', `${command}; echo "__TIMES__"; times`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const [stdout, times] = out.split('__TIMES__');
  const children = times!.trim().split('\n')[1]!; // second line: children's user and system time
  const cpu = children
    .split(/\s+/)
    .map((t) => /(\d+)m([\d.]+)s/.exec(t))
    .reduce((sum, m) => sum + (m ? Number(m[1]) * 60 + Number(m[2]) : 0), 0);
  return { stdout: stdout!, cpu };
}

function ms(text: string): number {
  const m = /([\d.]+)(us|ms|s)/.exec(text)!;
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
}

interface Sample {
  rps: number;
  cpuPerRequestUs: number;
  p50: number;
  p99: number;
  /** perfgate only: it said it was saturated (with workers: which ones, 1-based). */
  saturated?: string;
}

function runWrk(url: string, threads: number): Sample {
  const { stdout, cpu } = measured(`wrk -t${threads} -c${connections} -d${seconds}s --latency ${url}/`);
  const requests = Number(/(\d+) requests in/.exec(stdout)![1]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)![1]);
  const p50 = ms(/\s50%\s+(\S+)/.exec(stdout)![1]!);
  const p99 = ms(/\s99%\s+(\S+)/.exec(stdout)![1]!);
  return { rps, cpuPerRequestUs: (cpu / requests) * 1e6, p50, p99 };
}

function perfgate(url: string, workers: number, windowSeconds: number): { m: LoadResult; cpu: number } {
  const { stdout, cpu } = measured(
    `'${process.execPath}' '${path.join(here, 'perfgate-generator.ts')}' ${url} ${connections} ${windowSeconds} ${workers}`,
  );
  return { m: JSON.parse(stdout.trim().split('\n').pop()!) as LoadResult, cpu };
}

interface LoadResult {
  durationMs: number;
  outcomes: { total: number };
  latency: { p50: number; p99: number };
  generator: { saturated: boolean; perWorker?: number[] };
}

function runPerfgate(url: string, workers: number): Sample {
  const { m, cpu } = perfgate(url, workers, seconds);
  // The child's CPU includes Node's start-up and its worker threads' module loading: an idle start with the same
  // workers (a 0 s window), measured the same way, is subtracted, with its few requests.
  const idle = idleStart.get(workers)!;
  const saturated = (m.generator.perWorker ?? []).flatMap((c, i) => (c >= 0.9 ? [String(i + 1)] : []));
  return {
    rps: m.outcomes.total / (m.durationMs / 1000),
    cpuPerRequestUs: ((cpu - idle.cpu) / (m.outcomes.total - idle.requests)) * 1e6,
    p50: m.latency.p50,
    p99: m.latency.p99,
    ...(m.generator.saturated ? { saturated: saturated.length > 0 ? `workers ${saturated.join(', ')}` : 'yes' } : {}),
  };
}

/** The bare Node socket client (bench/bare-socket-client.ts): Node's own floor on this target, one thread. */
function bare(url: string, windowSeconds: number): { requests: number; durationMs: number; p50: number; p99: number; cpu: number } {
  const { stdout, cpu } = measured(
    `'${process.execPath}' '${path.join(here, 'bare-socket-client.ts')}' ${url} ${connections} ${windowSeconds}`,
  );
  return { ...(JSON.parse(stdout.trim().split('\n').pop()!) as { requests: number; durationMs: number; p50: number; p99: number }), cpu };
}

function runBare(url: string): Sample {
  const m = bare(url, seconds);
  return {
    rps: m.requests / (m.durationMs / 1000),
    cpuPerRequestUs: ((m.cpu - bareIdle.cpu) / (m.requests - bareIdle.requests)) * 1e6,
    p50: m.p50,
    p99: m.p99,
  };
}

/** A process's start-up cost: the middle (by CPU) of three 0 s windows, with the few requests they still sent. */
function idle(start: () => { cpu: number; requests: number }): { cpu: number; requests: number } {
  const { cpu, requests } = [0, 1, 2].map(start).sort((a, b) => a.cpu - b.cpu)[1]!;
  return { cpu, requests };
}

const target = await startTarget();
const idleStart = new Map<number, { cpu: number; requests: number }>();
let bareIdle = { cpu: 0, requests: 0 };

type Arm = { name: string; run: () => Sample };
const arms: Arm[] = [
  ...workerCounts.flatMap((n) => [
    { name: `perfgate ${n}w`, run: () => runPerfgate(target.url, n) },
    { name: `wrk -t${n}`, run: () => runWrk(target.url, n) },
  ]),
  { name: 'bare socket', run: () => runBare(target.url) },
];
const results = new Map<string, Sample[]>(arms.map((a) => [a.name, []]));
console.log(
  `target ${target.url} (${target.describe}), ${connections} connections, ${seconds}s windows, ${rounds} rounds of ${arms.length} arms (order rotated each round); ${os.cpus().length} × ${os.cpus()[0]?.model}`,
);
const fmt = (s: Sample) =>
  `${Math.round(s.rps).toLocaleString('en-US').padStart(8)} req/s  ${s.cpuPerRequestUs.toFixed(1).padStart(5)} µs CPU/request  p50 ${s.p50.toFixed(3)} ms  p99 ${s.p99.toFixed(3)} ms${s.saturated ? `  saturated (${s.saturated})` : ''}`;
try {
  for (const workers of workerCounts) {
    idleStart.set(
      workers,
      idle(() => {
        const { m, cpu } = perfgate(target.url, workers, 0);
        return { cpu, requests: m.outcomes.total };
      }),
    );
  }
  bareIdle = idle(() => bare(target.url, 0));
  for (let round = 0; round < rounds; round++) {
    const order = arms.map((_, i) => arms[(i + round) % arms.length]!);
    for (const arm of order) {
      const sample = arm.run();
      results.get(arm.name)!.push(sample);
      console.log(`  round ${round + 1} ${arm.name.padEnd(12)} ${fmt(sample)}`);
    }
  }
} finally {
  await target.stop();
}

const summary = (s: Sample[]): Sample => ({
  rps: median(s.map((x) => x.rps)),
  cpuPerRequestUs: median(s.map((x) => x.cpuPerRequestUs)),
  p50: median(s.map((x) => x.p50)),
  p99: median(s.map((x) => x.p99)),
});
console.log('\nmedians:');
for (const arm of arms) console.log(`  ${arm.name.padEnd(12)} ${fmt(summary(results.get(arm.name)!))}`);
for (const n of workerCounts) {
  const p = summary(results.get(`perfgate ${n}w`)!);
  const w = summary(results.get(`wrk -t${n}`)!);
  console.log(
    `perfgate ${n}w / wrk -t${n}: req/s ${(p.rps / w.rps).toFixed(2)}× (goal ≥ 0.95×), CPU per request ${(p.cpuPerRequestUs / w.cpuPerRequestUs).toFixed(2)}×`,
  );
}
const wrk1 = results.get('wrk -t1');
if (wrk1) {
  const floor = summary(results.get('bare socket')!);
  const w = summary(wrk1);
  console.log(
    `bare Node socket / wrk -t1: req/s ${(floor.rps / w.rps).toFixed(2)}×, CPU per request ${(floor.cpuPerRequestUs / w.cpuPerRequestUs).toFixed(2)}× (Node's floor, no accounting)`,
  );
}
