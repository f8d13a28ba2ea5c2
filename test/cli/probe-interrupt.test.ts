// Ctrl-C during the start-up probe, end to end: `perfgate run` against a target that accepts and never answers
// stops at once with exit 130, instead of sitting out the probe's 5 s deadline.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { startCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** The start-up probe's deadline for a target (src/pipeline/start.ts, startHead). */
const PROBE_DEADLINE_MS = 5000;

test('SIGINT while the start-up probe waits on a silent target: exit 130 well before the probe deadline', { timeout: 20_000 }, async () => {
  const sockets = new Set<net.Socket>();
  let onAccepted!: () => void;
  const accepted = new Promise<void>((resolve) => (onAccepted = resolve));
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
    onAccepted();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const dir = await tempDir('perfgate-probe-');
    const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await writeFile(path.join(dir, 'perf.yaml'), `version: 1\ntarget: ${target}\nscenarios:\n  - name: s\n    request: { path: / }\n`);
    const cli = startCli(['run', 'perf.yaml', '--base', 'none', '--progress', 'off'], { cwd: dir });
    await accepted; // the probe is connected and waiting for an answer that never comes
    const signalled = performance.now();
    cli.child.kill('SIGINT');
    const { code, stderr } = await cli.done;
    const elapsedMs = performance.now() - signalled;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /SIGINT: stopping/);
    assert.doesNotMatch(stderr, /not reachable/, 'an interrupted probe says nothing about the target');
    assert.ok(elapsedMs < PROBE_DEADLINE_MS - 2000, `exited ${elapsedMs.toFixed(0)} ms after SIGINT`);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
