// npm run bench: perfgate's load generator vs wrk on the same local target, same connections and duration,
// alternating A B A B. Prints the req/s ratio, the CPU-per-request ratio and both latencies. A script, not a
// test: this machine is noisy, so only the side-by-side ratios of one run mean anything.
// Options: --rounds N (default 3), --seconds S (default 5), --connections C (default 10).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const here = path.dirname(new URL(import.meta.url).pathname);

if (spawnSync('wrk', ['--version']).error) {
  console.error('wrk is not installed: apt-get install -y wrk');
  process.exit(2);
}

const target = spawn(process.execPath, [path.join(here, 'target-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<string>((resolve) => target.stdout!.once('data', (d) => resolve(String(d).trim())));
const url = `http://127.0.0.1:${port}`;

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
}

function runWrk(): Sample {
  const { stdout, cpu } = measured(`wrk -t1 -c${connections} -d${seconds}s --latency ${url}/`);
  const requests = Number(/(\d+) requests in/.exec(stdout)![1]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)![1]);
  const p50 = ms(/\s50%\s+(\S+)/.exec(stdout)![1]!);
  const p99 = ms(/\s99%\s+(\S+)/.exec(stdout)![1]!);
  return { rps, cpuPerRequestUs: (cpu / requests) * 1e6, p50, p99 };
}

function runPerfgate(): Sample {
  const { stdout, cpu } = measured(`'${process.execPath}' '${path.join(here, 'perfgate-generator.ts')}' ${url} ${connections} ${seconds}`);
  const m = JSON.parse(stdout.trim().split('\n').pop()!);
  // The child's CPU includes Node's start-up; subtract an idle start measured the same way.
  return {
    rps: m.outcomes.total / (m.durationMs / 1000),
    cpuPerRequestUs: ((cpu - startupCpu) / m.outcomes.total) * 1e6,
    p50: m.latency.p50,
    p99: m.latency.p99,
  };
}

const startupCpu = measured(
  `'${process.execPath}' -e "await import('${path.join(here, '..', 'src', 'load', 'run-load.ts')}')" --input-type=module`,
).cpu;
const results: Record<'perfgate' | 'wrk', Sample[]> = { perfgate: [], wrk: [] };
console.log(
  `target ${url} (node:http in its own process), ${connections} connections, ${seconds}s windows, ${rounds} rounds A B A B; ${os.cpus().length} × ${os.cpus()[0]?.model}`,
);
for (let round = 0; round < rounds; round++) {
  for (const name of round % 2 === 0 ? (['perfgate', 'wrk'] as const) : (['wrk', 'perfgate'] as const)) {
    const sample = name === 'wrk' ? runWrk() : runPerfgate();
    results[name].push(sample);
    console.log(
      `  round ${round + 1} ${name.padEnd(8)} ${Math.round(sample.rps).toLocaleString('en-US').padStart(7)} req/s  ${sample.cpuPerRequestUs.toFixed(1).padStart(5)} µs CPU/request  p50 ${sample.p50.toFixed(3)} ms  p99 ${sample.p99.toFixed(3)} ms`,
    );
  }
}
target.kill('SIGTERM');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = (s: Sample[]) => ({
  rps: median(s.map((x) => x.rps)),
  cpu: median(s.map((x) => x.cpuPerRequestUs)),
  p50: median(s.map((x) => x.p50)),
  p99: median(s.map((x) => x.p99)),
});
const p = summary(results.perfgate);
const w = summary(results.wrk);
console.log(
  `\nmedians: perfgate ${Math.round(p.rps).toLocaleString('en-US')} req/s, ${p.cpu.toFixed(1)} µs CPU/request, p50 ${p.p50.toFixed(3)} ms, p99 ${p.p99.toFixed(3)} ms`,
);
console.log(
  `         wrk      ${Math.round(w.rps).toLocaleString('en-US')} req/s, ${w.cpu.toFixed(1)} µs CPU/request, p50 ${w.p50.toFixed(3)} ms, p99 ${w.p99.toFixed(3)} ms`,
);
console.log(
  `req/s ratio perfgate/wrk: ${(p.rps / w.rps).toFixed(2)}× (goal ≥ 0.95×)   CPU per request ratio: ${(p.cpu / w.cpu).toFixed(2)}× (goal ≤ 1.3×)`,
);
