#!/usr/bin/env node
// Launcher: perfgate needs Node >= 22.22 (it targets GitHub's node24 runtime). In a checkout, an older
// `node` on PATH hands over to the project-local Node 24 (scripts/ensure-node.sh installs it).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
const supported = major > 22 || (major === 22 && minor >= 22);

if (!supported) {
  const localNode = fileURLToPath(new URL('../.tools/node/bin/node', import.meta.url));
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
