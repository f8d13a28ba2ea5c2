// services: → Services: the app under test and its dependencies, each by kind (app, postgres, redis, generic), with
// keys a kind does not use and ${service.key} references that cannot resolve reported at their line. Pure: whether
// a Dockerfile or an init script exists arrives as a fact (file-facts.ts checked it).
import path from 'node:path';
import type { AddIssue } from './issues.ts';
import { keyPath, type Positions } from './positions.ts';
import type { ServiceInput } from './schema.ts';
import { suggest } from './suggest.ts';
import { findMalformed, findReferences, refusedEnv } from './template.ts';
import type {
  AppService,
  GenericService,
  PostgresService,
  ReadyCheck,
  RedisService,
  Resources,
  Services,
  SourceLocation,
} from './types.ts';
import { parseSize } from './units.ts';
import { ms } from './values.ts';

type Kind = 'app' | 'postgres' | 'redis' | 'generic';

/** Service keys valid in ${service.key} references, by kind. */
const REFERENCE_KEYS: Record<Kind, string[]> = {
  postgres: ['url', 'host', 'port', 'user', 'password', 'database'],
  redis: ['url', 'host', 'port'],
  generic: ['host', 'port'],
  app: ['host', 'port'],
};

/** Keys each kind does not use. */
const UNUSED: Record<Kind, Array<keyof ServiceInput>> = {
  app: ['init', 'user', 'password', 'database', 'ports', 'stats'],
  postgres: ['build', 'dockerfile', 'args', 'port', 'ports', 'command', 'ready', 'env'],
  redis: ['build', 'dockerfile', 'args', 'port', 'ports', 'command', 'ready', 'env', 'init', 'user', 'password', 'database'],
  generic: ['build', 'dockerfile', 'args', 'init', 'user', 'password', 'database', 'stats'],
};

const DEFAULT_READY_TIMEOUT_MS = 60_000;

export interface ServiceContext {
  pos: Positions;
  /** The YAML file's directory: build contexts and init files are relative to it. */
  dir: string;
  /** Which of the files serviceFiles() named are regular files. */
  existing: ReadonlySet<string>;
  add: AddIssue;
}

/** The service's kind: by its name, else by its image's name; services.app is always the app under test. */
function serviceKind(name: string, s: ServiceInput): Kind {
  if (name === 'app') return 'app';
  const imageName = s.image?.split('/').pop()?.split(':')[0];
  if (name === 'postgres' || imageName === 'postgres') return 'postgres';
  if (name === 'redis' || imageName === 'redis') return 'redis';
  return 'generic';
}

/** The files the services name that must exist (the app's Dockerfile, postgres init scripts), as absolute paths. */
export function serviceFiles(input: Record<string, ServiceInput>, dir: string): string[] {
  return Object.entries(input).flatMap(([name, s]) => {
    const kind = serviceKind(name, s);
    if (kind === 'app') return s.build !== undefined ? [dockerfilePath(s, dir)] : [];
    if (kind === 'postgres') return (s.init ?? []).map((f) => path.resolve(dir, f));
    return [];
  });
}

const dockerfilePath = (s: ServiceInput, dir: string) => path.join(path.resolve(dir, s.build!), s.dockerfile ?? 'Dockerfile');

export function normaliseServices(input: Record<string, ServiceInput>, ctx: ServiceContext): Services {
  const { pos, add } = ctx;
  const names = Object.keys(input);
  const kinds = new Map(names.map((n) => [n, serviceKind(n, input[n]!)] as const));
  if (!input.app)
    add(pos.of(['services'], true), 'services', 'missing the service under test: add services.app (build: or image:, port:, ready:)');
  const env = (name: string, s: ServiceInput) => serviceEnv(name, s.env, names, kinds, ctx);

  let app: AppService | undefined;
  const dependencies: Services['dependencies'] = [];
  for (const name of names) {
    const s = input[name]!;
    const kind = kinds.get(name)!;
    const at = pos.of(['services', name], true);
    if (kind === 'app') app = appService(name, s, at, env, ctx);
    else if (kind === 'postgres') dependencies.push(postgresService(name, s, at, ctx));
    else if (kind === 'redis') dependencies.push(redisService(name, s, at, ctx));
    else dependencies.push(genericService(name, s, at, env, ctx));
  }
  return { app: app ?? missingApp(pos), dependencies };
}

