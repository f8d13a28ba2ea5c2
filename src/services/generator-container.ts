// The load generator's container, for a stack on another Docker engine: node:24-bookworm-slim on the stack's
// private network(s), perfgate's own bundle copied in over the Docker API (a remote engine cannot see the runner's
// files, so nothing is bind-mounted), idle until each window is exec'd in it as `perfgate generate`. Labelled like
// the stack, so every cleanup path (stop(), `perfgate cleanup`, the Action's post step) removes it too.
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { GenericContainer } from 'testcontainers';
import { InfrastructureError, firstLine } from '../errors.ts';
import type { GeneratorProcess } from '../generator/remote-load.ts';
import type { Log } from '../log.ts';
import { redactUrls } from '../report/redact.ts';
import { removeLeftovers } from './cleanup.ts';
import { dockerClient } from './docker-check.ts';
import { containerName, labelsFor } from './labels.ts';

/** The image the generator runs in: the Node the bundle targets, nothing else (the Action's runtime is node24 too). */
export const GENERATOR_IMAGE = 'node:24-bookworm-slim';

/** The generator's "arm" in the labels and its container's name: `perfgate-<run>-generator-load`. */
export const GENERATOR_ARM = 'generator';

/** Where the bundle's files go, side by side as in dist/, with a package.json that marks them ESM as dist/'s does. */
const BUNDLE_DIR = '/perfgate';
const LAUNCHER_PATH = `${BUNDLE_DIR}/generate.js`;

/** Runs the bundle's CLI (the bundle exports main() and runs nothing by itself), then lets Node exit. */
const LAUNCHER = `import { main } from './cli.js';
process.exitCode = await main(process.argv.slice(2));
setTimeout(() => process.exit(), 2000).unref();
`;

/** How the runner reaches the Docker engine, as Testcontainers resolved it (DOCKER_HOST, ~/.testcontainers.properties…). */
export interface EngineAddress {
  /** A unix socket or Windows named pipe on this machine. */
  local: boolean;
  /** For the results and the log: unix:///var/run/docker.sock, tcp://10.0.0.5:2376 (credentials redacted). */
  address: string;
}

export async function engineAddress(): Promise<EngineAddress> {
  const docker = (await dockerClient()).container.dockerode;
  return addressOf(docker);
}

function addressOf(docker: Dockerode): EngineAddress {
  const modem = docker.modem as { socketPath?: unknown; host?: string; port?: string | number; protocol?: string };
  if (typeof modem.socketPath === 'string' && modem.socketPath) {
    const pipe = modem.socketPath.startsWith('//./pipe/');
    return { local: true, address: pipe ? `npipe://${modem.socketPath}` : `unix://${modem.socketPath}` };
  }
  // DOCKER_HOST's own words: tcp:// (docker-modem speaks http or, with DOCKER_CERT_PATH, https over it) or ssh://.
  const scheme = modem.protocol === 'ssh' ? 'ssh' : 'tcp';
  return { local: false, address: redactUrls(`${scheme}://${modem.host ?? '?'}${modem.port ? `:${modem.port}` : ''}`) };
}

export interface GeneratorContainer {
  engine: EngineAddress;
  image: string;
  /** Starts `perfgate generate` in the container, its stdin and stdout attached. */
  exec(): Promise<GeneratorProcess>;
  /** Removes the container (whatever keep says: it holds nothing worth keeping). */
  stop(): Promise<void>;
}

export interface GeneratorContainerOptions {
  runId: string;
  /** The stacks' private networks: the first at creation, the others connected after. */
  networks: string[];
  /** A self-contained perfgate CLI bundle on this machine, cli.js first, with its companions (generator/bundle.ts). */
  bundle: string[];
  log: Log;
}

export async function startGeneratorContainer(options: GeneratorContainerOptions): Promise<GeneratorContainer> {
  const { runId, networks, bundle, log } = options;
  const client = await dockerClient();
  const docker = client.container.dockerode;
  const engine = addressOf(docker);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // By label: also what a start cut short created. Before the stacks' networks go (a network with a container
    // still attached cannot be removed), which cleanUp's order sees to.
    await removeLeftovers(docker, runId, GENERATOR_ARM).catch(() => undefined);
  };
  try {
    log.info(`starting the load generator in Docker (${GENERATOR_IMAGE} on ${engine.address}, network ${networks.join(', ')})…`);
    const started = await new GenericContainer(GENERATOR_IMAGE)
      .withName(containerName(runId, GENERATOR_ARM, 'load'))
      .withLabels(labelsFor(runId, GENERATOR_ARM, 'load'))
      .withNetworkMode(networks[0]!)
      .withEntrypoint(['sleep'])
      .withCommand(['infinity'])
      .withCopyFilesToContainer(
        bundle.map((source, i) => ({ source, target: `${BUNDLE_DIR}/${i === 0 ? 'cli.js' : path.basename(source)}` })),
      )
      .withCopyContentToContainer([
        { content: LAUNCHER, target: LAUNCHER_PATH },
        { content: '{ "type": "module", "private": true }\n', target: `${BUNDLE_DIR}/package.json` },
      ])
      .start();
    const container = docker.getContainer(started.getId());
    for (const network of networks.slice(1)) await docker.getNetwork(network).connect({ Container: started.getId() });
    return { engine, image: GENERATOR_IMAGE, exec: () => execGenerate(docker, container), stop };
  } catch (error) {
    await stop();
    throw new InfrastructureError(`Starting the load generator's container on ${engine.address} failed: ${firstLine(error)}`);
  }
}

/** The most of the generator's stderr kept, for the error when it ends without a measurement. */
const STDERR_TAIL = 4000;

async function execGenerate(docker: Dockerode, container: Dockerode.Container): Promise<GeneratorProcess> {
  const exec = await container.exec({
    Cmd: ['node', LAUNCHER_PATH, 'generate'],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = await exec.start({ hijack: true, stdin: true });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let stderrText = '';
  stderr.on('data', (chunk: Buffer) => (stderrText = (stderrText + chunk.toString()).slice(-STDERR_TAIL)));
  docker.modem.demuxStream(stream, stdout, stderr);
  const ended = new Promise<{ exitCode: number | null; stderr: string }>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      stdout.end();
      void exec
        .inspect()
        .then((info) => info.ExitCode)
        .catch(() => null)
        .then((exitCode) => resolve({ exitCode, stderr: stderrText }));
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  });
  return {
    write: (text) => void stream.write(text),
    stdout,
    ended,
    close: () => stream.end(),
  };
}
