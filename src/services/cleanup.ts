// Removes what a perfgate run created in Docker: containers by label, networks by name, built images by tag.
// The Ryuk reaper may be disabled (or unreachable), so this — run by every stack's stop(), by
// `perfgate cleanup` and by the action's post step — is the guarantee.
import type Dockerode from 'dockerode';
import { dockerClient } from './docker-check.ts';
import { IMAGE_REPOSITORY, LABEL_MANAGED, LABEL_RUN, NAME_PREFIX } from './labels.ts';

export interface Removed {
  containers: number;
  networks: number;
  images: number;
}

export async function cleanupLeftovers(filter: { runId?: string } = {}): Promise<Removed> {
  const docker = (await dockerClient()).container.dockerode;
  return removeLeftovers(docker, filter.runId);
}

export async function removeLeftovers(docker: Dockerode, runId?: string): Promise<Removed> {
  const label = runId ? `${LABEL_RUN}=${runId}` : `${LABEL_MANAGED}=true`;
  const containers = await docker.listContainers({ all: true, filters: { label: [label] } });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ),
  );
  const prefix = runId ? `${NAME_PREFIX}${runId}-` : NAME_PREFIX;
  const networks = (await docker.listNetworks()).filter((n) => n.Name.startsWith(prefix));
  let removedNetworks = 0;
  for (const n of networks) {
    await docker
      .getNetwork(n.Id)
      .remove()
      .then(() => removedNetworks++)
      .catch(() => undefined);
  }
  const images = (await docker.listImages()).flatMap((image) =>
    (image.RepoTags ?? []).filter((tag) => tag.startsWith(`${IMAGE_REPOSITORY}:`) && (!runId || tag.startsWith(`${IMAGE_REPOSITORY}:${runId}-`))),
  );
  let removedImages = 0;
  for (const tag of images) {
    // noprune keeps the parent layers: Docker's build cache, so the next build of the same app is fast.
    await docker
      .getImage(tag)
      .remove({ force: true, noprune: true })
      .then(() => removedImages++)
      .catch(() => undefined);
  }
  return { containers: containers.length, networks: removedNetworks, images: removedImages };
}
