// perfgate run against a Docker engine reached over TCP (#14): the same engine, exposed on a loopback port by a
// proxy to its socket, stands in for a remote host. The generator then runs inside that engine, on the stacks'
// networks; the app counts requests by source address, so the test sees that every request of the load came
// from one container on the stack's network and none from the runner. Nothing may be left behind.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type Dockerode from 'dockerode';
import { BUNDLE_ENV, generatorBundle } from '../../src/generator/bundle.ts';
import type { RunResult } from '../../src/result.ts';
import { GENERATOR_ARM } from '../../src/services/generator-container.ts';
import { LABEL_ARM, LABEL_RUN } from '../../src/services/labels.ts';
import { dockerOrSkip } from '../helpers/docker.ts';
import { runCli, startCli } from '../helpers/run-cli.ts';

const { docker, skip } = await dockerOrSkip('remote generator');

const PERF = (duration: string) => `version: 1
services:
  app:
    build: ../app
    port: 8080
    ready: /health
compare: { pairs: 5, min_pairs: 5, round: 500ms, warmup: 300ms, metrics: [qps] }
# Two worker threads in the generator's container: its bundle's load-worker.js is copied in beside cli.js.
generator: { workers: 2 }
scenarios:
  - name: work
    request: { path: /work }
    connections: 4
    warmup: 300ms
    duration: ${duration}
`;

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=ci@perfgate', '-c', 'user.name=perfgate', ...args], { cwd: repo, encoding: 'utf8' }).trim();
}

/** The local engine's socket on 127.0.0.1:<port>, as a remote engine's TCP endpoint would be. */
async function dockerOverTcp(): Promise<{ host: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const engine = net.connect('/var/run/docker.sock');
    for (const s of [client, engine]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(engine).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    host: `tcp://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** What the run created in Docker, found by its run id: containers by label, networks by name, images by tag. */
async function leftovers(docker: Dockerode, runId: string) {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runId}`] } });
  const networks = (await docker.listNetworks()).filter((n) => n.Name.includes(runId));
  const images = (await docker.listImages()).filter((i) => (i.RepoTags ?? []).some((t) => t.includes(runId)));
  return { containers: containers.map((c) => c.Names[0]), networks: networks.map((n) => n.Name), images: images.map((i) => i.RepoTags) };
}

