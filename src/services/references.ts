// ${postgres.url}-style references in service env, resolved to addresses valid inside the private network
// (aliases and container ports, never host ports).
import type { GenericService, PostgresService, RedisService } from '../config/types.ts';
import { refusedEnv, substitute } from '../config/template.ts';

type Dependency = PostgresService | RedisService | GenericService;

function referenceValues(dependencies: Dependency[]): Map<string, Record<string, string>> {
  const values = new Map<string, Record<string, string>>();
  for (const d of dependencies) {
    if (d.kind === 'postgres') {
      values.set(d.name, {
        host: d.name,
        port: '5432',
        user: d.user,
        password: d.password,
        database: d.database,
        url: `postgres://${encodeURIComponent(d.user)}:${encodeURIComponent(d.password)}@${d.name}:5432/${encodeURIComponent(d.database)}`,
      });
    } else if (d.kind === 'redis') {
      values.set(d.name, { host: d.name, port: '6379', url: `redis://${d.name}:6379` });
    } else {
      values.set(d.name, { host: d.name, port: String(d.ports[0] ?? '') });
    }
  }
  return values;
}

/** Resolves every reference; the config loader has already rejected unknown services and keys. */
export function resolveEnv(
  env: Record<string, string>,
  dependencies: Dependency[],
  processEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const values = referenceValues(dependencies);
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [
      key,
      // A runner secret is never handed over (the config loader refuses it at its line first).
      substitute(value, (scope, name) =>
        scope === 'env' ? (refusedEnv(name) ? '' : (processEnv[name] ?? '')) : (values.get(scope)?.[name] ?? ''),
      ),
    ]),
  );
}
