// YAML text → data and positions: duplicate keys are found in one pass, and reported exactly where and in the order
// the yaml package's own (quadratic) uniqueKeys check reports them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineCounter, parseDocument } from 'yaml';
import { parseYaml } from '../../src/config/parse.ts';

/** What the yaml package says with uniqueKeys on: [line, col, code] per error. */
function packageErrors(source: string): Array<[number, number, string]> {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  return doc.errors.map((e) => {
    const { line, col } = lines.linePos(e.pos[0]);
    return [line, col, e.code === 'DUPLICATE_KEY' ? 'duplicate key' : 'syntax error'];
  });
}

function ours(source: string): Array<[number, number, string]> {
  const parsed = parseYaml('f.yaml', source);
  assert.equal(parsed.ok, false);
  if (parsed.ok) return [];
  return parsed.issues.map((i) => [i.at.line, i.at.col, /^YAML (duplicate key|syntax error)/.exec(i.message)![1]!]);
}

const documents: Array<[string, string]> = [
  ['a top-level key', 'version: 1\ntarget: a\ntarget: b\n'],
  ['quoted, numeric, null and boolean spellings of one key', 'a: 1\n"a": 2\n1: x\n1.0: y\n0x1: z\n~: n\nnull: m\ntrue: t\nTrue: u\n'],
  ['nested block mappings, in composition order', 'x:\n  a: 1\n  a: 2\nx:\n  b: 1\n  b: 2\n'],
  ['a flow mapping checks a key after its value', 'r: { h: {a: 1, a: 2}, h: {b: 1, b: 2}, p: / }\n'],
  ['explicit and empty keys', '? k\n: 1\n? k\n: 2\n: a\n: b\n'],
  ['an empty key after an empty value with trailing space', "k: \n? ''\n: \n'':\n  - x\n"],
  ['anchors, tags and comments before keys', 'version: 1 # c\n# hi\n&a k: 1\n\n   # x\n!!str k: 2\n'],
  ['keys in sequence items', '- name: a\n  name: b\n- {r: 1, r: 2}\n'],
  ['duplicates beside syntax errors', 'k: 1\nk: 2\ns:\n  - r: { p: /\n  bad: [\n'],
  ['flow duplicates beside syntax errors', 'a: {x: 1, x: 2, y: [\n'],
  ['a flow duplicate whose value holds a syntax error', 'm:\n  k: 1\n  k: {a: 1, a: [2, }\n  bad: ]\ny: 1\ny: 2\n'],
  ['syntax errors before and after block duplicates', 'x: ]\nk: 1\nk: 2\nz: {\n'],
];
for (const [what, source] of documents) {
  test(`duplicate keys as the yaml package reports them: ${what}`, () => {
    assert.deepEqual(ours(source), packageErrors(source));
  });
}

test('25,000 keys with a duplicate beside a syntax error are checked in one pass, not by the package (7 s)', () => {
  const source = `${Array.from({ length: 25_000 }, (_, i) => `k${i}: ${i}`).join('\n')}\nk0: again\nbad: [\n`;
  const started = process.cpuUsage();
  const parsed = parseYaml('f.yaml', source);
  const { user, system } = process.cpuUsage(started);
  assert.equal(parsed.ok, false);
  if (!parsed.ok)
    assert.deepEqual(
      parsed.issues.map((i) => [i.at.line, i.at.col, i.message.split(':')[0]]),
      [
        [25_001, 1, 'YAML duplicate key'],
        [25_003, 1, 'YAML syntax error'],
      ],
    );
  assert.ok((user + system) / 1000 < 2000, `${((user + system) / 1000).toFixed(0)} ms of CPU`);
});

test('NaN keys are never duplicates (NaN !== NaN), as in the yaml package', () => {
  const parsed = parseYaml('f.yaml', '.nan: a\n.nan: b\n');
  assert.equal(parsed.ok, true);
});

test('a mapping with 60,000 keys and a duplicate at the end is checked in one pass', () => {
  const source = `${Array.from({ length: 60_000 }, (_, i) => `k${i}: ${i}`).join('\n')}\nk0: again\n`;
  const started = process.cpuUsage();
  const parsed = parseYaml('f.yaml', source);
  const { user, system } = process.cpuUsage(started);
  const elapsed = (user + system) / 1000;
  assert.equal(parsed.ok, false);
  if (!parsed.ok)
    assert.deepEqual(
      parsed.issues.map((i) => [i.at.line, i.at.col, i.message]),
      [[60_001, 1, 'YAML duplicate key: this key appears twice in the same mapping']],
    );
  // The package's own check takes minutes here; one pass, about a second of CPU (most of it the parse itself).
  assert.ok(elapsed < 5000, `${elapsed.toFixed(0)} ms of CPU`);
});
