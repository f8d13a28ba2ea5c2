// Writes the JSON Schemas (draft-07) in dist/ from the zod schemas, each the single source of truth:
// dist/perf.schema.json from src/config/schema.ts (the perf/*.yaml files, for editors) and
// dist/results.schema.json from src/results/schema.ts (the results contract `perfgate run --json` writes).
// `npm run build` runs it; the test suite fails when a committed file drifts: run `node scripts/gen-schema.ts`.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaText } from '../src/config/schema-text.ts';
import { resultsSchemaText } from '../src/results/json-schema.ts';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
for (const [name, text] of [
  ['perf.schema.json', schemaText()],
  ['results.schema.json', resultsSchemaText()],
] as const) {
  const out = path.join(dist, name);
  await writeFile(out, text);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}
