import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTerminal, supportsColor } from '../../src/report/terminal.ts';
import { budgetsOnly, health, runResult } from './fixture.ts';

test('each budget shows its value, its limit and its status with the reason', () => {
  const text = renderTerminal(runResult(), { color: false });
  assert.match(text, /p99 +<= 250ms +412 ms +FAIL +p99 was 412 ms, above the 250 ms limit/);
  assert.match(text, /QPS +>= 1000 +1,231 req\/s +PASS/);
  assert.match(text, /success rate +>= 99\.9% +99\.68% +INCONCLUSIVE +too few requests/);
});

test('key metrics: QPS with its concurrency, percentiles in ms, outcomes never hidden', () => {
  const text = renderTerminal(runResult(), { color: false });
  assert.match(text, /1,231 req\/s @ 50 conn · 1\.50 MiB\/s/);
  assert.match(text, /p50 0\.734 · p90 2\.50 · p95 4\.25 · p99 412 · p99\.9 980 · max 1,204 · mean 3\.14 \(ms\)/);
  assert.match(text, /30 HTTP errors \(500 ×25, 503 ×5\), 10 failures \(timeout ×7, connection reset ×3\)/);
  assert.match(text, /0\.520 CPU-ms\/request · peak memory 128\.0 MiB/);
  // health: µs-level latencies and the saturated generator are called out.
  assert.match(text, /p50 0\.081 · p90 0\.120/);
  assert.match(text, /SATURATED: the generator was the bottleneck/);
});

test('comparison rows show base, head, change, CI with its level, p and the verdict in words', () => {
  const text = renderTerminal(runResult(), { color: false });
  assert.match(text, /p99 +350 ms +412 ms +\+18% +\+10% … \+25% \(96\.7%\) +0\.002 +regressed: 18% slower/);
  assert.match(text, /QPS +1,301 req\/s +1,101 req\/s +−15% .* regressed: 15% lower/);
  assert.match(text, /p95 .* n\/a .* inconclusive \(too few pairs for a 95% confidence interval; the change was \+1\.2%\)/);
  assert.match(text, /p50 .* no change beyond ±5%/);
  // The rates: percentages per arm, the change in percentage points, and what an undecided one could detect.
  assert.match(text, /HTTP error rate +0\.2% +0\.2% +±0 pp +−0\.03 pp … \+0\.03 pp \(98%\) +<0\.001 +no change beyond ±0\.05 pp/);
  assert.match(
    text,
    /client failure rate +0% +0% +±0 pp .* inconclusive \(.*changes of 0\.16 pp or more could be detected \(tolerance 0\.05 pp\)\)/,
  );
});

test('ends with a one-line overall verdict', () => {
  const lines = renderTerminal(runResult(), { color: false }).trimEnd().split('\n');
  assert.equal(
    lines.at(-1),
    'FAIL: perfgate: p99 412 ms breaks budget <= 250ms in "list posts"; QPS regressed 15% in "list posts" and 1 more',
  );
  const pass = renderTerminal(budgetsOnly({ verdict: 'pass', scenarios: [health()] }), { color: false });
  assert.equal(pass.trimEnd().split('\n').at(-1), 'PASS: perfgate: the scenario within budget');
});

test('no ANSI codes without colour; colour codes with it; control characters in names are neutralised', () => {
  const result = runResult();
  result.scenarios[0]!.name = 'evil\u001b[2Jname';
  const plainText = renderTerminal(result, { color: false });
  assert.doesNotMatch(plainText, /\u001b/);
  assert.match(plainText, /evil \[2Jname/);
  const colored = renderTerminal(runResult(), { color: true });
  assert.match(colored, /\u001b\[31mFAIL\u001b\[39m/);
});

test('colour only for a TTY, and never with NO_COLOR', () => {
  assert.equal(supportsColor({ isTTY: false }, {}), false);
  assert.equal(supportsColor({ isTTY: true }, {}), true);
  assert.equal(supportsColor({ isTTY: true }, { NO_COLOR: '1' }), false);
  assert.equal(supportsColor({ isTTY: false }, { FORCE_COLOR: '1' }), true);
});
