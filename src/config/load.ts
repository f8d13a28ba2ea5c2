// Reads perf/*.yaml, validates it against the schema, and normalises it into PerfConfig.
// Every problem becomes a ConfigIssue at file:line:col (positions from the `yaml` package), all at once.
import { readFileSync, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, UsageError, type ConfigIssue } from '../errors.ts';
import { parseBudget } from './budget.ts';
import { describeIssue, type AddIssue } from './issues.ts';
import { pairsProblem } from './pairs.ts';
import { parseYaml } from './parse.ts';
import { keyPath, type Positions } from './positions.ts';
import { perfFileSchema, type PerfFile, type ScenarioInput, type ServiceInput } from './schema.ts';
import { suggest } from './suggest.ts';
import { findMalformed, findReferences, substitute } from './template.ts';
import { parseTokens } from './tokens.ts';
import {
  METRICS,
  type AppService,
  type Budget,
  DEFAULT_TOLERANCE,
  type CompareMetric,
  type CompareSettings,
  type GenericService,
  type MetricName,
  type PerfConfig,
  type PostgresService,
  type ReadyCheck,
  type RedisService,
  type RequestTemplate,
  type Resources,
  type Scenario,
  type Services,
  type SourceLocation,
} from './types.ts';
import { parseBandwidth, parseDuration, parseRate, parseSize } from './units.ts';

export interface LoadOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Replace ${env.NAME} (default true). `perfgate validate` checks the syntax only. */
  resolveEnv?: boolean;
}

export { DEFAULT_TOLERANCE };
export const DEFAULT_COMPARE: CompareSettings = {
  pairs: 10,
  alpha: 0.05,
  roundMs: 5000,
  armWarmupMs: 5000,
  extendOnce: false,
  metrics: ['qps', 'p50', 'p99', 'error_rate', 'failure_rate'],
};
// maxErrorRate is deprecated and ignored (#13); it stays here for callers that still fill Scenario.maxErrorRate.
export const SCENARIO_DEFAULTS = { connections: 10, durationMs: 10_000, warmupMs: 2000, timeoutMs: 10_000, maxErrorRate: 0.001 };

/** Service keys valid in ${service.key} references, by kind. */
const REFERENCE_KEYS: Record<'postgres' | 'redis' | 'generic' | 'app', string[]> = {
  postgres: ['url', 'host', 'port', 'user', 'password', 'database'],
  redis: ['url', 'host', 'port'],
  generic: ['host', 'port'],
  app: ['host', 'port'],
};

export async function loadConfig(paths: string[], options: LoadOptions = {}): Promise<PerfConfig> {
  const cwd = options.cwd ?? process.cwd();
  const files = await expandPaths(paths.length ? paths : ['perf'], cwd);
  const parsed = await Promise.all(files.map(async (file) => parseFile(file, await readFile(path.resolve(cwd, file), 'utf8'), cwd, options)));
  const issues = parsed.flatMap((p) => p.issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return merge(parsed.map((p) => p.config!), files, cwd);
}

async function expandPaths(paths: string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const given of paths) {
    const full = path.resolve(cwd, given);
    const info = await stat(full).catch(() => undefined);
    if (!info) {
      throw new UsageError(
        given === 'perf'
          ? 'No perf/ directory here: create perf/<name>.yaml (see docs/config.md), or pass the config file: perfgate run path/to/perf.yaml'
          : `${given} does not exist; pass a perf YAML file or a directory of them.`,
      );
    }
    if (info.isDirectory()) {
      const entries = (await readdir(full)).filter((f) => /\.ya?ml$/i.test(f)).sort();
      if (entries.length === 0) throw new UsageError(`${given} holds no .yaml files; add one (see docs/config.md).`);
      files.push(...entries.map((f) => path.join(given, f)));
    } else files.push(given);
  }
  return [...new Set(files)];
}

interface FileConfig {
  target?: { value: string; at: SourceLocation };
  services?: { value: Services; at: SourceLocation };
  compare?: { value: CompareSettings; at: SourceLocation; pairsAt?: SourceLocation };
  scenarios: Scenario[];
}

function parseFile(
  file: string,
  source: string,
  cwd: string,
  options: LoadOptions,
): { issues: ConfigIssue[]; config?: FileConfig } {
  const parsed = parseYaml(file, source);
  if (!parsed.ok) return { issues: parsed.issues };
  const { data, pos } = parsed;
  const issues: ConfigIssue[] = [];
  const add = (at: SourceLocation, keyPath: string, message: string) => issues.push({ at, path: keyPath, message });
  const result = perfFileSchema.safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) for (const described of describeIssue(issue, pos, data)) issues.push(described);
    return { issues };
  }
  const config = normalise(result.data, pos, path.dirname(path.resolve(cwd, file)), options, add);
  return { issues, config };
}

