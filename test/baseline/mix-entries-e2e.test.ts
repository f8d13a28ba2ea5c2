// A mix with two entries against two real local servers (#11): the base and the head answer GET /fast alike, the
// head answers GET /slow slower. Real autocannon load, interleaved pairs, the whole decision and the reports: the
// slow entry is the one called a regression, with its own line in the comment, and its budget fails at its own
// line of the YAML (the finding and the annotation say where).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { resultAnnotations } from '../../src/github/annotations.ts';
import { memoryLog } from '../../src/log.ts';
import { comparePaired } from '../../src/pipeline/compare.ts';
import { assemble, newResult } from '../../src/pipeline/finalize.ts';
import { measureScenarios } from '../../src/pipeline/measure.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import type { ScenarioResult } from '../../src/result.ts';
import { parseRunResult } from '../../src/results/read.ts';
import { serializeRunResult } from '../../src/results/write.ts';

interface MixServer {
  url: string;
  /** Requests seen, by path (asked of the server at the end). */
  seen(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

// The server runs in a child process: sharing the load generator's event loop would add its pauses to every latency.
const SERVER = `
const http = require('node:http');
const slowMs = Number(process.argv[1]);
const seen = {};
const server = http.createServer((req, res) => {
  req.resume();
  seen[req.url] = (seen[req.url] ?? 0) + 1;
  if (req.url === '/seen') return res.end(JSON.stringify(seen));
  if (req.url === '/slow') setTimeout(() => res.end('ok'), slowMs);
  else res.end('ok');
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.on('end', () => process.exit(0)).resume();
`;

/** GET /fast answers at once; GET /slow after `slowMs`; the process ends with the test's stdin pipe. */
async function startMixServer(slowMs: number): Promise<MixServer> {
  const child = spawn(process.execPath, ['-e', SERVER, String(slowMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const url = `http://127.0.0.1:${Number(line.toString().trim())}`;
  return {
    url,
    seen: async () => (await (await fetch(`${url}/seen`)).json()) as Record<string, number>,
    close: async () => {
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    },
  };
}

// Open model: the same 800 req/s in both arms, so an entry's QPS is its share of a fixed rate and only the slow entry's
// latency differs; 400 per entry per round, so a round's p99 is not its single worst request. A fixed design of 10
// pairs: the smallest exact p-value, 1/1024, must pass Holm's α / 9 (3 scenario metrics + 2 entries × 3).
const PERF = `version: 1
target: http://127.0.0.1:9
compare:
  pairs: 10
  min_pairs: 10
  round: 1s
  warmup: 500ms
  metrics: [qps, p50, p99]
scenarios:
  - name: mixed
    rate: 800
    connections: 16
    warmup: 500ms
    duration: 1s
    mix:
      - weight: 1
        request: { path: /fast }
      - weight: 1
        request: { path: /slow }
        budgets:
          p99: "<= 5ms"
`;

let dir: string;
let base: MixServer;
let head: MixServer;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-mix-e2e-'));
  await mkdir(path.join(dir, 'perf'));
  await writeFile(path.join(dir, 'perf', 'mix.yaml'), PERF);
  base = await startMixServer(2);
  head = await startMixServer(12);
});
after(async () => {
  await base.close();
  await head.close();
  await rm(dir, { recursive: true, force: true });
});

test('the slow entry of a mix is the regression, with its own comment line, and its budget fails at its line', async () => {
  const config = await loadConfig(['perf/mix.yaml'], { cwd: dir, env: {} });
  const log = memoryLog();
  const measured: ScenarioResult[] = [];
  const failure = await measureScenarios(config.scenarios, { head: { origin: head.url }, baseOrigin: base.url }, {}, log, async (m) => {
    measured.push(m);
  });
  assert.equal(failure, undefined);
  const comparison = await comparePaired(
    {
      scenarios: config.scenarios,
      measured,
      compare: config.compare,
      plan: { head: { ref: 'head', sha: 'h'.repeat(40) }, base: { ref: 'main', sha: 'b'.repeat(40) }, seed: 'mix-e2e', pairs: 10 },
      origins: { head: head.url, base: base.url },
    },
    {},
    log,
  );
  const result = assemble(newResult(config.files, head.url, { env: {} }), {
    target: head.url,
    scenarios: measured,
    comparison,
    warnings: [],
  });
  const [scenario] = result.scenarios;
  const [fast, slow] = scenario!.entries!;
  const verdicts = (e: typeof fast) =>
    Object.fromEntries(Object.entries(e!.comparison ?? {}).map(([m, c]) => [m, `${c!.verdict}${c!.reason ? ` (${c!.reason})` : ''}`]));

  // Every request is in exactly one entry, half each (smooth weighted round robin; a client's first request is
  // picked when autocannon builds it, so up to one per connection may fall either way).
  for (const round of scenario!.rounds!) {
    const [f, s] = round.entries!;
    assert.equal(f!.outcomes.total + s!.outcomes.total, round.outcomes.total);
    assert.ok(Math.abs(f!.outcomes.total - s!.outcomes.total) <= 16, `1:1 in round ${round.index} ${round.arm}`);
  }
  assert.equal(fast!.name, 'GET /fast');
  assert.equal(slow!.name, 'GET /slow');
  assert.equal(fast!.outcomes.total + slow!.outcomes.total, scenario!.measurement.outcomes.total);

  // The slow entry is the regression (its latency); the fast one is not, whatever the total did.
  assert.equal(slow!.comparison!.p50!.verdict, 'regression', JSON.stringify(verdicts(slow)));
  assert.equal(slow!.comparison!.p99!.verdict, 'regression', JSON.stringify(verdicts(slow)));
  assert.ok(slow!.comparison!.p50!.change > 1, `slow p50 more than doubled: ${slow!.comparison!.p50!.change}`);
  for (const metric of ['qps', 'p50', 'p99'] as const) {
    assert.notEqual(fast!.comparison![metric]!.verdict, 'regression', JSON.stringify(verdicts(fast)));
    assert.notEqual(slow!.comparison!.qps!.verdict, 'regression', 'the open model keeps its share of the rate');
  }
  assert.equal(scenario!.verdict, 'fail');
  assert.equal(result.verdict, 'fail');

  // The entry's budget failed on its own requests, at its own line (line 21: "p99:" under the entry's budgets).
  const [budget] = slow!.budgets!;
  assert.equal(budget!.status, 'fail');
  assert.deepEqual(budget!.at, { file: 'perf/mix.yaml', line: 21, col: 16 });
  assert.equal(slow!.at!.line, 18);
  assert.equal(fast!.budgets, undefined);

  // The comment names the slow entry on a line of its own; the fast one gets none.
  const comment = renderMarkdown(result);
  const line = comment.split('\n').find((l) => l.startsWith('- ❌ <code>GET /slow</code>: '));
  assert.ok(line, comment);
  assert.match(line!, /: p99 \d[\d.,]* ms breaks budget &lt;= 5ms, p50 \+\d[\d.,]*% \(regression\), p99 \+\d[\d.,]*% \(regression\)$/);
  assert.ok(!comment.includes('- ❌ <code>GET /fast</code>'), comment);

  // Annotations: the budget at its line, the regression at the entry's line.
  const annotations = resultAnnotations(result, { cwd: dir, workspace: dir });
  const atBudget = annotations.find((a) => a.properties.title === 'perfgate: p99 budget failed');
  assert.deepEqual(atBudget?.properties, { title: 'perfgate: p99 budget failed', file: 'perf/mix.yaml', startLine: 21, startColumn: 16 });
  assert.match(atBudget!.message, /^p99 .* breaks the budget <= 5ms in "mixed" › GET \/slow/);
  const atEntry = annotations.filter((a) => a.message.includes('regressed in "mixed" › GET /slow'));
  assert.deepEqual(
    atEntry.map((a) => a.properties.startLine),
    [18, 18],
  );
  // The results file holds it all and reads back: the entries, their windows and their rounds.
  const read = parseRunResult(JSON.parse(serializeRunResult(result)), 'results.json');
  assert.deepEqual(read.scenarios[0]!.entries, scenario!.entries);
  assert.deepEqual(read.scenarios[0]!.measurement.entries, scenario!.measurement.entries);
  assert.deepEqual(
    read.scenarios[0]!.rounds!.map((r) => r.entries),
    scenario!.rounds!.map((r) => r.entries),
  );

  // Both servers saw both paths: the load went where the arms say.
  for (const server of [base, head]) {
    const seen = await server.seen();
    assert.ok(seen['/slow']! > 0 && seen['/fast']! > 0, JSON.stringify(seen));
  }
});
