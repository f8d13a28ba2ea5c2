// The history branch (#13) end to end on temporary repositories with a bare remote (no network): runs recorded
// through the recording code (synthetic results, no load), `perfgate history` through the CLI's main, racing
// recordings, a PR run's history in its results and comment, and the messages for a missing or bad branch.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli.ts';
import { readHistory } from '../../src/history/read.ts';
import { historyLinesOf, recordHistory } from '../../src/history/record.ts';
import { parseHistory } from '../../src/history/schema.ts';
import { memoryLog } from '../../src/log.ts';
import { metricsOf } from '../../src/metrics.ts';
import { historyStep } from '../../src/pipeline/history.ts';
import { formatChange } from '../../src/report/format.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { renderTerminal } from '../../src/report/terminal.ts';
import type { RunResult } from '../../src/result.ts';
import { runResultSchema } from '../../src/results/schema.ts';
import { mulberry32 } from '../../src/stats/rng.ts';
import { measurement } from '../report/fixture.ts';

const IDENTITY = ['-c', 'user.name=test', '-c', 'user.email=test@example.com'];

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', [...IDENTITY, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

let root: string;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'perfgate-history-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A working repository on main with one commit; with a bare remote as origin unless `remote` is false. */
async function repository(name: string, remote = true): Promise<{ work: string; bare?: string }> {
  const dir = path.join(root, name);
  const work = path.join(dir, 'work');
  execFileSync('mkdir', ['-p', work]);
  git(work, 'init', '--quiet', '-b', 'main');
  git(work, 'commit', '--quiet', '--allow-empty', '-m', 'start');
  if (!remote) return { work };
  const bare = path.join(dir, 'remote.git');
  execFileSync('git', ['init', '--quiet', '--bare', '-b', 'main', bare]);
  git(work, 'remote', 'add', 'origin', bare);
  git(work, 'push', '--quiet', 'origin', 'main');
  return { work, bare };
}

function commit(work: string, message: string): string {
  git(work, 'commit', '--quiet', '--allow-empty', '-m', message);
  return git(work, 'rev-parse', 'HEAD');
}

const DAY = 86_400_000;

function resultOf(values: { qps: number; p99: number; day: number; headRounds?: number[] }, cpus = 2, scenario = 'list posts'): RunResult {
  const base = measurement();
  const m = measurement({ qps: values.qps, latency: { ...base.latency, p99: values.p99 } });
  const time = new Date(Date.UTC(2026, 9, 1) + values.day * DAY).toISOString();
  return {
    schemaVersion: 1,
    verdict: 'pass',
    startedAt: time,
    finishedAt: time,
    tool: { name: 'perfgate', version: '0.1.0', node: 'v24.0.0' },
    config: ['perf/perf.yaml'],
    target: 'http://127.0.0.1:8080',
    scenarios: [
      {
        name: scenario,
        verdict: 'pass',
        connections: 50,
        metrics: metricsOf(m),
        measurement: m,
        budgets: [],
        warnings: [],
        ...(values.headRounds
          ? {
              rounds: values.headRounds.map((qps, index) => ({
                index,
                arm: 'head' as const,
                order: 1 as const,
                metrics: { qps, p50: 1, p95: 2, p99: values.p99 },
                outcomes: base.outcomes,
                generatorSaturated: false,
              })),
            }
          : {}),
      },
    ],
    environment: { platform: 'linux 6.8.0-1017-azure', cpus, cpuModel: 'Test CPU @ 2.0GHz' },
    warnings: [],
  };
}

function capture(): Writable & { text: string } {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      stream.text += String(chunk);
      done();
    },
  }) as Writable & { text: string };
  stream.text = '';
  return stream;
}

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = capture();
  const stderr = capture();
  const code = await main(args, { stdout, stderr, env: {}, cwd });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