// ---------------------------------------------------------------------------------------------------------------
// Normalisation: validated input → canonical units, resolved paths, expanded sweeps.

type Add = AddIssue;

function ms(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = parseDuration(value);
  return parsed.ok ? parsed.value : fallback;
}

function fraction(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = parseRate(value);
  return parsed.ok ? parsed.value : fallback;
}

function normalise(file: PerfFile, pos: Positions, dir: string, options: LoadOptions, add: Add): FileConfig {
  const env = options.env ?? process.env;
  const resolveEnv = options.resolveEnv ?? true;
  const config: FileConfig = { scenarios: [] };

  if (file.target !== undefined) {
    const at = pos.of(['target']);
    if (!/^https?:\/\/[^/]+/.test(file.target)) add(at, 'target', `expected an http(s) URL like http://127.0.0.1:8080, got ${JSON.stringify(file.target)}`);
    config.target = { value: file.target.replace(/\/+$/, ''), at };
  }
  if (file.target !== undefined && file.services !== undefined) {
    add(pos.of(['services'], true), 'services', 'use either target: (a service that is already running) or services: (perfgate starts it), not both');
  }
  if (file.services) config.services = { value: normaliseServices(file.services, pos, dir, add), at: pos.of(['services'], true) };

  const defaults = file.defaults ?? {};
  const tolerance = { ...DEFAULT_TOLERANCE, ...rates(defaults.tolerance) };
  const names = new Map<string, SourceLocation>();

  file.scenarios.forEach((input, index) => {
    const base = ['scenarios', index] as const;
    const at = pos.of(base);
    const previous = names.get(input.name);
    if (previous) add(pos.of([...base, 'name']), `scenarios[${index}].name`, `duplicate scenario name "${input.name}" (first used at ${previous.file}:${previous.line})`);
    names.set(input.name, at);

    if ((input.request === undefined) === (input.mix === undefined)) {
      add(at, `scenarios[${index}]`, input.request ? 'use either request: or mix:, not both' : 'missing request: (or mix: for weighted endpoints)');
      return;
    }
    const entries = input.request ? [{ weight: 1, request: input.request, where: [...base, 'request'] }] : input.mix!.map((m, i) => ({ ...m, where: [...base, 'mix', i, 'request'] }));
    const requests = entries.map((entry) => ({
      weight: entry.weight,
      request: normaliseRequest(entry.request, defaults.headers, entry.where, pos, env, resolveEnv, add),
    }));

    const scenario: Scenario = {
      name: input.name,
      requests,
      connections: input.connections ?? defaults.connections ?? SCENARIO_DEFAULTS.connections,
      warmupMs: ms(input.warmup ?? defaults.warmup, SCENARIO_DEFAULTS.warmupMs),
      durationMs: ms(input.duration ?? defaults.duration, SCENARIO_DEFAULTS.durationMs),
      timeoutMs: ms(input.timeout ?? defaults.timeout, SCENARIO_DEFAULTS.timeoutMs),
      // max_error_rate is accepted but ignored (#13): HTTP errors are compared as error_rate instead.
      budgets: budgetsOf(input, base, pos),
      tolerance: { ...tolerance, ...rates(input.tolerance) },
      at,
    };
    const amount = input.requests ?? defaults.requests;
    if (amount !== undefined) scenario.amount = amount;
    const rate = input.rate ?? defaults.rate;
    if (rate !== undefined) scenario.rate = rate;
    const link = parseBandwidth(input.bandwidth ?? defaults.bandwidth);
    if (link.ok) scenario.bandwidth = link.value;
    if (input.tokens) {
      const tokens = readTokens(input.tokens, dir, [...base, 'tokens'], pos, add);
      if (tokens) scenario.tokens = tokens;
    }
    if (input.sweep) {
      for (const connections of input.sweep.connections) {
        config.scenarios.push({ ...scenario, name: `${input.name} @ c=${connections}`, connections, sweepOf: input.name });
      }
    } else config.scenarios.push(scenario);
  });

  if (file.compare) {
    const c = file.compare;
    const value: CompareSettings = {
      ...(c.base !== undefined ? { base: c.base } : {}),
      pairs: c.pairs ?? DEFAULT_COMPARE.pairs,
      alpha: c.alpha ?? DEFAULT_COMPARE.alpha,
      roundMs: ms(c.round, DEFAULT_COMPARE.roundMs),
      armWarmupMs: ms(c.warmup, DEFAULT_COMPARE.armWarmupMs),
      // max_base_cv is accepted but ignored (#13): pairing cancels shared drift, and the pairs' spread is the noise.
      extendOnce: c.extend_once ?? DEFAULT_COMPARE.extendOnce,
      metrics: c.metrics ? [...new Set(c.metrics)] : [...DEFAULT_COMPARE.metrics],
    };
    config.compare = { value, at: pos.of(['compare'], true), ...(c.pairs !== undefined ? { pairsAt: pos.of(['compare', 'pairs']) } : {}) };
  }
  return config;
}

