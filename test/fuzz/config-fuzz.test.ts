// Property-based fuzzing of the config loader and `perfgate validate` (issue #9): 10,000 perf files per run, seeded,
// made by mutating the real ones (perf/example.yaml, the test fixtures) and by generating new ones. Whatever the
// input, the answer is valid (exit 0) or config errors (exit 2), each at a file:line:col inside the file, within a
// time bound, with no stack trace, no internal error, no raw control or bidi character, and no prototype touched.
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { main } from '../../src/cli.ts';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';
import { firstInvisible } from '../../src/invisible.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const SEED = 90_009;
const MUTATED = 7000;
const GENERATED = 3000;
/** Inputs checked at once, each in its own file: the loader waits on the file system, not on the CPU. */
const BATCH = 8;
/** Per input, loader and validate together: generous for a loaded 2-core machine (they take about a millisecond). */
const BOUND_MS = 2000;

const fixtures = 'test/fixtures/config';
const seeds = await Promise.all(
  [
    'perf/example.yaml',
    `${fixtures}/valid/issue2.yaml`,
    `${fixtures}/services/perf/issue3.yaml`,
    ...(await readdir(`${fixtures}/invalid`)).sort().map((f) => `${fixtures}/invalid/${f}`),
  ].map((f) => readFile(f, 'utf8')),
);

/** A directory where the seeds' relative files exist, so a mutated file can still be valid. */
async function workspace(): Promise<string> {
  const dir = await tempDir('perfgate-fuzz-');
  for (const sub of ['perf', 'app', 'db', 'examples/app', 'examples/db']) await mkdir(path.join(dir, sub), { recursive: true });
  await copyFile(`${fixtures}/valid/tokens.csv`, path.join(dir, 'perf/tokens.csv'));
  for (const app of ['app', 'examples/app']) await writeFile(path.join(dir, app, 'Dockerfile'), 'FROM scratch\n');
  for (const db of ['db', 'examples/db']) await writeFile(path.join(dir, db, 'schema.sql'), 'select 1;\n');
  return dir;
}

const HOSTILE_CHARS = [
  '\u202E',
  '\u202D',
  '\u2066',
  '\u2069',
  '\u200E',
  '\u200F',
  '\u200B',
  '\u200D',
  '\uFEFF',
  '\u0000',
  '\u001b',
  '\u0007',
  '\t',
  '\r',
  '\u2028',
  '\u00AD',
  '\uD800',
  '\u{E0041}',
  '"',
  "'",
  '\\',
  ':',
  '#',
  '&',
  '*',
  '!',
  '%',
  '@',
  '`',
  '|',
  '>',
  '{',
  '}',
  '[',
  ']',
  ',',
  '-',
  '?',
  '<',
  ' ',
];
const hostileText = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...HOSTILE_CHARS),
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 12,
});

const VALUES = [
  '*nowhere',
  '&a [1, *a]',
  '&x 1',
  '*x',
  '1e999',
  '-1e999',
  '.nan',
  '.inf',
  '-.inf',
  'NaN',
  '99999999999999999999999',
  '-0',
  '0x7fffffff',
  '1.5',
  '0',
  '-1',
  '2147483648',
  '~',
  'null',
  '""',
  "''",
  '[]',
  '{}',
  '[2, 2]',
  '{ __proto__: { polluted: 1 } }',
  '__proto__',
  '{ constructor: 1 }',
  '!!binary aGk=',
  '!foo bar',
  '!!str 5',
  '!!int x',
  '!!float',
  'true',
  'yes',
  'on',
  '2001-12-14',
  '<= 5ms',
  '">= 99%"',
  '"<= -1ms"',
  '10s',
  '0s',
  '9999999h',
  '5%',
  '150%',
  '/health',
  'http://127.0.0.1:8080',
  'http://u:p@h/',
  '${env.X}',
  '${env.}',
  '${postgres.url}',
  '${',
  '"\\u202Egnp.exe"',
  '"a\\u0000b"',
  '"\\x1b[2J"',
  '|\n  block',
  '>-\n  folded',
  '&b',
  '*',
  `${'['.repeat(200)}${']'.repeat(200)}`,
  `${'{a: '.repeat(80)}1${'}'.repeat(80)}`,
  'x'.repeat(5000),
  '"\\uD800"',
  '[*x, *x, *x]',
  'tokens.csv',
  '../app',
  'Dockerfile',
  'a @ c=2',
];
const KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '<<',
  '? x',
  '"quoted"',
  '1',
  '~',
  'true',
  '[a, b]',
  '{a: 1}',
  '&k name',
  '*x',
  'name',
  'sweep',
  'connections',
  'request',
  'budgets',
  'p99',
  'tolerance',
  'compare',
  'services',
  'target',
];
const BLOCKS = [
  'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
  '---',
  '...',
  '%YAML 1.1\n---',
  '\tkey: tab',
  '? [a]\n: b',
  '<<: *x',
  'k: !!set { a, b }',
  'k: !!omap [a: 1]',
  '# comment',
  `deep: ${'- '.repeat(150)}x`,
  `nest:\n${Array.from({ length: 90 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} 1`,
  '\uFEFFversion: 1',
  'version: 1',
  'version: 2',
  '  - name: a @ c=2\n    request: { path: / }',
  '    sweep: { connections: [2, 2] }',
  '"\u202E": 1',
  'scenarios: *nowhere',
  '&top',
  '- *x',
];

