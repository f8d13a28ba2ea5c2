// Writes dist/perf.schema.json (draft-07) from the zod schema in src/config/schema.ts, the single source of
// truth. The test suite fails when the committed file drifts: run `node scripts/gen-schema.ts`.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaText } from '../src/config/schema-text.ts';

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'perf.schema.json');
await writeFile(out, schemaText());
console.log(`wrote ${path.relative(process.cwd(), out)}`);
