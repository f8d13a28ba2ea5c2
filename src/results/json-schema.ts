// The results contract as a JSON Schema, committed as dist/results.schema.json for whoever reads perfgate's
// results without perfgate: deterministic text from the zod schema (scripts/gen-schema.ts writes it).
import { z } from 'zod';
import { runResultSchema } from './schema.ts';

/**
 * Draft-07, describing what perfgate accepts when it reads a file back (io: 'input'): objects allow keys a later
 * perfgate may add, as the reader drops them rather than refusing the file.
 */
function resultsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(runResultSchema, { target: 'draft-07', io: 'input', unrepresentable: 'throw' }) as Record<string, unknown>;
}

export function resultsSchemaText(): string {
  return `${JSON.stringify(resultsJsonSchema(), null, 2)}\n`;
}
