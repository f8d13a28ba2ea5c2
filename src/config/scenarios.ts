// scenarios: (with the file's defaults:) → Scenario[]: canonical units, requests with ${env.NAME} resolved, the
// tokens file parsed, sweeps expanded. Pure: the tokens files arrive as text (file-facts.ts read them).
import path from 'node:path';
import { firstInvisible } from '../invisible.ts';
import { parseBudget } from './budget.ts';
import type { AddIssue } from './issues.ts';
import { keyPath, type Positions, type Segments } from './positions.ts';
import { parseJsonPath, parseStatus } from './expect.ts';
import type { PerfFile, ScenarioInput } from './schema.ts';
import { findMalformed, findReferences, refusedEnv, substitute } from './template.ts';
import { parseTokens } from './tokens.ts';
import {
  BUDGET_METRICS,
  DEFAULT_TOLERANCE,
  type Budget,
  type CompareMetric,
  type RequestTemplate,
  type ResponseExpectation,
  type MixEntry,
  type Scenario,
  type SourceLocation,
  type WeightedRequest,
} from './types.ts';
import { parseBandwidth } from './units.ts';
import { fraction, ms } from './values.ts';

const SCENARIO_DEFAULTS = { connections: 10, durationMs: 10_000, warmupMs: 2000, timeoutMs: 10_000 };

export type DefaultsInput = NonNullable<PerfFile['defaults']>;

export interface ScenarioContext {
  pos: Positions;
  /** The YAML file's directory: tokens files are relative to it. */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Replace ${env.NAME}; false checks the syntax only (`perfgate validate`). */
  resolveEnv: boolean;
  /** Tokens files' text by absolute path; a file that could not be read is absent. */
  texts: ReadonlyMap<string, string>;
  /** Why a tokens file was not read (a directory, a FIFO, too large), by absolute path. */
  unreadable?: ReadonlyMap<string, string> | undefined;
  add: AddIssue;
}

/** The tokens files the scenarios name, as absolute paths, to read before normalising. */
export function tokenFiles(scenarios: readonly ScenarioInput[], dir: string): string[] {
  return scenarios.flatMap((input) => (input.tokens ? [path.resolve(dir, input.tokens.file)] : []));
}

/** The scenarios, and per scenario name the metrics whose tolerance the file set (a calibration fills the others). */
export interface NormalisedScenarios {
  scenarios: Scenario[];
  explicitTolerance: Map<string, Set<CompareMetric>>;
}

export function normaliseScenarios(inputs: readonly ScenarioInput[], defaults: DefaultsInput, ctx: ScenarioContext): NormalisedScenarios {
  const { pos, add } = ctx;
  const tolerance = { ...DEFAULT_TOLERANCE, ...rates(defaults.tolerance) };
  const scenarios: Scenario[] = [];
  const explicitTolerance = new Map<string, Set<CompareMetric>>();
  // Every name a scenario is stored under (comparison rounds are kept by name), written or made by a sweep: each
  // once, so a sweep level listed twice, or a sweep's "a @ c=2" beside a scenario named so, is refused where it is.
  const names = new Map<string, { at: SourceLocation; sweepOf?: string }>();
  const claim = (name: string, segments: Segments, sweepOf?: string): void => {
    const at = pos.of(segments);
    const previous = names.get(name);
    if (!previous) {
      names.set(name, sweepOf === undefined ? { at } : { at, sweepOf });
      return;
    }
    const where = `${previous.at.file}:${previous.at.line}`;
    const first = previous.sweepOf === undefined ? `first used at ${where}` : `the sweep of "${previous.sweepOf}" at ${where} makes it`;
    add(
      at,
      keyPath(segments),
      sweepOf === undefined
        ? `duplicate scenario name "${name}" (${first})`
        : `the sweep of "${sweepOf}" makes a scenario "${name}", a name already taken (${first}); rename one`,
    );
  };

  inputs.forEach((input, index) => {
    const base = ['scenarios', index] as const;
    const at = pos.of(base);
    claim(input.name, [...base, 'name']);
    invisibleInName(input.name, [...base, 'name'], ctx);
    if (input.sweep) {
      const levels = new Set<number>();
      input.sweep.connections.forEach((connections, i) => {
        const where = [...base, 'sweep', 'connections', i];
        if (levels.has(connections)) {
          add(pos.of(where), keyPath(where), `the sweep lists ${connections} connections twice; list each level once`);
          return;
        }
        levels.add(connections);
        claim(`${input.name} @ c=${connections}`, where, input.name);
      });
    }

    if ((input.request === undefined) === (input.mix === undefined)) {
      add(
        at,
        `scenarios[${index}]`,
        input.request ? 'use either request: or mix:, not both' : 'missing request: (or mix: for weighted endpoints)',
      );
      return;
    }
    const entries = input.request
      ? [{ weight: 1, request: input.request, where: [...base, 'request'] }]
      : input.mix!.map((m, i) => ({ ...m, where: [...base, 'mix', i, 'request'] }));
    const requests: WeightedRequest[] = entries.map((entry) => ({
      weight: entry.weight,
      request: normaliseRequest(entry.request, defaults.headers, entry.where, ctx),
    }));
    if (input.mix) mixEntries(input.mix, base, ctx).forEach((entry, i) => (requests[i]!.entry = entry));

    const scenario: Scenario = {
      name: input.name,
      requests,
      connections: input.connections ?? defaults.connections ?? SCENARIO_DEFAULTS.connections,
      warmupMs: ms(input.warmup ?? defaults.warmup, SCENARIO_DEFAULTS.warmupMs),
      durationMs: ms(input.duration ?? defaults.duration, SCENARIO_DEFAULTS.durationMs),
      timeoutMs: ms(input.timeout ?? defaults.timeout, SCENARIO_DEFAULTS.timeoutMs),
      // max_error_rate is accepted but ignored (#13): HTTP errors are compared as error_rate instead.
      budgets: budgetsOf(input.budgets, base, pos),
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
      const tokens = tokensOf(input.tokens, [...base, 'tokens'], ctx);
      if (tokens) scenario.tokens = tokens;
    }
    const set = new Set([...Object.keys(rates(defaults.tolerance)), ...Object.keys(rates(input.tolerance))] as CompareMetric[]);
    if (input.sweep) {
      for (const connections of input.sweep.connections) {
        const name = `${input.name} @ c=${connections}`;
        scenarios.push({ ...scenario, name, connections, sweepOf: input.name });
        explicitTolerance.set(name, set);
      }
    } else {
      scenarios.push(scenario);
      explicitTolerance.set(scenario.name, set);
    }
  });
  return { scenarios, explicitTolerance };
}