interface Mutation {
  op: 'value' | 'key' | 'indent' | 'duplicate' | 'delete' | 'swap' | 'insert' | 'anchor' | 'char' | 'text';
  at: number;
  pick: number;
  text: string;
}
const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('value', 'key', 'indent', 'duplicate', 'delete', 'swap', 'insert', 'anchor', 'char', 'text'),
  at: fc.nat(),
  pick: fc.nat(),
  text: hostileText,
});

function mutate(source: string, mutations: readonly Mutation[]): string {
  const lines = source.split('\n');
  for (const m of mutations) {
    const i = m.at % lines.length;
    const line = lines[i]!;
    const pick = <T>(list: readonly T[]) => list[m.pick % list.length]!;
    switch (m.op) {
      case 'value':
        lines[i] = /:\s/.test(line) ? line.replace(/:\s.*$/, `: ${pick(VALUES)}`) : `${line} ${pick(VALUES)}`;
        break;
      case 'key':
        lines[i] = line.replace(/^(\s*(?:- )?)[^:#]+:/, `$1${pick(KEYS)}:`);
        break;
      case 'indent':
        lines[i] = (m.pick % 2 === 0 ? ' '.repeat((m.pick % 5) + 1) : '') + line.replace(/^ {1,3}/, m.pick % 2 === 0 ? '' : '');
        break;
      case 'duplicate':
        lines.splice(i, 0, line);
        break;
      case 'delete':
        if (lines.length > 1) lines.splice(i, 1);
        break;
      case 'swap': {
        const j = m.pick % lines.length;
        [lines[i], lines[j]] = [lines[j]!, line];
        break;
      }
      case 'insert':
        lines.splice(i, 0, pick(BLOCKS));
        break;
      case 'anchor': {
        lines[i] = line.replace(/:\s+(\S)/, ': &x $1');
        const j = m.pick % lines.length;
        lines[j] = lines[j]!.replace(/:\s.*$/, ': *x');
        break;
      }
      case 'char': {
        const at = m.pick % (line.length + 1);
        lines[i] = `${line.slice(0, at)}${m.text}${line.slice(at)}`;
        break;
      }
      case 'text':
        lines[i] = line.replace(/:\s.*$/, `: ${JSON.stringify(m.text)}`);
        break;
    }
  }
  return lines.join('\n');
}

/** A perf file built from parts: names (unicode, duplicates, sweep-like), numbers at and past the bounds, sweeps. */
const generated = fc
  .record({
    target: fc.constantFrom('http://127.0.0.1:8080', 'ftp://x', '', 'http://a'),
    scenarios: fc.array(
      fc.record(
        {
          name: fc.oneof(fc.constantFrom('a', 'a @ c=2', 'b', 'list posts', '', ' '), hostileText),
          request: fc.record(
            { path: fc.constantFrom('/', '/api', ''), method: fc.constantFrom('GET', 'POST', 'get', 'BREW') },
            { requiredKeys: ['path'] },
          ),
          connections: fc.oneof(fc.integer({ min: -2, max: 10_002 }), fc.double()),
          sweep: fc.record({ connections: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }) }),
          duration: fc.constantFrom('1s', '0s', '2m', '99999999h', 'x', 10),
          budgets: fc.dictionary(
            fc.constantFrom('p99', 'qps', 'success', 'error_rate', 'p42', 'constructor'),
            fc.constantFrom('<= 5ms', '>= 1', '>= 99.9%', 'x', '<= 1e999ms'),
          ),
        },
        { requiredKeys: ['name', 'request'] },
      ),
      { maxLength: 5 },
    ),
  })
  .map((file) => stringify({ version: 1, ...file }));

interface Counts {
  inputs: number;
  valid: number;
  errors: number;
  issues: number;
}

