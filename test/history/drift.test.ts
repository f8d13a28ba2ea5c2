// Drift on main (#13): the change points a recorded run brings to main's history, which of them warn or fail it
// (history: warn_on_change / fail_on_change, direction-aware), the YAML that sets them, and 30 runs recorded through
// the pipeline's history step onto a bare remote with a 10% QPS step at run 20: exactly one run, the first that
// makes the step significant, fails, and every report says why.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { driftOf, type NewStep } from '../../src/compare/drift.ts';
import { loadConfig } from '../../src/config/load.ts';
import { memoryLog } from '../../src/log.ts';
import { metricsOf } from '../../src/metrics.ts';
import { historyStep } from '../../src/pipeline/history.ts';
import { timeAgo } from '../../src/report/history.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { renderTerminal } from '../../src/report/terminal.ts';
import type { RunResult } from '../../src/result.ts';
import { runResultSchema } from '../../src/results/schema.ts';
import { mulberry32 } from '../../src/stats/rng.ts';
import { measurement } from '../report/fixture.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

function step(metric: string, change: number): NewStep {
  return { metric, from: A, to: B, time: '2026-10-21T00:00:00.000Z', before: 1000, after: 1000 * (1 + change), change, p: 0.005 };
}

test('only a step for the worse counts: QPS down, latency up; warn and fail by their thresholds', () => {
  const settings = { warn: { qps: 0.05, p50: 0.05, p99: 0.05 }, fail: { qps: 0.1 } };
  const drift = driftOf(
    [
      step('qps', 0.9 - 1), // −10% (0.09999999999999998): reaches fail_on_change 10%
      step('qps', 0.2), // better
      step('p99', 0.07), // worse, warns
      step('p50', 0.03), // worse, below warn
      step('p50', -0.3), // better
      step('error_rate', 0.5), // not a drift metric
      step('p99', Number.NaN), // from a zero base
    ],
    settings,
  );
  assert.deepEqual(
    drift.map((d) => [d.metric, d.change, d.threshold, d.fails]),
    [
      ['qps', 0.9 - 1, 0.1, true],
      ['p99', 0.07, 0.05, false],
    ],
  );
  // A metric left out of a map neither warns nor fails.
  assert.deepEqual(driftOf([step('p99', 0.5)], { warn: { qps: 0.05 }, fail: { qps: 0.1 } }), []);
  // A fail threshold below the warning one still fails.
  assert.deepEqual(
    driftOf([step('qps', -0.04)], { warn: { qps: 0.05 }, fail: { qps: 0.03 } }).map((d) => [d.threshold, d.fails]),
    [[0.03, true]],
  );
});

test('"9 days ago": the time of a step against the run\'s end', () => {
  const now = '2026-10-30T12:00:00.000Z';
  assert.equal(timeAgo('2026-10-21T09:00:00.000Z', now), '9 days ago');
  assert.equal(timeAgo('2026-10-29T09:00:00.000Z', now), '27 hours ago');
  assert.equal(timeAgo('2026-10-30T11:00:00.000Z', now), '1 hour ago');
  assert.equal(timeAgo('2026-10-30T11:58:30.000Z', now), '1 minute ago');
  assert.equal(timeAgo('2026-10-30T11:59:31.000Z', now), 'just now');
  assert.equal(timeAgo('2026-10-31T00:00:00.000Z', now), undefined);
  assert.equal(timeAgo('yesterday', now), undefined);
});

