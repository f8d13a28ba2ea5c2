// Removes what a perfgate run created in Docker: containers by label, networks by name, built images by tag.
// The Ryuk reaper may be disabled (or unreachable), so this — run by every stack's stop(), by
// `perfgate cleanup` and by the action's post step — is the guarantee.
import type Dockerode from 'dockerode';
import { dockerClient } from './docker-check.ts';
import { IMAGE_REPOSITORY, LABEL_ARM, LABEL_MANAGED, LABEL_RUN, NAME_PREFIX } from './labels.ts';

export interface Removed {
  containers: number;
  networks: number;
  images: number;
}

export async function cleanupLeftovers(filter: { runId?: string } = {}): Promise<Removed> {
  const docker = (await dockerClient()).container.dockerode;
  return removeLeftovers(docker, filter.runId);
}

/** Removes one run's leftovers (one arm's, when given: a comparison's two stacks share the run id), or all. */
export async function removeLeftovers(docker: Dockerode, runId?: string, arm?: string): Promise<Removed> {
  const labels = runId ? [`${LABEL_RUN}=${runId}`, ...(arm ? [`${LABEL_ARM}=${arm}`] : [])] : [`${LABEL_MANAGED}=true`];
  const containers = await docker.listContainers({ all: true, filters: { label: labels } });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ),
  );
  const prefix = runId ? `${NAME_PREFIX}${runId}-${arm ?? ''}` : NAME_PREFIX;
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
    (image.RepoTags ?? []).filter((tag) => tag.startsWith(`${IMAGE_REPOSITORY}:${runId ? `${runId}-${arm ?? ''}` : ''}`)),
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