describe('perfgate run on a Docker engine over TCP: the generator inside it', { skip, concurrency: false }, () => {
  let repo: string;
  let engine: { host: string; close(): Promise<void> };
  let env: Record<string, string>;
  before(async () => {
    repo = await mkdtemp(path.join(os.tmpdir(), 'perfgate-remote-'));
    await cp('test/fixtures/generator-app', path.join(repo, 'app'), { recursive: true });
    await mkdir(path.join(repo, 'perf'));
    await writeFile(path.join(repo, 'perf', 'perf.yaml'), PERF('1s'));
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'base');
    git(repo, 'checkout', '-qb', 'feature');
    await writeFile(path.join(repo, 'README.md'), 'docs only\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'docs');
    engine = await dockerOverTcp();
    // Built once for the file: each perfgate child would otherwise bundle its own source again.
    const [bundle] = await generatorBundle({});
    env = { DOCKER_HOST: engine.host, [BUNDLE_ENV]: bundle!, TESTCONTAINERS_RYUK_DISABLED: 'true', PERFGATE_GENERATOR: '' };
  });
  after(async () => {
    await engine?.close();
    await rm(repo, { recursive: true, force: true });
  });

  test('a compared run completes with every request from the generator container on each stack network, and nothing is left', async () => {
    const results = path.join(repo, 'results.json');
    const run = await runCli(['run', '--base', 'main', '--keep', '--json', results, '--progress', 'off'], { cwd: repo, env });
    assert.equal(run.code, 0, run.stderr);
    const runId = /perfgate cleanup --run (\S+)/.exec(run.stderr)?.[1];
    assert.ok(runId, run.stderr);
    try {
      assert.match(
        run.stderr,
        new RegExp(`load generator: inside Docker, on the stack's network \\(the Docker engine is remote \\(${engine.host}\\)\\)`),
      );
      const result = JSON.parse(await readFile(results, 'utf8')) as RunResult;
      assert.deepEqual(result.environment.generator, { where: 'docker', host: engine.host, image: 'node:24-bookworm-slim' });
      assert.equal(result.interrupted, undefined);
      const scenario = result.scenarios[0]!;
      assert.equal(scenario.measurement.outcomes.failures, 0);
      assert.equal(scenario.measurement.generator.workers, 2);
      const { total, success, httpErrors, failures } = scenario.measurement.outcomes;
      assert.equal(success + httpErrors + failures, total);
      assert.ok(scenario.measurement.outcomes.success > 0);
      assert.equal(scenario.rounds?.length, 10, 'five pairs of rounds, both arms');
      assert.match(result.target, /^http:\/\/\d+\.\d+\.\d+\.\d+:8080$/, 'load went to the app on its network');
      // The generator is gone already (--keep keeps only the stacks); the stacks are still up to be asked.
      const generators = await docker!.listContainers({
        all: true,
        filters: { label: [`${LABEL_RUN}=${runId}`, `${LABEL_ARM}=${GENERATOR_ARM}`] },
      });
      assert.deepEqual(generators, []);
      for (const arm of ['head', 'base']) {
        const app = await docker!.getContainer(`perfgate-${runId}-${arm}-app`).inspect();
        const networkName = `perfgate-${runId}-${arm}`;
        const network = await docker!.getNetwork(networkName).inspect();
        const { Subnet: subnet, Gateway: gateway } = network.IPAM!.Config![0] as { Subnet: string; Gateway: string };
        const ip = app.NetworkSettings.Networks[networkName]!.IPAddress;
        const sources = (await (await fetch(`http://${ip}:8080/sources`)).json()) as Record<string, Record<string, number>>;
        const loaders = Object.keys(sources['/work'] ?? {});
        assert.equal(loaders.length, 1, `${arm}: one source sent the load: ${JSON.stringify(sources)}`);
        const [loader] = loaders;
        assert.notEqual(loader, gateway, `${arm}: the load did not come through the host`);
        assert.ok(inSubnet(loader!, subnet), `${arm}: ${loader} is on the stack's network ${subnet}`);
        // What the runner itself sent (the readiness check) arrived from the gateway: the counting tells them apart.
        assert.ok(Object.keys(sources['/health'] ?? {}).every((s) => s !== loader));
      }
      const head = scenario.rounds!.filter((r) => r.arm === 'head').reduce((n, r) => n + r.outcomes.total, 0);
      assert.ok(head > 0);
    } finally {
      const cleanup = await runCli(['cleanup', '--run', runId], { cwd: repo, env });
      assert.equal(cleanup.code, 0, cleanup.stderr);
      assert.deepEqual(await leftovers(docker!, runId), { containers: [], networks: [], images: [] });
    }
  });

  test('SIGINT mid-window: the generator stops, the partial results are kept, exit 130, nothing left behind', async () => {
    await writeFile(path.join(repo, 'perf', 'perf.yaml'), PERF('60s'));
    const results = path.join(repo, 'interrupted.json');
    const cli = startCli(['run', '--base', 'none', '--json', results, '--progress', 'plain'], { cwd: repo, env });
    await cli.waitForStderr(/work: measuring/);
    // Only this file starts generators: the one running now is this run's, and names it.
    const [generator] = await docker!.listContainers({ filters: { label: [`${LABEL_ARM}=${GENERATOR_ARM}`] } });
    const runId = generator?.Labels[LABEL_RUN];
    cli.child.kill('SIGINT');
    const done = await cli.done;
    assert.equal(done.code, 130, done.stderr);
    assert.ok(runId, 'the generator was running while the window was measured');
    const result = JSON.parse(await readFile(results, 'utf8')) as RunResult;
    assert.equal(result.interrupted, 'SIGINT');
    assert.equal(result.environment.generator?.where, 'docker');
    const measurement = result.scenarios[0]!.measurement;
    assert.equal(measurement.aborted, 'interrupted (SIGINT)');
    assert.ok(measurement.outcomes.total > 0 && measurement.durationMs < 30_000, `partial: ${measurement.durationMs} ms`);
    assert.deepEqual(await leftovers(docker!, runId), { containers: [], networks: [], images: [] });
  });
});

function inSubnet(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const toInt = (a: string) => a.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  const mask = 2 ** 32 - 2 ** (32 - Number(bits));
  return (toInt(ip) & mask) >>> 0 === (toInt(base!) & mask) >>> 0;
}
