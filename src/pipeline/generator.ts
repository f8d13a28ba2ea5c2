// Step 2b, where the load comes from: the runner itself, or a generator inside the Docker engine that runs the
// stacks (generator/placement.ts decides). In Docker, the generator's container joins both arms' networks, one
// `perfgate generate` is exec'd in it and runs every window, and the arms' origins become the apps' addresses on
// those networks, so the runner sends no load at all and both arms are loaded from the same host.
import { generatorBundle } from '../generator/bundle.ts';
import { placeGenerator, type GeneratorPlace, type GeneratorSetting } from '../generator/placement.ts';
import { remoteRunLoad, type RunLoad } from '../generator/remote-load.ts';
import type { Log } from '../log.ts';
import type { RunResult } from '../result.ts';
import type { StartedStack } from '../services/stack.ts';

/** Where the load comes from, for the whole run. */
export interface LoadSource {
  /** For the results: environment.generator. */
  generator: NonNullable<RunResult['environment']['generator']>;
  /** In Docker: each window through the generator's container, and the arms' origins as seen from there. */
  inDocker?: { runLoad: RunLoad; origins: { head: string; base?: string } };
  /** Removes the generator's container (before the stacks' networks go). */
  stop(): Promise<void>;
}

export async function placeLoad(
  setting: GeneratorSetting,
  stacks: { head?: StartedStack; base?: StartedStack },
  run: { runId: string; env: NodeJS.ProcessEnv },
  log: Log,
): Promise<LoadSource> {
  const { head, base } = stacks;
  const services = head ? await import('../services/generator-container.ts') : undefined;
  const place: GeneratorPlace = placeGenerator(setting, services ? await services.engineAddress() : undefined);
  if (place.where === 'runner' || !services || !head) {
    if (head) log.info(`load generator: here, on the runner (${place.reason})`);
    return { generator: { where: 'runner' }, stop: async () => {} };
  }
  log.info(`load generator: inside Docker, on the stack's network (${place.reason})`);
  const bundle = await generatorBundle(run.env);
  const container = await services.startGeneratorContainer({
    runId: run.runId,
    networks: [head.inNetwork.network, ...(base ? [base.inNetwork.network] : [])],
    bundle,
    log,
  });
  const runLoad = remoteRunLoad(() => container.exec());
  return {
    generator: { where: 'docker', host: container.engine.address, image: container.image },
    inDocker: { runLoad, origins: { head: head.inNetwork.origin, ...(base ? { base: base.inNetwork.origin } : {}) } },
    stop: async () => {
      runLoad.close();
      await container.stop();
    },
  };
}
