#!/usr/bin/env node
// Launcher for `smart`. The CLI is TypeScript run by Node 24's type stripping; when an older system Node
// starts this file (for example `npx smart` on a machine with Node 20), re-run it on the project's pinned
// Node 24 (the devDependency `node@24`) instead of failing on the .ts extension.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'checker', 'cli.ts');
const [major, minor] = process.versions.node.split('.').map(Number);
const canStrip = major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);

// A check run allocates briefly and much (a request, an answer, a JSON file at a time). Node 24 sizes the
// young generation from the machine's memory (128 MiB on 24 GiB), and a run of 1,000 installations then grows
// to ~390 MB of RSS; with 4 MiB semispaces it stays near 250 MB at the same CPU (bench/README.md, "peer").
// The flag works only at start-up, so for `smart check` the launcher starts the CLI in a child with it (unless
// the operator chose a size in NODE_OPTIONS); every other command runs in this process.
const HEAP_FLAGS = ['--max-semi-space-size=4'];
const chosen = /--max-semi-space-size/.test(
  `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`,
);
const tune = process.argv[2] === 'check' && !chosen;

// Node keeps the compiled (type-stripped) modules of a run for the next one: start-up halves, ~0.3 s less CPU
// per `smart check` (bench/README.md, "peer"). The cache sits in the project's node_modules, which belongs to
// whoever installed it, not in a shared /tmp where another user could plant compiled code. An operator's own
// NODE_COMPILE_CACHE or NODE_DISABLE_COMPILE_CACHE wins.
const cacheDir = join(root, 'node_modules', '.cache', 'smart-compile');
const cacheEnv =
  process.env.NODE_COMPILE_CACHE ||
  process.env.NODE_DISABLE_COMPILE_CACHE ||
  !existsSync(join(root, 'node_modules'))
    ? {}
    : { NODE_COMPILE_CACHE: cacheDir };

if (canStrip && !tune) {
  if (cacheEnv.NODE_COMPILE_CACHE) module.enableCompileCache?.(cacheEnv.NODE_COMPILE_CACHE);
  const { runCli } = await import(pathToFileURL(cli).href);
  runCli(process.argv.slice(2));
} else {
  const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!canStrip && !existsSync(pinned)) {
    process.stderr.write(
      `smart: Node ${process.versions.node} cannot run TypeScript; run \`npm ci\` (it installs Node 24) or use Node 24.\n`,
    );
    process.exit(1);
  }
  const node = canStrip ? process.execPath : pinned;
  const child = spawn(
    node,
    [...(canStrip ? process.execArgv : []), ...(tune ? HEAP_FLAGS : []), cli, ...process.argv.slice(2)],
    { stdio: 'inherit', env: { ...process.env, ...cacheEnv } },
  );
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
