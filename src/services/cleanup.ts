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
    if (await removeImage(docker, tag)) removedImages++;
  }
  return { containers: containers.length, networks: removedNetworks, images: removedImages };
}

/**
 * Removes a built image by its tag, with its untagged parents: Docker's classic builder keeps its cache as a chain of
 * intermediate images under the built one, and removing only the top (noprune) leaves that chain behind as a
 * dangling image of the app's full size, one per build. Not forced: an image a container still uses keeps its tag,
 * so `perfgate cleanup` can find it later, rather than becoming an untagged image nothing can find. False when there
 * was nothing to remove or Docker refused.
 */
export async function removeImage(docker: Dockerode, tag: string): Promise<boolean> {
  return docker
    .getImage(tag)
    .remove({ noprune: false })
    .then(() => true)
    .catch(() => false);
}
