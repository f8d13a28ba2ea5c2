// `expect:` against a real loopback server that counts exactly what it answered: perfgate's check failures must be
// the server's own count of wrong answers, never an estimate; and the checker's rules one by one.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { ResponseExpectation, Scenario } from '../../src/config/types.ts';
import { evaluateBudgets } from '../../src/compare/budgets.ts';
import { CHECK_ALL_PER_SECOND, CHECK_CHARS_PER_SECOND, CHECK_ONE_IN, responseChecker } from '../../src/load/response-check.ts';
import { runLoad } from '../../src/load/run-load.ts';
import { outcomesSchema } from '../../src/results/schema.ts';
import { scenario } from '../helpers/scenario.ts';

/** /json: 200 with {"code":500} to every 3rd request on it, {"code":0} otherwise; /moved: 302; /plain: {"code":500}. */
interface WrongAnswers {
  url: string;
  bad: number;
  good: number;
  byPath: Map<string, number>;
  reset(): void;
  close(): Promise<void>;
}

async function startWrongAnswers(): Promise<WrongAnswers> {
  let n = 0;
  const state = {
    bad: 0,
    good: 0,
    byPath: new Map<string, number>(),
  };
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    state.byPath.set(path, (state.byPath.get(path) ?? 0) + 1);
    if (path === '/moved') {
      res.writeHead(302, { location: '/json', 'content-length': '0' });
      res.end();
      return;
    }
    if (path === '/plain') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"code":500}');
      return;
    }
    const wrong = ++n % 3 === 0;
    if (wrong) state.bad++;
    else state.good++;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(wrong ? '{"code":500}' : '{"code":0}');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    reset() {
      n = 0;
      state.bad = 0;
      state.good = 0;
      state.byPath.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as WrongAnswers;
}

const get = (path: string, expect?: ResponseExpectation) => ({ method: 'GET', path, headers: {}, ...(expect ? { expect } : {}) });
const codeIsZero: ResponseExpectation = { json: { path: '$.code', steps: ['code'], equals: 0 } };
const at = { file: 'perf/test.yaml', line: 1, col: 1 };

describe('expect against a loopback server', () => {
  let server: WrongAnswers;
  before(async () => {
    server = await startWrongAnswers();
  });
  after(() => server.close());

  test('every 3rd answer {"code":500}: exactly the server\'s bad answers are check failures, and success >= 99.95% fails', async () => {
    server.reset();
    const s: Scenario = scenario({
      requests: [{ weight: 1, request: get('/json', codeIsZero) }],
      amount: 3000,
      durationMs: 10_000,
      budgets: [{ metric: 'success', op: '>=', limit: 0.9995, text: '>= 99.95%', at }],
    });
    const m = await runLoad({ origin: server.url, scenario: s });
    const o = m.outcomes;
    assert.equal(o.total, server.bad + server.good, 'every answer the server gave has its one outcome');
    assert.ok(server.bad >= 1000, `${server.bad} bad answers`);
    assert.equal(o.checkFailures, server.bad);
    assert.equal(o.httpErrors, server.bad);
    assert.equal(o.success, server.good);
    assert.equal(o.byStatus['200'], o.total, 'the status codes are still counted as they came');
    assert.equal(o.checks?.skipped, 0, 'under the sampling rate every response is checked');
    assert.equal(o.checks?.checked, o.total);
    assert.deepEqual(o.checks?.failures, [{ status: 200, reason: '$.code is 500, expected 0', body: '{"code":500}', count: server.bad }]);
    assert.ok(Math.abs(m.qps * (m.durationMs / 1000) - server.good) < 1e-6, 'QPS counts only the right answers');
    const [budget] = evaluateBudgets(s, m);
    assert.equal(budget!.status, 'fail', budget!.reason);
    assert.ok(outcomesSchema.safeParse(o).success, 'the outcomes fit the results contract');
  });

  test('without expect the same answers are all successes (nothing changes)', async () => {
    server.reset();
    const m = await runLoad({
      origin: server.url,
      scenario: scenario({ requests: [{ weight: 1, request: get('/json') }], amount: 600, durationMs: 10_000 }),
    });
    assert.equal(m.outcomes.success, server.bad + server.good);
    assert.equal(m.outcomes.httpErrors, 0);
    assert.equal(m.outcomes.checkFailures, undefined);
    assert.equal(m.outcomes.checks, undefined);
  });

  test('status: 2xx turns a 302 into a check failure; without it a 302 is a success', async () => {
    server.reset();
    const strict = await runLoad({
      origin: server.url,
      scenario: scenario({
        requests: [{ weight: 1, request: get('/moved', { status: { codes: [], classes: [2] } }) }],
        amount: 300,
        durationMs: 10_000,
      }),
    });
    const sent = server.byPath.get('/moved');
    assert.equal(strict.outcomes.total, sent);
    assert.equal(strict.outcomes.checkFailures, sent);
    assert.equal(strict.outcomes.httpErrors, sent);
    assert.equal(strict.outcomes.success, 0);
    assert.equal(strict.outcomes.byStatus['302'], sent);
    assert.deepEqual(
      strict.outcomes.checks?.failures.map((f) => [f.status, f.reason, f.body]),
      [[302, 'status 302, expected 2xx', '']],
    );
    const lax = await runLoad({
      origin: server.url,
      scenario: scenario({ requests: [{ weight: 1, request: get('/moved') }], amount: 300, durationMs: 10_000 }),
    });
    assert.equal(lax.outcomes.success, lax.outcomes.total);
  });

  test("a mix entry's own expect applies only to it", async () => {
    server.reset();
    const m = await runLoad({
      origin: server.url,
      scenario: scenario({
        requests: [
          { weight: 2, request: get('/json', { ...codeIsZero, header: { 'content-type': 'application/json' } }) },
          // The same wrong answer, every time, but this entry checks nothing.
          { weight: 1, request: get('/plain') },
        ],
        amount: 3000,
        durationMs: 10_000,
      }),
    });
    const checked = server.byPath.get('/json')!;
    const unchecked = server.byPath.get('/plain')!;
    assert.equal(checked, 2000);
    assert.equal(unchecked, 1000);
    assert.equal(m.outcomes.checkFailures, server.bad);
    assert.equal(m.outcomes.success, server.good + unchecked);
    assert.equal(m.outcomes.checks?.checked, checked, 'only the entry with expect is checked');
    assert.deepEqual(
      m.outcomes.checks?.failures.map((f) => [f.request, f.reason, f.count]),
      [[0, '$.code is 500, expected 0', server.bad]],
    );
  });
});

