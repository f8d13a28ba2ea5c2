// A tokens file holds secrets: no error ever shows a cell of it, only its row and column. And only a regular
// file up to 16 MiB is read: a FIFO, a device or a directory is refused at its line, never waited on or read whole.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { MAX_READ_BYTES } from '../../src/config/file-facts.ts';
import { loadConfig } from '../../src/config/load.ts';
import { parseTokens } from '../../src/config/tokens.ts';
import { ConfigError } from '../../src/errors.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyMSJ9.c2lnbmF0dXJl';

/** A perf file naming `file` as its tokens file (line 5, col 21 is the file's value), in a fresh directory. */
async function withTokens(file: string, extra = ''): Promise<{ dir: string; load: () => Promise<unknown> }> {
  const dir = await tempDir('perfgate-tokens-');
  await writeFile(
    path.join(dir, 'perf.yaml'),
    `version: 1\ntarget: http://127.0.0.1:8080\nscenarios:\n  - name: s\n    tokens: { file: ${file}${extra} }\n    request: { path: / }\n`,
  );
  return { dir, load: () => loadConfig([path.join(dir, 'perf.yaml')], { env: {} }) };
}

async function configError(load: () => Promise<unknown>): Promise<ConfigError> {
  const error = await load().then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
  assert.equal(error.exitCode, 2);
  return error;
}

test('a column not in the header row names the row and the column count, never a cell', () => {
  assert.deepEqual(parseTokens(`${JWT},user1\nabc,user2\n`, 'jwt'), {
    ok: false,
    error:
      'no column named "jwt" in row 1, read as the header row (2 columns); name a column of the header row, ' +
      'or give the column by number (column: 0 is the first)',
  });
  assert.deepEqual(parseTokens('root:x:0:0:root:/root:/bin/bash\n', 'jwt'), {
    ok: false,
    error:
      'no column named "jwt" in row 1, read as the header row (1 column); name a column of the header row, ' +
      'or give the column by number (column: 0 is the first)',
  });
  assert.deepEqual(parseTokens(`token,user\n${JWT},user1\n`, 'user'), { ok: true, tokens: ['user1'] });
  assert.deepEqual(parseTokens(`jwt,user\n${JWT},\n`, 'user'), { ok: false, error: 'row 2 has no token in column 1' });
});

test('through the loader: the error is at the file: line, and the file content is nowhere in it', async () => {
  const { dir, load } = await withTokens('tokens.csv', ', column: jwt');
  await writeFile(path.join(dir, 'tokens.csv'), `${JWT},user1\n${JWT}2,user2\n`);
  const error = await configError(load);
  assert.equal(
    error.message,
    `${path.join(dir, 'perf.yaml')}:5:21 scenarios[0].tokens.file: tokens.csv: no column named "jwt" in row 1, read as the header row ` +
      '(2 columns); name a column of the header row, or give the column by number (column: 0 is the first)',
  );
  assert.doesNotMatch(error.message, /eyJ|user1/);

  const passwd = await withTokens('/etc/passwd', ', column: jwt');
  assert.doesNotMatch((await configError(passwd.load)).message, /root|:x:|bin/);
});

test('a directory, a FIFO and a device are refused at the line, without reading them', { timeout: 10_000 }, async () => {
  const { dir, load } = await withTokens('tokens');
  await mkdir(path.join(dir, 'tokens'));
  assert.equal(
    (await configError(load)).issues[0]!.message,
    `the tokens file ${path.join(dir, 'tokens')} is a directory, not a regular file; name a CSV file of tokens, one per row (docs/config.md#tokens)`,
  );

  // A FIFO with no writer: reading it would wait for ever.
  const fifo = await withTokens('tokens.fifo');
  assert.equal(spawnSync('mkfifo', [path.join(fifo.dir, 'tokens.fifo')]).status, 0, 'mkfifo');
  const fifoError = await configError(fifo.load);
  assert.deepEqual(
    fifoError.issues.map((i) => [i.at.line, i.at.col, i.path, i.message]),
    [
      [
        5,
        21,
        'scenarios[0].tokens.file',
        `the tokens file ${path.join(fifo.dir, 'tokens.fifo')} is a named pipe (FIFO), not a regular file; name a CSV file of tokens, one per row (docs/config.md#tokens)`,
      ],
    ],
  );

  // /dev/zero never ends: reading it whole filled the heap.
  const zero = await withTokens('/dev/zero');
  assert.equal(
    (await configError(zero.load)).issues[0]!.message,
    'the tokens file /dev/zero is a device, not a regular file; name a CSV file of tokens, one per row (docs/config.md#tokens)',
  );
});

test('a tokens file above 16 MiB is refused by its size, and one within the limit loads', async () => {
  assert.equal(MAX_READ_BYTES, 16 * 1024 * 1024);
  const { dir, load } = await withTokens('tokens.csv');
  // Sparse: the size is what counts, and the file is never read.
  await writeFile(path.join(dir, 'tokens.csv'), 'token\n');
  await truncate(path.join(dir, 'tokens.csv'), MAX_READ_BYTES + 1);
  assert.equal(
    (await configError(load)).issues[0]!.message,
    `the tokens file ${path.join(dir, 'tokens.csv')} is 16777217 bytes; files perfgate reads are limited to 16 MiB (16777216 bytes); ` +
      'name a CSV file of tokens, one per row (docs/config.md#tokens)',
  );

  await writeFile(path.join(dir, 'tokens.csv'), `token\n${JWT}\n`);
  const config = (await load()) as Awaited<ReturnType<typeof loadConfig>>;
  assert.deepEqual(config.scenarios[0]!.tokens!.tokens, [JWT]);
});

test('a missing tokens file keeps its message', async () => {
  const { dir, load } = await withTokens('nowhere.csv');
  assert.equal(
    (await configError(load)).issues[0]!.message,
    `cannot read the tokens file ${path.join(dir, 'nowhere.csv')}; it is resolved relative to this YAML file`,
  );
});
