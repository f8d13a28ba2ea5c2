// A noisy neighbour: another process that burns one core in bursts (busy 1–4 s, idle 1–4 s, seeded), as another
// job on a shared CI runner would. A separate process, so the generator's own CPU reading never includes it.
// Bounded in time: it stops by itself after `maxMs`, and with its parent.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface NoisyNeighbour {
  /** Stops the burner; resolves with how long it was busy (ms). */
  stop(): Promise<number>;
}

export interface NoisyNeighbourOptions {
  seed?: number;
  /** It stops by itself after this long. */
  maxMs?: number;
  busyMs?: [number, number];
  idleMs?: [number, number];
}

export async function startNoisyNeighbour(options: NoisyNeighbourOptions = {}): Promise<NoisyNeighbour> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--burn', JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await once(child, 'message');
  return {
    async stop() {
      if (child.exitCode !== null) return 0;
      const report = once(child, 'message').then(([busy]) => Number(busy));
      child.send('stop');
      const busy = await report;
      await once(child, 'exit');
      return busy;
    },
  };
}

/** The burner's loop: a seeded schedule of busy and idle spells; busy spells spin in slices so 'stop' is heard. */
async function burn(options: NoisyNeighbourOptions): Promise<void> {
  const { mulberry32 } = await import('../../src/stats/rng.ts');
  const random = mulberry32(options.seed ?? 1);
  const [busyLow, busyHigh] = options.busyMs ?? [1000, 4000];
  const [idleLow, idleHigh] = options.idleMs ?? [1000, 4000];
  const deadline = performance.now() + (options.maxMs ?? 15 * 60_000);
  const between = (low: number, high: number) => low + random() * (high - low);
  let stopping = false;
  let busyTotal = 0;
  let wake = () => {};
  process.on('message', () => {
    stopping = true;
    wake();
  });
  process.on('disconnect', () => process.exit(0));
  process.send!('started');
  while (!stopping && performance.now() < deadline) {
    const busyUntil = performance.now() + between(busyLow, busyHigh);
    while (!stopping && performance.now() < busyUntil) {
      const slice = performance.now() + 20;
      while (performance.now() < slice);
      busyTotal += 20;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (stopping) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, between(idleLow, idleHigh));
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  process.send!(busyTotal, () => process.disconnect());
}

if (process.argv[2] === '--burn') void burn(JSON.parse(process.argv[3] ?? '{}') as NoisyNeighbourOptions);
