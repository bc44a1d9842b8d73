#!/usr/bin/env node
// Launcher for `smart`. The CLI is TypeScript run by Node 24's type stripping; when an older system Node
// starts this file (for example `npx smart` on a machine with Node 20), re-run it on the project's pinned
// Node 24 (the devDependency `node@24`) instead of failing on the .ts extension.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'checker', 'cli.ts');
const [major, minor] = process.versions.node.split('.').map(Number);
const canStrip = major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);

if (canStrip) {
  const { runCli } = await import(pathToFileURL(cli).href);
  runCli(process.argv.slice(2));
} else {
  const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned)) {
    process.stderr.write(
      `smart: Node ${process.versions.node} cannot run TypeScript; run \`npm ci\` (it installs Node 24) or use Node 24.\n`,
    );
    process.exit(1);
  }
  const child = spawn(pinned, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