/**
 * Each mix entry's name, budgets and line. A name is `name:`, else "METHOD path" as written (the path before
 * `${env.…}` is resolved: names are printed); reports and comparisons key entries by it, so each is used once.
 */
function mixEntries(mix: NonNullable<ScenarioInput['mix']>, base: Segments, ctx: ScenarioContext): MixEntry[] {
  const { pos, add } = ctx;
  const seen = new Map<string, SourceLocation>();
  return mix.map((m, i) => {
    const where = [...base, 'mix', i];
    const name = m.name ?? `${(m.request.method ?? 'GET').toUpperCase()} ${m.request.path}`;
    const at = pos.of(where);
    // A default name is the path as written: it is shown like any name, so the same characters are refused in it.
    invisibleInName(name, m.name !== undefined ? [...where, 'name'] : [...where, 'request', 'path'], ctx);
    const first = seen.get(name);
    if (first) {
      const named = m.name !== undefined ? [...where, 'name'] : where;
      add(
        pos.of(named),
        keyPath(named),
        `duplicate mix entry name "${name}" (first at ${first.file}:${first.line}): entries are reported and compared by name, so give one its own name:`,
      );
    } else seen.set(name, at);
    return { name, budgets: budgetsOf(m.budgets, where, pos), at };
  });
}

