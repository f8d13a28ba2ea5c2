// `perfgate init`, the pure part: what the repository's files say (read at the edge, init/run-init.ts) → the files to
// write, as text, and what to tell the user. The Dockerfile gives the app and its port, the package manifests, a
// compose file and the code tell whether Postgres and Redis are needed, an OpenAPI file gives the scenarios.
import { parse as parseYaml, stringify } from 'yaml';
import { UsageError } from '../errors.ts';
import { firstInvisible } from '../invisible.ts';

/** What perfgate init read, paths relative to the directory it writes into (posix separators). */
export interface InitFacts {
  /** The directory as the user named it, for messages. */
  dir: string;
  /** The Dockerfile's text, when there is one. */
  dockerfile?: string;
  /** Package manifests, compose files and source files, in a stable order. */
  files: ReadonlyArray<{ path: string; text: string }>;
  /** The first OpenAPI (or Swagger) description found. */
  openapi?: { path: string; text: string };
  /** Likely database schema files (schema.sql, init.sql, structure.sql). */
  sql: readonly string[];
  /** Dockerfiles in subdirectories, for the message when the directory has none. */
  elsewhere: readonly string[];
  /** The $schema reference perf/perf.yaml's modeline points at (relative to perf/, or a URL). */
  schema: string;
  /** Where the repository's .github/workflows is, relative to the directory. */
  workflowsDir: string;
  /** The directory relative to the repository root, when it is not the root (the action's working-directory). */
  workingDirectory?: string;
  /** --target URL: a perf file that loads a running service instead of starting one. */
  target?: string;
}

interface InitFile {
  /** Relative to the directory, posix separators. */
  path: string;
  text: string;
  /** One line on what was found, shown when the file is written. */
  summary: string;
}

export interface InitPlan {
  files: InitFile[];
  /** What to edit next, one step a line. */
  next: string[];
}

/** The most scenarios taken from an OpenAPI description. */
const MAX_OPENAPI_SCENARIOS = 5;
/** Where the action's tagged releases keep the editor schema, when no copy is inside the repository. */
export const SCHEMA_URL = 'https://raw.githubusercontent.com/perfgate/perfgate/v1/dist/perf.schema.json';
const DEFAULT_PORT = 8080;
const CONNECTIONS = 10;

export function planInit(facts: InitFacts): InitPlan {
  if (facts.target !== undefined && !/^https?:\/\/[^/\s]+/.test(facts.target))
    throw new UsageError(`--target expects an http(s) URL like http://127.0.0.1:8080, got ${JSON.stringify(facts.target)}`);
  if (facts.target === undefined && facts.dockerfile === undefined) {
    const where = facts.elsewhere.slice(0, 3).map((f) => `perfgate init ${posixJoin(facts.dir, f.replace(/\/?Dockerfile$/, ''))}`);
    throw new UsageError(
      `no Dockerfile in ${facts.dir}: perfgate init builds the app from it (its EXPOSE gives the port). ` +
        `Run it in the directory that has the Dockerfile (${where.length > 0 ? where.join(' or ') : 'perfgate init path/to/app'}), ` +
        'or pass --target http://127.0.0.1:8080 for a service you start yourself',
    );
  }
  const scenarios = scenariosOf(facts);
  const perf =
    facts.target !== undefined ? targetPerfFile(facts, facts.target, scenarios) : servicesPerfFile(facts, facts.dockerfile!, scenarios);
  const workflows = workflowFiles(facts);
  const scenarioWord = `${scenarios.list.length} scenario${scenarios.list.length === 1 ? '' : 's'}`;
  const files: InitFile[] = [
    { path: 'perf/perf.yaml', text: perf.text, summary: `${perf.summary}; ${scenarioWord} (${scenarios.source})` },
    ...workflows,
  ];
  const next = [
    facts.target !== undefined
      ? `Check perf/perf.yaml: the target, each scenario's path, and the seed budgets.`
      : `Check perf/perf.yaml: the app's port (${perf.port.why}), its env, the commented ready: path, each scenario's path, and the seed budgets.`,
    'Run npx perfgate validate, then npx perfgate run, and set the budgets from what it measured (docs/config.md#budgets).',
    'Commit perf/ and the two workflows; make the perf job a required check (docs/github-action.md#making-perfgate-a-required-check).',
  ];
  return { files, next };
}

