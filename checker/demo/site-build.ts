/**
 * Builds the Astro site from the demo's files (`astro build --root site --outDir …`, the same build as
 * `npm run build`), in a child process with SMART_CONFIG / SMART_DOCS / SMART_STATUS_DIR / SMART_NOW.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inputsEnv } from '../../site/src/lib/inputs.ts';

/** Inputs and output of one build. */
export interface SiteBuildInputs {
  /** The repository root (where site/ and node_modules/ are). */
  root: string;
  config: string;
  docs: string;
  status: string;
  outDir: string;
  /** "Now" for the site's freshness texts (the demo's last cycle). */
  now?: Date;
  /** Kills the build when aborted. */
  signal?: AbortSignal;
}

/** Why the site cannot be built here, or undefined when it can. */
export function siteMissing(root: string): string | undefined {
  if (
    !existsSync(join(root, 'site', 'astro.config.ts')) &&
    !existsSync(join(root, 'site', 'astro.config.mjs'))
  )
    return 'сайта ещё нет в репозитории (site/astro.config.*)';
  if (!existsSync(join(root, 'node_modules', 'astro', 'bin', 'astro.mjs')))
    return 'пакет astro не установлен (выполните npm ci)';
  return undefined;
}

/** Runs the build; resolves with the exit code and the combined output (never rejects on a failed build). */
export function buildSite(inputs: SiteBuildInputs): Promise<{ code: number; output: string }> {
  const env = inputsEnv({ ...inputs, now: inputs.now?.toISOString() });
  const astro = join(inputs.root, 'node_modules', 'astro', 'bin', 'astro.mjs');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [astro, 'build', '--root', 'site', '--outDir', inputs.outDir], {
      cwd: inputs.root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(inputs.signal ? { signal: inputs.signal } : {}),
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('error', (err) => resolve({ code: 1, output: `${output}${err.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
