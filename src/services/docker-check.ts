// One clear message when Docker is out of reach, instead of a library's stack trace.
import { getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';
import { firstLine, InfrastructureError } from '../errors.ts';

export async function dockerClient(env: NodeJS.ProcessEnv = process.env): Promise<ContainerRuntimeClient> {
  try {
    return await getContainerRuntimeClient();
  } catch (error) {
    const tried = env.DOCKER_HOST ? `DOCKER_HOST=${env.DOCKER_HOST}` : 'the default socket /var/run/docker.sock';
    throw new InfrastructureError(
      `Docker is not reachable (tried ${tried}): ${firstLine(error)}.\n` +
        'services: needs a running Docker engine. Start the daemon (e.g. sudo systemctl start docker), ' +
        'or point DOCKER_HOST at one (e.g. DOCKER_HOST=unix:///run/user/1000/docker.sock), ' +
        'or use target: with a service you started yourself.',
    );
  }
}
