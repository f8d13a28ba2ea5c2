// One window of perfgate's load engine, as a process of its own so its CPU is measured like wrk's.
// Usage: node bench/perfgate-generator.ts URL CONNECTIONS SECONDS [WORKERS]  → prints the measurement as JSON.
import { runLoad } from '../src/load/run-load.ts';
import { scenario } from '../test/helpers/scenario.ts';

const [url, connections, seconds, workers] = process.argv.slice(2);
const m = await runLoad({
  origin: url!,
  scenario: scenario({
    connections: Number(connections),
    durationMs: Number(seconds) * 1000,
    warmupMs: 0,
    timeoutMs: 10_000,
    workers: Number(workers ?? 1),
  }),
});
console.log(JSON.stringify(m));
