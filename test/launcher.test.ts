/**
 * bin/smart.js, the command users type (issue 15.2): `smart check` runs with a small young generation, so a
 * run of 1,000 installations stays under 300 MB of RSS (Node 24 otherwise sizes it from the machine's memory);
 * an operator's own choice in NODE_OPTIONS wins, and every other command runs in the launcher's own process.
 * Each node process the command starts reports its flags at exit through a preload carried in NODE_OPTIONS.
 */
import { spawnSync } from 'node:child_process';
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

describe('the smart launcher', () => {
  it('starts smart check with 4 MiB semispaces, in a child of its own', () => {
    const r = flagsOf(['check', '--help']);
    expect(r.status).toBe(0);
    expect(r.flags).toEqual([['--max-semi-space-size=4'], []]);
  });

  it('runs every other command in its own process, untouched', () => {
    expect(flagsOf(['validate', '--help'])).toEqual({ status: 0, flags: [[]] });
  });

  it('leaves the young generation to an operator who sized it in NODE_OPTIONS', () => {
    expect(flagsOf(['check', '--help'], '--max-semi-space-size=16')).toEqual({ status: 0, flags: [[]] });
  });
});
