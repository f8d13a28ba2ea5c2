// A concurrency sweep read as one curve: throughput and tail latency per level, the peak, and the knee — the
// level past which more connections buy almost no throughput, only queueing (Little's law: at saturation,
// latency ≈ connections / QPS, so every extra connection waits in line).
import type { ScenarioResult } from '../result.ts';
import { formatChange, formatMetric } from './format.ts';

/** Past the knee, one more step of concurrency raises QPS by less than this. */
const KNEE_GAIN = 0.05;

interface SweepLevel {
  connections: number;
  qps: number;
  p50: number;
  p99: number;
  /** HTTP errors plus client failures. */
  problems: number;
  generatorSaturated: boolean;
  scenario: ScenarioResult;
}

export interface Sweep {
  name: string;
  /** By connections, ascending; at least two. */
  levels: SweepLevel[];
  peak: SweepLevel;
  /** Closed model only: the first level after which the next step adds less than KNEE_GAIN of QPS. */
  knee?: { level: SweepLevel; next: SweepLevel; qpsGain: number; p99Rise: number };
}

export function sweeps(scenarios: ScenarioResult[]): Sweep[] {
  const groups = new Map<string, ScenarioResult[]>();
  for (const s of scenarios) {
    if (s.sweepOf === undefined || s.error) continue;
    groups.set(s.sweepOf, [...(groups.get(s.sweepOf) ?? []), s]);
  }
  const out: Sweep[] = [];
  for (const [name, members] of groups) {
    if (members.length < 2) continue;
    const levels = members
      .map((s) => ({
        connections: s.connections,
        qps: s.measurement.qps,
        p50: s.measurement.latency.p50,
        p99: s.measurement.latency.p99,
        problems: s.measurement.outcomes.httpErrors + s.measurement.outcomes.failures,
        generatorSaturated: s.measurement.generator.saturated,
        scenario: s,
      }))
      .sort((a, b) => a.connections - b.connections);
    const peak = levels.reduce((best, l) => (l.qps > best.qps ? l : best));
    const sweep: Sweep = { name, levels, peak };
    const closed = members.every((s) => s.rate === undefined);
    for (let i = 0; closed && i + 1 < levels.length; i++) {
      const [level, next] = [levels[i]!, levels[i + 1]!];
      if (level.qps <= 0) continue;
      const qpsGain = next.qps / level.qps - 1;
      if (qpsGain < KNEE_GAIN) {
        sweep.knee = { level, next, qpsGain, p99Rise: level.p99 > 0 ? next.p99 / level.p99 - 1 : 0 };
        break;
      }
    }
    out.push(sweep);
  }
  return out;
}

const REPORT_FORMAT = { qps: (v: number) => formatMetric('qps', v), pct: formatChange };

/** One sentence a reader acts on: where throughput stops scaling, or that it never did within the sweep. */
export function sweepFinding(sweep: Sweep, format: { qps(v: number): string; pct(v: number): string } = REPORT_FORMAT): string {
  const peak = `peak ${format.qps(sweep.peak.qps)} at ${sweep.peak.connections} connections`;
  const saturated = sweep.levels.filter((l) => l.generatorSaturated).map((l) => l.connections);
  const client = saturated.length
    ? `; the load generator was saturated at ${saturated.join(', ')} connections, so those levels measure the client`
    : '';
  if (sweep.knee) {
    const { level, next, qpsGain, p99Rise } = sweep.knee;
    return (
      `throughput stops scaling at ${level.connections} connections: going to ${next.connections} added ${format.pct(qpsGain)} QPS ` +
      `and ${format.pct(p99Rise)} p99 (the extra connections only queue); ${peak}${client}`
    );
  }
  if (sweep.levels.some((l) => l.scenario.rate !== undefined)) return `open model: connections are a pool, not the load; ${peak}${client}`;
  const [before, last] = sweep.levels.slice(-2) as [SweepLevel, SweepLevel];
  const gain = before.qps > 0 ? last.qps / before.qps - 1 : 0;
  return `QPS was still rising at ${last.connections} connections (${format.pct(gain)} from ${before.connections}): not saturated within this sweep; ${peak}${client}`;
}
