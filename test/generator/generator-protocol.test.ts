// The generator's protocol without Docker: the runner's side (remoteRunLoad) talking to `perfgate generate`'s
// (generate) over in-process pipes, against a real server on loopback. What comes back is runLoad's measurement,
// progress and the warm-up's count arrive as they happen, and a stop ends the window with its partial figures.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { InfrastructureError } from '../../src/errors.ts';
import { generate } from '../../src/generator/generate-command.ts';
import { remoteRunLoad, type GeneratorProcess } from '../../src/generator/remote-load.ts';
import { line, lineSplitter, parseInbound, parseOutbound } from '../../src/generator/wire.ts';
import type { LoadProgress } from '../../src/load/run-load.ts';
import type { LoadMeasurement } from '../../src/result.ts';
import { startKnobServer, type KnobServer } from '../helpers/knob-server.ts';
import { scenario } from '../helpers/scenario.ts';

/** `perfgate generate` in this process, wired as an exec'd one would be. */
function inProcess(): GeneratorProcess {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const ended = generate(stdin, stdout).then(
    () => ({ exitCode: 0, stderr: '' }),
    (error: Error) => ({ exitCode: 2, stderr: error.message }),
  );
  void ended.then(() => stdout.end());
  return { write: (text) => void stdin.write(text), stdout, ended, close: () => stdin.end() };
}

describe('the generator protocol (runner ↔ perfgate generate)', () => {
  let server: KnobServer;
  before(async () => {
    server = await startKnobServer();
  });
  after(() => server.close());

  test('a window of 300 requests comes back as runLoad measures it: every request, by status, with the warm-up counted apart', async () => {
    server.reset();
    const progress: LoadProgress[] = [];
    let warmup: number | undefined;
    const m = await remoteRunLoad(async () => inProcess())({
      origin: server.url,
      scenario: scenario({ connections: 2, warmupMs: 1200, amount: 300, durationMs: 10_000 }),
      onProgress: (p) => progress.push(p),
      onWarmupSettled: (n) => (warmup = n),
    });
    assert.equal(m.outcomes.total, 300);
    assert.equal(m.outcomes.success, 300);
    assert.deepEqual(m.outcomes.byStatus, { '200': 300 });
    assert.equal(m.connections, 2);
    assert.equal(m.aborted, undefined);
    assert.ok(warmup !== undefined && warmup > 0, `warm-up requests ${warmup}`);
    // The server saw the warm-up and the window, and nothing else.
    assert.equal(server.total(), warmup + 300);
    assert.ok(progress.length >= 1, 'progress arrived while the window ran');
    assert.equal(progress[0]!.phase, 'warmup');
  });

  test('an abort is sent as a stop: the window ends at once, its partial figures come back marked interrupted', async () => {
    const stop = new AbortController();
    const started = performance.now();
    const running = remoteRunLoad(async () => inProcess())({
      origin: server.url,
      scenario: scenario({ connections: 2, durationMs: 20_000 }),
      signal: stop.signal,
      onProgress: () => stop.abort('SIGINT'),
    });
    const m = await running;
    assert.equal(m.aborted, 'interrupted (SIGINT)');
    assert.ok(performance.now() - started < 5000, 'it did not run the 20 s window');
    assert.ok(m.outcomes.total > 0);
    assert.equal(m.outcomes.success + m.outcomes.httpErrors + m.outcomes.failures, m.outcomes.total);
  });

  test('aborted before it starts: the window is stopped at once, as a local one is', async () => {
    const stop = new AbortController();
    stop.abort('SIGTERM');
    const m = await remoteRunLoad(async () => inProcess())({
      origin: server.url,
      scenario: scenario({ durationMs: 20_000 }),
      signal: stop.signal,
    });
    assert.equal(m.aborted, 'interrupted (SIGTERM)');
  });

  test('one process serves the windows one after another; one that went away is started again', async () => {
    const started: GeneratorProcess[] = [];
    const load = remoteRunLoad(async () => {
      started.push(inProcess());
      return started.at(-1)!;
    });
    const window = { origin: server.url, scenario: scenario({ connections: 1, amount: 20, durationMs: 10_000 }) };
    const first = await load(window);
    const second = await load(window);
    assert.equal(started.length, 1);
    assert.deepEqual([first.outcomes.total, second.outcomes.total], [20, 20]);
    // Its stdin closed: the process ends, and the next window gets a new one.
    started[0]!.close();
    await started[0]!.ended;
    const third = await load(window);
    assert.equal(started.length, 2);
    assert.equal(third.outcomes.total, 20);
    load.close();
  });

  test('a generator that ends without a measurement is an infrastructure error with its stderr, never a zero', async () => {
    const broken = async (): Promise<GeneratorProcess> => {
      const stdout = new PassThrough();
      stdout.end(
        '{"progress":{"phase":"measure","elapsedMs":1,"totalMs":2,"requests":0,"success":0,"httpErrors":0,"failures":0,"qps":0}}\n',
      );
      return { write: () => {}, stdout, ended: Promise.resolve({ exitCode: 137, stderr: 'Killed' }), close: () => {} };
    };
    await assert.rejects(
      remoteRunLoad(broken)({ origin: server.url, scenario: scenario() }),
      (error: InfrastructureError) =>
        error instanceof InfrastructureError &&
        error.message === 'The load generator in Docker failed during "test": it exited with code 137 without a measurement.' &&
        error.logs.generator === 'Killed',
    );
  });

  test('a process that dies before saying anything is started once more; dying again is the error, with its stderr', async () => {
    let starts = 0;
    const dead = async (): Promise<GeneratorProcess> => {
      starts++;
      const stdout = new PassThrough();
      stdout.end();
      return { write: () => {}, stdout, ended: Promise.resolve({ exitCode: 1, stderr: `SyntaxError ${starts}` }), close: () => {} };
    };
    await assert.rejects(
      remoteRunLoad(dead)({ origin: server.url, scenario: scenario() }),
      (error: InfrastructureError) =>
        error instanceof InfrastructureError &&
        error.message === 'The load generator in Docker failed during "test": it exited with code 1 without a measurement.' &&
        error.logs.generator === 'SyntaxError 2',
    );
    assert.equal(starts, 2);
  });

  test('a line that is not the protocol is named in the error', async () => {
    const garbled = async (): Promise<GeneratorProcess> => {
      const stdout = new PassThrough();
      stdout.end('Segmentation fault\n');
      return { write: () => {}, stdout, ended: Promise.resolve({ exitCode: 139, stderr: '' }), close: () => {} };
    };
    await assert.rejects(
      remoteRunLoad(garbled)({ origin: server.url, scenario: scenario() }),
      /unreadable line from the generator .*Segmentation fault/,
    );
  });

  test('generate refuses a first line that is not a window spec (exit 2), naming what is wrong', async () => {
    const stdin = new PassThrough();
    const done = generate(stdin, new PassThrough());
    stdin.end('{"window":{"origin":"ftp://x","scenario":{}}}\n');
    await assert.rejects(done, /perfgate generate: stdin line 1 is not a window spec or a stop: /);
  });
});

