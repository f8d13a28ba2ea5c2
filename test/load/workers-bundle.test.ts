// The bundle starts its load worker threads (#14): perfgate's CLI bundled as scripts/build.ts bundles it (cli.js
// with load-worker.js beside it, here into a temporary directory: dist/ is the lead's), run as a child process with
// `generator: { workers: 2 }` against a local server, measures with two threads.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { generatorBundle } from '../../src/generator/bundle.ts';
import { tempDir } from '../helpers/temp-dir.ts';

test('a bundled CLI with load-worker.js beside it runs a window on two worker threads', async () => {
  const files = await generatorBundle({});
  assert.deepEqual(
    files.map((f) => path.basename(f)),
    ['cli.js', 'load-worker.js'],
  );
  // Only the bundle, as an installed package has it: nothing of the source tree beside it.
  const dir = await tempDir('perfgate-workers-bundle-');
  for (const file of files) await copyFile(file, path.join(dir, path.basename(file)));
  await writeFile(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  await writeFile(
    path.join(dir, 'run.js'),
    "import { main } from './cli.js';\nprocess.exitCode = await main(process.argv.slice(2));\nsetTimeout(() => process.exit(), 2000).unref();\n",
  );

  let served = 0;
  const server = http.createServer((_req, res) => {
    served++;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    await writeFile(
      path.join(dir, 'perf.yaml'),
      `version: 1\ntarget: http://127.0.0.1:${port}\ngenerator: { workers: 2 }\nscenarios:\n  - name: home\n    request: { path: / }\n    connections: 4\n    warmup: 0\n    duration: 1s\n`,
    );
    const out = path.join(dir, 'out.json');
    await promisify(execFile)(process.execPath, [path.join(dir, 'run.js'), 'run', path.join(dir, 'perf.yaml'), '--json', out], {
      cwd: dir,
      timeout: 60_000,
    });
    const result = JSON.parse(await readFile(out, 'utf8')) as {
      scenarios: Array<{ measurement: { outcomes: { total: number }; generator: { workers: number; perWorker: number[] } } }>;
    };
    const m = result.scenarios[0]!.measurement;
    assert.equal(m.generator.workers, 2);
    assert.equal(m.generator.perWorker.length, 2);
    assert.ok(m.outcomes.total > 100 && m.outcomes.total <= served, `${m.outcomes.total} measured, ${served} served`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
