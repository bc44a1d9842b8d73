/**
 * What a newcomer sees from `npm ci` when the system Node is older than the project's (issue 18.7): npm on
 * Node 20 printed 45 lines of EBADENGINE warnings that read like a failed install. `.npmrc` keeps npm's log to
 * errors, and the postinstall (bin/link-bin.js) says in one line which Node the project uses.
 *
 * The npm on PATH runs on this Node with `process.version` set to v20.20.2 before npm starts (npm reads the
 * engine to check from it; its `node-version` setting is no longer honoured): the same 45 lines the system Node
 * 20 gives. It runs in the project itself as a dry run, offline and without scripts: it compares the installed
 * tree with the lockfile (npm checks engines only with node_modules present), writes nothing, fetches nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'smart-npm-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** npm's own script (/usr/bin/npm is a link to it), run below on this Node under a preload. */
const npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
const asNode20 = join(scratch, 'as-node-20.cjs');
writeFileSync(asNode20, "Object.defineProperty(process, 'version', { value: 'v20.20.2' });\n");

/** The environment without what a parent npm (npm test) passes on, so the child npm sees only the copy. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

function dryInstall(...extra: string[]) {
  return spawnSync(
    process.execPath,
    [
      '--require',
      asNode20,
      npmCli,
      'install',
      '--dry-run',
      '--ignore-scripts',
      '--offline',
      '--no-audit',
      '--no-fund',
      ...extra,
    ],
    { cwd: root, env: cleanEnv(), encoding: 'utf8', timeout: 120_000 },
  );
}

describe('npm ci on the system Node 20 (issue 18.7)', () => {
  const project = join(scratch, 'project');
  mkdirSync(project);
  for (const f of ['package.json', 'package-lock.json', '.npmrc'])
    copyFileSync(join(root, f), join(project, f));

  it('the engine warnings are real on Node 20, and .npmrc keeps them off the screen', () => {
    // The warnings npm would print without the project's loglevel: the scenario is real.
    const loud = dryInstall('--loglevel=warn');
    expect(loud.status).toBe(0);
    expect(loud.stderr).toContain('npm warn EBADENGINE');
    expect(loud.stderr).toContain("package: 'smart-status@0.1.0'");

    const quiet = dryInstall();
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe('');
  }, 240_000);

  it('the postinstall says in one line which Node the project uses', () => {
    const copy = join(scratch, 'link');
    mkdirSync(join(copy, 'bin'), { recursive: true });
    copyFileSync(join(root, 'bin', 'link-bin.js'), join(copy, 'bin', 'link-bin.js'));
    const run = (agent: string) =>
      execFileSync(process.execPath, [join(copy, 'bin', 'link-bin.js')], {
        env: cleanEnv({ npm_config_user_agent: agent }),
        encoding: 'utf8',
      });
    expect(run('npm/11.19.1 node/v20.20.2 linux x64 workspaces/false')).toBe(
      `smart-status: npm runs on Node v20.20.2; the project uses Node ${process.version} from node_modules/.bin (npm test, npm start, npx smart).\n`,
    );
    // npm on the project's own Node: nothing to say.
    expect(run(`npm/11.19.1 node/${process.version} linux x64 workspaces/false`)).toBe('');
    expect(readlinkSync(join(copy, 'node_modules', '.bin', 'smart'))).toBe(
      join('..', '..', 'bin', 'smart.js'),
    );
  });
});
