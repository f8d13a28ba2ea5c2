// What the database, the cache and the app did: their cumulative counters, read only between measured windows —
// by `docker exec` in the containers perfgate started (psql, redis-cli, head of the app's cgroup files), or over a
// connection to the services a running target uses (diagnose:, services/diagnose-target.ts). compare/diagnosis.ts
// turns two readings and the window's requests into figures per request.
//
// Why exec for the containers perfgate starts, not the client libraries diagnose: uses: a reading is one exec per
// container of a tool the official images ship, in parallel (150–250 ms on this project's machine, between windows,
// so never in a measured one); the private network need not be reachable from the runner, and no credential leaves
// the container (psql connects over the container's own socket).
import type { StartedTestContainer } from 'testcontainers';
import type { Counters, StatementCounter } from '../compare/diagnosis.ts';

/**
 * A service whose counters are read: the containers a stack started with `stats` on, or a connection diagnose: opened
 * (`reads` says which kind of counters it gives).
 */
export type CounterSource =
  | { kind: 'postgres'; name: string; container: StartedTestContainer; user: string; password: string; database: string }
  | { kind: 'redis'; name: string; container: StartedTestContainer }
  | { kind: 'app'; name: string; container: StartedTestContainer }
  | { kind: 'connection'; name: string; reads: 'postgres' | 'redis'; read(): Promise<Reading> };

export interface CounterReader {
  /**
   * Every source's counters now; a source that cannot be read is left out (its figures are then absent) and its
   * error is in `unread`.
   */
  read(): Promise<Counters>;
  /** Kinds of service that have no source at all, and why (a budget on them says it). */
  unavailable?: Unread;
  /** Closes what the reader holds open (diagnose:'s connections). */
  close?(): Promise<void>;
}

type Unread = NonNullable<Counters['unread']>;

const kindOf = (source: CounterSource) => (source.kind === 'connection' ? source.reads : source.kind);

/**
 * The statements pg_stat_statements has seen, one row per queryid (summed over users, databases and nesting), as
 * one line of JSON (query texts may hold tabs and newlines). Perfgate's own reading names the view, so it is left
 * out by that name (and so is the CREATE EXTENSION that loaded it).
 */
export const STATEMENTS_SQL =
  "SELECT coalesce(json_agg(s), '[]') FROM (SELECT queryid::text AS id, min(query) AS query, sum(calls)::float8 AS calls, " +
  'sum(rows)::float8 AS rows, sum(total_exec_time)::float8 AS "execMs", sum(shared_blks_read)::float8 AS "blocksRead" ' +
  "FROM pg_stat_statements WHERE queryid IS NOT NULL AND query NOT LIKE '%pg_stat_statements%' GROUP BY queryid) s";

/** The SQL that loads the extension where the app's database is created (an init script, before the app starts). */
export const CREATE_EXTENSION_SQL = 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements;\n';

/** The server options that load pg_stat_statements (with nested statements counted, as the app's functions run them). */
export const POSTGRES_STATS_ARGS = ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all'];

export function counterReader(sources: CounterSource[], extra: Omit<CounterReader, 'read'> = {}): CounterReader | undefined {
  if (sources.length === 0 && !extra.unavailable) return undefined;
  return {
    ...extra,
    async read() {
      const counters: Counters = {};
      const unread: Unread = {};
      const readings = await Promise.all(
        sources.map((source) =>
          readSource(source).catch((error: unknown) => {
            unread[kindOf(source)] = error instanceof Error ? error.message : String(error);
            return undefined;
          }),
        ),
      );
      if (Object.keys(unread).length > 0) counters.unread = unread;
      for (const reading of readings) {
        if (!reading) continue;
        if (reading.kind === 'postgres') {
          counters.postgres ??= new Map();
          for (const [id, statement] of reading.statements) counters.postgres.set(`${reading.name}:${id}`, statement);
        } else if (reading.kind === 'app') {
          counters.app = reading.usage;
        } else {
          counters.redis ??= { commands: {}, hits: 0, misses: 0 };
          for (const [command, calls] of Object.entries(reading.stats.commands))
            counters.redis.commands[command] = (counters.redis.commands[command] ?? 0) + calls;
          counters.redis.hits += reading.stats.hits;
          counters.redis.misses += reading.stats.misses;
        }
      }
      return counters;
    },
  };
}

/** One source's counters at one moment. */
type Reading =
  | { kind: 'postgres'; name: string; statements: Map<string, StatementCounter> }
  | { kind: 'redis'; name: string; stats: NonNullable<Counters['redis']> }
  | { kind: 'app'; name: string; usage: NonNullable<Counters['app']> };