function rates(input: Partial<Record<CompareMetric, string | number | undefined>> | undefined): Partial<Record<CompareMetric, number>> {
  const out: Partial<Record<CompareMetric, number>> = {};
  for (const [metric, value] of Object.entries(input ?? {})) {
    if (value !== undefined) out[metric as CompareMetric] = fraction(value, DEFAULT_TOLERANCE[metric as CompareMetric]);
  }
  return out;
}

function budgetsOf(input: ScenarioInput, base: readonly PropertyKey[], pos: Positions): Budget[] {
  const budgets: Budget[] = [];
  for (const metric of METRICS) {
    const raw = input.budgets?.[metric];
    if (raw === undefined) continue;
    const parsed = parseBudget(metric as MetricName, raw);
    if (!parsed.ok) continue;
    budgets.push({ metric, op: parsed.op, limit: parsed.limit, text: String(raw).trim(), at: pos.of([...base, 'budgets', metric]) });
  }
  return budgets;
}

function normaliseRequest(
  input: NonNullable<ScenarioInput['request']>,
  defaultHeaders: Record<string, string | number | boolean> | undefined,
  where: readonly PropertyKey[],
  pos: Positions,
  env: NodeJS.ProcessEnv,
  resolveEnv: boolean,
  add: Add,
): RequestTemplate {
  const expand = (text: string, segments: readonly PropertyKey[]): string => {
    for (const bad of findMalformed(text)) {
      add(pos.ofReference(segments, text, bad.start), keyPath(segments), `malformed reference ${JSON.stringify(bad.text)}; write \${env.NAME}`);
    }
    for (const ref of findReferences(text)) {
      if (ref.scope !== 'env') {
        add(pos.ofReference(segments, text, ref.start), keyPath(segments), `unknown reference \${${ref.scope}.${ref.key}} in a request; requests can use \${env.NAME}`);
      } else if (resolveEnv && env[ref.key] === undefined) {
        add(pos.ofReference(segments, text, ref.start), keyPath(segments), `environment variable ${ref.key} is not set; export it, or remove the reference`);
      }
    }
    return resolveEnv ? substitute(text, (scope, key) => (scope === 'env' ? (env[key] ?? '') : '')) : text;
  };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(defaultHeaders ?? {})) headers[name.toLowerCase()] = expand(String(value), ['defaults', 'headers', name]);
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = expand(String(value), [...where, 'headers', name]);
  let body: string | undefined;
  if (input.body !== undefined && input.json !== undefined) add(pos.of(where), keyPath(where), 'use either body: or json:, not both');
  if (input.body !== undefined) body = expand(input.body, [...where, 'body']);
  if (input.json !== undefined) {
    body = expand(JSON.stringify(input.json), [...where, 'json']);
    headers['content-type'] ??= 'application/json';
  }
  return {
    method: (input.method ?? 'GET').toUpperCase(),
    path: expand(input.path, [...where, 'path']),
    headers,
    ...(body !== undefined ? { body } : {}),
  };
}

function readTokens(
  input: NonNullable<ScenarioInput['tokens']>,
  dir: string,
  where: readonly PropertyKey[],
  pos: Positions,
  add: Add,
): Scenario['tokens'] | undefined {
  const file = path.resolve(dir, input.file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    add(pos.of([...where, 'file']), keyPath([...where, 'file']), `cannot read the tokens file ${file}; it is resolved relative to this YAML file`);
    return undefined;
  }
  const parsed = parseTokens(text, input.column);
  if (!parsed.ok) {
    add(pos.of([...where, 'file']), keyPath([...where, 'file']), `${input.file}: ${parsed.error}`);
    return undefined;
  }
  return { file, header: input.header.toLowerCase(), prefix: input.prefix ?? '', tokens: parsed.tokens };
}


