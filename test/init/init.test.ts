// perfgate init (#12): on a copy of examples/app it writes perf/perf.yaml and the fork-safe pair of workflows, the perf
// file passes perfgate validate, a second init overwrites nothing, an OpenAPI file gives one scenario per simple GET,
// and without a Dockerfile it says what it needs (exit 2).
import assert from 'node:assert/strict';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { main } from '../../src/cli.ts';
import { codeRoutes, dockerfilePort, openApiGets, planInit, SCHEMA_URL, type InitFacts } from '../../src/init/plan.ts';
import { tempDir } from '../helpers/temp-dir.ts';

type Json = Record<string, any>;

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (add: (s: string) => void) => ({ write: (s: string) => (add(s), true) }) as unknown as NodeJS.WritableStream;
  const code = await main(args, { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), env: {}, cwd });
  return { code, stdout, stderr };
}

/** A temporary copy of examples/app (Dockerfile with EXPOSE 5000, server.js using pg and redis). */
async function exampleApp(): Promise<string> {
  const dir = await tempDir('perfgate-init-');
  for (const file of ['Dockerfile', 'package.json', 'server.js']) await cp(path.join('examples/app', file), path.join(dir, file));
  return dir;
}

const NEXT = [
  'Next:',
  "  1. Check perf/perf.yaml: the app's port (from EXPOSE 5000 in the Dockerfile), its env, the commented ready: path, each scenario's path, and the seed budgets.",
  '  2. Run npx perfgate validate, then npx perfgate run, and set the budgets from what it measured (docs/config.md#budgets).',
  '  3. Commit perf/ and the two workflows; make the perf job a required check (docs/github-action.md#making-perfgate-a-required-check).',
];

