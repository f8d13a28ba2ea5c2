// npm run bench:port-path: the example app reached through its mapped loopback port (docker-proxy) vs its own
// container address on the bridge, alternating, same load. Also prints the stack's time to first request.
// Options: --rounds N (default 4), --seconds S (default 3), --connections C (default 10).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import { loadConfig } from '../src/config/load.ts';
import { runLoad } from '../src/load/run-load.ts';
import { consoleLog } from '../src/log.ts';
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

const runs: Array<{ ttfr: number; origin: string; mapped: string }> = [];
const log = consoleLog();
const stack = await startStack({
  services: config.services!,
  runId: `bench-${Date.now().toString(36)}`,
  log: { ...log, info: () => undefined },
});
try {
  const direct = stack.origin;
  runs.push({ ttfr: stack.timings.total!, origin: direct, mapped: '' });
  console.log(
    `time to first request (images and build cache warm): ${(stack.timings.total! / 1000).toFixed(1)} s  (${Object.entries(stack.timings)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
      .join(', ')})`,
  );
  const mapped = process.env.PERFGATE_MAPPED_ORIGIN ?? (await mappedOrigin(direct));
  const results: Record<string, number[]> = { [direct]: [], [mapped]: [] };
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const origin of round % 2 === 0 ? [direct, mapped] : [mapped, direct]) {
      const m = await runLoad({ origin, scenario });
      results[origin]!.push(m.qps);
      console.log(
        `  round ${round + 1} ${origin === direct ? 'container IP' : 'mapped port '} ${origin.padEnd(28)} ${Math.round(m.qps).toLocaleString('en-US').padStart(7)} req/s  p50 ${m.latency.p50.toFixed(3)} ms  p99 ${m.latency.p99.toFixed(3)} ms`,
      );
    }
  }
  console.log(
    `\nmedian QPS: container IP ${Math.round(median(results[direct]!)).toLocaleString('en-US')}, mapped port ${Math.round(median(results[mapped]!)).toLocaleString('en-US')}: ratio ${(median(results[direct]!) / median(results[mapped]!)).toFixed(2)}×`,
  );
} finally {
  await stack.stop();
}

/** The same container's port as published on loopback, found through Docker. */
async function mappedOrigin(direct: string): Promise<string> {
  const { dockerClient } = await import('../src/services/docker-check.ts');
  const docker = (await dockerClient()).container.dockerode;
  const host = new URL(direct).hostname;
  for (const c of await docker.listContainers({ filters: { label: ['dev.perfgate.service=app'] } })) {
    const info = await docker.getContainer(c.Id).inspect();
    if (Object.values(info.NetworkSettings.Networks).some((n) => n.IPAddress === host)) {
      const binding = Object.values(info.NetworkSettings.Ports)
        .flat()
        .find((b) => b && b.HostIp === '0.0.0.0');
      if (binding) return `http://127.0.0.1:${binding.HostPort}`;
    }
  }
  throw new Error('no mapped port found for the app container');
}