describe('30 runs recorded with a 10% QPS step at run 20', () => {
  let work: string;
  let bare: string;
  const shas: string[] = [];
  const qps: number[] = [];
  const infos: string[] = [];

  before(async () => {
    ({ work, bare } = (await repository('step')) as { work: string; bare: string });
    const random = mulberry32(2026);
    for (let run = 0; run < 30; run++) {
      const sha = commit(work, `change ${run}`);
      shas.push(sha);
      // ±2% noise; QPS 10% lower from run 20 on, p99 flat.
      const value = 1000 * (run >= 20 ? 0.9 : 1) * (1 + (random() - 0.5) * 0.04);
      qps.push(value);
      const p99 = 20 * (1 + (random() - 0.5) * 0.04);
      const result = resultOf({ qps: value, p99, day: run, headRounds: [value, value * 1.01] });
      await recordHistory({ cwd: work, lines: historyLinesOf(result, sha), info: (m) => infos.push(m) });
    }
  });

  test('every run is one line on the remote branch, in order, and the checkout is untouched', () => {
    const content = git(bare, 'show', 'perfgate-history:history.jsonl');
    const { lines, skipped } = parseHistory(content);
    assert.equal(skipped, 0);
    assert.deepEqual(
      lines.map((l) => l.sha),
      shas,
    );
    assert.equal(lines[20]!.metrics.qps, qps[20]);
    assert.deepEqual(lines[20]!.rounds?.qps, [qps[20], qps[20]! * 1.01]);
    assert.deepEqual(lines[0]!.runner, { platform: 'linux', cpus: 2, cpuModel: 'Test CPU @ 2.0GHz' });
    assert.equal(git(bare, 'rev-list', '--count', 'perfgate-history'), '30');
    assert.equal(git(bare, 'rev-list', '--merges', 'perfgate-history'), '');
    // The working tree, the index and the checked-out branch are as they were.
    assert.equal(git(work, 'status', '--porcelain'), '');
    assert.equal(git(work, 'symbolic-ref', '--short', 'HEAD'), 'main');
    assert.equal(git(work, 'rev-parse', 'HEAD'), shas[29]);
    assert.equal(git(work, 'rev-parse', 'perfgate-history'), git(bare, 'rev-parse', 'perfgate-history'));
    assert.equal(infos[0], 'recorded 1 line on perfgate-history and pushed to origin');
  });

  test('perfgate history finds the QPS step between runs 19 and 20, and none in p99', async () => {
    const change = formatChange(median(qps.slice(20)) / median(qps.slice(0, 20)) - 1);
    const { code, stdout, stderr } = await cli(['history'], work);
    assert.equal(stderr, '');
    assert.equal(code, 0);
    assert.match(stdout, /^history: perfgate-history on origin, 30 runs shown\n/);
    assert.ok(stdout.includes('runner: linux, 2 CPUs, Test CPU @ 2.0GHz'), stdout);
    assert.ok(stdout.includes('"list posts" · QPS · last 20 of 30 runs'), stdout);
    const steps = stdout.split('\n').filter((l) => l.includes('stepped'));
    assert.equal(steps.length, 1, stdout);
    assert.ok(steps[0]!.startsWith(`    QPS stepped ${change} between ${shas[19]!.slice(0, 7)} and ${shas[20]!.slice(0, 7)} (`), steps[0]);
    assert.ok(steps[0]!.includes(', after run 20 of 30 (p = '), steps[0]);
    assert.ok(stdout.includes('"list posts" · p99 · last 20 of 30 runs'));
    assert.ok(stdout.includes('    no change point in 30 runs'));
  });

  test('--metric and --csv: one row per run', async () => {
    const csv = path.join(root, 'step.csv');
    const { code, stdout } = await cli(['history', '--metric', 'qps', '--scenario', 'list posts', '--csv', csv, '--last', '5'], work);
    assert.equal(code, 0);
    assert.ok(!stdout.includes('p99'));
    assert.ok(stdout.includes('last 5 of 30 runs'));
    const rows = (await readFile(csv, 'utf8')).trimEnd().split('\n');
    assert.equal(rows.length, 31);
    assert.equal(rows[0], 'sha,time,runner,scenario,connections,qps,p50,p99,error_rate,failure_rate');
    assert.ok(rows[21]!.startsWith(`${shas[20]},2026-10-21T00:00:00.000Z,"linux, 2 CPUs, Test CPU @ 2.0GHz",list posts,50,${qps[20]},`));
  });

  test('a PR run reads the branch: the last 20 runs, the step, where the base sits, in the results and the comment', async () => {
    const clone = path.join(root, 'step', 'pr');
    execFileSync('git', ['clone', '--quiet', bare, clone]);
    const result = resultOf({ qps: 905, p99: 20, day: 40 });
    const compared: RunResult = {
      ...result,
      base: { ref: 'origin/main', sha: shas[29]! },
      head: { ref: 'HEAD', sha: shas[29]! },
      scenarios: result.scenarios.map((s) => ({
        ...s,
        comparison: {
          qps: {
            base: 890,
            head: 905,
            change: 0.017,
            low: 0,
            high: 0.03,
            confidence: 0.95,
            p: 0.2,
            alpha: 0.05,
            tolerance: 0.05,
            mde: 0.06,
            verdict: 'unchanged' as const,
          },
        },
      })),
    };
    const written: RunResult[] = [];
    const log = memoryLog();
    const { result: withHistory, failure } = await historyStep(
      compared,
      { cwd: clone, record: false },
      log,
      async (r) => void written.push(r),
    );
    assert.equal(failure, undefined);
    assert.deepEqual(log.lines, []);
    assert.equal(written.length, 1);
    const history = runResultSchema.parse(withHistory).scenarios[0]!.history!;
    assert.equal(history.source, 'perfgate-history on origin');
    assert.equal(history.runs, 30);
    assert.deepEqual(history.commits, shas.slice(10));
    assert.deepEqual(history.qps, qps.slice(10));
    assert.equal(history.changes.length, 1);
    assert.equal(history.changes[0]!.metric, 'qps');
    assert.equal(history.changes[0]!.from, shas[19]);
    assert.equal(history.changes[0]!.to, shas[20]);
    // The base's 890 req/s against the last 20 runs: the share of them below it.
    const below = qps.slice(10).filter((v) => v < 890).length;
    assert.deepEqual(history.base?.qps, { value: 890, percentile: below / 20 });
    const terminal = renderTerminal(withHistory).split('\n');
    const at = terminal.indexOf("  main's history (last 20 of 30 runs on this runner, perfgate-history on origin):");
    assert.ok(at > 0, terminal.join('\n'));
    assert.ok(terminal[at + 1]!.startsWith('    QPS '), terminal[at + 1]);
    assert.ok(terminal[at + 2]!.startsWith('    p99 '), terminal[at + 2]);
    assert.ok(
      terminal[at + 3]!.startsWith(
        `    QPS stepped ${formatChange(history.changes[0]!.change!)} between ${shas[19]!.slice(0, 7)} and ${shas[20]!.slice(0, 7)}, 20 days ago (`,
      ),
    );
    const markdown = renderMarkdown(withHistory);
    const chart = markdown.split('\n');
    const title = chart.indexOf('  title "list posts: QPS of main\'s last 20 runs (blue: the base, red: this head)"');
    assert.ok(title > 0, markdown);
    assert.equal(chart[title + 2], `  y-axis "req/s" 0 --> 2000`);
    assert.equal(chart[title + 4], `  line [${Array(20).fill('890').join(', ')}]`);
    assert.equal(chart[title + 5], `  line [${Array(20).fill('905').join(', ')}]`);
    assert.equal(chart[title - 2], '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#57606a, #0969da, #cf222e"}}}}%%');
    const line = markdown.split('\n').find((l) => l.startsWith("**Main's history**"));
    assert.ok(line, markdown);
    assert.ok(line.startsWith("**Main's history** (last 20 of 30 runs on this runner, perfgate-history on origin): QPS "), line);
    assert.ok(line.includes(`, the base 890 req/s (above ${Math.round((below / 20) * 100)}% of them)`), line);
    assert.ok(
      line.includes(
        `QPS stepped ${formatChange(history.changes[0]!.change!)} between <code>${shas[19]!.slice(0, 7)}</code> and <code>${shas[20]!.slice(0, 7)}</code>`,
      ),
      line,
    );
    // The step was recorded on day 20, the PR's run ended on day 40.
    assert.ok(line.includes(`<code>${shas[20]!.slice(0, 7)}</code>, 20 days ago (`), line);
    // The HTML report: the trend chart (main's runs, the base and head levels, the step dashed) and the same words.
    const html = await renderHtml(withHistory);
    assert.ok(
      html.includes('<h3>Main\'s history</h3>\n<p class="muted">last 20 of 30 runs on this runner, perfgate-history on origin</p>'),
      html,
    );
    assert.ok(
      html.includes(
        `aria-label="QPS and p99 of main's last 20 runs in grey on zero-based axes, this PR's base (blue) and head (red) as level lines; 1 change point dashed"`,
      ),
      html,
    );
    // Two panels; the QPS panel's step is a dashed rule.
    assert.equal(html.match(/stroke-dasharray="4,3"/g)?.length, 1);
    assert.ok(
      html.includes(
        `<li>QPS stepped ${formatChange(history.changes[0]!.change!)} between ${shas[19]!.slice(0, 7)} and ${shas[20]!.slice(0, 7)}, 20 days ago (`,
      ),
      html,
    );
  });

  test('runs on another runner are a series of their own', async () => {
    const other = path.join(root, 'step', 'other');
    execFileSync('git', ['clone', '--quiet', bare, other]);
    const lines = historyLinesOf(resultOf({ qps: 5000, p99: 5, day: 31 }, 16), shas[29]!);
    await recordHistory({ cwd: other, lines });
    const { code, stdout } = await cli(['history', '--metric', 'qps'], other);
    assert.equal(code, 0);
    assert.ok(stdout.includes('runner: linux, 16 CPUs, Test CPU @ 2.0GHz\n  "list posts" · QPS · last 1 of 1 runs'), stdout);
    assert.ok(stdout.includes('runner: linux, 2 CPUs, Test CPU @ 2.0GHz\n  "list posts" · QPS · last 20 of 30 runs'), stdout);
    assert.equal(stdout.split('\n').filter((l) => l.includes('stepped')).length, 1);
  });
});