type EnvOf = (name: string, s: ServiceInput) => Record<string, string>;

function appService(name: string, s: ServiceInput, at: SourceLocation, env: EnvOf, ctx: ServiceContext): AppService {
  const { pos, add } = ctx;
  if ((s.build === undefined) === (s.image === undefined))
    add(
      at,
      'services.app',
      s.build ? 'use either build: or image:, not both' : 'missing build: (a Dockerfile context) or image: (name:tag)',
    );
  if (s.port === undefined) add(at, 'services.app', 'missing port: (the port the app listens on inside the container)');
  reportUnused(name, s, 'app', ctx);
  const context = s.build !== undefined ? path.resolve(ctx.dir, s.build) : undefined;
  if (context) {
    const dockerfile = s.dockerfile ?? 'Dockerfile';
    const key = s.dockerfile ? 'dockerfile' : 'build';
    if (!ctx.existing.has(dockerfilePath(s, ctx.dir)))
      add(
        pos.of(['services', name, key]),
        `services.${name}.${key}`,
        `no ${dockerfile} in ${context} (the build context is relative to this YAML file)`,
      );
  }
  const command = commandOf(s.command);
  const resources = resourcesOf(s.resources);
  return {
    kind: 'app',
    name,
    ...(context
      ? {
          build: {
            context,
            dockerfile: s.dockerfile ?? 'Dockerfile',
            args: Object.fromEntries(Object.entries(s.args ?? {}).map(([k, v]) => [k, String(v)])),
          },
        }
      : {}),
    ...(s.image ? { image: s.image } : {}),
    port: s.port ?? 0,
    env: env(name, s),
    ...(command ? { command } : {}),
    ready: readyOf(s.ready) ?? { kind: 'port' },
    readyTimeoutMs: ms(s.ready_timeout, DEFAULT_READY_TIMEOUT_MS),
    ...(resources ? { resources } : {}),
    at,
  };
}

function postgresService(name: string, s: ServiceInput, at: SourceLocation, ctx: ServiceContext): PostgresService {
  const { pos, add } = ctx;
  reportUnused(name, s, 'postgres', ctx);
  const init = (s.init ?? []).map((f, i) => {
    const full = path.resolve(ctx.dir, f);
    if (!ctx.existing.has(full))
      add(
        pos.of(['services', name, 'init', i]),
        `services.${name}.init[${i}]`,
        `cannot read ${full} (init files are relative to this YAML file)`,
      );
    else if (!/\.(sql|sh)$/.test(full))
      add(pos.of(['services', name, 'init', i]), `services.${name}.init[${i}]`, 'expected a .sql or .sh file');
    return full;
  });
  const resources = resourcesOf(s.resources);
  return {
    kind: 'postgres',
    name,
    image: s.image ?? 'postgres:15',
    init,
    user: s.user ?? 'perfgate',
    password: s.password ?? 'perfgate',
    database: s.database ?? 'perfgate',
    stats: s.stats ?? true,
    ...(resources ? { resources } : {}),
    at,
  };
}

function redisService(name: string, s: ServiceInput, at: SourceLocation, ctx: ServiceContext): RedisService {
  reportUnused(name, s, 'redis', ctx);
  const resources = resourcesOf(s.resources);
  return { kind: 'redis', name, image: s.image ?? 'redis:7', stats: s.stats ?? true, ...(resources ? { resources } : {}), at };
}