function normaliseServices(input: Record<string, ServiceInput>, pos: Positions, dir: string, add: Add): Services {
  const names = Object.keys(input);
  const kindOf = (name: string, s: ServiceInput): 'app' | 'postgres' | 'redis' | 'generic' => {
    if (name === 'app') return 'app';
    const imageName = s.image?.split('/').pop()?.split(':')[0];
    if (name === 'postgres' || imageName === 'postgres') return 'postgres';
    if (name === 'redis' || imageName === 'redis') return 'redis';
    return 'generic';
  };
  const kinds = new Map(names.map((n) => [n, kindOf(n, input[n]!)] as const));
  if (!input.app) add(pos.of(['services'], true), 'services', 'missing the service under test: add services.app (build: or image:, port:, ready:)');

  const resourcesOf = (r: ServiceInput['resources']): Resources | undefined => {
    if (!r) return undefined;
    const memory = r.memory !== undefined ? parseSize(r.memory) : undefined;
    return { ...(r.cpus !== undefined ? { cpus: r.cpus } : {}), ...(memory?.ok ? { memoryBytes: memory.value } : {}) };
  };
  const readyOf = (r: ServiceInput['ready']): ReadyCheck | undefined => {
    if (r === undefined) return undefined;
    if (typeof r === 'string') return { kind: 'http', path: r };
    if ('http' in r) return { kind: 'http', path: r.http };
    if ('log' in r) return { kind: 'log', message: r.log };
    return { kind: 'port' };
  };
  const checkEnv = (name: string, env: ServiceInput['env']): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [key, raw] of Object.entries(env ?? {})) {
      const value = String(raw);
      const segments = ['services', name, 'env', key];
      for (const ref of findReferences(value)) {
        if (ref.scope === 'env') continue;
        const kind = kinds.get(ref.scope);
        const at = pos.ofReference(segments, value, ref.start);
        if (!kind || ref.scope === name) {
          const hint = suggest(ref.scope, names.filter((n) => n !== name));
          add(at, keyPath(segments), `\${${ref.scope}.${ref.key}} refers to a service that is not declared under services:${hint ? `; did you mean "${hint}"?` : `; declared: ${names.filter((n) => n !== name).join(', ') || 'none'}`}`);
        } else if (!REFERENCE_KEYS[kind].includes(ref.key)) {
          add(at, keyPath(segments), `\${${ref.scope}.${ref.key}}: ${ref.scope} provides ${REFERENCE_KEYS[kind].map((k) => `\${${ref.scope}.${k}}`).join(', ')}`);
        }
      }
      for (const bad of findMalformed(value)) add(pos.ofReference(segments, value, bad.start), keyPath(segments), `malformed reference ${JSON.stringify(bad.text)}; write \${service.key}, e.g. \${postgres.url}`);
      out[key] = value;
    }
    return out;
  };
  const command = (c: ServiceInput['command']) => (c === undefined ? undefined : typeof c === 'string' ? ['sh', '-c', c] : c);
  const misplaced = (name: string, s: ServiceInput, keys: Array<keyof ServiceInput>, kind: string) => {
    for (const key of keys) {
      if (s[key] !== undefined) add(pos.of(['services', name, key], true), `services.${name}.${key}`, `${key} is not used by a ${kind} service`);
    }
  };

  let app: AppService | undefined;
  const dependencies: Services['dependencies'] = [];
  for (const name of names) {
    const s = input[name]!;
    const kind = kinds.get(name)!;
    const at = pos.of(['services', name], true);
    if (kind === 'app') {
      if ((s.build === undefined) === (s.image === undefined)) add(at, 'services.app', s.build ? 'use either build: or image:, not both' : 'missing build: (a Dockerfile context) or image: (name:tag)');
      if (s.port === undefined) add(at, 'services.app', 'missing port: (the port the app listens on inside the container)');
      misplaced(name, s, ['init', 'user', 'password', 'database', 'ports'], 'app');
      const context = s.build !== undefined ? path.resolve(dir, s.build) : undefined;
      if (context) {
        const dockerfile = s.dockerfile ?? 'Dockerfile';
        if (!fileExists(path.join(context, dockerfile))) add(pos.of(['services', name, s.dockerfile ? 'dockerfile' : 'build']), `services.${name}.${s.dockerfile ? 'dockerfile' : 'build'}`, `no ${dockerfile} in ${context} (the build context is relative to this YAML file)`);
      }
      app = {
        kind: 'app',
        name,
        ...(context ? { build: { context, dockerfile: s.dockerfile ?? 'Dockerfile', args: Object.fromEntries(Object.entries(s.args ?? {}).map(([k, v]) => [k, String(v)])) } } : {}),
        ...(s.image ? { image: s.image } : {}),
        port: s.port ?? 0,
        env: checkEnv(name, s.env),
        ...(command(s.command) ? { command: command(s.command)! } : {}),
        ready: readyOf(s.ready) ?? { kind: 'port' },
        readyTimeoutMs: ms(s.ready_timeout, 60_000),
        ...(resourcesOf(s.resources) ? { resources: resourcesOf(s.resources)! } : {}),
        at,
      };
    } else if (kind === 'postgres') {
      misplaced(name, s, ['build', 'dockerfile', 'args', 'port', 'ports', 'command', 'ready', 'env'], 'postgres');
      const init = (s.init ?? []).map((f, i) => {
        const full = path.resolve(dir, f);
        if (!fileExists(full)) add(pos.of(['services', name, 'init', i]), `services.${name}.init[${i}]`, `cannot read ${full} (init files are relative to this YAML file)`);
        else if (!/\.(sql|sh)$/.test(full)) add(pos.of(['services', name, 'init', i]), `services.${name}.init[${i}]`, 'expected a .sql or .sh file');
        return full;
      });
      const pg: PostgresService = {
        kind: 'postgres',
        name,
        image: s.image ?? 'postgres:15',
        init,
        user: s.user ?? 'perfgate',
        password: s.password ?? 'perfgate',
        database: s.database ?? 'perfgate',
        ...(resourcesOf(s.resources) ? { resources: resourcesOf(s.resources)! } : {}),
        at,
      };
      dependencies.push(pg);
    } else if (kind === 'redis') {
      misplaced(name, s, ['build', 'dockerfile', 'args', 'port', 'ports', 'command', 'ready', 'env', 'init', 'user', 'password', 'database'], 'redis');
      const redis: RedisService = { kind: 'redis', name, image: s.image ?? 'redis:7', ...(resourcesOf(s.resources) ? { resources: resourcesOf(s.resources)! } : {}), at };
      dependencies.push(redis);
    } else {
      if (!s.image) add(at, `services.${name}`, 'missing image: (name:tag); only services.app can be built');
      misplaced(name, s, ['build', 'dockerfile', 'args', 'init', 'user', 'password', 'database'], 'generic');
      const generic: GenericService = {
        kind: 'generic',
        name,
        image: s.image ?? '',
        env: checkEnv(name, s.env),
        ports: s.ports ?? (s.port ? [s.port] : []),
        ...(command(s.command) ? { command: command(s.command)! } : {}),
        ...(readyOf(s.ready) ? { ready: readyOf(s.ready)! } : {}),
        readyTimeoutMs: ms(s.ready_timeout, 60_000),
        ...(resourcesOf(s.resources) ? { resources: resourcesOf(s.resources)! } : {}),
        at,
      };
      dependencies.push(generic);
    }
  }
  return { app: app ?? ({ kind: 'app', name: 'app', port: 0, env: {}, ready: { kind: 'port' }, readyTimeoutMs: 60_000, at: pos.of(['services'], true) } as AppService), dependencies };
}

