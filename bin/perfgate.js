#!/usr/bin/env node
// Launcher: perfgate needs Node >= 22.22 (it targets GitHub's node24 runtime). In a checkout, an older
// `node` on PATH hands over to the project-local Node 24, installing it first from the npm registry
// (scripts/ensure-node.sh) when it is not there yet, so the quick start works with any Node >= 18.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
const supported = major > 22 || (major === 22 && minor >= 22);

if (!supported) {
  const localNode = fileURLToPath(new URL('../.tools/node/bin/node', import.meta.url));
  const installer = fileURLToPath(new URL('../scripts/ensure-node.sh', import.meta.url));
  // Only in a checkout (an installed package has no scripts/), and only where the registry's build runs.
  const canInstall =
    existsSync(installer) && !installer.includes('/node_modules/') && process.platform === 'linux' && process.arch === 'x64';
  if (!existsSync(localNode) && canInstall) {
    process.stderr.write(`perfgate: Node ${process.version} is too old; installing Node 24 into .tools/node (once)…\n`);
    spawnSync('bash', [installer], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (existsSync(localNode)) {
    const child = spawnSync(localNode, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(child.status ?? 1);
  }
  process.stderr.write(
    `perfgate needs Node.js 22.22 or newer (24 recommended); this is ${process.version}.\n` +
      'Install Node 24, or in a perfgate checkout run: bash scripts/ensure-node.sh\n',
  );
  process.exit(2);
}

// From a checkout, run the TypeScript source directly (Node strips types outside node_modules);
// from an installed package, run the bundle.
const source = new URL('../src/cli.ts', import.meta.url);
const inCheckout = existsSync(fileURLToPath(source)) && !fileURLToPath(source).includes('/node_modules/');
const { main } = await import(inCheckout ? source.href : new URL('../dist/cli.js', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
// Open sockets of libraries (Docker clients, keep-alive agents) must not keep a finished run alive.
setTimeout(() => process.exit(), 2000).unref();