test('a flat series has no change point; without a remote the branch is local only, and said so', async () => {
  const { work } = await repository('flat', false);
  const random = mulberry32(7);
  const infos: string[] = [];
  for (let run = 0; run < 30; run++) {
    const sha = commit(work, `change ${run}`);
    const result = resultOf({ qps: 1000 * (1 + (random() - 0.5) * 0.04), p99: 20 * (1 + (random() - 0.5) * 0.04), day: run });
    await recordHistory({ cwd: work, lines: historyLinesOf(result, sha), info: (m) => infos.push(m) });
  }
  assert.equal(infos.length, 30);
  assert.equal(infos[0], 'no remote "origin": recorded on the local branch perfgate-history only (nothing pushed)');
  assert.equal(git(work, 'rev-list', '--count', 'perfgate-history'), '30');
  assert.equal(git(work, 'status', '--porcelain'), '');
  const { code, stdout } = await cli(['history'], work);
  assert.equal(code, 0);
  assert.match(stdout, /^history: the local branch perfgate-history, 30 runs shown\n/);
  assert.equal(stdout.split('\n').filter((l) => l === '    no change point in 30 runs').length, 2, stdout);
  assert.ok(!stdout.includes('stepped'));
});

test('two recordings racing to push both land, one on top of the other', async () => {
  const { work, bare } = (await repository('race')) as { work: string; bare: string };
  const first = commit(work, 'first');
  await recordHistory({ cwd: work, lines: historyLinesOf(resultOf({ qps: 1000, p99: 20, day: 0 }), first) });
  git(work, 'push', '--quiet', 'origin', 'main');
  const a = path.join(root, 'race', 'a');
  const b = path.join(root, 'race', 'b');
  execFileSync('git', ['clone', '--quiet', bare, a]);
  execFileSync('git', ['clone', '--quiet', bare, b]);
  const shaA = commit(a, 'a');
  const shaB = commit(b, 'b');
  // Both have made their commit on the same tip before either pushes: exactly one push is rejected.
  let arrived = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const beforePush = async (attempt: number) => {
    if (attempt > 1) return;
    if (++arrived === 2) release();
    await gate;
  };
  const infos: string[] = [];
  const [ra, rb] = await Promise.all([
    recordHistory({
      cwd: a,
      lines: historyLinesOf(resultOf({ qps: 1001, p99: 20, day: 1 }), shaA),
      beforePush,
      info: (m) => infos.push(m),
    }),
    recordHistory({
      cwd: b,
      lines: historyLinesOf(resultOf({ qps: 1002, p99: 20, day: 1 }), shaB),
      beforePush,
      info: (m) => infos.push(m),
    }),
  ]);
  assert.deepEqual([ra.attempts, rb.attempts].sort(), [1, 2]);
  assert.equal(ra.pushed && rb.pushed, true);
  assert.equal(infos.filter((m) => m.startsWith('the push of perfgate-history was rejected (another run recorded first)')).length, 1);
  const { lines } = parseHistory(git(bare, 'show', 'perfgate-history:history.jsonl'));
  const last = ra.attempts === 2 ? shaA : shaB;
  const firstLanded = ra.attempts === 2 ? shaB : shaA;
  assert.deepEqual(
    lines.map((l) => l.sha),
    [first, firstLanded, last],
  );
  assert.equal(git(bare, 'rev-list', '--count', 'perfgate-history'), '3');
  assert.equal(git(bare, 'rev-list', '--merges', 'perfgate-history'), '');
  assert.equal(git(bare, 'rev-parse', 'perfgate-history'), ra.attempts === 2 ? ra.commit : rb.commit);
});