test('bodies longer than one read, on 6 connections at once, are checked whole: reads share one buffer and none overwrites another', async () => {
  // A fixed pseudo-random 100 kB text: a byte from any other response or offset would change it.
  let x = 7;
  const pad = Array.from({ length: 100_000 }, () => String.fromCharCode(97 + ((x = (x * 48271) % 2147483647) % 26))).join('');
  const body = JSON.stringify({ pad, tail: 'end' });
  let answered = 0;
  const server = http.createServer((_req, res) => {
    answered++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const m = await runLoad({
      origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      scenario: scenario({
        requests: [{ weight: 1, request: get('/', { json: { path: '$.pad', steps: ['pad'], equals: pad } }) }],
        connections: 6,
        amount: 300,
        durationMs: 20_000,
      }),
    });
    const o = m.outcomes;
    assert.equal(o.total, answered, 'every answer has its one outcome');
    assert.equal(o.total, 300);
    assert.equal(o.checkFailures, 0, JSON.stringify(o.checks?.failures.map((f) => f.reason)));
    assert.equal(o.success, 300);
    assert.ok(o.checks!.checked >= 20, `${o.checks!.checked} bodies checked`);
    assert.ok((m.bytesPerResponse ?? 0) > body.length, `${m.bytesPerResponse} bytes per response`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a character split across two reads is read whole: a right answer is not a check failure', async () => {
  // A server that sends each body in two writes 20 ms apart, split inside the 3 bytes of "€": two reads.
  const body = Buffer.from('{"price":"12 €","note":"héllo wörld"}');
  const split = body.indexOf(Buffer.from('€')) + 1;
  let answered = 0;
  const server = http.createServer((_req, res) => {
    answered++;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.write(body.subarray(0, split));
    setTimeout(() => res.end(body.subarray(split)), 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const expect: ResponseExpectation = { bodyContains: '12 €', json: { path: '$.price', steps: ['price'], equals: '12 €' } };
    const m = await runLoad({
      origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      scenario: scenario({ requests: [{ weight: 1, request: get('/', expect) }], connections: 2, amount: 20, durationMs: 10_000 }),
    });
    const o = m.outcomes;
    assert.equal(o.total, answered);
    assert.equal(o.checkFailures, 0, JSON.stringify(o.checks?.failures.map((f) => [f.reason, f.body])));
    assert.equal(o.success, 20);
    assert.equal(o.checks?.checked, 20);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('the checker', () => {
  const check = (expect: ResponseExpectation, now?: () => number) =>
    responseChecker(scenario({ requests: [{ weight: 1, request: get('/', expect) }] }), now)!;
  const json = ['Content-Type', 'application/json; charset=utf-8', 'X-Secret-Token', 's3cr3t'];

  test('no expect anywhere: no checker, so nothing per response changes', () => {
    assert.equal(responseChecker(scenario()), undefined);
    const mixed = responseChecker(
      scenario({
        requests: [
          { weight: 1, request: get('/a', codeIsZero) },
          { weight: 1, request: get('/b') },
        ],
      }),
    )!;
    assert.equal(mixed(1, 200, 'anything', []), undefined, 'an entry without expect keeps the default rule');
  });

  test('status: an expected 404 is a success; an unexpected 500 stays an HTTP error by status; an unexpected 201 fails the check', () => {
    const c = check({ status: { codes: [200, 404], classes: [] } });
    assert.deepEqual(c(0, 404, '', []), { kind: 'pass', content: 'none' });
    assert.deepEqual(c(0, 500, '', []), { kind: 'status' });
    assert.deepEqual(c(0, 201, 'x', []), { kind: 'check', failure: { status: 201, reason: 'status 201, expected 200 or 404', body: 'x' } });
    assert.deepEqual(check(codeIsZero)(0, 503, '{"code":0}', []), { kind: 'status' }, 'without status: 4xx/5xx as today');
  });

  test('json: missing values, wrong types, not JSON; deep equality of objects', () => {
    const c = check({ json: { path: '$.data.items[1].id', steps: ['data', 'items', 1, 'id'], equals: { a: [1, 'x'] } } });
    const reason = (body: string) => {
      const v = c(0, 200, body, []);
      return v?.kind === 'check' ? v.failure.reason : v?.kind;
    };
    assert.equal(reason('{"data":{"items":[{},{"id":{"a":[1,"x"]}}]}}'), 'pass');
    assert.equal(reason('{"data":{"items":[{"id":{"a":[1,"x"]}}]}}'), '$.data.items[1].id is missing');
    assert.equal(reason('{"data":{"items":{"1":{"id":{"a":[1,"x"]}}}}}'), '$.data.items[1].id is missing', 'an index needs a list');
    assert.equal(
      reason('{"data":{"items":[{},{"id":{"a":[1,"x"],"b":2}}]}}'),
      '$.data.items[1].id is {"a":[1,"x"],"b":2}, expected {"a":[1,"x"]}',
    );
    assert.equal(reason('<html>'), 'body is not JSON');
    assert.equal(reason('{"data":{"items":[{},{"id":"' + 'x'.repeat(500) + '"}]}}')!.length < 300, true, 'long values are cut');
    const exists = check({ json: { path: '$.ok', steps: ['ok'] } });
    assert.equal(exists(0, 200, '{"ok":null}', [])?.kind, 'pass', 'without equals, the value must exist (null exists)');
    assert.equal(exists(0, 200, '{}', [])?.kind, 'check');
  });

  test('body_contains and header: present, absent, a value or its media type; header values are never in a reason', () => {
    assert.equal(check({ bodyContains: 'ok' })(0, 200, 'all ok', [])?.kind, 'pass');
    const missing = check({ bodyContains: 'ok' })(0, 200, 'fine', []);
    assert.equal(missing?.kind === 'check' && missing.failure.reason, 'body does not contain "ok"');
    const reason = (header: Record<string, string | boolean>) => {
      const v = check({ header })(0, 200, '', json);
      return v?.kind === 'check' ? v.failure.reason : v?.kind;
    };
    assert.equal(reason({ 'content-type': 'application/json' }), 'pass');
    assert.equal(reason({ 'content-type': 'application/json; charset=utf-8' }), 'pass');
    assert.equal(reason({ 'x-secret-token': true }), 'pass');
    assert.equal(reason({ 'x-request-id': true }), 'header x-request-id is missing');
    assert.equal(reason({ 'x-secret-token': false }), 'header x-secret-token is present, expected absent');
    assert.equal(reason({ 'x-secret-token': 'other' }), 'header x-secret-token has another value than expected');
    const failed = check({ header: { 'x-secret-token': 'other' } })(0, 200, '', json);
    assert.ok(!JSON.stringify(failed).includes('s3cr3t'));
  });

  test('a failure keeps the first 200 characters of the body', () => {
    const v = check({ bodyContains: 'needle' })(0, 200, 'é'.repeat(500), []);
    assert.equal(v?.kind === 'check' && v.failure.body, 'é'.repeat(200));
  });

  test(`sampling is deterministic: each second every response up to ${CHECK_ALL_PER_SECOND} or ${CHECK_CHARS_PER_SECOND} body characters, then 1 in ${CHECK_ONE_IN}; the status always`, () => {
    let clock = 0;
    const c = check({ status: { codes: [200], classes: [] }, bodyContains: 'ok' }, () => clock);
    const count = (n: number, body = 'ok') => {
      const seen = { checked: 0, skipped: 0, failed: 0 };
      for (let i = 0; i < n; i++) {
        const v = c(0, 200, body, [])!;
        if (v.kind === 'pass' && v.content === 'checked') seen.checked++;
        else if (v.kind === 'pass' && v.content === 'skipped') seen.skipped++;
      }
      const wrongStatus = c(0, 204, body, []);
      if (wrongStatus?.kind === 'check') seen.failed++;
      return seen;
    };
    assert.deepEqual(count(CHECK_ALL_PER_SECOND + 1000), { checked: CHECK_ALL_PER_SECOND + 100, skipped: 900, failed: 1 });
    clock = 1000;
    assert.deepEqual(count(10), { checked: 10, skipped: 0, failed: 1 }, 'a new second checks everything again');
    clock = 2000;
    const kB = `ok${'.'.repeat(998)}`;
    const budget = CHECK_CHARS_PER_SECOND / kB.length;
    assert.deepEqual(count(budget + 1000, kB), { checked: budget + 100, skipped: 900, failed: 1 }, 'large bodies: the character budget');
  });
});
