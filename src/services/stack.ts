// The stack under test: dependencies (Postgres, Redis, others) started in parallel on a private network,
// then the app, built from its Dockerfile or run from an image, waited for until ready. `stop()` removes all
// of it (the built image too, with its build layers), whatever happened, and sweeps by label for anything half-created.
import http from 'node:http';
import path from 'node:path';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { RedisContainer } from '@testcontainers/redis';
import type Dockerode from 'dockerode';
import { GenericContainer, Network, Wait, type StartedNetwork, type StartedTestContainer, type WaitStrategy } from 'testcontainers';
import type { AppService, GenericService, PostgresService, ReadyCheck, RedisService, Resources, Services } from '../config/types.ts';
import { InfrastructureError, firstLine } from '../errors.ts';
import type { Log } from '../log.ts';
import { dockerClient } from './docker-check.ts';
import { removeImage, removeLeftovers } from './cleanup.ts';
import { containerName, imageTag, labelsFor, networkName } from './labels.ts';
import { LogTail } from './log-tail.ts';
import { resolveEnv } from './references.ts';
import { sampleServerCost, type ServerCostSampler } from './server-cost.ts';
import { CREATE_EXTENSION_SQL, POSTGRES_STATS_ARGS, counterReader, type CounterReader, type CounterSource } from './diagnosis.ts';

