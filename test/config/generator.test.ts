// generator: in YAML (#14): the workers it names go with every scenario; without it, the machine's cores beyond the
// stack's, at least 1.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { describe, test } from 'node:test';
import { defaultWorkers } from '../../src/config/generator.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { AppService, PostgresService, Services } from '../../src/config/types.ts';
import { ConfigError } from '../../src/errors.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const at = { file: 'perf/a.yaml', line: 1, col: 1 };
const app = (cpus?: number): AppService => ({
  kind: 'app',
  name: 'app',
  image: 'app:1',
  port: 8080,
  env: {},
  ready: { kind: 'port' },
  readyTimeoutMs: 60_000,
  ...(cpus !== undefined ? { resources: { cpus } } : {}),
  at,
});
const postgres = (cpus?: number): PostgresService => ({
  kind: 'postgres',
  name: 'postgres',
  image: 'postgres:15',
  init: [],
  user: 'u',
  password: 'p',
  database: 'd',
  stats: true,
  ...(cpus !== undefined ? { resources: { cpus } } : {}),
  at,
});
const stack = (...services: [AppService, ...PostgresService[]]): Services => ({
  app: services[0],
  dependencies: services.slice(1) as PostgresService[],
});

describe('the default number of workers', () => {
  test("the cores beyond the stack's: each service its cpus limit, one core without one; a fraction left over is not a core", () => {
    assert.equal(defaultWorkers(8, stack(app(2), postgres(1))), 5);
    assert.equal(defaultWorkers(8, stack(app(), postgres())), 6);
    assert.equal(defaultWorkers(4, stack(app(1.5), postgres(1))), 1);
    assert.equal(defaultWorkers(4, stack(app(0.5), postgres(0.5))), 3);
  });

  test('at least 1: a 2-core runner with a stack of two, or a stack given more than the machine has', () => {
    assert.equal(defaultWorkers(2, stack(app(), postgres())), 1);
    assert.equal(defaultWorkers(2, stack(app(4))), 1);
  });

  test('target: the service counts as one core (it most likely runs on this machine)', () => {
    assert.equal(defaultWorkers(4, undefined), 3);
    assert.equal(defaultWorkers(1, undefined), 1);
  });
});

async function load(files: Record<string, string>) {
  const dir = await tempDir('perfgate-generator-');
  for (const [name, text] of Object.entries(files)) await writeFile(`${dir}/${name}`, text);
  return loadConfig([dir]);
}
const scenarios = 'scenarios:\n  - name: home\n    request: { path: / }\n';

describe('generator: in YAML', () => {
  test('workers: 3 goes with every scenario, sweep levels included', async () => {
    const config = await load({
      'a.yaml': `version: 1\ntarget: http://127.0.0.1:9\ngenerator: { workers: 3 }\n${scenarios}  - name: swept\n    request: { path: /s }\n    sweep: { connections: [4, 8] }\n`,
    });
    assert.deepEqual(
      config.scenarios.map((s) => [s.name, s.workers]),
      [
        ['home', 3],
        ['swept @ c=4', 3],
        ['swept @ c=8', 3],
      ],
    );
  });

  test("without it, every scenario gets this machine's default", async () => {
    const config = await load({ 'a.yaml': `version: 1\ntarget: http://127.0.0.1:9\n${scenarios}` });
    assert.equal(config.scenarios[0]!.workers, defaultWorkers(availableParallelism(), undefined));
  });

  test('workers: 0 is refused at its line; generator: in two files names both', async () => {
    await assert.rejects(
      load({ 'a.yaml': `version: 1\ntarget: http://127.0.0.1:9\ngenerator:\n  workers: 0\n${scenarios}` }),
      (error: ConfigError) => {
        assert.match(error.message, /a\.yaml:4:\d+ generator\.workers: /);
        return true;
      },
    );
    await assert.rejects(
      load({
        'a.yaml': `version: 1\ntarget: http://127.0.0.1:9\ngenerator: { workers: 2 }\n${scenarios}`,
        'b.yaml': `version: 1\ngenerator: { workers: 2 }\nscenarios:\n  - name: other\n    request: { path: /o }\n`,
      }),
      (error: ConfigError) => {
        assert.match(error.message, /b\.yaml:2:1 generator: generator: is already set in .*a\.yaml:3; set it in one file only/);
        return true;
      },
    );
  });
});
