// Everything perfgate creates in Docker carries these labels (containers) or this name prefix (networks and
// images, which Testcontainers creates without custom labels), so `perfgate cleanup` can find leftovers.

export const LABEL_MANAGED = 'dev.perfgate.managed';
export const LABEL_RUN = 'dev.perfgate.run';
export const LABEL_ARM = 'dev.perfgate.arm';
const LABEL_SERVICE = 'dev.perfgate.service';

/** Network names start with this; built app images are tagged `perfgate-app:<run>-<arm>`. */
export const NAME_PREFIX = 'perfgate-';
export const IMAGE_REPOSITORY = 'perfgate-app';

export function labelsFor(runId: string, arm: string, service: string): Record<string, string> {
  return { [LABEL_MANAGED]: 'true', [LABEL_RUN]: runId, [LABEL_ARM]: arm, [LABEL_SERVICE]: service };
}

export function networkName(runId: string, arm: string): string {
  return `${NAME_PREFIX}${runId}-${arm}`;
}

export function containerName(runId: string, arm: string, service: string): string {
  return `${NAME_PREFIX}${runId}-${arm}-${service}`;
}

export function imageTag(runId: string, arm: string): string {
  return `${IMAGE_REPOSITORY}:${runId}-${arm}`;
}
