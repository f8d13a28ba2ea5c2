// The normalisers are pure: the files a perf file names arrive as facts, so they are tested without a file system.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineCounter, parseDocument } from 'yaml';
import type { ConfigIssue } from '../../src/errors.ts';
import { fileNeeds, normaliseFile } from '../../src/config/normalise.ts';
import { Positions } from '../../src/config/positions.ts';
import { perfFileSchema } from '../../src/config/schema.ts';

function normalise(yaml: string, facts: { texts?: Record<string, string>; existing?: string[] } = {}) {
  const lines = new LineCounter();
  const doc = parseDocument(yaml, { lineCounter: lines });
  const file = perfFileSchema.parse(doc.toJS());
  const issues: ConfigIssue[] = [];
  const config = normaliseFile(file, {
    pos: new Positions('perf.yaml', doc, lines, yaml),
    dir: '/nowhere/perf',
    env: { TOKEN: 't0k' },
    resolveEnv: true,
    facts: { texts: new Map(Object.entries(facts.texts ?? {})), existing: new Set(facts.existing ?? []) },
    add: (at, path, message) => issues.push({ at, path, message }),
  });
  return { file, config, issues: issues.map((i) => `${i.at.line}:${i.at.col} ${i.path}: ${i.message}`) };
}

const services = `version: 1
services:
  app: { build: ../app, port: 8080, env: { DB: "\${postgres.url}" } }
  postgres: { init: [db/schema.sql] }
scenarios:
  - name: s
    request: { path: /, headers: { Authorization: "Bearer \${env.TOKEN}" } }
    tokens: { file: tokens.csv, prefix: "Bearer " }
`;

test('fileNeeds names the tokens files to read and the Dockerfile and init scripts to check, as absolute paths', () => {
  const { file } = normalise(services, {
    texts: { '/nowhere/perf/tokens.csv': 'a\n' },
    existing: ['/nowhere/app/Dockerfile', '/nowhere/perf/db/schema.sql'],
  });
  assert.deepEqual(fileNeeds(file, '/nowhere/perf'), {
    read: ['/nowhere/perf/tokens.csv'],
    check: ['/nowhere/app/Dockerfile', '/nowhere/perf/db/schema.sql'],
  });
});

test('with the files present, the config normalises with no issues', () => {
  const { config, issues } = normalise(services, {
    texts: { '/nowhere/perf/tokens.csv': 'token\nabc\ndef\n' },
    existing: ['/nowhere/app/Dockerfile', '/nowhere/perf/db/schema.sql'],
  });
  assert.deepEqual(issues, []);
  assert.deepEqual(config.services!.value.app.build, { context: '/nowhere/app', dockerfile: 'Dockerfile', args: {} });
  assert.deepEqual((config.services!.value.dependencies[0] as { init: string[] }).init, ['/nowhere/perf/db/schema.sql']);
  assert.deepEqual(config.scenarios[0]!.tokens, {
    file: '/nowhere/perf/tokens.csv',
    header: 'authorization',
    prefix: 'Bearer ',
    tokens: ['abc', 'def'],
  });
  assert.equal(config.scenarios[0]!.requests[0]!.request.headers.authorization, 'Bearer t0k');
});

test('without them, each is reported at its line', () => {
  const { issues } = normalise(services);
  assert.deepEqual(issues, [
    '3:17 services.app.build: no Dockerfile in /nowhere/app (the build context is relative to this YAML file)',
    '4:22 services.postgres.init[0]: cannot read /nowhere/perf/db/schema.sql (init files are relative to this YAML file)',
    '8:21 scenarios[0].tokens.file: cannot read the tokens file /nowhere/perf/tokens.csv; it is resolved relative to this YAML file',
  ]);
});

test('stats: on by default for Postgres and Redis, off with stats: false; on the app it is reported unused at its line', () => {
  const yaml = (postgres: string, app = '') => `version: 1
services:
  app: { build: ../app, port: 8080${app} }
  postgres: { ${postgres} }
  redis: { stats: false }
scenarios:
  - name: s
    request: { path: / }
`;
  const facts = { existing: ['/nowhere/app/Dockerfile'] };
  const on = normalise(yaml('image: postgres:15'), facts);
  assert.deepEqual(on.issues, []);
  assert.deepEqual(
    on.config.services!.value.dependencies.map((d) => [d.name, d.kind !== 'generic' && d.stats]),
    [
      ['postgres', true],
      ['redis', false],
    ],
  );
  const off = normalise(yaml('stats: false'), facts);
  const postgres = off.config.services!.value.dependencies[0]!;
  assert.deepEqual([postgres.kind, postgres.kind === 'postgres' && postgres.stats], ['postgres', false]);
  assert.deepEqual(normalise(yaml('stats: true', ', stats: false'), facts).issues, [
    '3:37 services.app.stats: stats is not used by a app service',
  ]);
});
