import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Octokit } from '@octokit/rest';
import { z } from 'zod';
import { secrets } from '../secrets/scrub.ts';
import { FileTooLargeError, MAX_STATUS_FILE } from '../status/limits.ts';
import { createGithubClient } from './github-client.ts';
import { expectShape, explainGithubError, GithubStoreError, httpStatus } from './github-errors.ts';
import { readTarball } from './tar.ts';
import type { StatusStore, StoreChanges, StoreView, UpdateResult } from './types.ts';

/** Options of the `github` store. */
export interface GithubStoreOptions {
  /** GITHUB_TOKEN (contents: write). Passed in by the command; never printed or put in messages. */
  token: string;
  /** owner/name (GITHUB_REPOSITORY). */
  repository: string;
  /** REST API base, default https://api.github.com (GITHUB_API_URL). */
  apiUrl?: string;
  /** Branch holding the status data, default `status`. */
  branch?: string;
  /** A ready client (tests, shared throttling); default: createGithubClient({ token, apiUrl }). */
  octokit?: Octokit;
  /** Update attempts when another writer moved the branch meanwhile, default 5. */
  maxAttempts?: number;
  /** First backoff pause after a lost race in ms (doubles each time, plus jitter), default 300. */
  backoffMs?: number;
  /**
   * How file contents are fetched: `blobs` (default) one getBlob per file read; `tarball` the whole commit in
   * one request on the first read (one API request per run instead of one per file: GITHUB_TOKEN allows
   * 1,000 requests an hour per repository, and a run over 100 installations reads ~140 files).
   */
  reads?: 'blobs' | 'tarball';
}

/** A snapshot of the branch: the commit, its tree and every file's blob sha. */
interface Snapshot {
  commit: string | undefined;
  tree: string | undefined;
  files: Map<string, string>;
  /** Blob sizes in bytes as git records them (reads refuse oversized files before downloading them). */
  sizes: Map<string, number>;
}

/** The fields of GitHub's answers the store reads (anything else in them is ignored). */
const refShape = z.object({ object: z.object({ sha: z.string() }) });
const treeShape = z.object({
  sha: z.string(),
  truncated: z.boolean().optional(),
  tree: z.array(
    z.object({
      path: z.string().optional(),
      type: z.string().optional(),
      sha: z.string().optional(),
      size: z.number().optional(),
    }),
  ),
});
const blobShape = z.object({ content: z.string(), encoding: z.string() });
const shaShape = z.object({ sha: z.string() });

