// diagnose: (#11): the Postgres and Redis a running target uses, read over one connection each that stays open for
// the whole run, so that nothing but perfgate's own reading (left out by name: STATEMENTS_SQL, INFO) runs on it
// between two readings. A service that cannot be read is one warning naming the fix, and the run goes on without its
// figures: diagnostics are not gates (a budget on them then fails as not measurable, with the same reason).
// Connection strings are secrets: no message names one, and a client's own error text passes through redactUrls.
import { createClient } from '@redis/client';
import pg from 'pg';
import type { Diagnose } from '../config/types.ts';
import type { Log } from '../log.ts';
import { redactUrls } from '../report/redact.ts';
import {
  counterReader,
  parseRedisInfo,
  STATEMENTS_SQL,
  statementsOf,
  type CounterReader,
  type CounterSource,
  type StatementRow,
} from './diagnosis.ts';

/** How long connecting and one reading may take: a reading happens between windows, and must not hold the run up. */
const TIMEOUT_MS = 5000;

/** What Postgres says when pg_stat_statements is missing, by SQLSTATE: the fix for each. */
const POSTGRES_FIXES: Record<string, string> = {
  // undefined_table: the library may be loaded, but the extension was not created in this database.
  '42P01': 'run CREATE EXTENSION pg_stat_statements; in the database diagnose.postgres names',
  // object_not_in_prerequisite_state: "pg_stat_statements must be loaded via shared_preload_libraries".
  '55000':
    'start Postgres with shared_preload_libraries = pg_stat_statements (postgresql.conf, or -c shared_preload_libraries=pg_stat_statements) and restart it',
};

/**
 * Opens diagnose:'s connections and checks each can be read (a first reading). A reader holds what could be opened;
 * what could not is warned about once and is in its `unavailable`. Undefined when diagnose: names nothing.
 */
export async function openTargetCounters(diagnose: Diagnose, log: Log): Promise<CounterReader | undefined> {
  const opened = await Promise.all([
    diagnose.postgres ? openPostgres(diagnose.postgres) : undefined,
    diagnose.redis ? openRedis(diagnose.redis) : undefined,
  ]);
  const sources: CounterSource[] = [];
  const closers: Array<() => Promise<void>> = [];
  const unavailable: NonNullable<CounterReader['unavailable']> = {};
  for (const result of opened) {
    if (!result) continue;
    if ('problem' in result) {
      unavailable[result.reads] = result.problem;
      log.warn(`diagnose.${result.reads}: ${result.problem}; the run goes on without its figures`);
      continue;
    }
    sources.push(result.source);
    closers.push(result.close);
  }
  return counterReader(sources, {
    ...(Object.keys(unavailable).length > 0 ? { unavailable } : {}),
    close: async () => {
      await Promise.allSettled(closers.map((close) => close()));
    },
  });
}

type Opened =
  { source: CounterSource & { kind: 'connection' }; close: () => Promise<void> } | { reads: 'postgres' | 'redis'; problem: string };

const message = (error: unknown) => redactUrls(error instanceof Error ? error.message : String(error));

async function openPostgres(connectionString: string): Promise<Opened> {
  const client = new pg.Client({
    connectionString,
    application_name: 'perfgate diagnosis',
    connectionTimeoutMillis: TIMEOUT_MS,
    statement_timeout: TIMEOUT_MS,
    query_timeout: TIMEOUT_MS,
  });
  // A connection that breaks later makes that reading fail (its figures are left out); it must not crash the run.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    return { reads: 'postgres', problem: `could not connect to the database diagnose.postgres names (${message(error)})` };
  }
  const read = async () => {
    const result = await client.query<{ statements: StatementRow[] }>(`SELECT (${STATEMENTS_SQL}) AS statements`);
    return { kind: 'postgres' as const, name: 'diagnose.postgres', statements: statementsOf(result.rows[0]?.statements ?? []) };
  };
  try {
    await read();
  } catch (error) {
    await client.end().catch(() => undefined);
    const code = (error as { code?: string }).code;
    const fix = code ? POSTGRES_FIXES[code] : undefined;
    return {
      reads: 'postgres',
      problem: fix
        ? `pg_stat_statements is not loaded there (${message(error)}): ${fix} (docs/config.md#diagnose)`
        : `pg_stat_statements could not be read there (${message(error)})`,
    };
  }
  return { source: { kind: 'connection', name: 'diagnose.postgres', reads: 'postgres', read }, close: () => client.end() };
}

async function openRedis(url: string): Promise<Opened> {
  // No CLIENT SETINFO on connect and no reconnecting: the only commands on this connection are perfgate's INFO.
  const client = createClient({ url, disableClientInfo: true, socket: { connectTimeout: TIMEOUT_MS, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    client.destroy();
    return { reads: 'redis', problem: `could not connect to the Redis diagnose.redis names (${message(error)})` };
  }
  const read = async () => {
    // Two sections, one INFO each: INFO with several sections needs Redis 7.
    const commands = await client.sendCommand<string>(['INFO', 'commandstats']);
    const stats = await client.sendCommand<string>(['INFO', 'stats']);
    return { kind: 'redis' as const, name: 'diagnose.redis', stats: parseRedisInfo(`${commands}\n${stats}`) };
  };
  try {
    await read();
  } catch (error) {
    client.destroy();
    return { reads: 'redis', problem: `INFO could not be read there (${message(error)})` };
  }
  return {
    source: { kind: 'connection', name: 'diagnose.redis', reads: 'redis', read },
    close: async () => {
      await client.close().catch(() => client.destroy());
    },
  };
}
