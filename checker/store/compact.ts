import type { Octokit } from '@octokit/rest';
import { z } from 'zod';
import { expectShape, explainGithubError, GithubStoreError } from './github-errors.ts';

const refShape = z.object({ object: z.object({ sha: z.string() }) });
const shaShape = z.object({ sha: z.string() });
const commitShape = z.object({
  parents: z.array(z.unknown()),
  tree: z.object({ sha: z.string() }),
  author: z.object({ date: z.string() }),
});
const listShape = z.array(
  z.object({
    sha: z.string(),
    parents: z.array(z.object({ sha: z.string() })),
    commit: z.object({
      message: z.string(),
      tree: z.object({ sha: z.string() }),
      author: z
        .object({ name: z.string().optional(), email: z.string().optional(), date: z.string().optional() })
        .nullable(),
    }),
  }),
);

/** Options of compactBranch. */
export interface CompactOptions {
  /** owner/name. */
  repository: string;
  /** Branch to compact, default `status`. */
  branch?: string;
  /** Per-run commits of the last N days are kept (re-created on the squashed root); 0 keeps none. */
  keepDays: number;
  /** The clock, injectable for tests. */
  now?: () => Date;
  /** For scrubbing error messages. */
  token?: string;
  /** Progress lines for the operator. */
  log?: (message: string) => void;
}

/** What compaction did. */
export interface CompactResult {
  /** False when there was nothing older than `keepDays` to squash. */
  compacted: boolean;
  /** The branch tip before and after. */
  before: string;
  after: string;
  /** Recent commits re-created on top of the squashed root. */
  kept: number;
}

interface ListedCommit {
  sha: string;
  parents: { sha: string }[];
  commit: {
    message: string;
    tree: { sha: string };
    author: { name?: string; email?: string; date?: string } | null;
  };
}

/**
 * Squashes the history of the status branch older than `keepDays` into one root commit whose tree is the
 * data as of that moment, re-creates the newer commits on top (same trees, messages and author dates), and
 * moves the branch there. The old commits become unreachable, so git (and GitHub's own garbage collection)
 * can drop the per-run versions of every file: the branch then costs one snapshot plus the kept days.
 *
 * This is the ONLY place that moves the branch with force. Commits that land while compaction runs are
 * picked up and re-created too; a commit landing in the last moment between the final check and the forced
 * update would be lost, so run compaction in the checker's own concurrency group, right after a run.
 */
export async function compactBranch(octokit: Octokit, opts: CompactOptions): Promise<CompactResult> {
  const [owner = '', repo = ''] = opts.repository.split('/');
  const branch = opts.branch ?? 'status';
  const log = opts.log ?? (() => {});
  const cutoff = new Date((opts.now ?? (() => new Date()))().getTime() - opts.keepDays * 86_400_000);

  async function api<T>(doing: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      throw explainGithubError(e, { doing, repository: opts.repository, token: opts.token ?? '' });
    }
  }
  const tipOf = async () =>
    expectShape(
      `чтение ветки ${branch}`,
      refShape,
      (
        await api(`чтение ветки ${branch}`, () =>
          octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` }),
        )
      ).data,
    ).object.sha;

  /** First-parent commits from `tip` (newest first) while `keep` says so. */
  async function walk(tip: string, keep: (c: ListedCommit) => boolean): Promise<ListedCommit[]> {
    const out: ListedCommit[] = [];
    for (let page = 1; ; page++) {
      const res = await api('чтение истории', () =>
        octokit.rest.repos.listCommits({ owner, repo, sha: tip, per_page: 100, page }),
      );
      const list: ListedCommit[] = expectShape('чтение истории', listShape, res.data);
      for (const c of list) {
        if (!keep(c)) return out;
        out.push(c);
      }
      if (list.length < 100) return out;
    }
  }
  const dateOf = (c: ListedCommit) => new Date(c.commit.author?.date ?? 0);

  const before = await tipOf();
  const recent = await walk(before, (c) => dateOf(c) >= cutoff);
  const boundary = recent.length ? recent[recent.length - 1]?.parents[0]?.sha : before;
  if (!boundary) return { compacted: false, before, after: before, kept: recent.length };
  const base = {
    data: expectShape(
      'чтение коммита',
      commitShape,
      (await api('чтение коммита', () => octokit.rest.git.getCommit({ owner, repo, commit_sha: boundary })))
        .data,
    ),
  };
  if (base.data.parents.length === 0) return { compacted: false, before, after: before, kept: recent.length };

  const root = await api('создание сжатого коммита', () =>
    octokit.rest.git.createCommit({
      owner,
      repo,
      message: `Compact status history up to ${base.data.author.date}`,
      tree: base.data.tree.sha,
      parents: [],
    }),
  );
  log(
    `Сжатие ${branch}: история до ${base.data.author.date} заменена одним коммитом, переносится ${recent.length}`,
  );

  let head = expectShape('создание сжатого коммита', shaShape, root.data).sha;
  const replay = async (commits: ListedCommit[]) => {
    for (const c of [...commits].reverse()) {
      const a = c.commit.author;
      const made = await api('перенос коммита', () =>
        octokit.rest.git.createCommit({
          owner,
          repo,
          message: c.commit.message,
          tree: c.commit.tree.sha,
          parents: [head],
          ...(a?.name && a.email && a.date ? { author: { name: a.name, email: a.email, date: a.date } } : {}),
        }),
      );
      head = expectShape('перенос коммита', shaShape, made.data).sha;
    }
  };
  await replay(recent);

  // Writers kept committing meanwhile: carry their commits over before moving the branch.
  let seen = before;
  for (let round = 0; ; round++) {
    const tip = await tipOf();
    if (tip === seen) break;
    if (round >= 5)
      throw new GithubStoreError(
        `Ветка ${branch} меняется слишком часто: сжатие отменено, ничего не потеряно.`,
      );
    const newer = await walk(tip, (c) => c.sha !== seen);
    if (newer.length === 0 || newer[newer.length - 1]?.parents[0]?.sha !== seen) {
      throw new GithubStoreError(
        `Ветка ${branch} была переписана другим процессом: сжатие отменено, ничего не потеряно.`,
      );
    }
    await replay(newer);
    seen = tip;
  }
  await api('перемещение ветки', () =>
    octokit.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha: head, force: true }),
  );
  return { compacted: true, before, after: head, kept: recent.length };
}
