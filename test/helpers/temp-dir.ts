// A temporary directory that is gone when the test file's process exits (each test file runs in its own process),
// whatever the tests did: tests create hundreds of them, and /tmp is shared with everything else on a runner.
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const created = new Set<string>();
process.once('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** mkdtemp under the system's temporary directory, removed at exit. `prefix` e.g. "perfgate-config-". */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  created.add(dir);
  return dir;
}
