// The perfgate bundle the generator's container runs: self-contained files, copied in over the Docker API.
// Installed or in the Action, that is dist/cli.js beside the running bundle (and the load workers' entry,
// load-worker.js, when there is one). Run from a checkout's TypeScript (bin/perfgate.js, the tests), src/cli.ts is
// bundled once per process into a temporary directory with esbuild (a devDependency, so present in a checkout), as
// scripts/build.ts bundles it; dist/ is never written.
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InfrastructureError, UsageError, firstLine } from '../errors.ts';

/** Names a ready bundle (a dist/cli.js) to use instead: the tests build one per file and share it. */
export const BUNDLE_ENV = 'PERFGATE_GENERATOR_BUNDLE';

/** The bundle's files beside cli.js that it loads at run time: the load workers' entry (load/worker-pool.ts). */
const COMPANIONS = ['load-worker.js'];

let built: Promise<string[]> | undefined;

/** The files to copy into the generator's container, side by side: cli.js first. */
export async function generatorBundle(env: NodeJS.ProcessEnv): Promise<string[]> {
  const named = env[BUNDLE_ENV];
  if (named) {
    if (!existsSync(named)) throw new UsageError(`${BUNDLE_ENV}=${named}: no such file (expected a perfgate dist/cli.js)`);
    return withCompanions(named);
  }
  const here = fileURLToPath(import.meta.url);
  // Bundled, this module is inside dist/cli.js or dist/action.js, with cli.js beside it.
  if (!here.endsWith('.ts')) {
    const beside = path.join(path.dirname(here), 'cli.js');
    if (existsSync(beside)) return withCompanions(beside);
    throw new InfrastructureError(`perfgate's CLI bundle ${beside} is missing: the generator's container needs it`);
  }
  built ??= bundleFromSource(path.resolve(path.dirname(here), '..', '..'));
  return built;
}

function withCompanions(cli: string): string[] {
  const companions = COMPANIONS.map((name) => path.join(path.dirname(cli), name)).filter((file) => existsSync(file));
  return [cli, ...companions];
}

/** The same format as scripts/build.ts: ESM with a real require, __filename and __dirname for CommonJS dependencies. */
const BANNER = [
  "import { createRequire as __perfgateCreateRequire } from 'node:module';",
  "import { fileURLToPath as __perfgateFileURLToPath } from 'node:url';",
  "import { dirname as __perfgateDirname } from 'node:path';",
  'const require = __perfgateCreateRequire(import.meta.url);',
  'const __filename = __perfgateFileURLToPath(import.meta.url);',
  'const __dirname = __perfgateDirname(__filename);',
].join('\n');

async function bundleFromSource(root: string): Promise<string[]> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (error) {
    throw new InfrastructureError(
      `Running from source, perfgate bundles itself for the generator's container with esbuild, which is not installed (${firstLine(error)}); run npm ci, or set ${BUNDLE_ENV} to a dist/cli.js`,
    );
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-generator-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const workerEntry = path.join(root, 'src', 'load', 'load-worker.ts');
  await esbuild.build({
    entryPoints: {
      cli: path.join(root, 'src', 'cli.ts'),
      ...(existsSync(workerEntry) ? { 'load-worker': workerEntry } : {}),
    },
    outdir: dir,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    banner: { js: BANNER },
    // ssh2's optional native addons stay out, as in scripts/build.ts: their absence is its harmless fallback.
    plugins: [
      {
        name: 'optional-native-addons',
        setup(b) {
          b.onResolve({ filter: /\.node$|^cpu-features$/ }, (args) => ({ path: args.path, external: true }));
        },
      },
    ],
    logLevel: 'error',
    logOverride: { 'require-resolve-not-external': 'silent' },
    absWorkingDir: root,
  });
  return withCompanions(path.join(dir, 'cli.js'));
}
