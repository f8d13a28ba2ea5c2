// Two stacks of the same example (an A/A), for the scripts that look at where a pair's spread comes from (noise,
// cpu-placement): started one after the other, each warmed for 5 s unrecorded, and stopped whatever ends the script
// (Ctrl-C too): a bench must not leave containers behind either.
import type { Scenario, Services } from '../src/config/types.ts';
import { runLoad } from '../src/load/run-load.ts';
import { memoryLog } from '../src/log.ts';
import { startStack, type StartedStack } from '../src/services/stack.ts';

export type Row = { qps: number; p50: number; p99: number };

export interface AAStacks {
  a: StartedStack;
  b: StartedStack;
  /** One window of `durationMs` on a stack, no warm-up: its QPS, p50 and p99. */
  measure(stack: StartedStack, durationMs: number): Promise<Row>;
}

export async function withAAStacks(
  services: Services,
  scenario: Scenario,
  runId: string,
  body: (stacks: AAStacks) => Promise<void>,
): Promise<void> {
  const log = memoryLog();
  const live: StartedStack[] = [];
  const stopAll = () => Promise.allSettled(live.map((s) => s.stop()));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAll().then(() => process.exit(130)));
  try {
    const a = await startStack({ services, runId, arm: 'head', log });
    live.push(a);
    const b = await startStack({ services, runId, arm: 'base', log });
    live.push(b);
    const measure = async (stack: StartedStack, durationMs: number): Promise<Row> => {
      const m = await runLoad({ origin: stack.origin, scenario, warmupMs: 0, durationMs, amount: undefined });
      return { qps: m.qps, p50: m.latency.p50, p99: m.latency.p99 };
    };
    for (const stack of [a, b]) await measure(stack, 5000);
    await body({ a, b, measure });
  } finally {
    await stopAll();
  }
}
