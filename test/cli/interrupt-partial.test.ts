// Ctrl-C (or kill) while a scenario is measuring, end to end: `perfgate run` against a loopback server says it was
// interrupted (no verdict line, no "exit 0" claim), exits 130 on SIGINT and 143 on SIGTERM, and leaves the partial
// results it documents (JSON, Markdown, CSV), the JSON readable by readRunResult.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readRunResult } from '../../src/results/read.ts';
import { startKnobServer, type KnobServer } from '../helpers/knob-server.ts';
import { startCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const EXPECTED = { SIGINT: 130, SIGTERM: 143 } as const;

describe('an interrupted run', { concurrency: false }, () => {
  let server: KnobServer;
  before(async () => {
    server = await startKnobServer({ delayMs: 1 });
  });
  after(async () => {
    await server.close();
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(
      `${signal} while measuring: "interrupted", exit ${EXPECTED[signal]}, partial results written and readable`,
      { timeout: 30_000 },
      async () => {
        const dir = await tempDir('perfgate-interrupt-');
        // A window far longer than the test: only the signal can end it.
        await writeFile(
          path.join(dir, 'perf.yaml'),
          `version: 1\ntarget: ${server.url}\nscenarios:\n` +
            `  - name: first\n    request: { path: / }\n    connections: 2\n    warmup: 0\n    duration: 10m\n    budgets: { p99: "<= 1s" }\n` +
            `  - name: second\n    request: { path: / }\n    connections: 2\n    warmup: 0\n    duration: 10m\n`,
        );
        const cli = startCli(
          [
            'run',
            'perf.yaml',
            '--base',
            'none',
            '--progress',
            'tty',
            '--json',
            'out/results.json',
            '--markdown',
            'out/report.md',
            '--csv',
            'out/results.csv',
          ],
          { cwd: dir, env: { NO_COLOR: '1' } },
        );
        // The live progress bar of the measured window (redrawn as load runs): load is running.
        await cli.waitForStderr(/first: measuring \[[^\]]*\] \d+\/600s, [1-9]\d* requests/);
        cli.child.kill(signal);
        const { code, stdout, stderr } = await cli.done;
        const output = `${stdout}\n${stderr}`;

        assert.equal(code, EXPECTED[signal], output);
        assert.match(stderr, new RegExp(`^${signal}: stopping, cleaning up and writing partial results`, 'm'));
        const last = stdout.trimEnd().split('\n').at(-1);
        assert.equal(last, `perfgate: interrupted by ${signal} after 1 scenario: the results are partial`);
        assert.doesNotMatch(output, /exit 0/, 'no claim of a clean exit');
        assert.doesNotMatch(output, /^(PASS|FAIL|INCONCLUSIVE): /m, 'no verdict line');

        const result = await readRunResult('out/results.json', dir);
        assert.equal(result.interrupted, signal);
        assert.equal(result.verdict, 'inconclusive', 'an interrupted run never passes');
        assert.deepEqual(
          result.scenarios.map((s) => s.name),
          ['first'],
        );
        const [first] = result.scenarios;
        assert.equal(first!.measurement.aborted, `interrupted (${signal})`);
        assert.ok(first!.measurement.outcomes.success > 0, 'what was measured before the signal is kept');
        assert.ok(result.warnings.includes(`interrupted by ${signal}: the results are partial`), result.warnings.join('\n'));

        const markdown = await readFile(path.join(dir, 'out/report.md'), 'utf8');
        assert.match(markdown, new RegExp(`interrupted by ${signal} after 1 scenario: the results are partial`));
        const csv = (await readFile(path.join(dir, 'out/results.csv'), 'utf8')).trimEnd().split('\n');
        assert.equal(csv.length, 2, 'a header and the one scenario measured');
      },
    );
  }
});