describe('the wire format', () => {
  test('a measurement survives the trip exactly: every double, every optional part', () => {
    const m: LoadMeasurement = {
      connections: 3,
      rate: 123.456,
      achievedRate: 0.1 + 0.2,
      backlog: { unsent: 2, oldestWaitMs: 1 / 3 },
      scheduleLag: { p99Ms: 1e-7, maxMs: 12345.678901234567 },
      durationMs: 5000.000123,
      outcomes: {
        total: 10,
        success: 8,
        httpErrors: 1,
        failures: 1,
        byStatus: { '200': 8, '503': 1 },
        byFailure: { timeout: 1, refused: 0, reset: 0, truncated: 0, other: 0 },
      },
      latency: { min: 0.001, p50: 0.251, p90: 1.023, p95: 2.047, p99: 4.095, p999: 8.191, max: 59999.999, mean: Math.PI },
      qps: 1.6000000000000003,
      bytesPerSec: 2 ** 53 - 1,
      bytesPerResponse: Number.MIN_VALUE,
      generator: { cpu: 0.30000000000000004, saturated: false },
      aborted: 'interrupted (SIGINT)',
    };
    const back = parseOutbound(line({ result: m }));
    assert.deepEqual(back, { result: m });
  });

  test('a spec keeps its scenario as written (headers included), and lines split at any chunk boundary, even inside a character', () => {
    const spec = {
      origin: 'http://172.18.0.3:5000',
      scenario: scenario({
        name: 'é ✓',
        requests: [{ weight: 1, request: { method: 'GET', path: '/x', headers: { authorization: 'Bearer t' } } }],
      }),
      amount: 5,
    };
    const bytes = Buffer.from(line({ window: spec }) + line({ stop: 'SIGINT' }));
    const lines: string[] = [];
    const split = lineSplitter((text) => lines.push(text));
    for (let i = 0; i < bytes.length; i += 3) split.push(bytes.subarray(i, i + 3));
    split.end();
    assert.deepEqual(lines.map(parseInbound), [{ window: spec }, { stop: 'SIGINT' }]);
  });
});
