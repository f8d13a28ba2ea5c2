// The values a perf file's `${env.NAME}` references would read: secrets (API tokens in headers, passwords in a
// service's env). perfgate never prints them; the Action also registers each with the runner (core.setSecret)
// before anything runs, so that nothing else in the job's log (a service's own log lines) shows them either.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expandPaths } from './load.ts';
import { findReferences, refusedEnv } from './template.ts';

/**
 * The non-empty values of the environment variables that `${env.NAME}` in the perf files names (anywhere in the
 * text: requests and service env alike). A path that cannot be read adds nothing: loading the config reports it.
 */
export async function interpolatedEnvValues(paths: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const files = await expandPaths(paths.length ? paths : ['perf'], cwd).catch(() => []);
  const texts = await Promise.all(files.map((file) => readFile(path.resolve(cwd, file), 'utf8').catch(() => '')));
  const values = new Set<string>();
  for (const text of texts) {
    for (const ref of findReferences(text)) {
      const value = ref.scope === 'env' && !refusedEnv(ref.key) ? env[ref.key] : undefined;
      if (value) values.add(value);
    }
  }
  return [...values];
}