describe('history: in YAML', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-drift-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const load = async (history: string) => {
    const file = path.join(dir, 'perf.yaml');
    await writeFile(file, `version: 1\ntarget: http://127.0.0.1:8080\n${history}scenarios:\n  - name: s\n    request: { path: / }\n`);
    return (await loadConfig([file], { cwd: dir, env: {} })).history;
  };

  test('the default warns at 5% and fails never; one percentage for all three, or one per metric', async () => {
    assert.deepEqual(await load(''), { warn: { qps: 0.05, p50: 0.05, p99: 0.05 }, fail: {} });
    assert.deepEqual(await load('history:\n  fail_on_change: 10%\n'), {
      warn: { qps: 0.05, p50: 0.05, p99: 0.05 },
      fail: { qps: 0.1, p50: 0.1, p99: 0.1 },
    });
    assert.deepEqual(await load('history:\n  warn_on_change: { qps: 3% }\n  fail_on_change: { qps: 10%, p99: 25% }\n'), {
      warn: { qps: 0.03 },
      fail: { qps: 0.1, p99: 0.25 },
    });
  });

  test('a threshold that is not a percentage, or an unknown metric, is refused at its line', async () => {
    await assert.rejects(load('history:\n  fail_on_change: lots\n'), (error: Error) => {
      assert.match(error.message, /perf\.yaml:4:\d+/);
      assert.match(error.message, /percentage/);
      return true;
    });
    await assert.rejects(load('history:\n  fail_on_change: { p95: 10% }\n'), (error: Error) => {
      assert.match(error.message, /perf\.yaml:4:\d+/);
      return true;
    });
  });
});

const IDENTITY = ['-c', 'user.name=test', '-c', 'user.email=test@example.com'];
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', [...IDENTITY, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const DAY = 86_400_000;

function resultOf(qps: number, p99: number, day: number): RunResult {
  const base = measurement();
  const m = measurement({ qps, latency: { ...base.latency, p99 } });
  const time = new Date(Date.UTC(2026, 9, 1) + day * DAY).toISOString();
  return {
    schemaVersion: 1,
    verdict: 'pass',
    startedAt: time,
    finishedAt: time,
    tool: { name: 'perfgate', version: '0.1.0', node: 'v24.0.0' },
    config: ['perf/perf.yaml'],
    target: 'http://127.0.0.1:8080',
    scenarios: [{ name: 'list posts', verdict: 'pass', connections: 50, metrics: metricsOf(m), measurement: m, budgets: [], warnings: [] }],
    environment: { platform: 'linux 6.8.0', cpus: 2, cpuModel: 'Test CPU' },
    warnings: [],
  };
}

describe('30 runs recorded on main with a 10% QPS step at run 20, fail_on_change 8%', () => {
  let root: string;
  const shas: string[] = [];
  const outcomes: Array<{ result: RunResult; written: RunResult[]; log: string[] }> = [];

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'perfgate-drift-'));
    const work = path.join(root, 'work');
    const bare = path.join(root, 'remote.git');
    execFileSync('mkdir', ['-p', work]);
    git(work, 'init', '--quiet', '-b', 'main');
    execFileSync('git', ['init', '--quiet', '--bare', '-b', 'main', bare]);
    git(work, 'remote', 'add', 'origin', bare);
    const random = mulberry32(2026);
    const drift = { warn: { qps: 0.05, p50: 0.05, p99: 0.05 }, fail: { qps: 0.08, p99: 0.08 } };
    for (let run = 0; run < 30; run++) {
      git(work, 'commit', '--quiet', '--allow-empty', '-m', `change ${run}`);
      shas.push(git(work, 'rev-parse', 'HEAD'));
      // ±2% noise; QPS 10% lower from run 20 on, p99 flat.
      const qps = 1000 * (run >= 20 ? 0.9 : 1) * (1 + (random() - 0.5) * 0.04);
      const p99 = 20 * (1 + (random() - 0.5) * 0.04);
      const log = memoryLog();
      const written: RunResult[] = [];
      const { result, failure } = await historyStep(resultOf(qps, p99, run), { cwd: work, record: true, drift }, log, async (r) => {
        written.push(r);
      });
      assert.equal(failure, undefined);
      outcomes.push({ result, written, log: log.lines });
    }
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('the step fails the one run that first finds it, three runs after it; every other run passes untouched', () => {
    const drifted = outcomes.flatMap((o, run) => (o.result.scenarios[0]!.drift ? [run] : []));
    assert.deepEqual(drifted, [22]);
    for (const [run, o] of outcomes.entries()) {
      if (run === 22) continue;
      assert.equal(o.result.verdict, 'pass');
      assert.deepEqual(o.written, []);
      assert.deepEqual(o.log, ['recorded 1 line on perfgate-history and pushed to origin']);
    }
    const { result, written, log } = outcomes[22]!;
    assert.equal(result.verdict, 'fail');
    assert.equal(result.scenarios[0]!.verdict, 'fail');
    assert.deepEqual(written, [result], 'the outputs are written again with the drift');
    runResultSchema.parse(result);
    const [drift] = result.scenarios[0]!.drift!;
    assert.equal(result.scenarios[0]!.drift!.length, 1);
    assert.deepEqual(
      { metric: drift!.metric, from: drift!.from, to: drift!.to, time: drift!.time, threshold: drift!.threshold, fails: drift!.fails },
      { metric: 'qps', from: shas[19], to: shas[20], time: '2026-10-21T00:00:00.000Z', threshold: 0.08, fails: true },
    );
    assert.ok(drift!.change < -0.08 && drift!.change > -0.12, String(drift!.change));
    assert.equal(log.length, 2);
    assert.equal(log[0], 'recorded 1 line on perfgate-history and pushed to origin');
  });

  test('the failing run says so in the headline, the comment, the terminal and the HTML report', async () => {
    const result = outcomes[22]!.result;
    const from = shas[19]!.slice(0, 7);
    const to = shas[20]!.slice(0, 7);
    // Seeded: the medians of runs 0–19 and 20–22 are 996 and 905 req/s.
    const words = `QPS stepped −9.2% between ${from} and ${to} (996 req/s → 905 req/s): a new change point at least fail_on_change 8.0%, so this run fails`;
    assert.equal(outcomes[22]!.log[1], `warning: main's history of "list posts": ${words}`);
    const markdown = renderMarkdown(result).split('\n');
    assert.ok(
      markdown.includes(`### ❌ perfgate: QPS stepped −9.2% on main between ${from} and ${to} in <code>list posts</code>`),
      markdown.join('\n'),
    );
    assert.ok(markdown.includes(`- ❌ Main's history: ${words.replace(from, `<code>${from}</code>`).replace(to, `<code>${to}</code>`)}.`));
    assert.ok(renderTerminal(result).split('\n').includes(`  main's history: ${words}`));
    const html = await renderHtml(result);
    assert.ok(html.includes(`<h3>Main's history</h3>\n<p class="error">New change point: ${words}</p>`), html);
  });
});