function genericService(name: string, s: ServiceInput, at: SourceLocation, env: EnvOf, ctx: ServiceContext): GenericService {
  if (!s.image) ctx.add(at, `services.${name}`, 'missing image: (name:tag); only services.app can be built');
  reportUnused(name, s, 'generic', ctx);
  const command = commandOf(s.command);
  const ready = readyOf(s.ready);
  const resources = resourcesOf(s.resources);
  return {
    kind: 'generic',
    name,
    image: s.image ?? '',
    env: env(name, s),
    ports: s.ports ?? (s.port ? [s.port] : []),
    ...(command ? { command } : {}),
    ...(ready ? { ready } : {}),
    readyTimeoutMs: ms(s.ready_timeout, DEFAULT_READY_TIMEOUT_MS),
    ...(resources ? { resources } : {}),
    at,
  };
}

/** Without services.app (already reported), a placeholder so that the rest of the file can still be checked. */
function missingApp(pos: Positions): AppService {
  return {
    kind: 'app',
    name: 'app',
    port: 0,
    env: {},
    ready: { kind: 'port' },
    readyTimeoutMs: DEFAULT_READY_TIMEOUT_MS,
    at: pos.of(['services'], true),
  };
}

function reportUnused(name: string, s: ServiceInput, kind: Kind, ctx: ServiceContext): void {
  for (const key of UNUSED[kind]) {
    if (s[key] !== undefined)
      ctx.add(ctx.pos.of(['services', name, key], true), `services.${name}.${key}`, `${key} is not used by a ${kind} service`);
  }
}

/** The environment as strings; each ${service.key} must name another declared service and a key its kind provides. */
function serviceEnv(
  name: string,
  env: ServiceInput['env'],
  names: string[],
  kinds: ReadonlyMap<string, Kind>,
  ctx: ServiceContext,
): Record<string, string> {
  const { pos, add } = ctx;
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(env ?? {})) {
    const value = String(raw);
    const segments = ['services', name, 'env', key];
    for (const ref of findReferences(value)) {
      const at = pos.ofReference(segments, value, ref.start);
      if (ref.scope === 'env') {
        const refused = refusedEnv(ref.key);
        if (refused) add(at, keyPath(segments), refused);
        continue;
      }
      const kind = kinds.get(ref.scope);
      if (!kind || ref.scope === name) {
        const others = names.filter((n) => n !== name);
        const hint = suggest(ref.scope, others);
        add(
          at,
          keyPath(segments),
          `\${${ref.scope}.${ref.key}} refers to a service that is not declared under services:${hint ? `; did you mean "${hint}"?` : `; declared: ${others.join(', ') || 'none'}`}`,
        );
      } else if (!REFERENCE_KEYS[kind].includes(ref.key)) {
        add(
          at,
          keyPath(segments),
          `\${${ref.scope}.${ref.key}}: ${ref.scope} provides ${REFERENCE_KEYS[kind].map((k) => `\${${ref.scope}.${k}}`).join(', ')}`,
        );
      }
    }
    for (const bad of findMalformed(value))
      add(
        pos.ofReference(segments, value, bad.start),
        keyPath(segments),
        `malformed reference ${JSON.stringify(bad.text)}; write \${service.key}, e.g. \${postgres.url}`,
      );
    out[key] = value;
  }
  return out;
}

function resourcesOf(r: ServiceInput['resources']): Resources | undefined {
  if (!r) return undefined;
  const memory = r.memory !== undefined ? parseSize(r.memory) : undefined;
  return { ...(r.cpus !== undefined ? { cpus: r.cpus } : {}), ...(memory?.ok ? { memoryBytes: memory.value } : {}) };
}

function readyOf(r: ServiceInput['ready']): ReadyCheck | undefined {
  if (r === undefined) return undefined;
  if (typeof r === 'string') return { kind: 'http', path: r };
  if ('http' in r) return { kind: 'http', path: r.http };
  if ('log' in r) return { kind: 'log', message: r.log };
  return { kind: 'port' };
}

function commandOf(c: ServiceInput['command']): string[] | undefined {
  return c === undefined ? undefined : typeof c === 'string' ? ['sh', '-c', c] : c;
}
