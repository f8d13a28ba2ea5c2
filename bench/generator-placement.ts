// npm run bench:generator-placement: the same stack loaded by the generator on the runner (runLoad here, to the app's
// address) and by the generator inside Docker (#14: a container on the stack's network, one perfgate generate for
// every window), alternating, same load. Prints per window QPS, p50, p99, the generator's CPU and the wall time a
// window cost beyond its own length; and once, the generator container's start (bundle copy included).
// On one machine both generators share its cores with the stack: this measures the overhead of the Docker path,
// not the benefit of a remote host. Options: --rounds N (default 4), --seconds S (default 3), --connections C (default 10).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import { loadConfig } from '../src/config/load.ts';
import { generatorBundle } from '../src/generator/bundle.ts';
import { remoteRunLoad } from '../src/generator/remote-load.ts';
import { runLoad } from '../src/load/run-load.ts';
import { consoleLog } from '../src/log.ts';
import type { LoadMeasurement } from '../src/result.ts';
import { startGeneratorContainer } from '../src/services/generator-container.ts';
import { startStack } from '../src/services/stack.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
  },
});
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const config = await loadConfig([path.join(root, 'perf')], { cwd: root });
const scenario = {
  ...config.scenarios[0]!,
  connections: Number(values.connections),
  warmupMs: 1000,
  durationMs: Number(values.seconds) * 1000,
};
const log = consoleLog();
const quiet = { ...log, info: () => undefined };
const runId = `bench-${Date.now().toString(36)}`;
const stack = await startStack({ services: config.services!, runId, log: quiet });
let stopGenerator = async () => {};
try {
  const bundle = await generatorBundle(process.env);
  const began = performance.now();
  const container = await startGeneratorContainer({ runId, networks: [stack.inNetwork.network], bundle, log: quiet });
  const remote = remoteRunLoad(() => container.exec());
  stopGenerator = async () => {
    remote.close();
    await container.stop();
  };
  console.log(`generator container started, bundle copied: ${((performance.now() - began) / 1000).toFixed(1)} s`);
  const arms = {
    runner: (o: Parameters<typeof runLoad>[0]) => runLoad({ ...o, origin: stack.origin }),
    docker: (o: Parameters<typeof runLoad>[0]) => remote({ ...o, origin: stack.inNetwork.origin }),
  };
  const results: Record<keyof typeof arms, LoadMeasurement[]> = { runner: [], docker: [] };
  for (let round = 0; round < Number(values.rounds); round++) {
    const order: Array<keyof typeof arms> = round % 2 === 0 ? ['runner', 'docker'] : ['docker', 'runner'];
    for (const where of order) {
      const started = performance.now();
      const m = await arms[where]({ origin: '', scenario });
      const extra = performance.now() - started - scenario.warmupMs - m.durationMs;
      results[where].push(m);
      console.log(
        `  round ${round + 1} ${where.padEnd(6)} ${Math.round(m.qps).toLocaleString('en-US').padStart(7)} req/s  p50 ${m.latency.p50.toFixed(3)} ms  p99 ${m.latency.p99.toFixed(3)} ms  generator ${m.generator.cpu.toFixed(2)} cores  +${(extra / 1000).toFixed(2)} s beyond the window`,
      );
    }
  }
  const qps = (where: keyof typeof arms) => median(results[where].map((m) => m.qps));
  console.log(
    `\nmedian QPS: runner ${Math.round(qps('runner')).toLocaleString('en-US')}, docker ${Math.round(qps('docker')).toLocaleString('en-US')}: ratio ${(qps('docker') / qps('runner')).toFixed(2)}×`,
  );
} finally {
  await stopGenerator();
  await stack.stop();
}
