// `generator:` in YAML (#14): how many worker threads send the load, and the default for the machine perfgate
// runs on. Pure: the machine's cores are handed in by config/load.ts.
import type { Services } from './types.ts';

/**
 * The default number of load worker threads: as many as the machine has cores beyond what the stack is given, at
 * least 1. The stack is given the sum of its services' `resources.cpus`, a service without a limit counting as one
 * core; with `target:` the service is counted as one core too (it is most likely on this machine: a network
 * between generator and service adds noise a gate cannot tell from a regression). A fraction left over is not a
 * core: 4 cores beside a stack of 2.5 give 1 worker.
 */
export function defaultWorkers(cores: number, services: Services | undefined): number {
  const stack = services ? [services.app, ...services.dependencies].reduce((sum, s) => sum + (s.resources?.cpus ?? 1), 0) : 1;
  return Math.max(1, Math.floor(cores - stack));
}
