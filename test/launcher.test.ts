/**
 * bin/smart.js, the command users type (issue 15.2): `smart check` runs with a small young generation, so a
 * run of 1,000 installations stays under 300 MB of RSS (Node 24 otherwise sizes it from the machine's memory);
 * an operator's own choice in NODE_OPTIONS wins, and every other command runs in the launcher's own process.
 * Each node process the command starts reports its flags at exit through a preload carried in NODE_OPTIONS.
 * Every command keeps Node's compile cache in the project's node_modules (issue 15.2: start-up halves).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const hook =
  "data:text/javascript,process.on('exit',()=>process.stderr.write('FLAGS='+JSON.stringify(process.execArgv.filter(a=>a.startsWith('--max-semi')))+String.fromCharCode(10)))";

/** The flags of every node process of `smart <argv>`, launcher last. */
function flagsOf(argv: string[], nodeOptions = '') {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'smart.js'), ...argv], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: `${nodeOptions} --import=${hook}`.trim() },
    timeout: 60_000,
  });
  return { status: r.status, flags: [...r.stderr.matchAll(/FLAGS=(.*)/g)].map((m) => JSON.parse(m[1]!)) };
}

const cacheHook =
  "data:text/javascript,process.on('exit',()=>process.stderr.write('CACHE='+(process.getBuiltinModule('module').getCompileCacheDir?.()??'')+String.fromCharCode(10)))";

/** The compile cache folder of every node process of `smart <argv>` ('' for none), launcher last. */
function cacheDirsOf(argv: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'smart.js'), ...argv], {
    encoding: 'utf8',
    env: { ...env, NODE_OPTIONS: `--import=${cacheHook}` },
    timeout: 60_000,
  });
  return { status: r.status, dirs: [...r.stderr.matchAll(/CACHE=(.*)/g)].map((m) => m[1]!) };
}

describe('the smart launcher', () => {
  it('starts smart check with 4 MiB semispaces, in a child of its own', () => {
    const r = flagsOf(['check', '--help']);
    expect(r.status).toBe(0);
    expect(r.flags).toEqual([['--max-semi-space-size=4'], []]);
  });

  it('runs every other command in its own process, untouched', () => {
    expect(flagsOf(['validate', '--help'])).toEqual({ status: 0, flags: [[]] });
  });

  it('keeps the compiled modules for the next run in node_modules/.cache, for check and every other command', () => {
    const cacheDir = join(root, 'node_modules', '.cache', 'smart-compile');
    const env = { ...process.env };
    delete env.NODE_COMPILE_CACHE;
    delete env.NODE_DISABLE_COMPILE_CACHE;
    for (const argv of [
      ['check', '--help'],
      ['validate', '--help'],
    ]) {
      const r = cacheDirsOf(argv, env);
      expect(r.status).toBe(0);
      // The process that runs the CLI (the child of `check`, the launcher itself otherwise) uses the cache.
      expect(r.dirs.at(argv[0] === 'check' ? 0 : -1)).toMatch(new RegExp(`^${cacheDir}/v\\d`));
    }
    expect(readdirSync(cacheDir).length).toBeGreaterThan(0);
  });

  it('leaves the compile cache to an operator who chose or disabled it', () => {
    const chosen = mkdtempSync(join(tmpdir(), 'smart-cc-'));
    const own = cacheDirsOf(['check', '--help'], { ...process.env, NODE_COMPILE_CACHE: chosen });
    expect(own.dirs[0]).toMatch(new RegExp(`^${chosen}/v\\d`));
    const off = cacheDirsOf(['check', '--help'], { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(off.dirs).toEqual(['', '']);
    rmSync(chosen, { recursive: true, force: true });
  });

  it('leaves the young generation to an operator who sized it in NODE_OPTIONS', () => {
    expect(flagsOf(['check', '--help'], '--max-semi-space-size=16')).toEqual({ status: 0, flags: [[]] });
  });
});
