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

/** One commit for importCommits: files to write (text) or delete (null), and the author/committer date. */
export interface ImportedCommit {
  message: string;
  date: Date;
  files: Map<string, string | null>;
}

/**
 * Appends commits to `ref` with one `git fast-import` process (far cheaper than one git call per object):
 * for test setup and benchmarks that need long histories with chosen dates.
 */
export async function importCommits(
  gitDir: string,
  ref: string,
  commits: Iterable<ImportedCommit>,
): Promise<void> {
  let exists = true;
  await git(gitDir, ['rev-parse', '--verify', '--quiet', ref]).catch(() => {
    exists = false;
  });
  const chunks: Buffer[] = [];
  const add = (s: string | Buffer) => chunks.push(typeof s === 'string' ? Buffer.from(s, 'utf8') : s);
  const data = (text: string) => {
    const body = Buffer.from(text, 'utf8');
    add(`data ${body.length}\n`);
    add(body);
    add('\n');
  };
  let first = true;
  for (const c of commits) {
    const when = `${Math.floor(c.date.getTime() / 1000)} +0000`;
    add(
      `commit ${ref}\nauthor checker <checker@localhost> ${when}\ncommitter checker <checker@localhost> ${when}\n`,
    );
    data(c.message);
    if (first && exists) add(`from ${ref}^0\n`);
    first = false;
    for (const [path, text] of c.files) {
      if (text === null) add(`D ${path}\n`);
      else {
        add(`M 100644 inline ${path}\n`);
        data(text);
      }
    }
  }
  add('done\n');
  await git(gitDir, ['fast-import', '--quiet', '--done'], { input: Buffer.concat(chunks) });
}
