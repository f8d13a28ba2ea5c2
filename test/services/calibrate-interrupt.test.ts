// SIGTERM while `perfgate calibrate` starts its second stack, end to end with real containers: the start cut short
// ends the command as interrupted (exit 143 and "interrupted by SIGTERM"), not as an infrastructure error (exit 3),
// and neither stack leaves a container, network or image behind.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LABEL_RUN, NAME_PREFIX } from '../../src/services/labels.ts';
import { dockerOrSkip } from '../helpers/docker.ts';
import { startCli } from '../helpers/run-cli.ts';

const { docker, skip } = await dockerOrSkip('calibrate interrupt');

const unique = randomBytes(6).toString('hex');
const LABEL = 'dev.perfgate.test.calibrate-interrupt';

test('SIGTERM while calibrate starts its second stack: exit 143, "interrupted", nothing left', { skip, timeout: 240_000 }, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-calibrate-interrupt-'));
  try {
    // Every image of this build, and every container of it (containers carry their image's labels), is found by LABEL.
    await writeFile(
      path.join(dir, 'Dockerfile'),
      `FROM node:24-bookworm-slim\nLABEL ${LABEL}=${unique}\nWORKDIR /app\nCOPY server.js ./\nCMD ["node", "server.js"]\n`,
    );
    await writeFile(path.join(dir, 'server.js'), `require('node:http').createServer((q, r) => r.end('ok')).listen(process.env.PORT);\n`);
    await writeFile(
      path.join(dir, 'perf.yaml'),
      'version: 1\nservices:\n  app:\n    build: .\n    port: 5000\n    ready: /\n' +
        'scenarios:\n  - name: s\n    request: { path: / }\n    connections: 2\n    warmup: 0\n    duration: 1s\n',
    );
    const cli = startCli(['calibrate', 'perf.yaml', '--progress', 'off'], { cwd: dir });
    // The head's stack is up (its app container exists) and the second one is being started.
    await cli.waitForStderr(/^== Starting the services again/);
    const [head] = await docker!.listContainers({ all: true, filters: { label: [`${LABEL}=${unique}`] } });
    const runId = head?.Labels[LABEL_RUN];
    cli.child.kill('SIGTERM');
    const { code, stdout, stderr } = await cli.done;

    assert.equal(code, 143, stderr);
    assert.match(stderr, /^SIGTERM: stopping and cleaning up \(nothing is written\)/m);
    assert.match(stderr, /^perfgate: interrupted by SIGTERM$/m);
    assert.doesNotMatch(stderr, /^error: /m, 'an interruption is not reported as an error');
    assert.equal(stdout, '');

    assert.ok(runId, 'the head stack was found running before the signal');
    const containers = await docker!.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runId}`] } });
    const networks = (await docker!.listNetworks()).filter((n) => n.Name.startsWith(`${NAME_PREFIX}${runId}-`));
    const images = await docker!.listImages({ all: true, filters: { label: [`${LABEL}=${unique}`] } });
    assert.deepEqual(
      [...containers.map((c) => c.Names[0]), ...networks.map((n) => n.Name), ...images.map((i) => i.Id)],
      [],
      'nothing of either stack is left',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