describe('a missing or bad history branch', () => {
  let work: string;
  before(async () => {
    ({ work } = await repository('missing'));
  });

  test('no branch on the remote: exit 2 with what to do', async () => {
    const { code, stdout, stderr } = await cli(['history'], work);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      'error: there is no history branch perfgate-history (on origin, or locally when there is no origin): record runs on it with ' +
        "perfgate run --record, or the action's record: true on pushes to the default branch (docs/github-action.md)\n",
    );
    assert.equal(await readHistory({ cwd: work }), undefined);
  });

  test('an invalid branch name, a branch without history.jsonl, an unknown scenario or metric, outside a repository: exit 2', async () => {
    assert.deepEqual(await cli(['history', '--history-branch', 'bad..name'], work), {
      code: 2,
      stdout: '',
      stderr: 'error: "bad..name" is not a valid branch name for the history branch\n',
    });
    git(work, 'push', '--quiet', 'origin', 'main:refs/heads/not-history');
    assert.deepEqual(await cli(['history', '--history-branch', 'not-history'], work), {
      code: 2,
      stdout: '',
      stderr: 'error: not-history on origin has no history.jsonl: it is not a perfgate history branch (pass --history-branch)\n',
    });
    await recordHistory({ cwd: work, lines: historyLinesOf(resultOf({ qps: 1000, p99: 20, day: 0 }), git(work, 'rev-parse', 'HEAD')) });
    assert.deepEqual(await cli(['history', '--scenario', 'nope'], work), {
      code: 2,
      stdout: '',
      stderr: 'error: no recorded run of "nope" in perfgate-history on origin; recorded: "list posts"\n',
    });
    assert.deepEqual(await cli(['history', '--metric', 'p95'], work), {
      code: 2,
      stdout: '',
      stderr: 'error: unknown metric "p95": the history has qps, p50, p99, error_rate, failure_rate\n',
    });
    const outside = await mkdtemp(path.join(os.tmpdir(), 'perfgate-nogit-'));
    try {
      const { code, stderr } = await cli(['history'], outside);
      assert.equal(code, 2);
      assert.equal(stderr, `error: ${outside} is not inside a git repository: the history lives on a branch of the repository\n`);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  test('recording onto the checked-out branch is refused', async () => {
    await assert.rejects(recordHistory({ cwd: work, branch: 'main', lines: [] }), {
      name: 'UsageError',
      message: 'the history branch main is the checked-out branch; record from another branch',
    });
  });
});

test("the pipeline's history step records a run at the checked-out commit, and refuses an interrupted one", async () => {
  const { work, bare } = (await repository('step-record')) as { work: string; bare: string };
  const sha = git(work, 'rev-parse', 'HEAD');
  const log = memoryLog();
  const writes: RunResult[] = [];
  const record = { cwd: work, record: true };
  const outcome = await historyStep(resultOf({ qps: 1000, p99: 20, day: 0 }), record, log, async (r) => void writes.push(r));
  assert.equal(outcome.failure, undefined);
  assert.deepEqual(log.lines, ['recorded 1 line on perfgate-history and pushed to origin']);
  assert.deepEqual(writes, []);
  assert.deepEqual(
    parseHistory(git(bare, 'show', 'perfgate-history:history.jsonl')).lines.map((l) => l.sha),
    [sha],
  );
  const interrupted = await historyStep({ ...resultOf({ qps: 1, p99: 1, day: 1 }), interrupted: 'SIGTERM' }, record, log, async () => {});
  assert.equal(interrupted.failure, undefined);
  assert.equal(log.lines.at(-1), 'warning: the run was interrupted: its partial results are not recorded in the history');
  assert.equal(git(bare, 'rev-list', '--count', 'perfgate-history'), '1');
  // A remote that refuses every push (not a race): exit 3's error, with the reason, after one attempt.
  git(work, 'remote', 'set-url', '--push', 'origin', path.join(root, 'step-record', 'nowhere.git'));
  const refused = await historyStep(resultOf({ qps: 1000, p99: 20, day: 2 }), record, log, async () => {});
  assert.equal(refused.failure?.exitCode, 3);
  assert.match(refused.failure!.message, /^could not push the history branch perfgate-history to origin: /);
  assert.equal(git(bare, 'rev-list', '--count', 'perfgate-history'), '1');
});

test('two recording processes started together both land on a linear branch', async () => {
  const { work, bare } = (await repository('processes')) as { work: string; bare: string };
  const clones = ['p1', 'p2'].map((name) => path.join(root, 'processes', name));
  for (const clone of clones) execFileSync('git', ['clone', '--quiet', bare, clone]);
  const shas = clones.map((clone, i) => commit(clone, `process ${i}`));
  const record = pathToFileURL(path.resolve('src/history/record.ts')).href;
  const lines = shas.map((sha, i) => historyLinesOf(resultOf({ qps: 1000 + i, p99: 20, day: i }), sha));
  const runs = clones.map(
    (clone, i) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const code =
          `const { recordHistory } = await import(${JSON.stringify(record)});` +
          `const r = await recordHistory({ cwd: ${JSON.stringify(clone)}, lines: ${JSON.stringify(lines[i])} });` +
          'console.log(JSON.stringify(r));';
        const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      }),
  );
  const done = await Promise.all(runs);
  for (const run of done) assert.equal(run.code, 0, run.stderr);
  const { lines: landed } = parseHistory(git(bare, 'show', 'perfgate-history:history.jsonl'));
  assert.deepEqual(landed.map((l) => l.sha).sort(), [...shas].sort());
  assert.equal(git(bare, 'rev-list', '--count', 'perfgate-history'), '2');
  assert.equal(git(bare, 'rev-list', '--merges', 'perfgate-history'), '');
  assert.equal(git(work, 'status', '--porcelain'), '');
});
