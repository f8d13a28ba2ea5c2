// URL credentials never reach an output: one function (report/redact.ts) redacts them, and every writer of a URL
// (terminal header, Markdown, results JSON, error messages) goes through it.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { planRun } from '../../src/pipeline/plan.ts';
import { redactUrls, urlPassword } from '../../src/report/redact.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { renderTerminal } from '../../src/report/terminal.ts';
import { writeOutputs } from '../../src/report/write-outputs.ts';
import { UsageError } from '../../src/errors.ts';
import { runResult } from './fixture.ts';

test('redactUrls: the user info of every URL, with or without a scheme; nothing else', () => {
  const cases: Array<[string, string]> = [
    ['http://admin:S3CRET@127.0.0.1:8080/x?y=1', 'http://***@127.0.0.1:8080/x?y=1'],
    ['https://token@example.com', 'https://***@example.com'],
    ['HTTP://a:b%40c@host', 'HTTP://***@host'],
    // The last @ of the authority ends the user info (as the URL parser reads it).
    ['http://a:b@c@host:1/p@q', 'http://***@host:1/p@q'],
    [
      'The target http://u:p@127.0.0.1:1 is not reachable; also postgres://app:pw@db:5432/app.',
      'The target http://***@127.0.0.1:1 is not reachable; also postgres://***@db:5432/app.',
    ],
    ['The target "admin:S3CRET@127.0.0.1:8080" must be http://', 'The target "***@127.0.0.1:8080" must be http://'],
    ['admin:S3CRET@127.0.0.1:8080', '***@127.0.0.1:8080'],
    ['http://127.0.0.1:8080/users/@me', 'http://127.0.0.1:8080/users/@me'],
    ['services', 'services'],
    ['error: connect ECONNREFUSED 127.0.0.1:1, mail me@example.com', 'error: connect ECONNREFUSED 127.0.0.1:1, mail me@example.com'],
  ];
  for (const [text, expected] of cases) assert.equal(redactUrls(text), expected, text);
});

test('urlPassword: the password to mask, as written and decoded', () => {
  assert.deepEqual(urlPassword('http://admin:S3%40CRET@127.0.0.1:8080'), ['S3%40CRET', 'S3@CRET']);
  assert.deepEqual(urlPassword('http://admin:S3CRET@127.0.0.1:8080'), ['S3CRET']);
  assert.deepEqual(urlPassword('http://token@127.0.0.1:8080'), []);
  assert.deepEqual(urlPassword('http://127.0.0.1:8080'), []);
  assert.deepEqual(urlPassword('not a url'), []);
  assert.deepEqual(urlPassword(undefined), []);
});

test('the terminal header, the Markdown report and the results JSON show the target without its credentials', async (t) => {
  // A results file written before redaction, read back by `perfgate compare`: the writers redact it too.
  const result = runResult({ target: 'http://admin:S3CRET@127.0.0.1:8080' });
  const terminal = renderTerminal(result, { color: false });
  assert.match(terminal, /target http:\/\/\*\*\*@127\.0\.0\.1:8080/);
  const markdown = renderMarkdown(result);
  // The Markdown escapes the text (zero-width breaks, \\*): the line holds the redacted form.
  const line = markdown.split('\n').find((l) => l.startsWith('- Target: '))!;
  assert.match(line, /http:\u200b?\/\/\\\*\\\*\\\*@\u200b?127\.0\.0\.1:8080/);
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-redact-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeOutputs(result, { json: join(dir, 'r.json'), markdown: join(dir, 'r.md'), csv: join(dir, 'r.csv') });
  const json = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8'));
  assert.equal(json.target, 'http://***@127.0.0.1:8080');
  for (const text of [
    terminal,
    markdown,
    JSON.stringify(json),
    await readFile(join(dir, 'r.md'), 'utf8'),
    await readFile(join(dir, 'r.csv'), 'utf8'),
  ])
    assert.doesNotMatch(text, /S3CRET|admin/);
});

test("the plan's target label and its usage errors redact the target", async () => {
  const config = {
    files: ['perf.yaml'],
    baseDir: '.',
    scenarios: [],
    compare: { pairs: 20, metrics: [], alpha: 0.05 },
  } as unknown as Parameters<typeof planRun>[0];
  const plan = await planRun(config, { cwd: tmpdir(), env: {}, target: 'http://admin:S3CRET@127.0.0.1:8080', base: 'none' });
  assert.equal(plan.target, 'http://admin:S3CRET@127.0.0.1:8080', 'the requests still carry the credentials');
  assert.equal(plan.targetLabel, 'http://***@127.0.0.1:8080');
  for (const [target, message] of [
    ['http://admin:S3CRET@example.com', /^The target http:\/\/\*\*\*@example\.com is not on this machine\./],
    ['admin:S3CRET@127.0.0.1:8080', /^The target \*\*\*@127\.0\.0\.1:8080 must be http:\/\/ or https:\/\/\.$/],
    ['http://admin:S3CRET@', /^The target "http:\/\/\*\*\*@" is not a URL/],
  ] as const) {
    const error = await planRun(config, { cwd: tmpdir(), env: {}, target, base: 'none' }).catch((e: unknown) => e);
    assert.ok(error instanceof UsageError, target);
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, /S3CRET/);
  }
});