test('init on examples/app writes a perf file that validates, with the port, Postgres and Redis, and the workflows', async () => {
  const dir = await exampleApp();
  const init = await cli(['init'], dir);
  assert.equal(init.stderr, '');
  assert.equal(init.code, 0);
  assert.deepEqual(init.stdout.trimEnd().split('\n'), [
    'wrote perf/perf.yaml: app on port 5000, postgres, redis; 2 scenarios (routes found in server.js)',
    'wrote .github/workflows/perf.yml: runs perfgate on pull requests (read-only token), uploads the results',
    'wrote .github/workflows/perf-report.yml: posts the PR comment from those results, forks included',
    ...NEXT,
  ]);

  const text = await readFile(path.join(dir, 'perf/perf.yaml'), 'utf8');
  assert.equal(text.split('\n')[0], `# yaml-language-server: $schema=${SCHEMA_URL}`);
  assert.match(text, /^ {4}# ready: \/health +# check: a guess \(found in server\.js\)/m);
  const perf = parse(text) as Json;
  assert.deepEqual(perf.services, {
    app: { build: '..', port: 5000, env: { DATABASE_URL: '${postgres.url}', REDIS_URL: '${redis.url}' } },
    postgres: { image: 'postgres:15' },
    redis: { image: 'redis:7' },
  });
  assert.deepEqual(perf.defaults, { warmup: '2s', duration: '10s', connections: 10 });
  // No OpenAPI file: the GET routes server.js names (pathname === '/health', '/api/v1/posts').
  const budgets = { qps: '>= 100', p99: '<= 500ms', success: '>= 99.95%' };
  assert.deepEqual(perf.scenarios, [
    { name: 'GET /health', request: { path: '/health' }, budgets },
    { name: 'GET /api/v1/posts', request: { path: '/api/v1/posts' }, budgets },
  ]);

  const validate = await cli(['validate', 'perf/perf.yaml'], dir);
  assert.equal(validate.stderr, '');
  assert.equal(validate.stdout, 'perf/perf.yaml: valid (2 scenarios, 6 budgets)\n');
  assert.equal(validate.code, 0);
});

test('routes in the code, as common frameworks name them; a path with a parameter is left out', () => {
  const files = [
    { path: 'app.js', text: "app.get('/api/users', h); app.get('/api/users/:id', h); router.get(`/status`, h)" },
    { path: 'main.py', text: '@app.route("/items")\n@app.get("/items/{id}")\n@bp.get("/ping")' },
    { path: 'main.go', text: 'http.HandleFunc("/metrics", h)' },
    { path: 'server.js', text: "if (url.pathname === '/health') {}" },
    { path: 'package.json', text: '{"scripts": {"x": "app.get(\'/ignored\')"}}' },
  ];
  assert.deepEqual(
    codeRoutes(files).map((r) => r.path),
    ['/api/users', '/status', '/ping', '/items', '/metrics', '/health'],
  );
});

test('the workflows are the fork-safe pair of docs/github-action.md, with inputs the actions have', async () => {
  const dir = await exampleApp();
  assert.equal((await cli(['init'], dir)).code, 0);
  const perf = parse(await readFile(path.join(dir, '.github/workflows/perf.yml'), 'utf8')) as Json;
  const report = parse(await readFile(path.join(dir, '.github/workflows/perf-report.yml'), 'utf8')) as Json;

  assert.equal(perf.name, 'perf');
  assert.deepEqual(perf.on, { pull_request: null });
  assert.deepEqual(perf.permissions, { contents: 'read' });
  const steps = perf.jobs.perf.steps as Json[];
  assert.deepEqual(steps[0], { uses: 'actions/checkout@v5', with: { 'fetch-depth': 0 } });
  assert.deepEqual(steps[1], { id: 'perfgate', uses: 'perfgate/perfgate@v1', with: { comment: 'off' } });
  assert.deepEqual(steps[2], {
    if: "always() && steps.perfgate.outputs.results != ''",
    uses: 'actions/upload-artifact@v4',
    with: { name: 'perfgate-results', path: '${{ steps.perfgate.outputs.results }}', 'retention-days': 7 },
  });

  assert.deepEqual(report.on, { workflow_run: { workflows: ['perf'], types: ['completed'] } });
  assert.deepEqual(report.permissions, { actions: 'read', 'pull-requests': 'write' });
  assert.equal(report.jobs.report.if, "github.event.workflow_run.event == 'pull_request'");
  const reportSteps = report.jobs.report.steps as Json[];
  assert.equal(reportSteps[0]!.with.name, 'perfgate-results');
  assert.deepEqual(reportSteps[1], { uses: 'perfgate/perfgate/report@v1', with: { results: 'perfgate/results.json' } });
  // No step checks out or runs code in the privileged workflow.
  assert.ok(reportSteps.every((s) => !('run' in s) && s.uses !== 'actions/checkout@v5'));

  const inputs = async (file: string) => Object.keys((parse(await readFile(file, 'utf8')) as Json).inputs);
  for (const key of Object.keys(steps[1]!.with)) assert.ok((await inputs('action.yml')).includes(key), key);
  for (const key of Object.keys(reportSteps[1]!.with)) assert.ok((await inputs('report/action.yml')).includes(key), key);
});

test('a second init overwrites nothing, an edited file included', async () => {
  const dir = await exampleApp();
  assert.equal((await cli(['init'], dir)).code, 0);
  const edited = '# mine\n';
  await writeFile(path.join(dir, 'perf/perf.yaml'), edited);
  const workflow = await readFile(path.join(dir, '.github/workflows/perf.yml'), 'utf8');
  const again = await cli(['init', '.'], dir);
  assert.equal(again.code, 0);
  assert.deepEqual(again.stdout.trimEnd().split('\n'), [
    'skipped perf/perf.yaml: it exists (perfgate init never overwrites a file)',
    'skipped .github/workflows/perf.yml: it exists (perfgate init never overwrites a file)',
    'skipped .github/workflows/perf-report.yml: it exists (perfgate init never overwrites a file)',
    ...NEXT,
  ]);
  assert.equal(await readFile(path.join(dir, 'perf/perf.yaml'), 'utf8'), edited);
  assert.equal(await readFile(path.join(dir, '.github/workflows/perf.yml'), 'utf8'), workflow);
});

const OPENAPI = `openapi: 3.0.3
info: { title: posts, version: "1" }
servers:
  - url: https://api.example.com/v1
paths:
  /posts:
    get: { summary: list posts, parameters: [{ name: page, in: query, required: false }] }
    post: { summary: create a post }
  /posts/{id}:
    get: { parameters: [{ name: id, in: path, required: true }] }
  /search:
    get: { parameters: [{ $ref: "#/components/parameters/q" }] }
  /tags:
    parameters: [{ name: lang, in: query }]
    get: {}
  /healthz:
    get: {}
  /users:
    post: {}
components:
  parameters:
    q: { name: q, in: query, required: true }
`;

test('an OpenAPI file gives one scenario per GET without required parameters, under its server path', async () => {
  const dir = await exampleApp();
  await writeFile(path.join(dir, 'openapi.yaml'), OPENAPI);
  const init = await cli(['init'], dir);
  assert.equal(init.code, 0);
  assert.equal(init.stdout.split('\n')[0], 'wrote perf/perf.yaml: app on port 5000, postgres, redis; 3 scenarios (from openapi.yaml)');
  const text = await readFile(path.join(dir, 'perf/perf.yaml'), 'utf8');
  const perf = parse(text) as Json;
  assert.deepEqual(
    perf.scenarios.map((s: Json) => [s.name, s.request.path]),
    [
      ['GET /v1/posts', '/v1/posts'],
      ['GET /v1/tags', '/v1/tags'],
      ['GET /v1/healthz', '/v1/healthz'],
    ],
  );
  assert.match(text, /^# 2 more GET operations were left out \(required parameters, or past the first 5\)\.$/m);
  assert.match(text, /^ {4}# ready: \/v1\/healthz +# check: a guess \(found in openapi\.yaml\)/m);
  const validate = await cli(['validate', 'perf'], dir);
  assert.equal(validate.stdout, 'perf/perf.yaml: valid (3 scenarios, 9 budgets)\n');
  assert.equal(validate.code, 0);
});

test('OpenAPI: at most 5 scenarios, Swagger 2 basePath, and an unreadable file says so', () => {
  const many = `swagger: "2.0"\nbasePath: /api\npaths:\n${['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((p) => `  /${p}:\n    get: {}\n`).join('')}`;
  assert.deepEqual(openApiGets(many), { gets: ['/api/a', '/api/b', '/api/c', '/api/d', '/api/e', '/api/f', '/api/g'], skipped: 0 });
  const plan = planInit({ ...facts(), openapi: { path: 'swagger.yaml', text: many } });
  const perf = parse(plan.files[0]!.text) as Json;
  assert.deepEqual(
    perf.scenarios.map((s: Json) => s.request.path),
    ['/api/a', '/api/b', '/api/c', '/api/d', '/api/e'],
  );
  assert.match(plan.files[0]!.text, /^# 2 more GET operations were left out/m);
  assert.equal(plan.files[0]!.summary, 'app on port 8080, postgres; 5 scenarios (from swagger.yaml)');

  const broken = planInit({ ...facts(), openapi: { path: 'openapi.json', text: '{"paths": [' } });
  assert.deepEqual((parse(broken.files[0]!.text) as Json).scenarios[0].request, { path: '/' });
  assert.match(broken.files[0]!.summary, /; 1 scenario \(GET \/: openapi\.json could not be read\)$/);
});

/** Facts for the pure planner: a Dockerfile with EXPOSE 8080 and a requirements.txt naming psycopg2-binary. */
function facts(): InitFacts {
  return {
    dir: '.',
    dockerfile: 'FROM python:3.12\nEXPOSE 8080\n',
    files: [{ path: 'requirements.txt', text: 'flask==3.0\npsycopg2-binary>=2.9\n' }],
    sql: [],
    elsewhere: [],
    schema: SCHEMA_URL,
    workflowsDir: '.github/workflows',
  };
}

test('the Dockerfile port: the final stage, variables, UDP skipped, and a stated guess without EXPOSE', () => {
  assert.deepEqual(dockerfilePort('FROM node AS build\nEXPOSE 9999\nFROM node\nARG P=3000\nEXPOSE 53/udp $P/tcp\n'), {
    port: 3000,
    why: 'from EXPOSE $P/tcp in the Dockerfile',
    guessed: false,
  });
  assert.deepEqual(dockerfilePort('FROM node\nENV PORT=4000 \\\n  NODE_ENV=production\nEXPOSE ${PORT}\n').port, 4000);
  assert.deepEqual(dockerfilePort('FROM node\nENV PORT 7000\nCMD ["node"]\n'), {
    port: 7000,
    why: 'from ENV PORT in the Dockerfile (it has no EXPOSE)',
    guessed: true,
  });
  assert.deepEqual(dockerfilePort('FROM node\n# EXPOSE 5000\n'), {
    port: 8080,
    why: 'a guess: the Dockerfile has no EXPOSE with a TCP port',
    guessed: true,
  });
});

test('a compose file sets the image; a HEALTHCHECK gives the ready path; other env names are kept', () => {
  const plan = planInit({
    ...facts(),
    dockerfile: 'FROM python\nEXPOSE 8000\nHEALTHCHECK CMD curl -f http://localhost:8000/status/live || exit 1\n',
    files: [
      { path: 'docker-compose.yml', text: 'services:\n  db:\n    image: postgres:16-alpine\n  cache:\n    image: "redis:7.2"\n' },
      { path: 'app/settings.py', text: 'DB = os.environ["POSTGRES_URL"]\n' },
    ],
    sql: ['db/schema.sql'],
  });
  const text = plan.files[0]!.text;
  const perf = parse(text) as Json;
  assert.deepEqual(perf.services, {
    app: { build: '..', port: 8000, env: { POSTGRES_URL: '${postgres.url}', REDIS_URL: '${redis.url}' } },
    postgres: { image: 'postgres:16-alpine', init: ['../db/schema.sql'] },
    redis: { image: 'redis:7.2' },
  });
  assert.match(text, /^ {4}# ready: \/status\/live +# check: a guess \(the Dockerfile's HEALTHCHECK\)/m);
  assert.match(text, /POSTGRES_URL: \$\{postgres\.url\} +# docker-compose\.yml runs postgres:16-alpine$/m);
});

test('no Dockerfile: the clear message naming the fix, exit 2, nothing written', async () => {
  const dir = await tempDir('perfgate-init-');
  await mkdir(path.join(dir, 'services/api'), { recursive: true });
  await writeFile(path.join(dir, 'services/api/Dockerfile'), 'FROM node\nEXPOSE 3000\n');
  const init = await cli(['init'], dir);
  assert.equal(init.code, 2);
  assert.equal(init.stdout, '');
  assert.equal(
    init.stderr,
    'error: no Dockerfile in .: perfgate init builds the app from it (its EXPOSE gives the port). Run it in the directory that has ' +
      'the Dockerfile (perfgate init services/api), or pass --target http://127.0.0.1:8080 for a service you start yourself\n',
  );
  assert.deepEqual((await readdir(dir)).sort(), ['services']);
  const missing = await cli(['init', 'nowhere'], dir);
  assert.deepEqual([missing.code, missing.stderr], [2, 'error: perfgate init: nowhere is not a directory\n']);
});

test('--target writes a target-based perf file that validates, and a budgets-only workflow', async () => {
  const dir = await tempDir('perfgate-init-');
  const init = await cli(['init', '--target', 'http://127.0.0.1:8080'], dir);
  assert.equal(init.code, 0);
  assert.equal(init.stdout.split('\n')[0], 'wrote perf/perf.yaml: target http://127.0.0.1:8080; 1 scenario (GET /: no OpenAPI file)');
  const perf = parse(await readFile(path.join(dir, 'perf/perf.yaml'), 'utf8')) as Json;
  assert.equal(perf.target, 'http://127.0.0.1:8080');
  assert.equal(perf.services, undefined);
  const validate = await cli(['validate'], dir);
  assert.deepEqual([validate.code, validate.stdout], [0, 'perf/perf.yaml: valid (1 scenario, 3 budgets)\n']);
  const workflow = parse(await readFile(path.join(dir, '.github/workflows/perf.yml'), 'utf8')) as Json;
  assert.deepEqual(workflow.jobs.perf.steps[1].with, { comment: 'off', base: 'none' });

  const bad = await cli(['init', '--target', 'localhost:8080'], dir);
  assert.deepEqual(
    [bad.code, bad.stderr],
    [2, 'error: --target expects an http(s) URL like http://127.0.0.1:8080, got "localhost:8080"\n'],
  );
});

test('in a subdirectory of a repository, the workflows go to the root with working-directory', async () => {
  const root = await tempDir('perfgate-init-');
  await mkdir(path.join(root, '.git'));
  await mkdir(path.join(root, 'services/api'), { recursive: true });
  await writeFile(path.join(root, 'services/api/Dockerfile'), 'FROM node\nEXPOSE 3000\n');
  const init = await cli(['init', 'services/api'], root);
  assert.equal(init.code, 0);
  assert.deepEqual(
    init.stdout
      .split('\n')
      .slice(0, 3)
      .map((l) => l.split(':')[0]),
    ['wrote services/api/perf/perf.yaml', 'wrote .github/workflows/perf.yml', 'wrote .github/workflows/perf-report.yml'],
  );
  const workflow = parse(await readFile(path.join(root, '.github/workflows/perf.yml'), 'utf8')) as Json;
  assert.deepEqual(workflow.jobs.perf.steps[1].with, { comment: 'off', 'working-directory': 'services/api' });
  const perf = parse(await readFile(path.join(root, 'services/api/perf/perf.yaml'), 'utf8')) as Json;
  assert.deepEqual(perf.services, { app: { build: '..', port: 3000 } });
  assert.equal((await cli(['validate', 'services/api/perf'], root)).code, 0);
});

test("the modeline points at a schema inside the repository when there is one: perfgate's own, or an installed copy", async () => {
  const root = await tempDir('perfgate-init-');
  await mkdir(path.join(root, '.git'));
  await mkdir(path.join(root, 'dist'));
  await writeFile(path.join(root, 'package.json'), '{"name": "perfgate"}');
  await writeFile(path.join(root, 'dist/perf.schema.json'), '{}');
  await mkdir(path.join(root, 'examples/app'), { recursive: true });
  await writeFile(path.join(root, 'examples/app/Dockerfile'), 'FROM node\nEXPOSE 5000\n');
  assert.equal((await cli(['init', 'examples/app'], root)).code, 0);
  const own = await readFile(path.join(root, 'examples/app/perf/perf.yaml'), 'utf8');
  assert.equal(own.split('\n')[0], '# yaml-language-server: $schema=../../../dist/perf.schema.json');

  const user = await tempDir('perfgate-init-');
  await mkdir(path.join(user, 'node_modules/perfgate/dist'), { recursive: true });
  await writeFile(path.join(user, 'node_modules/perfgate/dist/perf.schema.json'), '{}');
  await writeFile(path.join(user, 'Dockerfile'), 'FROM node\nEXPOSE 5000\n');
  assert.equal((await cli(['init'], user)).code, 0);
  const installed = await readFile(path.join(user, 'perf/perf.yaml'), 'utf8');
  assert.equal(installed.split('\n')[0], '# yaml-language-server: $schema=../node_modules/perfgate/dist/perf.schema.json');
});

test('a schema kept beside the app in the repository (examples/db next to examples/app) becomes the init: line', async () => {
  const repo = await tempDir('perfgate-init-');
  await mkdir(path.join(repo, '.git'));
  await cp('examples/db', path.join(repo, 'db'), { recursive: true });
  await mkdir(path.join(repo, 'app'));
  for (const file of ['Dockerfile', 'package.json', 'server.js']) await cp(path.join('examples/app', file), path.join(repo, 'app', file));
  assert.equal((await cli(['init', 'app'], repo)).code, 0);
  const perf = parse(await readFile(path.join(repo, 'app/perf/perf.yaml'), 'utf8')) as Json;
  assert.deepEqual((perf.services as Json).postgres, { image: 'postgres:15', init: ['../../db/schema.sql'] });
  assert.equal((await cli(['validate', 'app/perf/perf.yaml'], repo)).code, 0);
});
