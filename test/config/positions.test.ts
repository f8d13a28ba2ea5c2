// Positions: a key path → file:line:col, with each mapping indexed once, so validation stays linear in the file.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { LineCounter, parseDocument } from 'yaml';
import { loadConfig, MAX_SHOWN_ISSUES } from '../../src/config/load.ts';
import { keyPath, Positions } from '../../src/config/positions.ts';
import { ConfigError } from '../../src/errors.ts';
import { tempDir } from '../helpers/temp-dir.ts';

function positions(source: string): Positions {
  const lines = new LineCounter();
  return new Positions('f.yaml', parseDocument(source, { lineCounter: lines }), lines, source);
}

test('a path finds its value, or its key; a missing step stops at the deepest node that exists', () => {
  const pos = positions('version: 1\nscenarios:\n  - name: s\n    budgets: { p99: "< 1s" }\n');
  assert.deepEqual(pos.of(['scenarios', 0, 'budgets', 'p99']), { file: 'f.yaml', line: 4, col: 21 });
  assert.deepEqual(pos.of(['scenarios', 0, 'budgets'], true), { file: 'f.yaml', line: 4, col: 5 });
  assert.deepEqual(pos.find(['scenarios', 0, 'request', 'path']).exact, false);
  assert.deepEqual(pos.of(['scenarios', 0, 'request', 'path']), { file: 'f.yaml', line: 3, col: 5 });
  assert.deepEqual(pos.of(['scenarios', 3]), { file: 'f.yaml', line: 3, col: 3 });
});

test('keys match as strings, and a numeric key is found by a number or a string', () => {
  const pos = positions('1: a\ntrue: b\nx: c\n');
  assert.deepEqual(pos.of([1]), { file: 'f.yaml', line: 1, col: 4 });
  assert.deepEqual(pos.of(['1']), { file: 'f.yaml', line: 1, col: 4 });
  assert.deepEqual(pos.of(['true'], true), { file: 'f.yaml', line: 2, col: 1 });
});

test('a reference inside a string value is placed at its ${', () => {
  const pos = positions('h:\n  a: "Bearer ${env.TOKEN}"\n');
  assert.deepEqual(pos.ofReference(['h', 'a'], 'Bearer ${env.TOKEN}', 7), { file: 'f.yaml', line: 2, col: 14 });
});

test('key paths read as in messages', () => {
  assert.equal(keyPath(['scenarios', 0, 'budgets', 'p99']), 'scenarios[0].budgets.p99');
  assert.equal(keyPath([]), '');
});

// CPU time, not wall time: other processes on a shared runner must not fail it; a quadratic lookup takes minutes.
test('a file with 20,000 unknown top-level keys validates in under 2 s', async () => {
  const dir = await tempDir('perfgate-positions-');
  const keys = Array.from({ length: 20_000 }, (_, i) => `unknown_${i}: ${i}`).join('\n');
  await writeFile(
    `${dir}/perf.yaml`,
    `version: 1\ntarget: http://127.0.0.1:1\nscenarios:\n  - name: s\n    request: { path: / }\n${keys}\n`,
  );
  const started = process.cpuUsage();
  const error = await loadConfig([`${dir}/perf.yaml`]).catch((e: unknown) => e);
  const { user, system } = process.cpuUsage(started);
  const elapsed = (user + system) / 1000;
  assert.ok(error instanceof ConfigError);
  // Every key is placed; the first MAX_SHOWN_ISSUES are listed, then how many more from the next one's line on.
  assert.equal(error.issues.length, MAX_SHOWN_ISSUES + 1);
  assert.deepEqual(error.issues.at(-2)!.at, { file: `${dir}/perf.yaml`, line: 5 + MAX_SHOWN_ISSUES, col: 1 });
  assert.deepEqual(error.issues.at(-1), {
    at: { file: `${dir}/perf.yaml`, line: 6 + MAX_SHOWN_ISSUES, col: 1 },
    path: '',
    message: `… and ${20_000 - MAX_SHOWN_ISSUES} more problems from here on, not listed; fix the ones above first`,
  });
  assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms of CPU`);
});
