// The diagnosis' arithmetic and words: counters around windows → figures per request (pooled over an arm's
// windows), base beside head; what a report says changed; the parsers of psql's and redis-cli's output.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addAppCost, addWindow, diagnosisOf, emptyTotals, type Counters, type StatementCounter } from '../../src/compare/diagnosis.ts';
import { diagnosisLines } from '../../src/report/diagnosis.ts';
import { codeName } from '../../src/report/escape.ts';
import { parseCgroup, parseRedisInfo, parseStatements } from '../../src/services/diagnosis.ts';

const LIST = 'SELECT id, title FROM posts ORDER BY id DESC LIMIT $1';
const TITLE = 'SELECT title FROM posts WHERE id = $1';

const statement = (query: string, calls: number, rows = calls, execMs = calls * 0.01, blocksRead = 0): StatementCounter => ({
  query,
  calls,
  rows,
  execMs,
  blocksRead,
});

function counters(statements: Array<[string, StatementCounter]>, redis: Counters['redis']): Counters {
  return { postgres: new Map(statements), redis };
}

describe('diagnosisOf', () => {
  test('deltas over two windows, pooled per request; a statement new in the head is marked, and comes first', () => {
    // Base: 2 windows of 100 and 300 requests, each a cache hit (1 GET) and one list query per 100 requests.
    let base = emptyTotals();
    base = addWindow(base, {
      requests: 100,
      before: counters([['pg:1', statement(LIST, 10, 200)]], { commands: { GET: 50 }, hits: 40, misses: 10 }),
      after: counters([['pg:1', statement(LIST, 11, 220)]], { commands: { GET: 150 }, hits: 139, misses: 11 }),
    });
    base = addWindow(base, {
      requests: 300,
      before: counters([['pg:1', statement(LIST, 11, 220)]], { commands: { GET: 150 }, hits: 139, misses: 11 }),
      after: counters([['pg:1', statement(LIST, 14, 280)]], { commands: { GET: 450 }, hits: 436, misses: 14 }),
    });
    // Head: one window of 200 requests, 5 extra title queries each (queryids differ between servers: texts match).
    const head = addWindow(emptyTotals(), {
      requests: 200,
      before: counters([['pg:9', statement(LIST, 1, 20)]], { commands: { GET: 1, SET: 1 }, hits: 0, misses: 1 }),
      after: counters(
        [
          ['pg:9', statement(LIST, 3, 60)],
          ['pg:7', statement(TITLE, 1000, 1000, 5, 4)],
        ],
        { commands: { GET: 201, SET: 2 }, hits: 198, misses: 3 },
      ),
    });
    const d = diagnosisOf(head, base)!;
    assert.deepEqual(d.postgres!.statementsPerRequest, { base: 4 / 400, head: 1002 / 200 });
    assert.deepEqual(d.postgres!.rowsPerRequest, { base: 80 / 400, head: 1040 / 200 });
    assert.deepEqual(d.postgres!.blocksReadPerRequest, { base: 0, head: 4 / 200 });
    assert.equal(d.postgres!.top[0]!.query, TITLE);
    assert.equal(d.postgres!.top[0]!.newInHead, true);
    assert.deepEqual(d.postgres!.top[0]!.callsPerRequest, { base: 0, head: 5 });
    assert.deepEqual(d.postgres!.top[1]!.callsPerRequest, { base: 4 / 400, head: 2 / 200 });
    assert.equal(d.postgres!.top[1]!.newInHead, undefined);
    assert.deepEqual(d.redis!.commandsPerRequest, { base: 1, head: 201 / 200 });
    assert.deepEqual(d.redis!.byCommand, { GET: { base: 1, head: 1 }, SET: { base: 0, head: 1 / 200 } });
    assert.deepEqual(d.redis!.hitRatio, { base: 396 / 400, head: 198 / 200 });
    assert.equal(d.app, undefined);
  });

  test('without a base: { head } only; a counter that went backwards (a reset) counts from zero', () => {
    const head = addWindow(emptyTotals(), {
      requests: 10,
      before: counters([['pg:1', statement(LIST, 50)]], { commands: { GET: 100 }, hits: 100, misses: 0 }),
      after: counters([['pg:1', statement(LIST, 20)]], { commands: { GET: 110 }, hits: 100, misses: 10 }),
    });
    const d = diagnosisOf(addAppCost(head, { cpuMsPerRequest: 0.5, peakMemoryBytes: 1000, cpuCores: 0.1 }, 8, 10))!;
    assert.deepEqual(d.postgres!.statementsPerRequest, { head: 2 });
    assert.deepEqual(d.redis!.hitRatio, { head: 0 });
    assert.deepEqual(d.app, { cpuMsPerRequest: { head: 0.4 }, peakMemoryBytes: { head: 1000 } });
  });

  test('nothing read: no diagnosis; no key looked up: a null hit ratio', () => {
    assert.equal(diagnosisOf(emptyTotals()), undefined);
    const idle = addWindow(emptyTotals(), {
      requests: 5,
      before: { redis: { commands: {}, hits: 0, misses: 0 } },
      after: { redis: { commands: {}, hits: 0, misses: 0 } },
    });
    assert.deepEqual(diagnosisOf(idle)!.redis!.hitRatio, { head: null });
  });
});

