import { spawn } from 'node:child_process';

/** A failed git command: exit code and stderr, for the caller to map to an HTTP status. */
export class GitError extends Error {
  readonly code: number | null;
  readonly stderr: string;
  constructor(args: string[], code: number | null, stderr: string) {
    super(`git ${args[0] ?? ''} failed (${code}): ${stderr.trim()}`);
    this.code = code;
    this.stderr = stderr;
  }
}

/** Fixed identity and no user config, so the stand-in behaves the same on every machine. */
const BASE_ENV: NodeJS.ProcessEnv = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'github-stand-in',
  GIT_AUTHOR_EMAIL: 'stand-in@localhost',
  GIT_COMMITTER_NAME: 'github-stand-in',
  GIT_COMMITTER_EMAIL: 'stand-in@localhost',
};

/** Runs `git --git-dir DIR ARGS…` with optional stdin; resolves to stdout as a Buffer. */
export function git(
  gitDir: string,
  args: string[],
  opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['--git-dir', gitDir, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...BASE_ENV, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitError(args, code, Buffer.concat(err).toString('utf8')));
    });
    child.stdin.on('error', () => {}); // git may exit before reading all input; the exit code tells
    child.stdin.end(opts.input ?? '');
  });
}

/** Same as git() but returns trimmed UTF-8 text. */
export async function gitText(
  gitDir: string,
  args: string[],
  opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  return (await git(gitDir, args, opts)).toString('utf8').trim();
}
