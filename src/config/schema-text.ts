// The editor schema as committed in dist/perf.schema.json: deterministic text from the zod schema.
import { jsonSchema } from './schema.ts';

export function schemaText(): string {
  return `${JSON.stringify(jsonSchema(), null, 2)}\n`;
}