describe('diagnosisLines', () => {
  const figure = (base: number, head: number) => ({ base, head });
  const same = {
    postgres: {
      statementsPerRequest: figure(1, 1),
      rowsPerRequest: figure(20, 20),
      execMsPerRequest: figure(0.02, 0.021),
      blocksReadPerRequest: figure(0, 0),
      top: [],
    },
    redis: { commandsPerRequest: figure(1, 1), byCommand: { GET: figure(1, 1) }, hitRatio: { base: 1, head: 0.999 } },
    app: { cpuMsPerRequest: figure(0.2, 0.21), peakMemoryBytes: figure(50e6, 52e6) },
  };

  test('an N+1 and a lost cache in words, the statement escaped for Markdown', () => {
    const query = 'SELECT *_x FROM `t` WHERE a = $1 <b>';
    const lines = diagnosisLines(
      {
        ...same,
        postgres: {
          ...same.postgres,
          statementsPerRequest: figure(0, 5),
          rowsPerRequest: figure(20, 25),
          top: [{ query, callsPerRequest: figure(0, 5), execMsPerRequest: figure(0, 0.05), newInHead: true }],
        },
        redis: { commandsPerRequest: figure(2, 1), byCommand: { GET: figure(1, 1), SET: figure(1, 0) }, hitRatio: { base: 1, head: 0 } },
      },
      codeName,
    )!;
    assert.equal(lines.title, 'What changed per request (base → head; diagnostics, not gates)');
    assert.deepEqual(lines.lines, [
      '+5.0 SQL statements per request (0.0 → 5.0), new: <code>SELECT \\*\\_x FROM \\`t\\` WHERE a = $1 &lt;b&gt;</code>',
      '+5.0 rows per request from Postgres (20.0 → 25.0)',
      'Redis hit ratio 100% → 0%',
      '-1.0 Redis commands per request (2.0 → 1.0): SET -1.0',
    ]);
  });

  test('an unchanged head: no material change; without a base: what a request cost', () => {
    assert.deepEqual(diagnosisLines(same, codeName), {
      title: 'Per request, the database, the cache and the app did the same in both arms (no material change)',
      lines: [],
    });
    const headOnly = {
      postgres: { ...same.postgres, statementsPerRequest: { head: 1 }, rowsPerRequest: { head: 20 }, execMsPerRequest: { head: 0.021 } },
      redis: { commandsPerRequest: { head: 1 }, byCommand: {}, hitRatio: { head: 1 } },
    };
    assert.deepEqual(diagnosisLines(headOnly, codeName), {
      title: 'per request: 1.0 SQL statements (0.021 ms, 20.0 rows) · 1.0 Redis commands, hit ratio 100%',
      lines: [],
    });
  });
});

describe('the readers’ parsers', () => {
  test('INFO commandstats and stats: calls per command, upper case, INFO itself left out; hits and misses', () => {
    const info = [
      '# Commandstats',
      'cmdstat_get:calls=1200,usec=2400,usec_per_call=2.00,rejected_calls=0,failed_calls=0',
      'cmdstat_client|setinfo:calls=2,usec=3,usec_per_call=1.50,rejected_calls=0,failed_calls=0',
      'cmdstat_info:calls=7,usec=700,usec_per_call=100.00,rejected_calls=0,failed_calls=0',
      '',
      '# Stats',
      'total_connections_received:3',
      'keyspace_hits:1190',
      'keyspace_misses:10',
    ].join('\r\n');
    assert.deepEqual(parseRedisInfo(info), { commands: { GET: 1200, 'CLIENT|SETINFO': 2 }, hits: 1190, misses: 10 });
  });

  test('the app cgroup, by the file head named: v2 usage_usec and memory.peak (else memory.current); v1 cpuacct.usage and max_usage', () => {
    const v2 =
      '==> /sys/fs/cgroup/cpu.stat <==\nusage_usec 1234567\nuser_usec 1000000\n\n==> /sys/fs/cgroup/memory.peak <==\n52428800\n\n==> /sys/fs/cgroup/memory.current <==\n41943040\n';
    assert.deepEqual(parseCgroup(v2), { cpuMs: 1234.567, memoryBytes: 52428800 });
    const old = '==> /sys/fs/cgroup/cpu.stat <==\nusage_usec 1000\n\n==> /sys/fs/cgroup/memory.current <==\n41943040\n';
    assert.deepEqual(parseCgroup(old), { cpuMs: 1, memoryBytes: 41943040 });
    const v1 =
      '==> /sys/fs/cgroup/cpuacct/cpuacct.usage <==\n2500000000\n\n==> /sys/fs/cgroup/memory/memory.max_usage_in_bytes <==\n60000000\n';
    assert.deepEqual(parseCgroup(v1), { cpuMs: 2500, memoryBytes: 60000000 });
    assert.equal(parseCgroup(''), undefined);
  });

  test("psql's JSON line: statements by queryid, texts with newlines kept", () => {
    const json = '[{"id":"-42","query":"SELECT\\n 1","calls":3,"rows":3,"execMs":0.5,"blocksRead":0}]\n';
    assert.deepEqual([...parseStatements(json)], [['-42', { query: 'SELECT\n 1', calls: 3, rows: 3, execMs: 0.5, blocksRead: 0 }]]);
    assert.deepEqual([...parseStatements('\n')], []);
  });
});
