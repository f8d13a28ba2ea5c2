// Docker for the integration tests: the client, or a loud reason to skip (never a silent pass).
import type Dockerode from 'dockerode';
import { dockerClient } from '../../src/services/docker-check.ts';

export async function dockerOrSkip(what: string): Promise<{ docker?: Dockerode; skip: string | false }> {
  try {
    return { docker: (await dockerClient()).container.dockerode, skip: false };
  } catch (error) {
    const skip = `Docker is not reachable, so the ${what} tests cannot run: ${(error as Error).message.split('\n')[0]}`;
    console.error(`\n*** SKIPPING ${what} tests: ${skip}\n`);
    return { skip };
  }
}
