// Where the load came from, in words, for every report: said only when it was not the runner itself (#14), so a
// reader knows the figures were measured on the Docker host, not on the machine that ran perfgate.
import type { RunResult } from '../result.ts';
import { redactUrls } from './redact.ts';

/** Plain text (each report escapes it its own way); undefined when the runner sent the load. */
export function loadSourceWords(result: RunResult): string | undefined {
  const generator = result.environment.generator;
  if (generator?.where !== 'docker') return undefined;
  const host = generator.host ? ` at ${redactUrls(generator.host)}` : '';
  const image = generator.image ? ` (${generator.image})` : '';
  return `load generated inside the Docker engine${host}, in a container${image} on the stack's network: the runner sent none`;
}
