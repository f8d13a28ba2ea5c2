// `diagnose:` (#11): the Postgres and Redis a running target (target:) uses, named by connection strings, so the
// diagnosis reads their counters as it reads those of the services perfgate starts; and the check, across files,
// that every budget on the diagnosis (sql_per_request, redis_per_request) has counters to be judged on. Pure.
// Connection strings are secrets: no message here shows one, resolved or as written.
import type { AddIssue } from './issues.ts';
import { keyPath, type Positions, type Segments } from './positions.ts';
import type { PerfFile } from './schema.ts';
import { findMalformed, findReferences, refusedEnv, substitute } from './template.ts';
import { isDiagnosisMetric, type Diagnose, type Scenario, type Services, type SourceLocation } from './types.ts';

/** The schemes each connection string may have. */
const SCHEMES = { postgres: ['postgres:', 'postgresql:'], redis: ['redis:', 'rediss:'] } as const;

interface DiagnoseContext {
  pos: Positions;
  env: NodeJS.ProcessEnv;
  /** false: `perfgate validate` checks the syntax only, and a value with a reference is not checked as a URL. */
  resolveEnv: boolean;
  add: AddIssue;
}

/** `diagnose:` → its connection strings with `${env.NAME}` resolved; each problem at its line, without the value. */
export function normaliseDiagnose(input: NonNullable<PerfFile['diagnose']>, ctx: DiagnoseContext): { value: Diagnose; at: SourceLocation } {
  const at = ctx.pos.of(['diagnose'], true);
  const value: Diagnose = { at };
  for (const kind of ['postgres', 'redis'] as const) {
    const raw = input[kind];
    if (raw === undefined) continue;
    const resolved = connectionString(raw, ['diagnose', kind], ctx);
    if (resolved === undefined) continue;
    // perfgate validate: the references are kept as written (no secret in them), so the budgets see the service named.
    if (!ctx.resolveEnv && findReferences(raw).length > 0) {
      value[kind] = raw;
      continue;
    }
    const scheme = /^[a-z][a-z\d+.-]*:/i.exec(resolved)?.[0].toLowerCase();
    if (!(SCHEMES[kind] as readonly string[]).includes(scheme ?? '')) {
      const example = kind === 'postgres' ? 'postgres://user:password@127.0.0.1:5432/app' : 'redis://127.0.0.1:6379';
      ctx.add(
        ctx.pos.of(['diagnose', kind]),
        `diagnose.${kind}`,
        `expected a ${kind === 'postgres' ? 'Postgres' : 'Redis'} connection string like ${example}` +
          `${scheme ? `, got one starting ${JSON.stringify(scheme)}` : ''} (the value is a secret and is not shown)`,
      );
      continue;
    }
    value[kind] = resolved;
  }
  return { value, at };
}

/** The value with `${env.NAME}` resolved (as written when not resolving: validate); undefined when it cannot be (reported). */
function connectionString(raw: string, segments: Segments, { pos, env, resolveEnv, add }: DiagnoseContext): string | undefined {
  let ok = true;
  for (const bad of findMalformed(raw)) {
    add(
      pos.ofReference(segments, raw, bad.start),
      keyPath(segments),
      `malformed reference ${JSON.stringify(bad.text)}; write \${env.NAME}`,
    );
    ok = false;
  }
  const references = findReferences(raw);
  for (const ref of references) {
    const refused = ref.scope === 'env' ? refusedEnv(ref.key) : undefined;
    const message =
      ref.scope !== 'env'
        ? `unknown reference \${${ref.scope}.${ref.key}} in diagnose:; a connection string can use \${env.NAME}`
        : (refused ??
          (resolveEnv && !env[ref.key]
            ? `environment variable ${ref.key} is not set; export it, or remove diagnose.${String(segments[1])}`
            : undefined));
    if (message) {
      add(pos.ofReference(segments, raw, ref.start), keyPath(segments), message);
      ok = false;
    }
  }
  if (!ok) return undefined;
  return resolveEnv ? substitute(raw, (_scope, key) => env[key] ?? '') : raw;
}

/**
 * Every budget on the diagnosis must have counters to be judged on: a Postgres (for sql_per_request) or a Redis (for
 * redis_per_request) that perfgate starts with stats on, or that diagnose: names beside target:. Known from the
 * config, so refused at the budget's line; where load goes is decided only at run time (--target), the budget says
 * so then. `diagnose:` beside `services:` is refused too: perfgate reads the services it starts by itself.
 */
export function diagnosisIssues(config: {
  scenarios: Scenario[];
  target?: string;
  services?: Services;
  diagnose?: Diagnose;
}): Array<{ at: SourceLocation; path: string; message: string }> {
  const issues: Array<{ at: SourceLocation; path: string; message: string }> = [];
  const { services, diagnose, target } = config;
  if (diagnose && services)
    issues.push({
      at: diagnose.at,
      path: 'diagnose',
      message:
        'diagnose: names the Postgres and Redis of a running target:; perfgate reads the services it starts (services:) by itself, so remove diagnose:',
    });
  for (const scenario of config.scenarios) {
    // The counters are read around a whole window: they cannot tell which mix entry's requests ran a statement.
    for (const { entry } of scenario.requests) {
      for (const budget of entry?.budgets ?? []) {
        if (isDiagnosisMetric(budget.metric))
          issues.push({
            at: budget.at,
            path: `budgets.${budget.metric}`,
            message: `${budget.metric} is judged per scenario (the counters cannot tell one mix entry's requests from another's); move it to the scenario's budgets:`,
          });
      }
    }
  }
  if (!services && !target) return issues;
  for (const scenario of config.scenarios) {
    for (const budget of scenario.budgets) {
      if (!isDiagnosisMetric(budget.metric)) continue;
      const kind = budget.metric === 'sql_per_request' ? 'postgres' : 'redis';
      const why = services ? unreadService(services, kind) : diagnose?.[kind] ? undefined : unreadTarget(kind);
      if (why) issues.push({ at: budget.at, path: `budgets.${budget.metric}`, message: `${budget.metric} cannot be measured: ${why}` });
    }
  }
  return issues;
}

const NAME = { postgres: 'Postgres', redis: 'Redis' } as const;

function unreadService(services: Services, kind: 'postgres' | 'redis'): string | undefined {
  const of = services.dependencies.filter((d) => d.kind === kind);
  if (of.length === 0)
    return `services: starts no ${NAME[kind]}, so there are no ${kind === 'postgres' ? 'SQL statements' : 'Redis commands'} to count; remove the budget`;
  if (of.some((d) => d.kind === kind && d.stats)) return undefined;
  const off = of[0]!;
  return `services.${off.name} has stats: false, so its counters are not read; remove stats: false or the budget`;
}

function unreadTarget(kind: 'postgres' | 'redis'): string {
  const variable = kind === 'postgres' ? 'DATABASE_URL' : 'REDIS_URL';
  return (
    `the running target's ${NAME[kind]} is unknown to perfgate; name it beside target: with diagnose: { ${kind}: \${env.${variable}} }` +
    (kind === 'postgres' ? ' (with pg_stat_statements loaded there, docs/config.md#diagnose)' : ' (docs/config.md#diagnose)')
  );
}