async function readSource(source: CounterSource): Promise<Reading> {
  if (source.kind === 'connection') return source.read();
  if (source.kind === 'postgres') {
    const psql = ['psql', '-X', '-q', '-A', '-t', '-U', source.user, '-d', source.database, '-c', STATEMENTS_SQL];
    const result = await source.container.exec(psql, { env: { PGPASSWORD: source.password } });
    if (result.exitCode !== 0) throw new Error(`psql exited with ${result.exitCode}: ${result.stderr.trim()}`);
    return { kind: 'postgres', name: source.name, statements: parseStatements(result.stdout) };
  }
  if (source.kind === 'app') {
    // The container's own cgroup: CPU time so far and its memory high-water mark. `head` names each file it prints
    // (and skips those this cgroup version lacks): v2 first, then v1.
    const result = await source.container.exec(['head', '-n', '64', ...CGROUP_FILES]);
    const usage = parseCgroup(result.stdout);
    if (!usage) throw new Error(`no cgroup counters in the app container: ${result.stderr.trim()}`);
    return { kind: 'app', name: source.name, usage };
  }
  const result = await source.container.exec(['redis-cli', 'INFO', 'commandstats', 'stats']);
  if (result.exitCode !== 0) throw new Error(`redis-cli exited with ${result.exitCode}: ${result.stderr.trim()}`);
  return { kind: 'redis', name: source.name, stats: parseRedisInfo(result.stdout) };
}

const CGROUP_FILES = [
  '/sys/fs/cgroup/cpu.stat',
  '/sys/fs/cgroup/memory.peak',
  '/sys/fs/cgroup/memory.current',
  '/sys/fs/cgroup/cpuacct/cpuacct.usage',
  '/sys/fs/cgroup/memory/memory.max_usage_in_bytes',
];

/**
 * `head` of the cgroup files → CPU ms so far and the memory high-water mark. cgroup v2: cpu.stat's usage_usec and
 * memory.peak (memory.current, now, before Linux 5.19); v1: cpuacct.usage (ns) and memory.max_usage_in_bytes.
 */
export function parseCgroup(text: string): NonNullable<Counters['app']> | undefined {
  const files = new Map<string, string>();
  for (const part of text.split(/^==> /m).filter(Boolean)) {
    const [name, ...body] = part.split('\n');
    files.set(name!.replace(/ <==$/, '').split('/').pop()!, body.join('\n').trim());
  }
  const usec = /^usage_usec (\d+)$/m.exec(files.get('cpu.stat') ?? '')?.[1];
  const nsec = files.get('cpuacct.usage');
  const cpuMs = usec !== undefined ? Number(usec) / 1000 : nsec && /^\d+$/.test(nsec) ? Number(nsec) / 1e6 : undefined;
  const memory = ['memory.peak', 'memory.current', 'memory.max_usage_in_bytes'].map((f) => files.get(f)).find((v) => v && /^\d+$/.test(v));
  if (cpuMs === undefined || memory === undefined) return undefined;
  return { cpuMs, memoryBytes: Number(memory) };
}

/** One row of STATEMENTS_SQL's JSON. */
export interface StatementRow {
  id: string;
  query: string;
  calls: number;
  rows: number;
  execMs: number;
  blocksRead: number;
}

/** psql's one line of JSON → statements by queryid. */
export function parseStatements(json: string): Map<string, StatementCounter> {
  return statementsOf(JSON.parse(json.trim() || '[]') as StatementRow[]);
}

/** STATEMENTS_SQL's rows → statements by queryid. */
export function statementsOf(rows: StatementRow[]): Map<string, StatementCounter> {
  return new Map(rows.map((r) => [r.id, { query: r.query, calls: r.calls, rows: r.rows, execMs: r.execMs, blocksRead: r.blocksRead }]));
}

/**
 * `INFO commandstats stats` → calls per command (upper case, `CLIENT|SETINFO` for a subcommand) and the keyspace
 * hits and misses. INFO itself is perfgate's reading, so it is left out.
 */
export function parseRedisInfo(info: string): NonNullable<Counters['redis']> {
  const commands: Record<string, number> = {};
  let hits = 0;
  let misses = 0;
  for (const line of info.split(/\r?\n/)) {
    const command = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (command) {
      const name = command[1]!.toUpperCase();
      if (name !== 'INFO') commands[name] = Number(command[2]);
      continue;
    }
    const stat = /^keyspace_(hits|misses):(\d+)/.exec(line);
    if (stat?.[1] === 'hits') hits = Number(stat[2]);
    else if (stat?.[1] === 'misses') misses = Number(stat[2]);
  }
  return { commands, hits, misses };
}
