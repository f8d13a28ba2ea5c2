// What the database, the cache and the app did per request: cumulative counters read before and after each
// window (services/diagnosis.ts), pooled over an arm's windows (the sum of the deltas over the sum of the
// requests), then base beside head. Pure.
import type { ScenarioResult, ServerCost } from '../result.ts';

/** One statement as pg_stat_statements counts it, cumulative. */
export interface StatementCounter {
  query: string;
  calls: number;
  rows: number;
  execMs: number;
  blocksRead: number;
}

/** Cumulative counters at one moment: Postgres statements by a key unique per service and queryid; Redis totals. */
export interface Counters {
  postgres?: Map<string, StatementCounter>;
  redis?: { commands: Record<string, number>; hits: number; misses: number };
  /** The app container: CPU time so far (ms) and its memory high-water mark (bytes). */
  app?: { cpuMs: number; memoryBytes: number };
  /** Kinds of service whose counters could not be read at this moment, with the error (left out above). */
  unread?: Partial<Record<'postgres' | 'redis' | 'app', string>>;
}

/** One measured window of one arm: the counters around it and the requests it sent. */
export interface WindowSample {
  requests: number;
  before: Counters;
  after: Counters;
}

export type Diagnosis = NonNullable<ScenarioResult['diagnosis']>;

/** An arm's windows, added up: statements by their text (queryids differ between two servers), Redis, the app. */
export interface ArmTotals {
  requests: number;
  postgres?: Map<string, Omit<StatementCounter, 'query'>>;
  redis?: { commands: Record<string, number>; hits: number; misses: number };
  app?: { cpuMs: number; requests: number; peakMemoryBytes: number };
}

/** How many statements `top` keeps. */
const TOP = 10;

/** A counter's growth; one that went backwards was reset (pg_stat_statements_reset, CONFIG RESETSTAT) and counts from 0. */
const grew = (after: number, before: number | undefined) => (after >= (before ?? 0) ? after - (before ?? 0) : after);

/** Adds one window's deltas to an arm's totals. */
export function addWindow(totals: ArmTotals, sample: WindowSample): ArmTotals {
  const { before, after } = sample;
  const next: ArmTotals = { ...totals, requests: totals.requests + sample.requests };
  if (after.postgres && before.postgres) {
    const statements = new Map(totals.postgres ?? []);
    for (const [key, now] of after.postgres) {
      const was = before.postgres.get(key);
      const calls = grew(now.calls, was?.calls);
      if (calls === 0) continue;
      const sum = statements.get(now.query) ?? { calls: 0, rows: 0, execMs: 0, blocksRead: 0 };
      statements.set(now.query, {
        calls: sum.calls + calls,
        rows: sum.rows + grew(now.rows, was?.rows),
        execMs: sum.execMs + grew(now.execMs, was?.execMs),
        blocksRead: sum.blocksRead + grew(now.blocksRead, was?.blocksRead),
      });
    }
    next.postgres = statements;
  }
  if (after.redis && before.redis) {
    const commands = { ...totals.redis?.commands };
    for (const [command, calls] of Object.entries(after.redis.commands)) {
      const delta = grew(calls, before.redis.commands[command]);
      if (delta > 0) commands[command] = (commands[command] ?? 0) + delta;
    }
    next.redis = {
      commands,
      hits: (totals.redis?.hits ?? 0) + grew(after.redis.hits, before.redis.hits),
      misses: (totals.redis?.misses ?? 0) + grew(after.redis.misses, before.redis.misses),
    };
  }
  if (after.app && before.app) {
    const app = totals.app ?? { cpuMs: 0, requests: 0, peakMemoryBytes: 0 };
    next.app = {
      cpuMs: app.cpuMs + grew(after.app.cpuMs, before.app.cpuMs),
      requests: app.requests + sample.requests,
      peakMemoryBytes: Math.max(app.peakMemoryBytes, after.app.memoryBytes),
    };
  }
  return next;
}

/**
 * Adds one window's app cost to an arm's totals: `cost` as the sampler gave it for `counted` requests (its CPU per
 * request × counted = the CPU it saw), over the `requests` that CPU served.
 */