/** A name is shown in the comment and the terminal: a right-to-left override or a zero-width space could disguise it. */
function invisibleInName(name: string, segments: Segments, { pos, add }: ScenarioContext): void {
  const bad = firstInvisible(name);
  if (!bad) return;
  const { node, offset } = pos.find(segments);
  const start = node?.range?.[0];
  const index = start === undefined ? -1 : pos.source.indexOf(bad.char, start);
  const at = pos.at(start !== undefined && index >= 0 && index < node!.range![1] ? index : offset);
  const code = `U+${bad.char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  add(at, keyPath(segments), `the name contains ${code}, an invisible control or formatting character that can disguise it; remove it`);
}

function rates(input: Partial<Record<CompareMetric, string | number | undefined>> | undefined): Partial<Record<CompareMetric, number>> {
  const out: Partial<Record<CompareMetric, number>> = {};
  for (const [metric, value] of Object.entries(input ?? {})) {
    if (value !== undefined) out[metric as CompareMetric] = fraction(value, DEFAULT_TOLERANCE[metric as CompareMetric]);
  }
  return out;
}

function budgetsOf(input: ScenarioInput['budgets'], base: Segments, pos: Positions): Budget[] {
  const budgets: Budget[] = [];
  for (const metric of BUDGET_METRICS) {
    const raw = input?.[metric];
    if (raw === undefined) continue;
    const parsed = parseBudget(metric, raw);
    if (!parsed.ok) continue;
    budgets.push({ metric, op: parsed.op, limit: parsed.limit, text: String(raw).trim(), at: pos.of([...base, 'budgets', metric]) });
  }
  return budgets;
}

function normaliseRequest(
  input: NonNullable<ScenarioInput['request']>,
  defaultHeaders: Record<string, string | number | boolean> | undefined,
  where: Segments,
  ctx: ScenarioContext,
): RequestTemplate {
  const { pos, env, resolveEnv, add } = ctx;
  const expand = (text: string, segments: Segments): string => {
    for (const bad of findMalformed(text)) {
      add(
        pos.ofReference(segments, text, bad.start),
        keyPath(segments),
        `malformed reference ${JSON.stringify(bad.text)}; write \${env.NAME}`,
      );
    }
    for (const ref of findReferences(text)) {
      const refused = ref.scope === 'env' ? refusedEnv(ref.key) : undefined;
      if (ref.scope !== 'env') {
        add(
          pos.ofReference(segments, text, ref.start),
          keyPath(segments),
          `unknown reference \${${ref.scope}.${ref.key}} in a request; requests can use \${env.NAME}`,
        );
      } else if (refused) {
        add(pos.ofReference(segments, text, ref.start), keyPath(segments), refused);
      } else if (resolveEnv && env[ref.key] === undefined) {
        add(
          pos.ofReference(segments, text, ref.start),
          keyPath(segments),
          `environment variable ${ref.key} is not set; export it, or remove the reference`,
        );
      }
    }
    return resolveEnv ? substitute(text, (scope, key) => (scope === 'env' && !refusedEnv(key) ? (env[key] ?? '') : '')) : text;
  };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(defaultHeaders ?? {}))
    headers[name.toLowerCase()] = expand(String(value), ['defaults', 'headers', name]);
  for (const [name, value] of Object.entries(input.headers ?? {}))
    headers[name.toLowerCase()] = expand(String(value), [...where, 'headers', name]);
  let body: string | undefined;
  if (input.body !== undefined && input.json !== undefined) add(pos.of(where), keyPath(where), 'use either body: or json:, not both');
  if (input.body !== undefined) body = expand(input.body, [...where, 'body']);
  if (input.json !== undefined) {
    body = expand(JSON.stringify(input.json), [...where, 'json']);
    headers['content-type'] ??= 'application/json';
  }
  const expect = input.expect ? expectationOf(input.expect) : undefined;
  return {
    method: (input.method ?? 'GET').toUpperCase(),
    path: expand(input.path, [...where, 'path']),
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(expect ? { expect } : {}),
  };
}

/** `expect:` as validated → the check run per response (the schema refused bad paths and statuses at their line). */
function expectationOf(input: NonNullable<NonNullable<ScenarioInput['request']>['expect']>): ResponseExpectation | undefined {
  const expect: ResponseExpectation = {};
  if (input.status !== undefined) {
    const status = { codes: [] as number[], classes: [] as number[] };
    for (const item of Array.isArray(input.status) ? input.status : [input.status]) {
      const parsed = parseStatus(item);
      if (parsed.ok && parsed.code !== undefined) status.codes.push(parsed.code);
      if (parsed.ok && parsed.class !== undefined) status.classes.push(parsed.class);
    }
    expect.status = status;
  }
  if (input.json) {
    const parsed = parseJsonPath(input.json.path);
    if (parsed.ok) {
      expect.json = { path: input.json.path, steps: parsed.steps };
      if (input.json.equals !== undefined) expect.json.equals = input.json.equals;
    }
  }
  if (input.body_contains !== undefined) expect.bodyContains = input.body_contains;
  if (input.header !== undefined) {
    const entries = typeof input.header === 'string' ? [[input.header, true] as const] : Object.entries(input.header);
    expect.header = Object.fromEntries(
      entries.map(([name, value]) => [name.toLowerCase(), typeof value === 'number' ? String(value) : value]),
    );
  }
  return Object.keys(expect).length > 0 ? expect : undefined;
}

function tokensOf(input: NonNullable<ScenarioInput['tokens']>, where: Segments, ctx: ScenarioContext): Scenario['tokens'] | undefined {
  const { pos, add } = ctx;
  const file = path.resolve(ctx.dir, input.file);
  const text = ctx.texts.get(file);
  if (text === undefined) {
    const problem = ctx.unreadable?.get(file);
    add(
      pos.of([...where, 'file']),
      keyPath([...where, 'file']),
      problem
        ? `the tokens file ${file} ${problem}; name a CSV file of tokens, one per row (docs/config.md#tokens)`
        : `cannot read the tokens file ${file}; it is resolved relative to this YAML file`,
    );
    return undefined;
  }
  const parsed = parseTokens(text, input.column);
  if (!parsed.ok) {
    add(pos.of([...where, 'file']), keyPath([...where, 'file']), `${input.file}: ${parsed.error}`);
    return undefined;
  }
  return { file, header: input.header.toLowerCase(), prefix: input.prefix ?? '', tokens: parsed.tokens };
}
