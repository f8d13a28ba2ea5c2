// The requests autocannon sends: a picked request (a mix, rotating tokens) keeps what autocannon set for the
// connection — Host, port, the target URL's credentials — and replaces only method, path, headers and body.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Scenario } from '../../src/config/types.ts';
import { autocannonRequests } from '../../src/load/request-plan.ts';

const at = { file: 'perf.yaml', line: 1, col: 1 };

test('with tokens and a mix, each request keeps the connection fields and only its own body', () => {
  const scenario = {
    name: 's',
    requests: [
      { weight: 1, request: { method: 'POST', path: '/a', headers: { 'content-type': 'application/json' }, body: '{"a":1}' } },
      { weight: 1, request: { method: 'GET', path: '/b', headers: {} } },
    ],
    tokens: { file: 'tokens.csv', header: 'x-token', prefix: 'Bearer ', tokens: ['t1', 't2'] },
    at,
  } as unknown as Scenario;
  const [request] = autocannonRequests(scenario);
  // What autocannon merges in before calling setupRequest (lib/httpRequestBuilder.js).
  const defaults = { ...request!, host: '127.0.0.1:8080', hostname: '127.0.0.1', port: 8080, auth: 'user:pass' };
  const first = request!.setupRequest!(defaults);
  const second = request!.setupRequest!(defaults);
  assert.deepEqual(
    [first, second].map((r) => {
      const { setupRequest: _, ...rest } = r as typeof r & Record<string, unknown>;
      return rest;
    }),
    [
      {
        method: 'POST',
        path: '/a',
        headers: { 'content-type': 'application/json', 'x-token': 'Bearer t1' },
        body: '{"a":1}',
        host: '127.0.0.1:8080',
        hostname: '127.0.0.1',
        port: 8080,
        auth: 'user:pass',
      },
      {
        method: 'GET',
        path: '/b',
        headers: { 'x-token': 'Bearer t2' },
        body: undefined,
        host: '127.0.0.1:8080',
        hostname: '127.0.0.1',
        port: 8080,
        auth: 'user:pass',
      },
    ],
  );
});
