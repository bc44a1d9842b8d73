/** Runs `astro build` for the site in a child process, the way `npm run build` does, with chosen inputs. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inputsEnv } from '../src/lib/inputs.ts';

/** The repository root (site/ lives in it). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ASTRO = fileURLToPath(new URL('../../node_modules/astro/bin/astro.mjs', import.meta.url));

export interface BuildInputs {
  config: string;
  docs: string;
  status: string;
  /** ISO date-time used as "now". */
  now?: string;
  outDir: string;
}

/** Builds the site; resolves with the exit code and the output (never rejects on a failed build). */
export function buildSite(
  inputs: BuildInputs,
  command: string[] = [process.execPath, ASTRO],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = inputsEnv(inputs);
  return new Promise((resolve, reject) => {
    const [exe, ...pre] = command;
    const child = spawn(exe!, [...pre, 'build', '--root', 'site', '--outDir', inputs.outDir], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