export interface StackOptions {
  services: Services;
  /** Unique per perfgate run; in every label and name. */
  runId: string;
  arm?: 'head' | 'base';
  /** Overrides the app's build context (the base arm builds from a git worktree). */
  buildContext?: string;
  log: Log;
  signal?: AbortSignal;
  /** Leave everything running (`perfgate cleanup --run <id>` removes it). */
  keep?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface StartedStack {
  /** Where load goes: the app container's own address on the bridge, or its port mapped on loopback. */
  origin: string;
  /** The app as a container on the stack's private network sees it: where a generator inside Docker sends load. */
  inNetwork: { network: string; origin: string };
  /** Milliseconds per start-up phase: build, dependencies, app, total. */
  timings: Record<string, number>;
  sampleServerCost(): ServerCostSampler;
  /** Reads the app's, Postgres' and Redis' counters (the diagnosis; Postgres and Redis only with `stats` on). */
  counters?: CounterReader;
  isAppRunning(): Promise<boolean>;
  logTail(service: string, lines?: number): Promise<string>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const LOG_LINES = 50;

export async function startStack(options: StackOptions): Promise<StartedStack> {
  const { services, runId, log } = options;
  const arm = options.arm ?? 'head';
  const client = await dockerClient(options.env);
  const docker = client.container.dockerode;
  const tails = new Map<string, LogTail>();
  const started: Array<{ name: string; container: StartedTestContainer }> = [];
  let network: StartedNetwork | undefined;
  let stopped = false;
  const timings: Record<string, number> = {};
  const begin = performance.now();

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (options.keep) {
      log.info(`containers left running (--keep); remove them with: perfgate cleanup --run ${runId}`);
      return;
    }
    await Promise.allSettled(started.map(({ container }) => container.stop({ remove: true, removeVolumes: true, timeout: 2000 })));
    await network?.stop().catch(() => undefined);
    // Anything half-created (an interrupted start) and the built image: found by label and name.
    await removeLeftovers(docker, runId, arm).catch(() => undefined);
  };

  const checkAbort = () => {
    if (options.signal?.aborted)
      throw new InfrastructureError(`interrupted while starting the services (${String(options.signal.reason ?? 'signal')})`);
  };

  try {
    checkAbort();
    network = await new Network({ nextUuid: () => networkName(runId, arm) }).start();

    // Build (or check) the app image while the dependencies start.
    const app = services.app;
    const buildPhase = (async () => {
      const t = performance.now();
      const image = await prepareAppImage(app, options.buildContext, imageTag(runId, arm), docker, log);
      timings.build = performance.now() - t;
      return image.container;
    })();

    const dependencyPhase = (async () => {
      const t = performance.now();
      await startDependencies(services, { runId, arm, network: network!, started, tails, log });
      timings.dependencies = performance.now() - t;
    })();

    // Wait for both even when one fails, so nothing is still being created when stop() sweeps.
    const [image, dependencies] = await Promise.allSettled([buildPhase, dependencyPhase]);
    if (dependencies.status === 'rejected') throw dependencies.reason;
    if (image.status === 'rejected') throw image.reason;
    const appImage = image.value;
    checkAbort();

    const t = performance.now();
    const appContainer = await startApp(appImage, services, options.env, docker, { runId, arm, network, started, tails, log });
    started.push({ name: app.name, container: appContainer });
    timings.app = performance.now() - t;
    timings.total = performance.now() - begin;
    checkAbort();

    const origin = await chooseOrigin(appContainer, app.port, network.getName(), log);
    log.info(
      `${app.name} ready in ${(timings.total / 1000).toFixed(1)}s (build ${((timings.build ?? 0) / 1000).toFixed(1)}s, dependencies ${((timings.dependencies ?? 0) / 1000).toFixed(1)}s, app ${(timings.app / 1000).toFixed(1)}s); load goes to ${origin}`,
    );

    const dockerApp = docker.getContainer(appContainer.getId());
    const counters = counterReader(counterSources(services, started));
    // Its address, not its alias: a generator on both arms' networks would find the alias `app` on each.
    const inNetwork = { network: network.getName(), origin: `http://${appContainer.getIpAddress(network.getName())}:${app.port}` };
    const stack: StartedStack = {
      origin,
      inNetwork,
      timings,
      sampleServerCost: () => sampleServerCost(dockerApp),
      ...(counters ? { counters } : {}),
      isAppRunning: () =>
        dockerApp
          .inspect()
          .then((info) => info.State.Running)
          .catch(() => false),
      logTail: async (service, lines = LOG_LINES) => tails.get(service === 'app' ? app.name : service)?.tail(lines) ?? '',
      stop,
      [Symbol.asyncDispose]: stop,
    };
    return stack;
  } catch (error) {
    await stop();
    if (error instanceof InfrastructureError) throw error;
    const message = firstLine(error);
    const hint = /registry|pull|ryuk/i.test(message)
      ? "\nAn image could not be pulled. If it is Testcontainers' reaper (ryuk) and no registry is reachable, set TESTCONTAINERS_RYUK_DISABLED=true: perfgate removes what it creates by itself."
      : '';
    throw new InfrastructureError(
      `Starting the services failed: ${message}${hint}`,
      Object.fromEntries([...tails].map(([n, t]) => [n, t.tail(LOG_LINES)])),
    );
  }
}

/** What the steps of a stack's start share: where containers go, and what was started so far (for stop()). */
interface StackStart {
  runId: string;
  arm: 'base' | 'head';
  network: StartedNetwork;
  started: Array<{ name: string; container: StartedTestContainer }>;
  tails: Map<string, LogTail>;
  log: Log;
}

/** Postgres, Redis…, in parallel; all of them are waited for, and every failure is reported with its log. */
async function startDependencies(services: Services, start: StackStart): Promise<void> {
  const { runId, arm, network, started, tails, log } = start;
  if (services.dependencies.length > 0) log.info(`starting ${services.dependencies.map((d) => d.name).join(', ')}…`);
  const results = await Promise.allSettled(
    services.dependencies.map(async (dependency) => {
      const tail = new LogTail();
      tails.set(dependency.name, tail);
      const container = await configureDependency(dependency)
        .withNetwork(network)
        .withNetworkAliases(dependency.name)
        .withName(containerName(runId, arm, dependency.name))
        .withLabels(labelsFor(runId, arm, dependency.name))
        .withLogConsumer(tail.consume)
        .start();
      started.push({ name: dependency.name, container });
      return container;
    }),
  );
  const failed = results.map((r, i) => [r, services.dependencies[i]!] as const).filter(([r]) => r.status === 'rejected') as Array<
    readonly [PromiseRejectedResult, (typeof services.dependencies)[number]]
  >;
  if (failed.length > 0) {
    const logs = Object.fromEntries(failed.map(([, d]) => [d.name, tails.get(d.name)?.tail(LOG_LINES) ?? '']));
    throw new InfrastructureError(
      failed.map(([r, d]) => `The ${d.name} container (${d.image}) failed to start: ${firstLine(r.reason)}`).join('\n'),
      logs,
    );
  }
}

/** The app, once its dependencies are up: ready by its check, or an error with the logs of what is not running. */
async function startApp(
  appImage: GenericContainer,
  services: Services,
  env: NodeJS.ProcessEnv | undefined,
  docker: Dockerode,
  start: StackStart,
): Promise<StartedTestContainer> {
  const { runId, arm, network, started, tails, log } = start;
  const app = services.app;
  const appTail = new LogTail();
  tails.set(app.name, appTail);
  log.info(`starting ${app.name}, waiting for ${describeReady(app.ready)} (up to ${app.readyTimeoutMs / 1000}s)…`);
  const exitWatch = watchForExit(docker, containerName(runId, arm, app.name));
  try {
    const starting = configureApp(appImage, app, services, env)
      .withNetwork(network)
      .withNetworkAliases(app.name)
      .withName(containerName(runId, arm, app.name))
      .withLabels(labelsFor(runId, arm, app.name))
      .withLogConsumer(appTail.consume)
      .start();
    // If the container exits first, the wait keeps retrying in the background until its timeout: ignore it.
    starting.catch(() => undefined);
    return await Promise.race([starting, exitWatch.exited]);
  } catch (error) {
    const reason = firstLine(error);
    const timedOut = !/exited/i.test(reason);
    const what = timedOut
      ? `did not become ready within ${app.readyTimeoutMs / 1000}s (${describeReady(app.ready)}; raise ready_timeout if it is just slow)`
      : `exited or failed before it was ready: ${reason}`;
    const logs: Record<string, string> = { [app.name]: appTail.tail(LOG_LINES) };
    for (const { name, container } of started) {
      const running = await docker
        .getContainer(container.getId())
        .inspect()
        .then((i) => i.State.Running)
        .catch(() => false);
      if (!running) logs[name] = tails.get(name)?.tail(LOG_LINES) ?? '';
    }
    throw new InfrastructureError(`The ${app.name} container ${what}.`, logs);
  } finally {
    exitWatch.stop();
  }
}

/**
 * The app's image: its `image:`, or built from its Dockerfile and tagged for this run and arm. stop() removes the
 * built image with its intermediate layers (cleanup.ts, removeImage), so a run leaves no image behind; a tag left
 * by an earlier start with this run id and arm (and no container) is removed first, so the rebuild does not leave
 * the old image untagged (dangling).
 */
async function prepareAppImage(
  app: AppService,
  contextOverride: string | undefined,
  tag: string,
  docker: Dockerode,
  log: Log,
): Promise<{ container: GenericContainer; tag: string }> {
  if (!app.build) return { container: new GenericContainer(app.image!), tag: app.image! };
  const context = contextOverride ?? app.build.context;
  log.info(`building ${app.name} image from ${path.relative(process.cwd(), context) || '.'}/${app.build.dockerfile}…`);
  await removeImage(docker, tag);
  try {
    const container = await GenericContainer.fromDockerfile(context, app.build.dockerfile)
      .withBuildArgs(app.build.args)
      .build(tag, { deleteOnExit: false });
    return { container, tag };
  } catch (error) {
    throw new InfrastructureError(`Building the ${app.name} image from ${context}/${app.build.dockerfile} failed: ${firstLine(error)}`);
  }
}

function configureApp(image: GenericContainer, app: AppService, services: Services, env?: NodeJS.ProcessEnv): GenericContainer {
  let container = image
    .withExposedPorts(app.port)
    .withEnvironment({ PORT: String(app.port), ...resolveEnv(app.env, services.dependencies, env) })
    .withWaitStrategy(waitFor(app.ready, app.port))
    .withStartupTimeout(app.readyTimeoutMs);
  if (app.command) container = container.withCommand(app.command);
  return withResources(container, app.resources);
}

function configureDependency(d: PostgresService | RedisService | GenericService): GenericContainer {
  if (d.kind === 'postgres') {
    const pg = new PostgreSqlContainer(d.image)
      .withDatabase(d.database)
      .withUsername(d.user)
      .withPassword(d.password)
      .withCopyFilesToContainer(
        d.init.map((source, i) => ({
          source,
          target: `/docker-entrypoint-initdb.d/${String(i).padStart(2, '0')}-${path.basename(source)}`,
        })),
      );
    // The diagnosis: pg_stat_statements loaded at start, and its extension created in the app's database by an init
    // script, which the entrypoint runs before the server accepts connections (so before the app starts).
    if (d.stats)
      pg.withCommand(POSTGRES_STATS_ARGS).withCopyContentToContainer([
        { content: CREATE_EXTENSION_SQL, target: '/docker-entrypoint-initdb.d/00-perfgate-pg-stat-statements.sql' },
      ]);
    return withResources(pg, d.resources);
  }
  if (d.kind === 'redis') return withResources(new RedisContainer(d.image), d.resources);
  let generic = new GenericContainer(d.image)
    .withEnvironment(d.env)
    .withExposedPorts(...d.ports)
    .withStartupTimeout(d.readyTimeoutMs);
  if (d.command) generic = generic.withCommand(d.command);
  if (d.ready) generic = generic.withWaitStrategy(waitFor(d.ready, d.ports[0] ?? 80));
  return withResources(generic, d.resources);
}

/** The started containers whose counters the diagnosis reads: the app's cgroup, Postgres and Redis with `stats` on. */
function counterSources(services: Services, started: Array<{ name: string; container: StartedTestContainer }>): CounterSource[] {
  const find = (name: string) => started.find((s) => s.name === name)?.container;
  const app = find(services.app.name);
  return [
    ...(app ? [{ kind: 'app' as const, name: services.app.name, container: app }] : []),
    ...services.dependencies.flatMap((d): CounterSource[] => {
      const container = find(d.name);
      if (!container || d.kind === 'generic' || !d.stats) return [];
      if (d.kind === 'redis') return [{ kind: 'redis', name: d.name, container }];
      return [{ kind: 'postgres', name: d.name, container, user: d.user, password: d.password, database: d.database }];
    }),
  ];
}

function withResources<T extends GenericContainer>(container: T, resources: Resources | undefined): T {
  if (!resources) return container;
  // Testcontainers takes memory in GB; identical limits for both arms of a comparison.
  return container.withResourcesQuota({
    ...(resources.cpus !== undefined ? { cpu: resources.cpus } : {}),
    ...(resources.memoryBytes !== undefined ? { memory: resources.memoryBytes / 1024 ** 3 } : {}),
  }) as T;
}

function waitFor(ready: ReadyCheck, port: number): WaitStrategy {
  if (ready.kind === 'http') {
    return Wait.forHttp(ready.path, port).forStatusCodeMatching((status) => status >= 200 && status < 300);
  }
  if (ready.kind === 'log') return Wait.forLogMessage(ready.message);
  return Wait.forListeningPorts();
}

function describeReady(ready: ReadyCheck): string {
  if (ready.kind === 'http') return `HTTP 2xx on ${ready.path}`;
  if (ready.kind === 'log') return `the log line "${ready.message}"`;
  return 'its port to listen';
}

/**
 * The container's own address on the bridge skips docker-proxy (measured here: 0–25% more QPS, see
 * BENCHMARKS.md); the mapped loopback port is the fallback where the bridge is not routable from the host
 * (Docker Desktop, rootless Docker).
 */
async function chooseOrigin(container: StartedTestContainer, port: number, networkName: string, log: Log): Promise<string> {
  const mapped = `http://${container.getHost()}:${container.getMappedPort(port)}`;
  let ip: string | undefined;
  try {
    ip = container.getIpAddress(networkName);
  } catch {
    ip = undefined;
  }
  if (ip && process.env.PERFGATE_PORT_PATH !== 'mapped') {
    const direct = `http://${ip}:${port}`;
    if (await answers(direct, 1000)) return direct;
    log.info(`the container address ${direct} is not reachable from here; using the mapped port ${mapped}`);
  }
  return mapped;
}

function answers(origin: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(origin, { timeout: timeoutMs, agent: false }, (response) => {
      response.resume();
      resolve(true);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/**
 * Rejects as soon as the named container has exited. (Testcontainers' abortOnContainerExit can leave its wait
 * pending forever when the container dies first, so perfgate watches for itself.)
 */
function watchForExit(docker: Dockerode, name: string): { exited: Promise<never>; stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const exited = new Promise<never>((_, reject) => {
    const check = async () => {
      if (stopped) return;
      const [found] = await docker.listContainers({ all: true, filters: { name: [name] } }).catch(() => []);
      if (found && (found.State === 'exited' || found.State === 'dead')) {
        const info = await docker
          .getContainer(found.Id)
          .inspect()
          .catch(() => undefined);
        reject(new Error(`the container exited with code ${info?.State.ExitCode ?? '?'} (${found.Status})`));
        return;
      }
      if (!stopped) timer = setTimeout(check, 250);
    };
    void check();
  });
  exited.catch(() => undefined);
  return {
    exited,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
