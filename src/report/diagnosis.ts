// The diagnosis in words a reader acts on: what the database, the cache and the app did per request, and with a
// base, only what changed materially between the arms ("+5.0 SQL statements per request (0.0 → 5.0), new: …").
// Diagnostics, not gates: these lines explain a verdict, they never make one. `quote` renders a statement's text
// for the output (escaped code in Markdown, plain in a terminal).
import type { ScenarioResult } from '../result.ts';
import { formatBytes, formatNumber } from './format.ts';

type Diagnosis = NonNullable<ScenarioResult['diagnosis']>;
type Figure = { base?: number; head: number };

/** What "changed materially" means: at least this much in absolute terms and relative to the larger arm. */
const MATERIAL = {
  count: { abs: 0.5, rel: 0.1 },
  rows: { abs: 1, rel: 0.1 },
  execMs: { abs: 0.05, rel: 0.5 },
  blocks: { abs: 1, rel: 0.5 },
  cpuMs: { abs: 0.1, rel: 0.5 },
  memory: { abs: 16 * 1024 ** 2, rel: 0.25 },
  hitRatio: { abs: 0.1, rel: 0 },
} as const;

/** How many statements a change line names. */
const NAMED = 2;

function material(f: Figure, threshold: { abs: number; rel: number }): boolean {
  if (f.base === undefined) return false;
  const delta = Math.abs(f.head - f.base);
  return delta >= threshold.abs && delta >= threshold.rel * Math.max(Math.abs(f.base), Math.abs(f.head));
}

const signed = (n: number, digits = 1) => `${n >= 0 ? '+' : '-'}${formatNumber(Math.abs(n), digits)}`;
const fixed = (n: number, digits = 1) => formatNumber(n, digits);
const percent = (n: number) => `${formatNumber(n * 100, 0)}%`;
const ms = (n: number) => formatNumber(n, n < 1 ? 3 : 2);

/**
 * The figures that changed materially between the arms, one line each, most actionable first; empty when nothing
 * did (or there is no base).
 */
function diagnosisChanges(diagnosis: Diagnosis, quote: (query: string) => string): string[] {
  const lines: string[] = [];
  const pg = diagnosis.postgres;
  if (pg) {
    const s = pg.statementsPerRequest;
    if (material(s, MATERIAL.count)) {
      const grown = s.head > s.base!;
      const named = pg.top.filter(
        (t) => material(t.callsPerRequest, MATERIAL.count) && t.callsPerRequest.head > t.callsPerRequest.base! === grown,
      );
      const fresh = named.filter((t) => t.newInHead).slice(0, NAMED);
      const cause =
        fresh.length > 0
          ? `, new: ${fresh.map((t) => quote(t.query)).join(', ')}`
          : named.length > 0
            ? `, most in ${named
                .slice(0, NAMED)
                .map((t) => `${quote(t.query)} (${signed(t.callsPerRequest.head - t.callsPerRequest.base!)})`)
                .join(', ')}`
            : '';
      lines.push(`${signed(s.head - s.base!)} SQL statements per request (${fixed(s.base!)} → ${fixed(s.head)})${cause}`);
    }
    const r = pg.rowsPerRequest;
    if (material(r, MATERIAL.rows))
      lines.push(`${signed(r.head - r.base!)} rows per request from Postgres (${fixed(r.base!)} → ${fixed(r.head)})`);
    const e = pg.execMsPerRequest;
    if (material(e, MATERIAL.execMs))
      lines.push(`SQL execution time per request ${ms(e.base!)} → ${ms(e.head)} ms (${signed(e.head - e.base!, 3)} ms)`);
    const b = pg.blocksReadPerRequest;
    if (material(b, MATERIAL.blocks))
      lines.push(`${signed(b.head - b.base!)} blocks read outside Postgres' cache per request (${fixed(b.base!)} → ${fixed(b.head)})`);
  }
  const redis = diagnosis.redis;
  if (redis) {
    const hit = redis.hitRatio;
    if (hit.base !== undefined && hit.base !== null && hit.head !== null && material({ base: hit.base, head: hit.head }, MATERIAL.hitRatio))
      lines.push(`Redis hit ratio ${percent(hit.base)} → ${percent(hit.head)}`);
    const commands = Object.entries(redis.byCommand)
      .filter(([, f]) => material(f, MATERIAL.count))
      .map(([name, f]) => `${name} ${signed(f.head - f.base!)}`);
    const c = redis.commandsPerRequest;
    if (material(c, MATERIAL.count))
      lines.push(
        `${signed(c.head - c.base!)} Redis commands per request (${fixed(c.base!)} → ${fixed(c.head)})${commands.length > 0 ? `: ${commands.join(', ')}` : ''}`,
      );
    else if (commands.length > 0) lines.push(`Redis commands per request changed: ${commands.join(', ')}`);
  }
  const app = diagnosis.app;
  if (app) {
    const cpu = app.cpuMsPerRequest;
    if (material(cpu, MATERIAL.cpuMs)) lines.push(`App CPU per request ${ms(cpu.base!)} → ${ms(cpu.head)} ms`);
    const memory = app.peakMemoryBytes;
    if (material(memory, MATERIAL.memory)) lines.push(`App peak memory ${formatBytes(memory.base!)} → ${formatBytes(memory.head)}`);
  }
  return lines;
}

/** Without a base: what one request cost the database and the cache, in one line ("1.0 SQL statements (0.021 ms), …"). */
function diagnosisSummary(diagnosis: Diagnosis): string | undefined {
  const parts: string[] = [];
  const pg = diagnosis.postgres;
  if (pg)
    parts.push(
      `${fixed(pg.statementsPerRequest.head)} SQL statements (${ms(pg.execMsPerRequest.head)} ms, ${fixed(pg.rowsPerRequest.head)} rows)`,
    );
  const redis = diagnosis.redis;
  if (redis) {
    const ratio = redis.hitRatio.head === null ? '' : `, hit ratio ${percent(redis.hitRatio.head)}`;
    parts.push(`${fixed(redis.commandsPerRequest.head)} Redis commands${ratio}`);
  }
  return parts.length > 0 ? `per request: ${parts.join(' · ')}` : undefined;
}

/** Whether the diagnosis has a base to compare with. */
function hasBase(diagnosis: Diagnosis): boolean {
  const first = diagnosis.postgres?.statementsPerRequest ?? diagnosis.redis?.commandsPerRequest ?? diagnosis.app?.cpuMsPerRequest;
  return first?.base !== undefined;
}

/** Statement texts are cut here in reports (the JSON keeps up to 2000 characters). */
const MAX_QUERY = 160;

const clipQuery = (query: string) => {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_QUERY ? `${flat.slice(0, MAX_QUERY - 1)}…` : flat;
};

/**
 * The diagnosis as report lines: with a base, the material changes (or that there were none); without one, what a
 * request cost. `quote` makes a statement's text safe for the output; it gets the text flattened and clipped.
 */
export function diagnosisLines(
  diagnosis: Diagnosis | undefined,
  quote: (query: string) => string,
): { title: string; lines: string[] } | undefined {
  if (!diagnosis) return undefined;
  if (hasBase(diagnosis)) {
    const lines = diagnosisChanges(diagnosis, (q) => quote(clipQuery(q)));
    return lines.length > 0
      ? { title: 'What changed per request (base → head; diagnostics, not gates)', lines }
      : { title: 'Per request, the database, the cache and the app did the same in both arms (no material change)', lines: [] };
  }
  const summary = diagnosisSummary(diagnosis);
  return summary ? { title: summary, lines: [] } : undefined;
}
