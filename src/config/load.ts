// Loads perf/*.yaml into one PerfConfig. Each file goes read → parse (parse.ts) → validate (schema.ts, worded by
// issues.ts) → normalise (normalise.ts: services.ts, scenarios.ts, compare.ts; the files it names read first by
// file-facts.ts); then the files merge, and a calibration file's tolerances (calibration.ts) fill those left unset.
// Every problem becomes a ConfigIssue at file:line:col, all reported at once.
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { ConfigError, UsageError, type ConfigIssue } from '../errors.ts';
import { showInvisible } from '../invisible.ts';
import { applyCalibration } from './calibration.ts';
import { DEFAULT_COMPARE } from './compare.ts';
import { defaultWorkers } from './generator.ts';
import { diagnosisIssues } from './diagnose.ts';
import { DEFAULT_DRIFT } from './history.ts';
import { readFileFacts } from './file-facts.ts';
import { describeIssue } from './issues.ts';
import { fileNeeds, normaliseFile, type FileConfig } from './normalise.ts';
import { mixEntryTests, pairsProblem } from './pairs.ts';
import { parseYaml } from './parse.ts';
import type { Positions } from './positions.ts';
import { perfFileSchema, type PerfFile } from './schema.ts';
import { DEFAULT_TOLERANCE, type PerfConfig, type SourceLocation } from './types.ts';

export interface LoadOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Replace ${env.NAME} (default true). `perfgate validate` checks the syntax only. */
  resolveEnv?: boolean;
}

// The defaults, where the CLI and the pipeline import them from.
export { DEFAULT_COMPARE, DEFAULT_TOLERANCE };

export async function loadConfig(paths: string[], options: LoadOptions = {}): Promise<PerfConfig> {
  const cwd = options.cwd ?? process.cwd();
  const files = await expandPaths(paths.length ? paths : ['perf'], cwd);
  const loaded = await Promise.all(files.map((file) => loadFile(file, cwd, options)));
  const issues = loaded.flatMap((p) => p.issues);
  if (issues.length > 0) throw configError(issues);
  return merge(
    loaded.map((p) => p.config!),
    files,
    cwd,
  );
}

/** The perf files the paths name: files as given, directories as their .yaml files (sorted). */
export async function expandPaths(paths: string[], cwd: string): Promise<string[]> {
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

/** One file: its share of the config, or the issues that stopped it (a file stops at the first step that fails). */
async function loadFile(file: string, cwd: string, options: LoadOptions): Promise<{ issues: ConfigIssue[]; config?: FileConfig }> {
  const full = path.resolve(cwd, file);
  const read = await readBounded(file, full);
  if (typeof read !== 'string') return { issues: [read] };
  const parsed = parseYaml(file, read);
  if (!parsed.ok) return { issues: parsed.issues };
  const valid = validate(parsed.data, parsed.pos);
  if (!valid.ok) return { issues: valid.issues };
  const dir = path.dirname(full);
  const facts = await readFileFacts(fileNeeds(valid.file, dir));
  const issues: ConfigIssue[] = [];
  const config = normaliseFile(valid.file, {
    pos: parsed.pos,
    dir,
    env: options.env ?? process.env,
    resolveEnv: options.resolveEnv ?? true,
    facts,
    add: (at, keyPath, message) => issues.push({ at, path: keyPath, message }),
  });
  return { issues, config };
}

/** The most a perf file may hold: far more than any config needs, and parsed well within a second. */
export const MAX_FILE_BYTES = 1024 * 1024;

/**
 * A perf file's text; a file larger than MAX_FILE_BYTES is an issue where the limit falls (only that much is read),
 * and a device, FIFO or socket (which could be endless, or never answer) is refused before it is opened.
 */
async function readBounded(file: string, full: string): Promise<string | ConfigIssue> {
  const info = await stat(full);
  if (!info.isFile()) throw new UsageError(`${file} is not a regular file (a device, FIFO or socket?); pass a perf YAML file`);
  if (info.size <= MAX_FILE_BYTES) return readFile(full, 'utf8');
  // Too large: only the first MAX_FILE_BYTES are read, to say where the limit falls.
  const handle = await open(full, 'r');
  try {
    const buffer = Buffer.alloc(MAX_FILE_BYTES);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) {
      n = (await handle.read(buffer, length, buffer.length - length, length)).bytesRead;
    }
    const before = buffer.toString('utf8', 0, length).split('\n');
    return {
      at: { file, line: before.length, col: before[before.length - 1]!.length + 1 },
      path: '',
      message: `the file is more than ${MAX_FILE_BYTES} bytes (1 MiB), the most a perf file may be; split its scenarios over several files in perf/`,
    };
  } finally {
    await handle.close();
  }
}