/** Git's blob id of a text: lets unchanged files be skipped without downloading them. */
export function gitBlobSha(text: string): string {
  const body = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

function checkPath(path: string): void {
  if (
    !path ||
    path.startsWith('/') ||
    path.endsWith('/') ||
    path.split('/').some((p) => p === '' || p === '.' || p === '..')
  ) {
    throw new GithubStoreError(`Недопустимый путь в хранилище статуса: «${path}»`);
  }
}

/**
 * The status data on a branch of a GitHub repository, through the Git Data API: each update is one commit
 * carrying only the changed files (getRef → createTree with base_tree → createCommit → updateRef force:false).
 * When another writer committed first (422 not a fast forward), `change` runs again on the new tip.
 */
export function createGithubStore(opts: GithubStoreOptions): StatusStore {
  const [owner = '', repo = ''] = opts.repository.split('/');
  if (!owner || !repo || opts.repository.split('/').length !== 2) {
    throw new GithubStoreError(
      `GITHUB_REPOSITORY должен иметь вид владелец/репозиторий, получено «${opts.repository}»`,
    );
  }
  const branch = opts.branch ?? 'status';
  secrets.add(opts.token);
  const octokit = opts.octokit ?? createGithubClient({ token: opts.token, apiUrl: opts.apiUrl });
  const maxAttempts = opts.maxAttempts ?? 5;
  const backoffMs = opts.backoffMs ?? 300;
  const name = `${opts.repository}@${branch}`;
  const blobs = new Map<string, string>();
  let current: Promise<Snapshot> | undefined;

  async function api<T>(doing: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      throw explainGithubError(e, { doing, repository: opts.repository, token: opts.token });
    }
  }

  function remember(sha: string, text: string): void {
    if (blobs.size >= 20_000) blobs.delete(blobs.keys().next().value ?? '');
    blobs.set(sha, text);
  }

  async function snapshot(): Promise<Snapshot> {
    let commit: string;
    try {
      const ref = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` });
      commit = expectShape(`чтение ветки ${branch}`, refShape, ref.data).object.sha;
    } catch (e) {
      if (httpStatus(e) !== 404)
        throw explainGithubError(e, {
          doing: `чтение ветки ${branch}`,
          repository: opts.repository,
          token: opts.token,
        });
      // 404 is either "no such branch yet" (fine: the first update creates it) or "no such repository".
      await api('открытие репозитория', () => octokit.rest.repos.get({ owner, repo }));
      return { commit: undefined, tree: undefined, files: new Map(), sizes: new Map() };
    }
    const tree = await api(`чтение дерева ветки ${branch}`, async () =>
      expectShape(
        `чтение дерева ветки ${branch}`,
        treeShape,
        (await octokit.rest.git.getTree({ owner, repo, tree_sha: commit, recursive: 'true' })).data,
      ),
    );
    if (tree.truncated) {
      throw new GithubStoreError(
        `Дерево ветки ${branch} в ${opts.repository} слишком велико для API (truncated): сожмите ветку.`,
      );
    }
    const files = new Map<string, string>();
    const sizes = new Map<string, number>();
    for (const e of tree.tree) {
      if (e.type !== 'blob' || !e.path || !e.sha) continue;
      files.set(e.path, e.sha);
      if (e.size !== undefined) sizes.set(e.path, e.size);
    }
    return { commit, tree: tree.sha, files, sizes };
  }

  let tarball: { commit: string; loaded: Promise<void> } | undefined;
  /** Fills the blob cache with every file of the snapshot's commit from one tarball download. */
  function loadTarball(snap: Snapshot): Promise<void> {
    const commit = snap.commit ?? '';
    if (tarball?.commit !== commit) {
      const loaded = api('загрузка архива ветки', () =>
        octokit.rest.repos.downloadTarballArchive({ owner, repo, ref: commit }),
      ).then((res) => {
        if (!(res.data instanceof ArrayBuffer))
          throw new GithubStoreError('Архив ветки пришёл не архивом: проверьте GITHUB_API_URL и прокси.');
        for (const [path, body] of readTarball(new Uint8Array(res.data))) {
          const sha = snap.files.get(path);
          const text = body.toString('utf8');
          if (sha && gitBlobSha(text) === sha) remember(sha, text);
        }
      });
      loaded.catch(() => {
        tarball = undefined;
      });
      tarball = { commit, loaded };
    }
    return tarball.loaded;
  }

  function viewOf(snap: Snapshot): StoreView {
    return {
      async read(path, readOpts) {
        const sha = snap.files.get(path);
        if (sha === undefined) return undefined;
        const max = readOpts?.maxBytes ?? MAX_STATUS_FILE;
        const size = snap.sizes.get(path);
        if (size !== undefined && size > max) throw new FileTooLargeError(path, size, max);
        if (opts.reads === 'tarball' && !blobs.has(sha)) await loadTarball(snap);
        const cached = blobs.get(sha);
        if (cached !== undefined) return cached;
        const blob = await api(`чтение ${path}`, async () =>
          expectShape(
            `чтение ${path}`,
            blobShape,
            (await octokit.rest.git.getBlob({ owner, repo, file_sha: sha })).data,
          ),
        );
        const text = Buffer.from(blob.content, blob.encoding === 'base64' ? 'base64' : 'utf8').toString(
          'utf8',
        );
        remember(sha, text);
        return text;
      },
      async list(dir) {
        const prefix = dir.replace(/^\.?\/*/, '').replace(/\/+$/, '');
        const all = [...snap.files.keys()];
        return (prefix ? all.filter((p) => p.startsWith(`${prefix}/`)) : all).sort();
      },
    };
  }

  function snapshotNow(): Promise<Snapshot> {
    current ??= snapshot().catch((e: unknown) => {
      current = undefined;
      throw e;
    });
    return current;
  }

  /** Keeps only real changes: new content, or deletion of a file that exists. */
  function effective(snap: Snapshot, changes: StoreChanges): Map<string, string | null> {
    const out = new Map<string, string | null>();
    for (const [path, text] of changes) {
      checkPath(path);
      if (text === null ? snap.files.has(path) : gitBlobSha(text) !== snap.files.get(path))
        out.set(path, text);
    }
    return out;
  }

  async function commitOnce(
    snap: Snapshot,
    message: string,
    files: Map<string, string | null>,
  ): Promise<string> {
    const entries = [...files].map(([path, text]) =>
      text === null
        ? { path, mode: '100644' as const, type: 'blob' as const, sha: null }
        : { path, mode: '100644' as const, type: 'blob' as const, content: text },
    );
    const tree = await api('создание дерева', async () =>
      expectShape(
        'создание дерева',
        shaShape,
        (
          await octokit.rest.git.createTree({
            owner,
            repo,
            tree: entries,
            ...(snap.tree ? { base_tree: snap.tree } : {}),
          })
        ).data,
      ),
    );
    const commit = await api('создание коммита', async () =>
      expectShape(
        'создание коммита',
        shaShape,
        (
          await octokit.rest.git.createCommit({
            owner,
            repo,
            message,
            tree: tree.sha,
            parents: snap.commit ? [snap.commit] : [],
          })
        ).data,
      ),
    );
    const sha = commit.sha;
    if (snap.commit) {
      await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha, force: false });
    } else {
      await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha });
    }
    return sha;
  }

  return {
    name,
    read: async (path, readOpts) => viewOf(await snapshotNow()).read(path, readOpts),
    list: async (dir) => viewOf(await snapshotNow()).list(dir),
    async update(message, change): Promise<UpdateResult> {
      for (let attempt = 1; ; attempt++) {
        const snap = await snapshot();
        const files = effective(snap, await change(viewOf(snap)));
        if (files.size === 0) {
          current = Promise.resolve(snap);
          return { changed: 0, retries: attempt - 1, ...(snap.commit ? { commit: snap.commit } : {}) };
        }
        try {
          const commit = await commitOnce(snap, message, files);
          for (const [, text] of files) if (text !== null) remember(gitBlobSha(text), text);
          current = undefined;
          return { changed: files.size, retries: attempt - 1, commit };
        } catch (e) {
          const status = httpStatus(e);
          const lostRace = !(e instanceof GithubStoreError) && (status === 422 || status === 409);
          if (!lostRace)
            throw explainGithubError(e, {
              doing: `запись в ветку ${branch}`,
              repository: opts.repository,
              token: opts.token,
            });
          if (attempt >= maxAttempts) {
            throw new GithubStoreError(
              `Ветка ${branch} в ${opts.repository} меняется другим процессом: запись не удалась за ${maxAttempts} попыток.`,
              status,
            );
          }
          current = undefined;
          await sleep(backoffMs * 2 ** (attempt - 1) + Math.random() * backoffMs);
        }
      }
    },
  };
}
