// The app container's CPU and memory while a scenario runs, from the Docker stats API.
import type Dockerode from 'dockerode';
import type { ServerCost } from '../result.ts';

export interface ServerCostSampler {
  stop(requests: number): Promise<ServerCost>;
}

interface Stats {
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

/** Working-set memory: usage minus page cache (cgroup v2: inactive_file; v1: total_inactive_file or cache). */
function workingSet(stats: Stats): number {
  const usage = stats.memory_stats?.usage ?? 0;
  const s = stats.memory_stats?.stats ?? {};
  const cache = s.inactive_file ?? s.total_inactive_file ?? s.cache ?? 0;
  return Math.max(0, usage - cache);
}

export function sampleServerCost(container: Dockerode.Container, intervalMs = 500): ServerCostSampler {
  const started = performance.now();
  let first: number | undefined;
  let last: number | undefined;
  let peak = 0;
  let stopped = false;
  const take = async () => {
    const stats = (await container.stats({ stream: false })) as unknown as Stats;
    const cpu = stats.cpu_stats?.cpu_usage?.total_usage;
    if (cpu !== undefined) {
      first ??= cpu;
      last = cpu;
    }
    peak = Math.max(peak, workingSet(stats));
  };
  // One sample in flight at a time; a stats call itself takes ~1 s on some engines, so no fixed cadence.
  const loop = (async () => {
    await take().catch(() => undefined);
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      if (!stopped) await take().catch(() => undefined);
    }
  })();
  return {
    async stop(requests: number): Promise<ServerCost> {
      stopped = true;
      await loop;
      await take().catch(() => undefined);
      const seconds = (performance.now() - started) / 1000;
      const cpuMs = first !== undefined && last !== undefined ? (last - first) / 1e6 : 0;
      return {
        cpuMsPerRequest: requests > 0 ? cpuMs / requests : 0,
        peakMemoryBytes: peak,
        cpuCores: seconds > 0 ? cpuMs / 1000 / seconds : 0,
      };
    },
  };
}
