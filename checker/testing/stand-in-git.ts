import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError, git, gitText } from './git-cli.ts';

/**
 * The Git Data operations of the GitHub stand-in, done with the git CLI on a bare repository and answered in
 * GitHub's JSON shapes. Failures are thrown as ApiError with GitHub's status code and message.
 */

/** An error the stand-in answers with: GitHub's status code and `message`. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const SHA = /^[0-9a-f]{40}$/;
const ZERO = '0'.repeat(40);

/** A person in a commit, as GitHub shows it. */
export interface GitPerson {
  name: string;
  email: string;
  date: string;
}

/** Git Data operations on one bare repository; `base` is the API URL prefix of the repository. */
export class StandInGit {
  readonly dir: string;
  readonly base: string;
  /** Object types seen so far: objects never change, so one cat-file per object is enough. */
  readonly types: Map<string, string>;
  /** Tree and first parent of commits made through the stand-in (saves git calls on the hot path). */
  readonly commits: Map<string, { tree: string; parent: string | undefined }>;
  constructor(dir: string, base: string, cache: StandInCache = newStandInCache()) {
    this.dir = dir;
    this.base = base;
    this.types = cache.types;
    this.commits = cache.commits;
  }

  async objectType(sha: string): Promise<string | undefined> {
    if (!SHA.test(sha)) return undefined;
    const known = this.types.get(sha);
    if (known) return known;
    try {
      const type = await gitText(this.dir, ['cat-file', '-t', sha]);
      this.types.set(sha, type);
      return type;
    } catch {
      return undefined;
    }
  }

