// Bundles the action, the report sub-action and the CLI into self-contained files under dist/
// (`node scripts/build.ts`). The output is deterministic so CI can rebuild and `git diff --exit-code dist/`.
//
// Format: ESM. @actions/core 3 and @octokit/rest 22 are ESM-only and the entries use top-level await;
// CommonJS dependencies (testcontainers, dockerode, autocannon) get a real `require`, `__filename` and
// `__dirname` from the banner. dist/package.json marks the folder as ESM, so dist/ runs on its own.
import { build, type Metafile, type Plugin } from 'esbuild';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/**
 * Entry → output name. The CLI is bundled when the lead's src/cli.ts exists. The load worker thread (#14) is an
 * entry of its own: the CLI and the Action start dist/load-worker.js beside them (load/worker-pool.ts).
 */
const ENTRIES: Record<string, string> = {
  action: 'src/action.ts',
  'report-action': 'src/report-action.ts',
  cli: 'src/cli.ts',
  'load-worker': 'src/load/load-worker.ts',
};

/** Files in dist/ this script owns (anything else there, e.g. perf.schema.json, is left alone). */
const OWNED = new Set(['action.js', 'report-action.js', 'cli.js', 'load-worker.js', 'package.json', 'licenses.txt', 'proto']);

/**
 * Files dependencies read at run time through `__dirname` (= dist/ once bundled). dockerode loads these
 * .proto files for BuildKit image builds. (autocannon's worker.js and help.txt are only for its own workers and
 * CLI, which perfgate does not use: its worker threads are dist/load-worker.js; grpc-js's channelz protos load only for its admin service.)
 */
const RUNTIME_FILES: Array<[from: string, to: string]> = [
  ['node_modules/dockerode/lib/proto/auth.proto', 'proto/auth.proto'],
  ['node_modules/dockerode/lib/proto/buildkit_status.proto', 'proto/buildkit_status.proto'],
];

const BANNER = [
  "import { createRequire as __perfgateCreateRequire } from 'node:module';",
  "import { fileURLToPath as __perfgateFileURLToPath } from 'node:url';",
  "import { dirname as __perfgateDirname } from 'node:path';",
  'const require = __perfgateCreateRequire(import.meta.url);',
  'const __filename = __perfgateFileURLToPath(import.meta.url);',
  'const __dirname = __perfgateDirname(__filename);',
].join('\n');

/**
 * ssh2 (dockerode → docker-modem → ssh2, only for ssh:// Docker hosts) loads two optional native addons
 * inside try/catch: keep them out of the bundle so their absence is the harmless fallback it is upstream.
 */
const optionalNative: Plugin = {
  name: 'optional-native-addons',
  setup(b) {
    b.onResolve({ filter: /\.node$|^cpu-features$/ }, (args) => ({ path: args.path, external: true }));
  },
};

async function bundle(name: string, entry: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [join(root, entry)],
    outfile: join(dist, `${name}.js`),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    banner: { js: BANNER },
    plugins: [optionalNative],
    // Keep `new URL(..., import.meta.url)` and friends honest; no source maps (they would drift with paths).
    sourcemap: false,
    minify: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    // Some CommonJS dependencies probe for optional modules with require() in try/catch.
    logOverride: { 'require-resolve-not-external': 'silent' },
    absWorkingDir: root,
  });
  return result.metafile;
}

interface PackageInfo {
  name: string;
  version: string;
  license: string;
  text?: string;
}

/** The packages in a bundle, with their license texts, sorted by name: dist/licenses.txt. */
async function licenses(metafiles: Metafile[]): Promise<string> {
  const dirs = new Set<string>();
  for (const meta of metafiles) {
    for (const input of Object.keys(meta.inputs)) {
      const parts = input.split('/');
      const at = parts.lastIndexOf('node_modules');
      if (at < 0) continue;
      const scoped = parts[at + 1]?.startsWith('@');
      dirs.add(parts.slice(0, at + (scoped ? 3 : 2)).join('/'));
    }
  }
  const packages = new Map<string, PackageInfo>();
  for (const dir of dirs) {
    const pkg = JSON.parse(await readFile(join(root, dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      license?: string | { type?: string };
    };
    const key = `${pkg.name}@${pkg.version}`;
    if (packages.has(key)) continue;
    const license = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'UNKNOWN');
    const files = await readdir(join(root, dir));
    const file = files.filter((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f)).sort()[0];
    const text = file ? (await readFile(join(root, dir, file), 'utf8')).trim() : undefined;
    packages.set(key, { name: pkg.name, version: pkg.version, license, text });
  }
  const sorted = [...packages.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  const sections = sorted.map(
    (p) => `${p.name}@${p.version}\nLicense: ${p.license}\n${p.text ? `\n${p.text}\n` : '(no license file in the package)\n'}`,
  );
  return `Third-party software bundled in dist/\n${'='.repeat(40)}\n\n${sections.join(`\n${'-'.repeat(40)}\n\n`)}`;
}

async function main(): Promise<void> {
  await mkdir(dist, { recursive: true });
  for (const file of OWNED) await rm(join(dist, file), { force: true, recursive: true });
  const metafiles: Metafile[] = [];
  const failed: string[] = [];
  for (const [name, entry] of Object.entries(ENTRIES)) {
    if (!existsSync(join(root, entry))) {
      console.error(`skipping ${entry}: not present`);
      continue;
    }
    try {
      metafiles.push(await bundle(name, entry));
      console.error(
        `bundled ${entry} → ${relative(root, join(dist, `${name}.js`))
          .split(sep)
          .join('/')}`,
      );
    } catch {
      // esbuild has already printed each error with its file:line; build the other entries anyway.
      failed.push(entry);
    }
  }
  for (const [from, to] of RUNTIME_FILES) {
    if (!existsSync(join(root, from))) continue;
    await mkdir(dirname(join(dist, to)), { recursive: true });
    await copyFile(join(root, from), join(dist, to));
  }
  await writeFile(join(dist, 'package.json'), `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`);
  await writeFile(join(dist, 'licenses.txt'), await licenses(metafiles));
  if (failed.length > 0) throw new Error(`could not bundle ${failed.join(', ')}`);
}

try {
  await main();
} catch (error) {
  console.error(`build failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