test('with the defaults a step for the worse warns and passes, and a step for the better is only said', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'perfgate-drift-'));
  try {
    const work = path.join(root, 'work');
    execFileSync('mkdir', ['-p', work]);
    git(work, 'init', '--quiet', '-b', 'main');
    const random = mulberry32(7);
    const drift = { warn: { qps: 0.05, p50: 0.05, p99: 0.05 }, fail: {} };
    const shas: string[] = [];
    const outcomes: Array<{ result: RunResult; log: string[] }> = [];
    // No remote: recorded on the local branch. From run 20, QPS 10% higher (better) and p99 10% higher (worse).
    for (let run = 0; run < 25; run++) {
      git(work, 'commit', '--quiet', '--allow-empty', '-m', `change ${run}`);
      shas.push(git(work, 'rev-parse', 'HEAD'));
      const step = run >= 20 ? 1.1 : 1;
      const qps = 1000 * step * (1 + (random() - 0.5) * 0.04);
      const p99 = 20 * step * (1 + (random() - 0.5) * 0.04);
      const log = memoryLog();
      const { result } = await historyStep(resultOf(qps, p99, run), { cwd: work, record: true, drift }, log, async () => {});
      outcomes.push({ result, log: log.lines.slice(1) });
    }
    const said = outcomes.flatMap((o, run) => o.log.map((line) => [run, line.replace(/ \(.*$/, '')]));
    const [from, to] = [shas[19]!.slice(0, 7), shas[20]!.slice(0, 7)];
    assert.deepEqual(said, [
      [22, `main's history of "list posts": a new change point for the better, QPS stepped +9.9% between ${from} and ${to}`],
      [22, `warning: main's history of "list posts": p99 stepped +9.6% between ${from} and ${to}`],
    ]);
    const warned = outcomes[22]!.result;
    assert.equal(warned.verdict, 'pass');
    assert.deepEqual(
      warned.scenarios[0]!.drift!.map((d) => [d.metric, d.threshold, d.fails]),
      [['p99', 0.05, false]],
    );
    assert.ok(
      renderMarkdown(warned).includes(`- ⚠️ Main's history: p99 stepped +9.6% between <code>${from}</code> and <code>${to}</code> (`),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