function fileExists(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function merge(parts: FileConfig[], files: string[], cwd: string): PerfConfig {
  const issues: ConfigIssue[] = [];
  const once = <K extends 'target' | 'services' | 'compare'>(key: K) => {
    const set = parts.filter((p) => p[key] !== undefined);
    for (const extra of set.slice(1)) {
      const first = set[0]![key]!.at;
      issues.push({ at: extra[key]!.at, path: key, message: `${key}: is already set in ${first.file}:${first.line}; set it in one file only` });
    }
    return set[0]?.[key];
  };
  const target = once('target');
  const services = once('services');
  const compare = once('compare');
  if (target && services && target.at.file !== services.at.file) {
    issues.push({ at: services.at, path: 'services', message: `use either target: (set in ${target.at.file}:${target.at.line}) or services:, not both` });
  }
  const scenarios = parts.flatMap((p) => p.scenarios);
  const seen = new Map<string, SourceLocation>();
  for (const s of scenarios) {
    const first = seen.get(s.name);
    if (first && first.file !== s.at.file) issues.push({ at: s.at, path: 'name', message: `duplicate scenario name "${s.name}" (also in ${first.file}:${first.line})` });
    seen.set(s.name, s.at);
  }
  const settings = compare?.value ?? { ...DEFAULT_COMPARE, metrics: [...DEFAULT_COMPARE.metrics] };
  const problem = pairsProblem(settings.pairs, settings.metrics.length, scenarios.length, settings.alpha);
  if (problem && compare) issues.push({ at: compare.pairsAt ?? compare.at, path: 'compare.pairs', message: problem });
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    files,
    baseDir: path.dirname(path.resolve(cwd, files[0]!)),
    ...(target ? { target: target.value } : {}),
    ...(services ? { services: services.value } : {}),
    scenarios,
    compare: settings,
  };
}