export function addAppCost(totals: ArmTotals, cost: ServerCost, counted: number, requests = counted): ArmTotals {
  const app = totals.app ?? { cpuMs: 0, requests: 0, peakMemoryBytes: 0 };
  return {
    ...totals,
    app: {
      cpuMs: app.cpuMs + cost.cpuMsPerRequest * counted,
      requests: app.requests + requests,
      peakMemoryBytes: Math.max(app.peakMemoryBytes, cost.peakMemoryBytes),
    },
  };
}

export const emptyTotals = (): ArmTotals => ({ requests: 0 });

/** The figures per request, `{ head }` alone or `{ base, head }`; undefined when nothing was read. */
export function diagnosisOf(head: ArmTotals, base?: ArmTotals): Diagnosis | undefined {
  const diagnosis: Diagnosis = {};
  const per = (n: number, t: ArmTotals) => (t.requests > 0 ? n / t.requests : 0);
  const figure = (of: (t: ArmTotals) => number) => ({ ...(base ? { base: of(base) } : {}), head: of(head) });

  if (head.postgres && (!base || base.postgres)) {
    const sum = (t: ArmTotals, key: keyof Omit<StatementCounter, 'query'>) =>
      per(
        [...(t.postgres?.values() ?? [])].reduce((s, x) => s + x[key], 0),
        t,
      );
    const statement = (t: ArmTotals | undefined, query: string) => t?.postgres?.get(query);
    const queries = new Set([...head.postgres.keys(), ...(base?.postgres?.keys() ?? [])]);
    const rows = [...queries].map((query) => {
      const h = statement(head, query);
      const b = statement(base, query);
      const calls = figure((t) => per(statement(t, query)?.calls ?? 0, t));
      const execMs = figure((t) => per(statement(t, query)?.execMs ?? 0, t));
      return { query, h, b, calls, execMs };
    });
    const change = (f: { base?: number; head: number }) => Math.abs(f.head - (f.base ?? 0));
    rows.sort((x, y) => change(y.calls) - change(x.calls) || change(y.execMs) - change(x.execMs) || x.query.localeCompare(y.query));
    diagnosis.postgres = {
      statementsPerRequest: figure((t) => sum(t, 'calls')),
      rowsPerRequest: figure((t) => sum(t, 'rows')),
      execMsPerRequest: figure((t) => sum(t, 'execMs')),
      blocksReadPerRequest: figure((t) => sum(t, 'blocksRead')),
      top: rows.slice(0, TOP).map(({ query, h, b, calls, execMs }) => ({
        query: query.slice(0, 2000),
        callsPerRequest: calls,
        execMsPerRequest: execMs,
        ...(base && h && !b ? { newInHead: true } : {}),
      })),
    };
  }

  if (head.redis && (!base || base.redis)) {
    const all = (t: ArmTotals) => Object.values(t.redis?.commands ?? {}).reduce((s, n) => s + n, 0);
    const commands = new Set([...Object.keys(head.redis.commands), ...Object.keys(base?.redis?.commands ?? {})]);
    const ratio = (t: ArmTotals) => {
      const looked = (t.redis?.hits ?? 0) + (t.redis?.misses ?? 0);
      return looked > 0 ? t.redis!.hits / looked : null;
    };
    diagnosis.redis = {
      commandsPerRequest: figure((t) => per(all(t), t)),
      byCommand: Object.fromEntries([...commands].sort().map((c) => [c, figure((t) => per(t.redis?.commands[c] ?? 0, t))])),
      hitRatio: { ...(base ? { base: ratio(base) } : {}), head: ratio(head) },
    };
  }

  if (head.app && (!base || base.app)) {
    const cpu = (t: ArmTotals) => (t.app && t.app.requests > 0 ? t.app.cpuMs / t.app.requests : 0);
    diagnosis.app = { cpuMsPerRequest: figure(cpu), peakMemoryBytes: figure((t) => t.app?.peakMemoryBytes ?? 0) };
  }
  return Object.keys(diagnosis).length > 0 ? diagnosis : undefined;
}
