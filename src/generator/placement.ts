// Where the load generator runs: on the runner (perfgate's own process, as always), or inside the Docker engine
// that runs the stack, on the stack's network. Pure: the setting and what is known about the engine in, a place out.
import { UsageError } from '../errors.ts';

/** `--generator` / PERFGATE_GENERATOR: auto (the default), runner or docker. */
export const GENERATOR_SETTINGS = ['auto', 'runner', 'docker'] as const;
export type GeneratorSetting = (typeof GENERATOR_SETTINGS)[number];

export interface GeneratorPlace {
  where: 'runner' | 'docker';
  /** Docker: the engine's address (credentials redacted). */
  host?: string;
  /** Why here, in a few words for the log. */
  reason: string;
}

/** The setting from the flag, else the environment, else auto; anything else is a usage error naming its source. */
export function generatorSetting(flag: string | undefined, env: NodeJS.ProcessEnv): GeneratorSetting {
  const [value, source] = flag !== undefined ? [flag, '--generator'] : [env.PERFGATE_GENERATOR, 'PERFGATE_GENERATOR'];
  if (value === undefined || value === '') return 'auto';
  if ((GENERATOR_SETTINGS as readonly string[]).includes(value)) return value as GeneratorSetting;
  throw new UsageError(`${source}: expected ${GENERATOR_SETTINGS.join(', ')}, got "${value}"`);
}

/**
 * Auto: in Docker exactly when the engine is not on this machine's own socket (a tcp:// or ssh:// DOCKER_HOST, or
 * Testcontainers' docker.host), so load never crosses the network between the runner and that host. Only a
 * stack perfgate started has a network to join: a running target (`--target`) is always loaded from the runner.
 */
export function placeGenerator(setting: GeneratorSetting, engine: { local: boolean; address: string } | undefined): GeneratorPlace {
  if (!engine) {
    if (setting === 'docker')
      throw new UsageError(
        '--generator docker needs services: (the generator joins the network of the stack perfgate starts); with a running target the load comes from here',
      );
    return { where: 'runner', reason: 'a running target is loaded from here' };
  }
  if (setting === 'runner') return { where: 'runner', reason: 'asked for (--generator runner)' };
  if (setting === 'docker') return { where: 'docker', host: engine.address, reason: 'asked for (--generator docker)' };
  return engine.local
    ? { where: 'runner', reason: `the Docker engine is on this machine (${engine.address})` }
    : { where: 'docker', host: engine.address, reason: `the Docker engine is remote (${engine.address})` };
}