const posixJoin = (dir: string, rel: string) => (dir === '.' || dir === '' ? rel : `${dir.replace(/\/+$/, '')}/${rel}`);

// --- The Dockerfile -------------------------------------------------------------------------------------------

interface Port {
  port: number;
  /** Where it came from, e.g. "EXPOSE 5000 in the Dockerfile". */
  why: string;
  guessed: boolean;
}

/** Instructions of the Dockerfile's final stage, continuation lines joined and comments dropped. */
function finalStage(dockerfile: string): Array<{ keyword: string; args: string }> {
  const joined = dockerfile
    .split(/\r?\n/)
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\[ \t]*\n/g, ' ');
  let stage: Array<{ keyword: string; args: string }> = [];
  const global: Array<{ keyword: string; args: string }> = [];
  let seenFrom = false;
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!.trim();
    if (keyword === 'FROM') {
      seenFrom = true;
      stage = [...global];
    } else if (!seenFrom && keyword === 'ARG') global.push({ keyword, args });
    else stage.push({ keyword, args });
  }
  return stage;
}

/** ENV and ARG defaults of the stage, for EXPOSE $PORT. */
function variables(stage: Array<{ keyword: string; args: string }>): Map<string, string> {
  const vars = new Map<string, string>();
  for (const { keyword, args } of stage) {
    if (keyword !== 'ENV' && keyword !== 'ARG') continue;
    const pairs = [...args.matchAll(/([A-Za-z_]\w*)=("[^"]*"|'[^']*'|\S*)/g)];
    if (pairs.length > 0) for (const p of pairs) vars.set(p[1]!, p[2]!.replace(/^["']|["']$/g, ''));
    else if (keyword === 'ENV') {
      const legacy = /^([A-Za-z_]\w*)\s+(\S+)/.exec(args);
      if (legacy) vars.set(legacy[1]!, legacy[2]!);
    }
  }
  return vars;
}

function expand(token: string, vars: Map<string, string>): string {
  return token.replace(/\$\{([A-Za-z_]\w*)(?::-([^}]*))?\}|\$([A-Za-z_]\w*)/g, (_, braced?: string, fallback?: string, bare?: string) => {
    const name = braced ?? bare!;
    return vars.get(name) ?? fallback ?? '';
  });
}

/** The port of the Dockerfile's final stage: its first TCP EXPOSE, else an ENV PORT, else a stated guess. */
export function dockerfilePort(dockerfile: string): Port {
  const stage = finalStage(dockerfile);
  const vars = variables(stage);
  for (const { keyword, args } of stage) {
    if (keyword !== 'EXPOSE') continue;
    for (const token of args.split(/\s+/)) {
      const [ports, protocol = 'tcp'] = expand(token, vars).split('/');
      const port = Number(ports!.split('-')[0]);
      if (protocol.toLowerCase() === 'tcp' && Number.isInteger(port) && port >= 1 && port <= 65535)
        return { port, why: `from EXPOSE ${token} in the Dockerfile`, guessed: false };
    }
  }
  const envPort = Number(vars.get('PORT'));
  if (Number.isInteger(envPort) && envPort >= 1 && envPort <= 65535)
    return { port: envPort, why: 'from ENV PORT in the Dockerfile (it has no EXPOSE)', guessed: true };
  return { port: DEFAULT_PORT, why: 'a guess: the Dockerfile has no EXPOSE with a TCP port', guessed: true };
}

/** A health path the Dockerfile's HEALTHCHECK asks for, e.g. curl -f http://localhost:5000/healthz. */
function healthcheckPath(dockerfile: string): string | undefined {
  const check = finalStage(dockerfile).find((i) => i.keyword === 'HEALTHCHECK');
  return check && /https?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::\d+)?(\/[^\s"'|;&)]*)/.exec(check.args)?.[1];
}

// --- Postgres, Redis and the health path ----------------------------------------------------------------------

interface Dependency {
  /** The file that mentions it, and how. */
  why: string;
  image: string;
  envName: string;
}

const NPM = {
  postgres: ['pg', 'postgres', 'pg-promise', 'pg-pool', 'slonik', '@databases/pg', '@neondatabase/serverless', '@vercel/postgres'],
  redis: ['redis', 'ioredis', '@redis/client', 'bullmq', 'bull', 'connect-redis'],
};

const MENTIONS = {
  postgres: {
    manifest:
      /\b(psycopg2-binary|psycopg2|psycopg|asyncpg|pg8000|github\.com\/lib\/pq|github\.com\/jackc\/pgx|gorm\.io\/driver\/postgres)\b|\bgem\s+['"](pg|sequel_pg)['"]/,
    code: /postgres(?:ql)?:\/\/|\b(?:require|from|import)\s*\(?\s*['"](pg|postgres|pg-promise)['"]|^\s*(?:import|from)\s+(psycopg2?|asyncpg)\b|"github\.com\/(?:lib\/pq|jackc\/pgx)/m,
  },
  redis: {
    manifest:
      /(?:^|["'\s])(redis|aioredis|hiredis|django-redis|github\.com\/redis\/go-redis|github\.com\/go-redis\/redis|github\.com\/gomodule\/redigo)\b|\bgem\s+['"](redis|redis-rails|sidekiq|redis-client)['"]/m,
    code: /rediss?:\/\/|\b(?:require|from|import)\s*\(?\s*['"](redis|ioredis)['"]|^\s*(?:import|from)\s+(redis|aioredis)\b|"github\.com\/(?:redis\/go-redis|go-redis\/redis)/m,
  },
} as const;

const ENV_NAMES = {
  postgres: ['DATABASE_URL', 'POSTGRES_URL', 'POSTGRESQL_URL', 'PG_URL', 'DB_URL', 'PGURL'],
  redis: ['REDIS_URL', 'REDIS_URI', 'CACHE_URL'],
};
const IMAGES = { postgres: 'postgres:15', redis: 'redis:7' };

const MANIFESTS = /(^|\/)(requirements[\w.-]*\.txt|pyproject\.toml|go\.mod|Gemfile)$/;
const COMPOSE = /(^|\/)(docker-)?compose(\.[\w-]+)?\.ya?ml$/;

function npmDependencies(text: string): string[] {
  try {
    const manifest = JSON.parse(text) as Record<string, unknown>;
    return ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'].flatMap((key) => {
      const deps = manifest[key];
      return deps && typeof deps === 'object' ? Object.keys(deps) : [];
    });
  } catch {
    return [];
  }
}

/** Why the repository needs this dependency (the first file that says so), or undefined. */
function mention(kind: 'postgres' | 'redis', file: { path: string; text: string }): { why: string; image?: string } | undefined {
  const base = file.path.split('/').pop()!;
  if (base === 'package.json') {
    const name = npmDependencies(file.text).find((d) => NPM[kind].includes(d));
    return name ? { why: `${file.path} depends on ${name}` } : undefined;
  }
  if (COMPOSE.test(file.path)) {
    const image = new RegExp(`^\\s*image:\\s*["']?((?:docker\\.io/)?(?:library/)?${kind}(?::[\\w.-]+)?)["']?\\s*$`, 'm').exec(
      file.text,
    )?.[1];
    return image ? { why: `${file.path} runs ${image}`, image: image.replace(/^(docker\.io\/)?(library\/)?/, '') } : undefined;
  }
  const pattern = MANIFESTS.test(file.path) ? MENTIONS[kind].manifest : MENTIONS[kind].code;
  const match = pattern.exec(file.text);
  return match ? { why: `${file.path} mentions ${(match[1] ?? match[2] ?? match[0]).trim()}` } : undefined;
}

function dependency(kind: 'postgres' | 'redis', files: InitFacts['files']): Dependency | undefined {
  // A compose file's image wins for the version; any file is enough to need it.
  const found = files.map((f) => mention(kind, f)).filter((m) => m !== undefined);
  if (found.length === 0) return undefined;
  const image = found.find((m) => m.image)?.image ?? IMAGES[kind];
  const envName = ENV_NAMES[kind].find((name) => files.some((f) => new RegExp(`\\b${name}\\b`).test(f.text))) ?? ENV_NAMES[kind][0]!;
  return { why: found[0]!.why, image, envName };
}

const HEALTH_PATHS = ['/healthz', '/health', '/readyz', '/ready', '/api/health', '/_health', '/livez', '/ping', '/status'];

/** A guessed health path: the Dockerfile's HEALTHCHECK, else a GET of the OpenAPI file, else one the code names. */
function healthPath(facts: InitFacts, openApiPaths: readonly string[]): { path: string; why: string } | undefined {
  const fromCheck = facts.dockerfile && healthcheckPath(facts.dockerfile);
  if (fromCheck) return { path: fromCheck, why: "the Dockerfile's HEALTHCHECK" };
  for (const candidate of HEALTH_PATHS) {
    const operation = openApiPaths.find((p) => p.endsWith(candidate));
    if (operation) return { path: operation, why: `found in ${facts.openapi!.path}` };
    const quoted = new RegExp(`['"\`]${candidate.replace(/\//g, '\\/')}['"\`?/]`);
    const file = facts.files.find((f) => quoted.test(f.text));
    if (file) return { path: candidate, why: `found in ${file.path}` };
  }
  return undefined;
}

// --- Scenarios ------------------------------------------------------------------------------------------------

interface Scenario {
  name: string;
  path: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A local $ref (#/components/parameters/x) resolved once, anything else as it is. */
function deref(spec: Json, value: unknown): unknown {
  if (!isObject(value) || typeof value.$ref !== 'string' || !value.$ref.startsWith('#/')) return value;
  let at: unknown = spec;
  for (const part of value.$ref.slice(2).split('/')) at = isObject(at) ? at[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return at;
}

/** The path prefix of the first server (OpenAPI 3) or the basePath (Swagger 2), when it is a plain path. */
function basePath(spec: Json): string {
  const server = Array.isArray(spec.servers) && isObject(spec.servers[0]) ? spec.servers[0].url : undefined;
  const raw =
    typeof server === 'string' ? server.replace(/^[a-z]+:\/\/[^/]*/i, '') : typeof spec.basePath === 'string' ? spec.basePath : '';
  return /^\/[\w\-./~]*$/.test(raw) ? raw.replace(/\/+$/, '') : '';
}

/** GET operations without a path template or a required parameter, in the file's order. */
export function openApiGets(text: string): { gets: string[]; skipped: number } | { error: string } {
  let spec: unknown;
  try {
    // JSON first: a large JSON description parses far faster than through the YAML parser.
    spec = /^\s*\{/.test(text) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    return { error: (error instanceof Error ? error.message : String(error)).split('\n')[0]! };
  }
  if (!isObject(spec) || !isObject(spec.paths)) return { error: 'it has no paths:' };
  const prefix = basePath(spec);
  const gets: string[] = [];
  let skipped = 0;
  for (const [route, item] of Object.entries(spec.paths)) {
    const pathItem = deref(spec, item);
    if (!isObject(pathItem) || !isObject(pathItem.get)) continue;
    const params = [pathItem.parameters, pathItem.get.parameters].flatMap((list) => (Array.isArray(list) ? list : []));
    const required = params.some((p) => {
      const param = deref(spec as Json, p);
      return isObject(param) && (param.required === true || param.in === 'path');
    });
    const full = `${prefix}${route}`;
    if (required || /[{}\s]/.test(route) || !route.startsWith('/') || firstInvisible(full)) skipped++;
    else gets.push(full);
  }
  return { gets, skipped };
}

/**
 * GET routes without parameters the code names, as common frameworks write them: Express/Fastify/Koa `.get('/x'`,
 * Flask/FastAPI `@app.get("/x")` or `@app.route("/x")`, Go `HandleFunc("/x"`, and plain Node `pathname === '/x'`.
 * A cheap look, not a parser: a path with a parameter (`:id`, `{id}`, `<id>`) or a wildcard is left out.
 */
const ROUTE_PATTERNS = [
  /\.get\(\s*['"`](\/[^'"`\s]*)['"`]/g,
  /@\w+\.(?:get|route)\(\s*['"](\/[^'"\s]*)['"]/g,
  /HandleFunc\(\s*"(\/[^"\s]*)"/g,
  /(?:pathname|req\.url|request\.url)\s*===?\s*['"`](\/[^'"`\s?]*)['"`]/g,
];

export function codeRoutes(files: InitFacts['files']): Array<{ path: string; file: string }> {
  const found = new Map<string, string>();
  for (const file of files) {
    if (
      /(^|\/)(package(-lock)?\.json|requirements\.txt|pyproject\.toml|go\.(mod|sum)|Gemfile(\.lock)?|[^/]*compose[^/]*\.ya?ml)$/.test(
        file.path,
      )
    )
      continue;
    for (const pattern of ROUTE_PATTERNS) {
      for (const match of file.text.matchAll(pattern)) {
        const route = match[1]!;
        if (/[:{}<>*]/.test(route) || firstInvisible(route) || route.length > 200) continue;
        if (!found.has(route)) found.set(route, file.path);
      }
    }
  }
  return [...found].map(([path, file]) => ({ path, file }));
}

function scenariosOf(facts: InitFacts): { list: Scenario[]; source: string; comment: string[]; openApiPaths: string[] } {
  const home = { list: [{ name: 'home', path: '/' }], openApiPaths: [] };
  if (!facts.openapi) {
    const routes = codeRoutes(facts.files).slice(0, MAX_OPENAPI_SCENARIOS);
    if (routes.length > 0)
      return {
        list: routes.map((r) => ({ name: `GET ${r.path}`, path: r.path })),
        openApiPaths: [],
        source: `routes found in ${[...new Set(routes.map((r) => r.file))].join(', ')}`,
        comment: [
          `No OpenAPI file was found: these GET routes were found in the code (at most ${MAX_OPENAPI_SCENARIOS}). Check each is a real GET endpoint.`,
        ],
      };
    return {
      ...home,
      source: 'GET /: no OpenAPI file',
      comment: ['No OpenAPI file was found: one scenario loads GET /. Set the path of a real endpoint.'],
    };
  }
  const found = openApiGets(facts.openapi.text);
  if ('error' in found)
    return {
      ...home,
      source: `GET /: ${facts.openapi.path} could not be read`,
      comment: [`${facts.openapi.path} could not be read (${found.error}): one scenario loads GET /.`],
    };
  if (found.gets.length === 0)
    return {
      ...home,
      source: `GET /: ${facts.openapi.path} has no GET without required parameters`,
      comment: [`${facts.openapi.path} has no GET operation without required parameters: one scenario loads GET /.`],
    };
  const taken = found.gets.slice(0, MAX_OPENAPI_SCENARIOS);
  const left = found.gets.length - taken.length + found.skipped;
  const comment = [`From ${facts.openapi.path}: GET operations without required parameters (at most ${MAX_OPENAPI_SCENARIOS}).`];
  if (left > 0)
    comment.push(
      `${left} more GET operation${left === 1 ? ' was' : 's were'} left out (required parameters, or past the first ${MAX_OPENAPI_SCENARIOS}).`,
    );
  return {
    list: taken.map((p) => ({ name: `GET ${p}`, path: p })),
    source: `from ${facts.openapi.path}`,
    comment,
    openApiPaths: found.gets,
  };
}

// --- perf/perf.yaml -------------------------------------------------------------------------------------------

/** A line with its comment, comments aligned where the line leaves room. */
const c = (code: string, comment: string) => `${code.padEnd(34)} # ${comment}`;

/** A YAML scalar that reads back as this string, whatever it holds. */
const scalar = (value: string) => stringify(value, { lineWidth: 0 }).trimEnd();

function header(facts: InitFacts): string[] {
  return [
    `# yaml-language-server: $schema=${facts.schema}`,
    '# Written by perfgate init: a starting point. Check the lines marked "check", then run `npx perfgate validate`',
    '# and `npx perfgate run`. Every key: docs/config.md.',
    'version: 1',
  ];
}

function scenarioLines(scenarios: ReturnType<typeof scenariosOf>): string[] {
  return [
    'defaults:',
    '  warmup: 2s',
    '  duration: 10s',
    c(`  connections: ${CONNECTIONS}`, `QPS budgets are judged at this concurrency`),
    ...scenarios.comment.map((c) => `# ${c}`),
    'scenarios:',
    ...scenarios.list.flatMap((s) => [
      `  - name: ${scalar(s.name)}`,
      '    request:',
      c(`      path: ${scalar(s.path)}`, `check: a real endpoint, answering 2xx`),
      '    # Seed budgets: run once, then set them from what you measured (a little slack beyond the worst run).',
      '    budgets:',
      c(`      qps: ">= 100"`, `at connections: ${CONNECTIONS} (defaults above)`),
      '      p99: "<= 500ms"',
      c('      success: ">= 99.95%"', '2xx/3xx share; about 6,000 requests are needed to establish it'),
    ]),
  ];
}

function servicesPerfFile(facts: InitFacts, dockerfile: string, scenarios: ReturnType<typeof scenariosOf>) {
  const port = dockerfilePort(dockerfile);
  const postgres = dependency('postgres', facts.files);
  const redis = dependency('redis', facts.files);
  const health = healthPath(facts, scenarios.openApiPaths);
  const env = [
    ...(postgres ? [c(`      ${postgres.envName}: \${postgres.url}`, `${postgres.why}`)] : []),
    ...(redis ? [c(`      ${redis.envName}: \${redis.url}`, `${redis.why}`)] : []),
  ];
  const init =
    facts.sql.length > 0
      ? c(
          `    init: [${facts.sql.map((f) => scalar(`../${f}`)).join(', ')}]`,
          'check: found in the repository; run in this order before the app starts',
        )
      : undefined;
  const lines = [
    ...header(facts),
    'services:',
    '  app:',
    c('    build: ..', 'the directory with the Dockerfile, relative to this file'),
    c(`    port: ${port.port}`, `${port.guessed ? 'check: ' : ''}${port.why}`),
    ...(env.length > 0 ? ['    env:', ...env] : []),
    health
      ? c(`    # ready: ${health.path}`, `check: a guess (${health.why}); uncomment once it answers 2xx only when ready`)
      : c('    # ready: /health', 'check: a path answering 2xx once the app can serve; without ready:, an open port counts'),
    c('    # resources: { cpus: 1, memory: 512m }', 'the same limits for the head and the base: steadier figures'),
    ...(postgres
      ? [
          '  postgres:',
          `    image: ${scalar(postgres.image)}`,
          init ?? c('    # init: [../db/schema.sql]', 'check: .sql/.sh files that create your schema, relative to this file'),
        ]
      : []),
    ...(redis ? ['  redis:', `    image: ${scalar(redis.image)}`] : []),
    ...scenarioLines(scenarios),
  ];
  const found = [
    `app on port ${port.port}${port.guessed ? ' (guessed)' : ''}`,
    ...(postgres ? ['postgres'] : []),
    ...(redis ? ['redis'] : []),
  ];
  return { text: `${lines.join('\n')}\n`, summary: found.join(', '), port };
}

function targetPerfFile(facts: InitFacts, target: string, scenarios: ReturnType<typeof scenariosOf>) {
  const lines = [
    ...header(facts),
    c(`target: ${scalar(target)}`, `a running service you start yourself; loopback only (docs/config.md#top-level)`),
    ...scenarioLines(scenarios),
  ];
  return { text: `${lines.join('\n')}\n`, summary: `target ${target}`, port: { port: 0, why: '', guessed: false } };
}

// --- The workflows --------------------------------------------------------------------------------------------

function workflowFiles(facts: InitFacts): InitFile[] {
  const dir = facts.workflowsDir;
  const withInputs = [
    c('          comment: "off"', 'perf-report.yml comments, for forks and branches alike'),
    ...(facts.workingDirectory ? [`          working-directory: ${scalar(facts.workingDirectory)}`] : []),
    ...(facts.target !== undefined ? [c('          base: none', 'a running service cannot be rebuilt at the base commit')] : []),
  ];
  const start =
    facts.target !== undefined
      ? [
          `      # check: start your service here, so that it answers at ${facts.target} (perf/perf.yaml's target), e.g.`,
          '      # - run: npm ci && (npm start &) && npx wait-on http://127.0.0.1:8080/health',
        ]
      : [];
  const perf = [
    "# Written by perfgate init: the fork-safe pair of docs/github-action.md. This workflow runs the pull request's",
    '# code with a read-only token and uploads the results; perf-report.yml posts the comment.',
    'name: perf',
    'on:',
    '  pull_request:',
    '',
    'permissions:',
    '  contents: read',
    '',
    'concurrency:',
    '  group: perf-${{ github.ref }}',
    '  cancel-in-progress: true',
    '',
    'jobs:',
    '  perf:',
    c('    runs-on: ubuntu-latest', 'has Docker, which services: needs'),
    '    timeout-minutes: 30',
    '    steps:',
    '      - uses: actions/checkout@v5',
    '        with:',
    c('          fetch-depth: 0', "the comparison builds the merge-base of HEAD and the PR's base branch"),
    ...start,
    '      - id: perfgate',
    '        uses: perfgate/perfgate@v1',
    '        with:',
    ...withInputs,
    "      - if: always() && steps.perfgate.outputs.results != ''",
    '        uses: actions/upload-artifact@v4',
    '        with:',
    '          name: perfgate-results',
    '          path: ${{ steps.perfgate.outputs.results }}',
    '          retention-days: 7',
  ];
  const report = [
    '# Written by perfgate init: posts the comment for perf.yml (docs/github-action.md#pull-requests-from-forks).',
    "# It never checks out or runs the pull request's code: it only reads the uploaded results, as data.",
    'name: perf report',
    'on:',
    '  workflow_run:',
    c('    workflows: [perf]', 'the name of perf.yml'),
    '    types: [completed]',
    '',
    'permissions:',
    c('  actions: read', "download the other run's artifact"),
    c('  pull-requests: write', 'the comment'),
    '',
    'jobs:',
    '  report:',
    "    if: github.event.workflow_run.event == 'pull_request'",
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/download-artifact@v4',
    '        with:',
    '          name: perfgate-results',
    '          run-id: ${{ github.event.workflow_run.id }}',
    '          github-token: ${{ github.token }}',
    '          path: perfgate',
    '      - uses: perfgate/perfgate/report@v1',
    '        with:',
    '          results: perfgate/results.json',
  ];
  return [
    {
      path: `${dir}/perf.yml`,
      text: `${perf.join('\n')}\n`,
      summary: 'runs perfgate on pull requests (read-only token), uploads the results',
    },
    { path: `${dir}/perf-report.yml`, text: `${report.join('\n')}\n`, summary: 'posts the PR comment from those results, forks included' },
  ];
}
