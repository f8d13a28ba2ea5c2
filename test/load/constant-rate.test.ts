// The open model's constant schedule, on a manual clock: exact due times, exact waits, no bursts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConstantRateSchedule, type Clock, type PacedClient } from '../../src/load/constant-rate.ts';

/** A clock the test moves by hand; timers fire in due order as it passes them, `lateMs` after they were asked for. */
function manualClock(lateMs = 0) {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void }> = [];
  const clock: Clock = {
    now: () => now,
    after(ms, fn) {
      const timer = { at: now + ms + lateMs, fn };
      timers.push(timer);
      return () => {
        timers = timers.filter((t) => t !== timer);
      };
    },
  };
  return {
    clock,
    advanceTo(t: number) {
      for (;;) {
        const next = timers.filter((x) => x.at <= t).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        timers = timers.filter((x) => x !== next);
        now = next.at;
        next.fn();
      }
      now = t;
    },
    pending: () => timers.length,
  };
}

/** A schedule on a manual clock with one connection, `a`, attached, whose first request has gone out at 0 ms. */
async function paced(rate: number, lateMs = 0) {
  const time = manualClock(lateMs);
  const schedule = new ConstantRateSchedule(rate, time.clock);
  const sends: Array<[string, number]> = [];
  const a = client('a', sends, time.clock);
  schedule.attach(a);
  a._doRequest();
  await settled();
  return { time, schedule, sends, a };
}

/** Lets a connection's deferred request go out (the schedule dispatches it in a microtask). */
const settled = () => Promise.resolve();

/** A stand-in for an autocannon Client: records when it sent, answers when the test says. */
function client(name: string, sends: Array<[string, number]>, clock: Clock): PacedClient {
  return {
    _doRequest() {
      sends.push([name, clock.now()]);
    },
  };
}

test('requests leave on a constant schedule: 100 req/s is one every 10 ms, not a burst each second', async () => {
  const time = manualClock();
  const schedule = new ConstantRateSchedule(100, time.clock);
  const sends: Array<[string, number]> = [];
  const clients = ['a', 'b', 'c'].map((n) => client(n, sends, time.clock));
  for (const c of clients) schedule.attach(c);
  // autocannon asks each connection for its first request on connect.
  for (const c of clients) c._doRequest();
  await settled();
  assert.deepEqual(sends, [['a', 0]], 'only the request due at t0 leaves at once');
  // Each connection answers at once and asks for its next request: it waits for the next due time.
  const answer = (name: string) => clients[['a', 'b', 'c'].indexOf(name)]!._doRequest();
  answer('a');
  await settled();
  time.advanceTo(35);
  assert.deepEqual(sends, [
    ['a', 0],
    ['b', 10],
    ['c', 20],
    ['a', 30],
  ]);
  assert.equal(schedule.waitMs(clients[0]!), 0, 'sent exactly when due');
  assert.deepEqual(schedule.stop(), { unsent: 0, oldestWaitMs: 0 });
  assert.equal(time.pending(), 0, 'stop cancels the timer');
});

test('when every connection is busy, due requests queue and their wait is measured from when they were due', async () => {
  const { time, schedule, sends, a: only } = await paced(100);
  // The one connection's answer takes 35 ms: requests due at 10, 20 and 30 ms have nowhere to go.
  time.advanceTo(35);
  assert.deepEqual(sends, [['a', 0]]);
  only._doRequest();
  await settled();
  assert.deepEqual(
    sends,
    [
      ['a', 0],
      ['a', 35],
    ],
    'the overdue request leaves as soon as a connection is free',
  );
  assert.equal(schedule.waitMs(only), 25, 'due at 10 ms, sent at 35 ms');
  time.advanceTo(50);
  only._doRequest();
  await settled();
  assert.equal(schedule.waitMs(only), 30, 'due at 20 ms, sent at 50 ms: the backlog keeps its waits');
  const backlog = schedule.stop();
  assert.deepEqual(backlog, { unsent: 3, oldestWaitMs: 20 }, 'due at 30, 40, 50 ms; none sent');
});

test('a reconnecting connection waits in line once, and nothing leaves after stop', async () => {
  const { time, schedule, sends, a } = await paced(10);
  a._doRequest();
  a._doRequest();
  await settled();
  time.advanceTo(150);
  assert.deepEqual(
    sends,
    [
      ['a', 0],
      ['a', 100],
    ],
    'asking three times does not buy three tickets',
  );
  schedule.stop();
  a._doRequest();
  await settled();
  time.advanceTo(1000);
  assert.equal(sends.length, 2);
});

test('a timed-out request keeps its own wait: autocannon reconnects (asking for the next request) before it reports the timeout', async () => {
  const { time, schedule, sends, a } = await paced(100);
  time.advanceTo(5);
  // Still no answer: the request due at 10 ms waits. At 35 ms the first request times out: autocannon reconnects,
  // which asks for a request at once, and only then emits 'timeout'.
  time.advanceTo(35);
  a._doRequest();
  assert.equal(schedule.waitMs(a), 0, 'the timed-out request was sent when due');
  await settled();
  assert.deepEqual(sends, [
    ['a', 0],
    ['a', 35],
  ]);
  assert.equal(schedule.waitMs(a), 25, 'the next request, due at 10 ms, waited 25 ms');
  schedule.stop();
});

test("the generator's own lateness is not the service's: a request sent late to a connection that was free waited 0 ms", async () => {
  // Every timer fires 3 ms late (a busy event loop, coarse timers). The connection was free all along.
  const { time, schedule, sends, a } = await paced(100, 3);
  a._doRequest(); // answered at once: free again at 0 ms
  await settled();
  time.advanceTo(20);
  assert.deepEqual(
    sends,
    [
      ['a', 0],
      ['a', 13],
    ],
    'due at 10 ms, sent at 13 ms by the late timer',
  );
  assert.equal(schedule.waitMs(a), 0, 'a connection was free when the request came due');
  // The connection is busy from 13 to 27 ms; the request due at 20 ms waits 7 ms for it, and that is the service's.
  time.advanceTo(27);
  a._doRequest();
  await settled();
  assert.equal(schedule.waitMs(a), 7);
  const lag = schedule.lag();
  // An HdrHistogram at 3 significant digits: 3 ms reads as 3.000–3.003.
  assert.ok(
    lag.p99Ms >= 3 && lag.p99Ms < 3.004 && lag.maxMs >= 3 && lag.maxMs < 3.004,
    `the generator's lateness is reported apart: ${JSON.stringify(lag)}`,
  );
  schedule.stop();
});

test('a rate must be positive', () => {
  assert.throws(() => new ConstantRateSchedule(0), /rate must be positive/);
});
