// Docker for the integration tests: the client, or a loud reason to skip (never a silent pass).
import type Dockerode from 'dockerode';
import { dockerClient } from '../../src/services/docker-check.ts';
import { IMAGE_REPOSITORY, LABEL_MANAGED, NAME_PREFIX } from '../../src/services/labels.ts';

export async function dockerOrSkip(what: string): Promise<{ docker?: Dockerode; skip: string | false }> {
  try {
    return { docker: (await dockerClient()).container.dockerode, skip: false };
  } catch (error) {
    const skip = `Docker is not reachable, so the ${what} tests cannot run: ${(error as Error).message.split('\n')[0]}`;
    console.error(`\n*** SKIPPING ${what} tests: ${skip}\n`);
    return { skip };
  }
}

/** What perfgate created in Docker, named: "container /perfgate-…", "network perfgate-…", "image perfgate-app:…". */
async function perfgateFootprint(docker: Dockerode): Promise<string[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL_MANAGED}=true`] } });
  const networks = (await docker.listNetworks()).filter((n) => n.Name.startsWith(NAME_PREFIX));
  const images = (await docker.listImages()).flatMap((i) => i.RepoTags ?? []).filter((t) => t.startsWith(`${IMAGE_REPOSITORY}:`));
  return [
    ...containers.map((c) => `container ${c.Names[0]}`),
    ...networks.map((n) => `network ${n.Name}`),
    ...images.map((t) => `image ${t}`),
  ];
}

/**
 * A snapshot of perfgate's footprint now, and a function giving what is there beyond it later: what the tests since
 * left behind. What was there before (a run killed outright, which nothing can clean up but `perfgate cleanup`) is
 * not theirs, and does not fail them.
 */
export async function footprintSince(docker: Dockerode): Promise<() => Promise<string[]>> {
  const before = new Set(await perfgateFootprint(docker));
  return async () => (await perfgateFootprint(docker)).filter((x) => !before.has(x));
}
