// `expect:` in perf files: normalised into each request's check; a bad JSONPath or status is a config error at its line.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { parseJsonPath } from '../../src/config/expect.ts';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';
import { tempDir } from '../helpers/temp-dir.ts';

async function load(text: string) {
  const dir = await tempDir('perfgate-expect-');
  await writeFile(`${dir}/perf.yaml`, text);
  return loadConfig([`${dir}/perf.yaml`]);
}

/** The config error's issues as "line:col path: message". */
async function issues(text: string): Promise<string[]> {
  const error = await load(text).then(
    () => assert.fail('expected a config error'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConfigError, String(error));
  return error.issues.map((i) => `${i.at.line}:${i.at.col} ${i.path}: ${i.message}`);
}

const head = 'version: 1\ntarget: http://127.0.0.1:1\nscenarios:\n  - name: s\n';

test("request.expect and a mix entry's own expect are normalised into their requests", async () => {
  const config = await load(
    `${head}    mix:
      - weight: 3
        request:
          path: /api
          expect:
            status: [200, 3xx]
            json: { path: "$.data['the key'][0]", equals: { ok: true } }
            body_contains: '"ok"'
            header: { Content-Type: application/json, X-Version: 2, Set-Cookie: false }
      - weight: 1
        request: { path: /health, expect: { status: 2xx, header: X-Request-Id } }
      - weight: 1
        request: { path: /free }
`,
  );
  const [api, health, free] = config.scenarios[0]!.requests.map((r) => r.request.expect);
  assert.deepEqual(api, {
    status: { codes: [200], classes: [3] },
    json: { path: "$.data['the key'][0]", steps: ['data', 'the key', 0], equals: { ok: true } },
    bodyContains: '"ok"',
    header: { 'content-type': 'application/json', 'x-version': '2', 'set-cookie': false },
  });
  assert.deepEqual(health, { status: { codes: [], classes: [2] }, header: { 'x-request-id': true } });
  assert.equal(free, undefined);
});

test('a bad JSONPath, status or header name is a config error at its line', async () => {
  const request = (expect: string) => `${head}    request:\n      path: /\n      expect: ${expect}\n`;
  assert.deepEqual(await issues(request('{ json: { path: "code", equals: 0 } }')), [
    '7:31 scenarios[0].request.expect.json.path: a JSON path starts with $; write a path like $.code, $.data.items[0].id or $["content-type"]',
  ]);
  assert.deepEqual(await issues(request('{ json: { path: "$.items[*].id" } }')), [
    '7:31 scenarios[0].request.expect.json.path: expected an index like [0] or a quoted key like ["name"] at character 8 (wildcards, filters, slices and .. are not supported); write a path like $.code, $.data.items[0].id or $["content-type"]',
  ]);
  assert.deepEqual(await issues(request('{ status: 6xx }')), [
    '7:25 scenarios[0].request.expect.status: expected a status code like 200, a class like 2xx, or a list of them, got "6xx"',
  ]);
  assert.deepEqual(await issues(request('{ status: [200, 99] }')), [
    '7:31 scenarios[0].request.expect.status[1]: expected a status code like 200, a class like 2xx, or a list of them, got 99',
  ]);
  assert.deepEqual(await issues(request('{ stauts: 200 }')), [
    '7:17 scenarios[0].request.expect.stauts: unknown key "stauts"; did you mean "status"?',
  ]);
  const mix = `${head}    mix:\n      - weight: 1\n        request: { path: /, expect: { json: { path: "$..code" } } }\n`;
  assert.deepEqual(await issues(mix), [
    '7:53 scenarios[0].mix[0].request.expect.json.path: expected a key name after "." at character 2 (wildcards, filters, slices and .. are not supported); write a path like $.code, $.data.items[0].id or $["content-type"]',
  ]);
});

test('parseJsonPath: the subset, and what it refuses', () => {
  assert.deepEqual(parseJsonPath('$'), { ok: true, steps: [] });
  assert.deepEqual(parseJsonPath('$.a.b[0]'), { ok: true, steps: ['a', 'b', 0] });
  assert.deepEqual(parseJsonPath(`$["x-y"]['a\\'b'][12]`), { ok: true, steps: ['x-y', "a'b", 12] });
  for (const bad of ['', 'a', '$.', '$[', '$[01]', '$[-1]', '$[0:2]', '$.a[?(@.b)]', '$.*', '$..a', '$ .a']) {
    assert.equal(parseJsonPath(bad).ok, false, bad);
  }
});
