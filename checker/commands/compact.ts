import { parseDuration } from '../config/duration.ts';
import { compactBranch } from '../store/compact.ts';
import { createGithubClient } from '../store/github-client.ts';
import { explainGithubError } from '../store/github-errors.ts';
import { type CommandIo, parseOptions, usageError } from './io.ts';

const USAGE = `usage: smart compact [--keep 6h] [--every 24h] [--branch status]

Squashes the history of the status branch older than --keep into one commit, so the repository stays
small for years (each run adds ~27 KiB of history; 13 months would be ~3 GB). It does nothing (one cheap
request) unless the branch holds history older than --keep + --every, so the scheduled workflow can call it
after every run, in the checker's concurrency group, and it compacts about once a day whatever the
scheduler's delays. Needs GITHUB_TOKEN and GITHUB_REPOSITORY (owner/name);
GITHUB_API_URL defaults to https://api.github.com.`;

/** Test seams: the clock and the retry unit of the GitHub client. */
export interface CompactHooks {
  now?: () => Date;
  retryUnitMs?: number;
}

/** `smart compact`: squash old history of the `status` branch (the only forced update anywhere). */
export async function run(argv: string[], io: CommandIo, hooks: CompactHooks = {}): Promise<number> {
  const opts = parseOptions(
    argv,
    {
      keep: { type: 'string', default: '6h' },
      every: { type: 'string', default: '24h' },
      branch: { type: 'string', default: 'status' },
      help: { type: 'boolean' },
    },
    io,
    USAGE,
  );
  if (!opts.ok) return opts.code;
  const keepMs = parseDuration(opts.values.keep!);
  const everyMs = parseDuration(opts.values.every!);
  if (keepMs === undefined || everyMs === undefined) {
    const bad = keepMs === undefined ? `--keep "${opts.values.keep}"` : `--every "${opts.values.every}"`;
    return usageError(io, USAGE, `${bad}: expected a duration such as 6h or 1d`);
  }
  const token = io.env.GITHUB_TOKEN;
  const repository = io.env.GITHUB_REPOSITORY;
  if (!token || !repository) {
    io.err('smart compact: needs GITHUB_TOKEN and GITHUB_REPOSITORY (owner/name)');
    return 1;
  }
  const octokit = createGithubClient({
    token,
    apiUrl: io.env.GITHUB_API_URL || undefined,
    retryUnitMs: hooks.retryUnitMs,
    writeSpacingMs: hooks.retryUnitMs === undefined ? undefined : 0,
    log: io.err,
  });
  const now = hooks.now ?? (() => new Date());
  const [owner = '', repo = ''] = repository.split('/');
  try {
    // Cheap gate: is there any commit older than keep + every? (The squashed root carries its own date.)
    const old = await octokit.rest.repos
      .listCommits({
        owner,
        repo,
        sha: opts.values.branch,
        until: new Date(now().getTime() - keepMs - everyMs).toISOString(),
        per_page: 1,
      })
      .catch((e: unknown) => {
        throw explainGithubError(e, { doing: 'чтение истории', repository, token });
      });
    if (Array.isArray(old.data) && old.data.length === 0) {
      io.out(
        `${opts.values.branch}: сжатие не нужно — нет истории старше ${opts.values.keep} + ${opts.values.every}`,
      );
      return 0;
    }
    const result = await compactBranch(octokit, {
      repository,
      branch: opts.values.branch,
      keepDays: keepMs / 86_400_000,
      now,
      token,
      log: io.out,
    });
    io.out(
      result.compacted
        ? `${opts.values.branch}: история старше ${opts.values.keep} сжата в один коммит, перенесено коммитов: ${result.kept}`
        : `${opts.values.branch}: сжимать нечего (коммитов за последние ${opts.values.keep}: ${result.kept})`,
    );
    return 0;
  } catch (err) {
    io.err(`smart compact: ${explainGithubError(err, { doing: 'сжатие', repository, token }).message}`);
    return 1;
  }
}
