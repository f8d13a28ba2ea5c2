// `perfgate init`, the effects: read what planInit needs from the repository (bounded: a few levels deep, small
// files only, no symlinks followed), then write its files, never over an existing one.
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readFileFacts } from '../config/file-facts.ts';
import { UsageError } from '../errors.ts';
import { planInit, SCHEMA_URL, type InitFacts } from './plan.ts';

/** Directories never searched: dependencies, build output, VCS and tool state. */
const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  'vendor',
  'dist',
  'build',
  'target',
  '.venv',
  'venv',
  '__pycache__',
  '.tox',
  'coverage',
  '.next',
]);
const MAX_DEPTH = 4;
const MAX_SOURCE_FILES = 400;
const MAX_SOURCE_BYTES = 256 * 1024;
/** The most directory entries looked at, so that a huge tree cannot make init slow. */
const MAX_ENTRIES = 20_000;
const SOURCE = /\.(m?js|cjs|ts|mts|cts|jsx|tsx|py|go|rb|java|kt|php|rs|cs|ex|exs)$/;
const MANIFEST = /^(package\.json|requirements[\w.-]*\.txt|pyproject\.toml|go\.mod|Gemfile|(docker-)?compose(\.[\w-]+)?\.ya?ml)$/;
const OPENAPI = /^(openapi|swagger)\.(ya?ml|json)$/;
const SQL = /^(schema|init|structure)\.sql$/;

interface Found {
  manifests: string[];
  sources: string[];
  openapi: string[];
  sql: string[];
  dockerfiles: string[];
}

/** The files worth reading, relative to `root` with posix separators, shallow ones first, then by name. */
async function survey(root: string): Promise<Found> {
  const found: Found = { manifests: [], sources: [], openapi: [], sql: [], dockerfiles: [] };
  let level = [''];
  let seen = 0;
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const rel of level) {
      const entries = await readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
      for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (++seen > MAX_ENTRIES) return withinSize(root, found);
        const file = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!SKIP_DIRS.has(entry.name) && !(depth === 0 && entry.name === 'perf')) next.push(file);
        } else if (entry.isFile()) {
          if (MANIFEST.test(entry.name)) found.manifests.push(file);
          else if (OPENAPI.test(entry.name) && depth < 3) found.openapi.push(file);
          else if (SQL.test(entry.name)) found.sql.push(file);
          else if (entry.name === 'Dockerfile' && depth > 0) found.dockerfiles.push(file);
          else if (SOURCE.test(entry.name) && found.sources.length < MAX_SOURCE_FILES) found.sources.push(file);
        }
      }
    }
    level = next;
  }
  return withinSize(root, found);
}

/** Drops the source files too large to be worth reading. */
async function withinSize(root: string, found: Found): Promise<Found> {
  const small = await Promise.all(
    found.sources.map(async (f) => ((await stat(path.join(root, f)).catch(() => undefined))?.size ?? Infinity) <= MAX_SOURCE_BYTES),
  );
  found.sources = found.sources.filter((_, i) => small[i]);
  return found;
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/** The repository root: the nearest directory up from `dir` with a .git; `dir` itself when there is none. */
async function repositoryRoot(dir: string): Promise<string> {
  for (let at = dir; ; at = path.dirname(at)) {
    if (await exists(path.join(at, '.git'))) return at;
    if (path.dirname(at) === at) return dir;
  }
}

/** The editor schema, relative to perf/: a copy inside the repository (perfgate installed, or perfgate's own), else the URL. */
async function schemaReference(dir: string, root: string): Promise<string> {
  const perfDir = path.join(dir, 'perf');
  for (let at = dir; ; at = path.dirname(at)) {
    const installed = path.join(at, 'node_modules', 'perfgate', 'dist', 'perf.schema.json');
    if (await exists(installed)) return path.relative(perfDir, installed).split(path.sep).join('/');
    const own = path.join(at, 'dist', 'perf.schema.json');
    const facts = await readFileFacts({ read: [path.join(at, 'package.json')], check: [own] });
    const name = (() => {
      try {
        return (JSON.parse(facts.texts.get(path.join(at, 'package.json')) ?? '{}') as { name?: unknown }).name;
      } catch {
        return undefined;
      }
    })();
    if (name === 'perfgate' && facts.existing.has(own)) return path.relative(perfDir, own).split(path.sep).join('/');
    if (at === root || path.dirname(at) === at) return SCHEMA_URL;
  }
}

export interface InitOptions {
  /** The directory to write into, as the user named it (default "."). */
  dir: string;
  cwd: string;
  target?: string;
}

/** Writes what planInit plans; returns the lines to print. */
export async function runInit(options: InitOptions): Promise<string[]> {
  const dir = path.resolve(options.cwd, options.dir);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`perfgate init: ${options.dir} is not a directory`);
  const root = await repositoryRoot(dir);
  const found = await survey(dir);
  // A schema kept beside the app rather than in it (examples/db/schema.sql next to examples/app): look one level up,
  // inside the repository only.
  if (found.sql.length === 0 && path.relative(root, dir) !== '') {
    const parent = path.dirname(dir);
    const beside = (await survey(parent)).sql.map((f) => path.relative(dir, path.join(parent, f)).split(path.sep).join('/'));
    found.sql.push(...beside.filter((f) => f.startsWith('../')));
  }
  const dockerfile = path.join(dir, 'Dockerfile');
  const read = [dockerfile, ...found.manifests, ...found.openapi, ...found.sources].map((f) => path.resolve(dir, f));
  const facts = await readFileFacts({ read, check: [] });
  const problem = facts.unreadable?.get(dockerfile);
  if (problem) throw new UsageError(`perfgate init: ${path.join(options.dir, 'Dockerfile')} ${problem}`);
  const text = (rel: string) => facts.texts.get(path.resolve(dir, rel));
  const openapi = found.openapi.find((f) => text(f) !== undefined);
  const relRoot = path.relative(dir, root).split(path.sep).join('/');
  const workingDirectory = path.relative(root, dir).split(path.sep).join('/');
  const initFacts: InitFacts = {
    dir: options.dir,
    dockerfile: facts.texts.get(dockerfile),
    files: [...found.manifests, ...found.sources].flatMap((f) => (text(f) !== undefined ? [{ path: f, text: text(f)! }] : [])),
    ...(openapi ? { openapi: { path: openapi, text: text(openapi)! } } : {}),
    sql: found.sql,
    elsewhere: found.dockerfiles,
    schema: await schemaReference(dir, root),
    workflowsDir: relRoot ? `${relRoot}/.github/workflows` : '.github/workflows',
    ...(workingDirectory ? { workingDirectory } : {}),
    ...(options.target !== undefined ? { target: options.target } : {}),
  };
  const plan = planInit(initFacts);
  const lines: string[] = [];
  for (const file of plan.files) {
    const absolute = path.resolve(dir, file.path);
    const relative = path.relative(options.cwd, absolute);
    const shown = relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
    await mkdir(path.dirname(absolute), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(
        `perfgate init: cannot create ${path.relative(options.cwd, path.dirname(absolute))}: ${error.code ?? error.message}`,
      );
    });
    // wx: never over a file, even one written since the plan was made.
    const written = await writeFile(absolute, file.text, { flag: 'wx' }).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return false;
        throw new UsageError(`perfgate init: cannot write ${shown}: ${error.code ?? error.message}`);
      },
    );
    lines.push(written ? `wrote ${shown}: ${file.summary}` : `skipped ${shown}: it exists (perfgate init never overwrites a file)`);
  }
  lines.push('Next:', ...plan.next.map((step, i) => `  ${i + 1}. ${step}`));
  return lines;
}