  async resolveRef(ref: string): Promise<string | undefined> {
    try {
      return await gitText(this.dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    } catch {
      return undefined;
    }
  }

  refJson(ref: string, sha: string) {
    return {
      ref,
      node_id: Buffer.from(ref).toString('base64'),
      url: `${this.base}/git/${ref}`,
      object: { sha, type: 'commit', url: `${this.base}/git/commits/${sha}` },
    };
  }

  async getRef(ref: string) {
    const sha = await this.resolveRef(ref);
    if (!sha) throw new ApiError(404, 'Not Found');
    return this.refJson(ref, sha);
  }

  async createRef(ref: string, sha: string) {
    if (!/^refs\/[^/]+\/.+/.test(ref)) throw new ApiError(422, 'Reference name is not valid');
    if ((await this.objectType(sha)) !== 'commit') throw new ApiError(422, 'Object does not exist');
    try {
      await git(this.dir, ['update-ref', ref, sha, ZERO]);
    } catch {
      throw new ApiError(422, 'Reference already exists');
    }
    return this.refJson(ref, sha);
  }

  /** Moves a ref; without force only forward, with compare-and-swap so a racing writer gets 422 too. */
  async updateRef(ref: string, sha: string, force: boolean) {
    const current = await this.resolveRef(ref);
    if (!current) throw new ApiError(422, 'Reference does not exist');
    if ((await this.objectType(sha)) !== 'commit') throw new ApiError(422, 'Object does not exist');
    // The usual case, a commit made on top of the current tip, needs no ancestry walk.
    if (!force && this.commits.get(sha)?.parent !== current) {
      try {
        await git(this.dir, ['merge-base', '--is-ancestor', current, sha]);
      } catch {
        throw new ApiError(422, 'Update is not a fast forward');
      }
    }
    try {
      await git(this.dir, ['update-ref', ref, sha, current]);
    } catch {
      throw new ApiError(422, 'Update is not a fast forward');
    }
    return this.refJson(ref, sha);
  }

  async createBlob(content: string, encoding: string) {
    const data = encoding === 'base64' ? Buffer.from(content, 'base64') : Buffer.from(content, 'utf8');
    const sha = await gitText(this.dir, ['hash-object', '-w', '--stdin'], { input: data });
    this.types.set(sha, 'blob');
    return { sha, url: `${this.base}/git/blobs/${sha}` };
  }

  async getBlob(sha: string) {
    if ((await this.objectType(sha)) !== 'blob') throw new ApiError(404, 'Not Found');
    const data = await git(this.dir, ['cat-file', 'blob', sha]);
    // GitHub wraps base64 at 60 characters.
    const content = (data.toString('base64').match(/.{1,60}/g) ?? []).join('\n');
    return {
      sha,
      node_id: Buffer.from(sha).toString('base64'),
      size: data.length,
      url: `${this.base}/git/blobs/${sha}`,
      content: content ? `${content}\n` : '',
      encoding: 'base64',
    };
  }

  /** ls-tree in GitHub's tree-entry shape. */
  async treeEntries(sha: string, recursive: boolean) {
    const args = ['ls-tree', '-z', '-l', ...(recursive ? ['-r', '-t'] : []), sha];
    const out = (await git(this.dir, args)).toString('utf8');
    return out
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const tab = line.indexOf('\t');
        const [mode = '', type = '', entrySha = '', size = '-'] = line.slice(0, tab).split(/\s+/);
        const entry = { path: line.slice(tab + 1), mode, type, sha: entrySha };
        const url = `${this.base}/git/${type === 'tree' ? 'trees' : 'blobs'}/${entrySha}`;
        return type === 'blob' ? { ...entry, size: Number(size), url } : { ...entry, url };
      });
  }

  async getTree(sha: string, recursive: boolean) {
    let treeSha = sha;
    const type = await this.objectType(sha);
    if (type === 'commit') {
      treeSha = this.commits.get(sha)?.tree ?? (await gitText(this.dir, ['rev-parse', `${sha}^{tree}`]));
    } else if (type !== 'tree') throw new ApiError(404, 'Not Found');
    const tree = await this.treeEntries(treeSha, recursive);
    return { sha: treeSha, url: `${this.base}/git/trees/${treeSha}`, tree, truncated: false };
  }

  /** POST git/trees: paths may be nested; `sha: null` deletes; `content` is stored as a new blob. */
  async createTree(entries: TreeInput[], baseTree: string | undefined) {
    if (baseTree !== undefined && !(await this.isTree(baseTree))) {
      throw new ApiError(422, 'Invalid tree info');
    }
    const work = await mkdtemp(join(tmpdir(), 'stand-in-tree-'));
    try {
      const env = { GIT_INDEX_FILE: join(work, 'index') };
      await git(this.dir, baseTree ? ['read-tree', baseTree] : ['read-tree', '--empty'], { env });
      const lines: string[] = [];
      const contents: { index: number; file: string }[] = [];
      for (const [i, e] of entries.entries()) {
        if (typeof e.path !== 'string' || !e.path || e.path.startsWith('/') || e.path.includes('//')) {
          throw new ApiError(422, 'tree.path contains a malformed path component');
        }
        if (e.type !== 'blob' || !['100644', '100755'].includes(e.mode)) {
          throw new ApiError(422, `tree.type/mode not supported by the stand-in for ${e.path}`);
        }
        if (e.sha === null) {
          lines.push(`0 ${ZERO}\t${e.path}`);
        } else if (typeof e.content === 'string') {
          const file = join(work, `c${i}`);
          await writeFile(file, e.content, 'utf8');
          contents.push({ index: lines.length, file });
          lines.push(`${e.mode} @\t${e.path}`);
        } else if (typeof e.sha === 'string' && (await this.objectType(e.sha)) === 'blob') {
          lines.push(`${e.mode} ${e.sha}\t${e.path}`);
        } else {
          throw new ApiError(422, `tree.sha ${String(e.sha)} is not a valid blob`);
        }
      }
      if (contents.length > 0) {
        const shas = (
          await gitText(this.dir, ['hash-object', '-w', '--stdin-paths'], {
            input: contents.map((c) => c.file).join('\n'),
          })
        ).split('\n');
        contents.forEach((c, k) => {
          lines[c.index] = (lines[c.index] ?? '').replace(' @\t', ` ${shas[k]}\t`);
        });
      }
      await git(this.dir, ['update-index', '--index-info'], { env, input: `${lines.join('\n')}\n` });
      const sha = await gitText(this.dir, ['write-tree'], { env });
      this.types.set(sha, 'tree');
      return this.getTree(sha, false);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  async isTree(sha: string): Promise<boolean> {
    return (await this.objectType(sha)) === 'tree';
  }

  async createCommit(input: {
    message: string;
    tree: string;
    parents: string[];
    author?: Partial<GitPerson>;
  }) {
    if (typeof input.message !== 'string') throw new ApiError(422, 'Invalid request: message is required');
    if (!(await this.isTree(input.tree))) throw new ApiError(422, 'Tree SHA does not exist');
    for (const p of input.parents) {
      if ((await this.objectType(p)) !== 'commit') throw new ApiError(422, 'Parent SHA does not exist');
    }
    const env: NodeJS.ProcessEnv = {};
    if (input.author?.name) env.GIT_AUTHOR_NAME = input.author.name;
    if (input.author?.email) env.GIT_AUTHOR_EMAIL = input.author.email;
    if (input.author?.date) env.GIT_AUTHOR_DATE = input.author.date;
    const args = ['commit-tree', input.tree, ...input.parents.flatMap((p) => ['-p', p])];
    const sha = await gitText(this.dir, args, { input: input.message, env });
    this.types.set(sha, 'commit');
    this.commits.set(sha, { tree: input.tree, parent: input.parents[0] });
    return this.getCommit(sha);
  }

  async getCommit(sha: string) {
    if ((await this.objectType(sha)) !== 'commit') throw new ApiError(404, 'Not Found');
    const raw = (await git(this.dir, ['cat-file', 'commit', sha])).toString('utf8');
    const split = raw.indexOf('\n\n');
    const headers = raw.slice(0, split).split('\n');
    const field = (name: string) =>
      headers.filter((h) => h.startsWith(`${name} `)).map((h) => h.slice(name.length + 1));
    const person = (line = ''): GitPerson => {
      const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line);
      return {
        name: m?.[1] ?? '',
        email: m?.[2] ?? '',
        date: new Date(Number(m?.[3] ?? 0) * 1000).toISOString().replace('.000Z', 'Z'),
      };
    };
    const tree = field('tree')[0] ?? '';
    return {
      sha,
      node_id: Buffer.from(sha).toString('base64'),
      url: `${this.base}/git/commits/${sha}`,
      html_url: `${this.base.replace('/repos/', '/')}/commit/${sha}`,
      author: person(field('author')[0]),
      committer: person(field('committer')[0]),
      tree: { sha: tree, url: `${this.base}/git/trees/${tree}` },
      message: raw.slice(split + 2).replace(/\n$/, ''),
      parents: field('parent').map((p) => ({ sha: p, url: `${this.base}/git/commits/${p}` })),
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    };
  }

  /** GET /commits: first-parent history of `start`, newest first, with since/until on the committer date. */
  async listCommits(start: string, q: { since?: string; until?: string; perPage: number; page: number }) {
    const tip = SHA.test(start) ? start : await this.resolveRef(`refs/heads/${start}`);
    if (!tip) throw new ApiError(404, `No commit found for SHA: ${start}`);
    const args = ['log', '--first-parent', `--max-count=${q.perPage}`, `--skip=${(q.page - 1) * q.perPage}`];
    if (q.since) args.push(`--since=${q.since}`);
    if (q.until) args.push(`--until=${q.until}`);
    // One git log for the page: fields separated by NUL, commits by RS.
    const format = '--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B%x1e';
    const text = (await git(this.dir, [...args, format, tip])).toString('utf8');
    const out = [];
    for (const record of text.split('\x1e')) {
      const [sha, tree, parents, an, ae, ad, cn, ce, cd, message] = record.replace(/^\n/, '').split('\0');
      if (!sha || !tree) continue;
      const date = (d = '') => new Date(d).toISOString().replace('.000Z', 'Z');
      out.push({
        sha,
        node_id: Buffer.from(sha).toString('base64'),
        url: `${this.base}/commits/${sha}`,
        commit: {
          author: { name: an, email: ae, date: date(ad) },
          committer: { name: cn, email: ce, date: date(cd) },
          message: (message ?? '').replace(/\n$/, ''),
          tree: { sha: tree, url: `${this.base}/git/trees/${tree}` },
          url: `${this.base}/git/commits/${sha}`,
        },
        parents: (parents ?? '')
          .split(' ')
          .filter(Boolean)
          .map((p) => ({ sha: p, url: `${this.base}/git/commits/${p}` })),
      });
    }
    return out;
  }
}

/** What a stand-in remembers across requests about immutable objects. */
export interface StandInCache {
  types: Map<string, string>;
  commits: Map<string, { tree: string; parent: string | undefined }>;
}

export function newStandInCache(): StandInCache {
  return { types: new Map(), commits: new Map() };
}

/** One entry of a POST git/trees body. */
export interface TreeInput {
  path: string;
  mode: string;
  type: string;
  sha?: string | null;
  content?: string;
}

/** Creates the bare repository with one commit on `main`, as a fresh GitHub repository with a README has. */
export async function initBareRepository(dir: string): Promise<void> {
  await git(dir, ['init', '--bare', '--quiet', '--initial-branch=main', dir]).catch((e: unknown) => {
    if (e instanceof GitError) throw new Error(`git init failed: ${e.stderr}`);
    throw e;
  });
  const blob = await gitText(dir, ['hash-object', '-w', '--stdin'], { input: '# smart status\n' });
  const tree = await gitText(dir, ['mktree'], { input: `100644 blob ${blob}\tREADME.md\n` });
  const commit = await gitText(dir, ['commit-tree', tree], { input: 'Initial commit' });
  await git(dir, ['update-ref', 'refs/heads/main', commit, ZERO]);
}