function validate(data: Record<string, unknown>, pos: Positions): { ok: true; file: PerfFile } | { ok: false; issues: ConfigIssue[] } {
  const result = perfFileSchema.safeParse(data);
  if (result.success) return { ok: true, file: result.data };
  return { ok: false, issues: result.error.issues.flatMap((issue) => describeIssue(issue, pos, data)) };
}

/** The most problems a config error lists; the rest are counted in a last line. */
export const MAX_SHOWN_ISSUES = 100;

/**
 * The error for these issues: the first MAX_SHOWN_ISSUES and a count of the rest (a file of 60,000 unknown keys
 * needs fixing at its first line, not 60,000 lines of output), each message with its invisible and control
 * characters written as escapes (a key or value quoted in a message can hold a right-to-left override or ESC).
 */
function configError(all: ConfigIssue[]): ConfigError {
  const clean = (issue: ConfigIssue): ConfigIssue => ({ ...issue, path: showInvisible(issue.path), message: showInvisible(issue.message) });
  const issues = all.slice(0, MAX_SHOWN_ISSUES).map(clean);
  const rest = all.length - issues.length;
  if (rest > 0) {
    issues.push({
      at: all[MAX_SHOWN_ISSUES]!.at,
      path: '',
      message: `… and ${rest} more problem${rest === 1 ? '' : 's'} from here on, not listed; fix the ones above first`,
    });
  }
  return rest > 0 ? new ListedConfigError(issues, all.length) : new ConfigError(issues);
}

/** A config error that lists the first MAX_SHOWN_ISSUES of `total` problems (and a line counting the rest). */
export class ListedConfigError extends ConfigError {
  readonly total: number;
  constructor(issues: ConfigIssue[], total: number) {
    super(issues);
    this.total = total;
  }
}

/** Across files: target:, services:, compare: and history: set once at most, scenario names unique, enough pairs for all. */
function merge(parts: FileConfig[], files: string[], cwd: string): PerfConfig {
  const issues: ConfigIssue[] = [];
  const once = <K extends 'target' | 'services' | 'compare' | 'history' | 'diagnose'>(key: K) => {
    const set = parts.filter((p) => p[key] !== undefined);
    for (const extra of set.slice(1)) {
      const first = set[0]![key]!.at;
      issues.push({
        at: extra[key]!.at,
        path: key,
        message: `${key}: is already set in ${first.file}:${first.line}; set it in one file only`,
      });
    }
    return set[0]?.[key];
  };
  const target = once('target');
  const services = once('services');
  const compare = once('compare');
  const history = once('history');
  const diagnose = once('diagnose');
  if (target && services && target.at.file !== services.at.file) {
    issues.push({
      at: services.at,
      path: 'services',
      message: `use either target: (set in ${target.at.file}:${target.at.line}) or services:, not both`,
    });
  }
  // A calibration (compare: is in one file at most) fills the tolerances every file's scenarios left unset.
  const scenarios = parts.flatMap((p) =>
    compare?.calibration ? applyCalibration(p.scenarios, p.explicitTolerance, compare.calibration) : p.scenarios,
  );
  // generator: in one file at most; its workers (or this machine's default) go with every scenario.
  const generators = parts.flatMap((p) => (p.generator ? [p.generator] : []));
  for (const extra of generators.slice(1)) {
    const first = generators[0]!.at;
    issues.push({
      at: extra.at,
      path: 'generator',
      message: `generator: is already set in ${first.file}:${first.line}; set it in one file only`,
    });
  }
  const workers = generators[0]?.workers ?? defaultWorkers(availableParallelism(), services?.value);
  const seen = new Map<string, SourceLocation>();
  for (const s of scenarios) {
    const first = seen.get(s.name);
    if (first && first.file !== s.at.file)
      issues.push({ at: s.at, path: 'name', message: `duplicate scenario name "${s.name}" (also in ${first.file}:${first.line})` });
    seen.set(s.name, s.at);
  }
  const settings = compare?.value ?? { ...DEFAULT_COMPARE, metrics: [...DEFAULT_COMPARE.metrics] };
  const problem = pairsProblem(
    settings.pairs,
    settings.metrics.length,
    scenarios.length,
    settings.alpha,
    mixEntryTests(scenarios, settings.metrics),
  );
  if (problem && compare) issues.push({ at: compare.pairsAt ?? compare.at, path: 'compare.pairs', message: problem });
  issues.push(...diagnosisIssues({ scenarios, target: target?.value, services: services?.value, diagnose: diagnose?.value }));
  if (issues.length > 0) throw configError(issues);
  return {
    files,
    baseDir: path.dirname(path.resolve(cwd, files[0]!)),
    ...(target ? { target: target.value } : {}),
    ...(services ? { services: services.value } : {}),
    ...(diagnose ? { diagnose: diagnose.value } : {}),
    scenarios: scenarios.map((s) => ({ ...s, workers })),
    compare: settings,
    history: history?.value ?? { warn: { ...DEFAULT_DRIFT.warn }, fail: {} },
  };
}