test(
  '10,000 generated and mutated perf files: valid or clean config errors at a file:line:col, nothing else',
  { timeout: 180_000 },
  async () => {
    const dir = await workspace();
    const prototypes = [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) =>
      Object.getOwnPropertyNames(p).join(),
    );
    const counts: Counts = { inputs: 0, valid: 0, errors: 0, issues: 0 };
    let slowest = 0;

    const check = async (text: string, slot: number): Promise<void> => {
      const file = `perf/fuzz-${slot}.yaml`;
      counts.inputs++;
      await writeFile(path.join(dir, file), text);
      const started = performance.now();
      let valid: boolean;
      try {
        await loadConfig([file], { cwd: dir, env: {}, resolveEnv: false });
        valid = true;
      } catch (error) {
        if (!(error instanceof ConfigError)) throw new Error('not a config error', { cause: error });
        const lines = text.split('\n').length;
        for (const issue of error.issues) {
          assert.equal(issue.at.file, file);
          assert.ok(
            Number.isInteger(issue.at.line) && issue.at.line >= 1 && issue.at.line <= lines + 1,
            `line ${issue.at.line} of ${lines}`,
          );
          assert.ok(Number.isInteger(issue.at.col) && issue.at.col >= 1, `col ${issue.at.col}`);
          assert.ok(issue.message.length > 0);
          assert.doesNotMatch(issue.message, /Maximum call stack|internal error|undefined|\[object Object\]/);
          assert.equal(firstInvisible(issue.message + issue.path), undefined, `raw control character in ${JSON.stringify(issue.message)}`);
        }
        counts.issues += error.issues.length;
        valid = false;
      }
      let stdout = '';
      let stderr = '';
      const code = await main(['validate', file], {
        stdout: { write: (s: string) => ((stdout += s), true) } as unknown as NodeJS.WritableStream,
        stderr: { write: (s: string) => ((stderr += s), true) } as unknown as NodeJS.WritableStream,
        env: {},
        cwd: dir,
      });
      const ms = performance.now() - started;
      slowest = Math.max(slowest, ms);
      assert.ok(ms < BOUND_MS, `${ms.toFixed(0)} ms`);
      assert.equal(code, valid ? 0 : 2, stderr);
      if (valid) {
        counts.valid++;
        assert.equal(stdout.replace(/\(\d+ scenarios?, \d+ budgets?\)/, '(…)'), `${file}: valid (…)\n`);
        assert.equal(stderr, '');
      } else {
        counts.errors++;
        const lines = stderr.trimEnd().split('\n');
        assert.match(lines.pop()!, /^\d+ problems? in the perf config; see docs\/config\.md$/);
        for (const line of lines) assert.ok(new RegExp(`^perf/fuzz-${slot}\\.yaml:\\d+:\\d+ \\S`).test(line), line);
      }
    };
    const checkAll = async (texts: readonly string[]): Promise<void> => {
      await Promise.all(texts.map((text, slot) => check(text, slot)));
      assert.deepEqual(
        [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) => Object.getOwnPropertyNames(p).join()),
        prototypes,
        'a prototype changed',
      );
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    };

    const mutated = fc
      .tuple(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { maxLength: 4 }))
      .map(([seed, mutations]) => mutate(seeds[seed]!, mutations));
    const batch = (inputs: fc.Arbitrary<string>) => fc.array(inputs, { minLength: BATCH, maxLength: BATCH });
    await fc.assert(fc.asyncProperty(batch(mutated), checkAll), { seed: SEED, numRuns: MUTATED / BATCH });
    await fc.assert(fc.asyncProperty(batch(generated), checkAll), { seed: SEED + 1, numRuns: GENERATED / BATCH });

    console.log(
      `config fuzz (seed ${SEED}): ${counts.inputs} inputs tried, ${counts.errors} clean errors (${counts.issues} issues), ${counts.valid} valid, 0 crashes; slowest ${slowest.toFixed(0)} ms`,
    );
    assert.equal(counts.inputs, MUTATED + GENERATED);
    assert.ok(counts.valid > 200 && counts.errors > 5000, 'both outcomes are exercised');
  },
);

test(
  'the real CLI, on a handful of hostile files: exit 2, every line at a file:line:col, no stack trace',
  { timeout: 60_000 },
  async () => {
    const dir = await workspace();
    const hostile = [
      'version: 1\ntarget: *nowhere\n',
      BLOCKS[0]!,
      `version: 1\nx: ${'['.repeat(50_000)}\n`,
      'version: 1\n__proto__: { polluted: 1 }\nscenarios: []\n',
      'version: 1\ntarget: http://127.0.0.1:1\nscenarios:\n  - name: "a\\u202E"\n    request: { path: / }\n    sweep: { connections: [2, 2] }\n',
    ];
    for (const text of hostile) {
      await writeFile(path.join(dir, 'perf/fuzz.yaml'), text);
      const run = await runCli(['validate', 'perf/fuzz.yaml'], { cwd: dir });
      assert.equal(run.code, 2, run.stderr);
      const lines = run.stderr.trimEnd().split('\n');
      assert.match(lines.pop()!, /^\d+ problems? in the perf config/);
      for (const line of lines) assert.match(line, /^perf\/fuzz\.yaml:\d+:\d+ \S/);
    }
  },
);
