import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git, gitText, importCommits } from '../testing/git-cli.ts';
import { type GithubStandIn, startGithubStandIn } from '../testing/github-stand-in.ts';
import { compactBranch } from './compact.ts';
import { createGithubStore } from './github.ts';
import { createGithubClient } from './github-client.ts';

const TOKEN = 'test-token';
const DAY = 86_400_000;
const NOW = new Date('2026-11-28T09:00:00Z');
let gh: GithubStandIn;

beforeEach(async () => {
  gh = await startGithubStandIn({ token: TOKEN });
});
afterEach(async () => {
  await gh.close();
});

const client = () => createGithubClient({ token: TOKEN, apiUrl: gh.url, writeSpacingMs: 0, retryUnitMs: 5 });
const repository = () => `${gh.owner}/${gh.repo}`;
const store = () =>
  createGithubStore({ token: TOKEN, repository: repository(), octokit: client(), backoffMs: 5 });

/** Runs committed `daysAgo` days ago (set up with one git fast-import, not through the API). */
async function runsAt(runs: Array<[daysAgo: number, files: Record<string, string>]>) {
  await importCommits(
    gh.repoDir,
    'refs/heads/status',
    runs.map(([daysAgo, files]) => ({
      message: `run ${daysAgo} days ago`,
      date: new Date(NOW.getTime() - daysAgo * DAY),
      files: new Map(Object.entries(files)),
    })),
  );
}

const log = () => gitText(gh.repoDir, ['log', '--format=%s', 'status']);
const treeOf = (rev: string) => gitText(gh.repoDir, ['rev-parse', `${rev}^{tree}`]);

describe('compactBranch', () => {
  it('squashes history older than keepDays into one root commit and keeps the data and recent runs', async () => {
    await runsAt([
      ...[10, 9, 8, 3].map((d): [number, Record<string, string>] => [
        d,
        { 'heartbeat.json': `{"d":${d}}`, [`history/acme/day-${d}.json`]: 'x' },
      ]),
      [1, { 'heartbeat.json': '{"d":1}' }],
      [0.5, { 'state/acme.json': '{"ok":true}' }],
    ]);
    const treeBefore = await treeOf('status');
    const r = await compactBranch(client(), { repository: repository(), keepDays: 2, now: () => NOW });
    expect(r).toMatchObject({ compacted: true, kept: 2 });
    expect(await treeOf('status')).toBe(treeBefore);
    expect((await log()).split('\n')).toEqual([
      'run 0.5 days ago',
      'run 1 days ago',
      `Compact status history up to ${new Date(NOW.getTime() - 3 * DAY).toISOString().replace('.000Z', 'Z')}`,
    ]);
    expect(await treeOf('status~2')).toBe(await treeOf(r.before.concat('~2')));
    // Kept runs keep their dates, and the old per-run commits are gone from the branch.
    expect(await gitText(gh.repoDir, ['log', '-1', '--format=%aI', 'status~1'])).toBe(
      '2026-11-27T09:00:00+00:00',
    );
    expect(await gitText(gh.repoDir, ['rev-list', '--count', 'status'])).toBe('3');
  });

  it('does nothing when there is nothing older than keepDays', async () => {
    await runsAt([
      [1, { 'a.json': '1' }],
      [0, { 'a.json': '2' }],
    ]);
    const r = await compactBranch(client(), { repository: repository(), keepDays: 7, now: () => NOW });
    expect(r).toMatchObject({ compacted: false, kept: 2 });
    expect(r.after).toBe(r.before);
  });

  it('keepDays 0 leaves a single commit holding the current data', async () => {
    await runsAt([3, 2, 1].map((d) => [d, { 'a.json': String(d) }]));
    const r = await compactBranch(client(), { repository: repository(), keepDays: 0, now: () => NOW });
    expect(r).toMatchObject({ compacted: true, kept: 0 });
    expect(await gitText(gh.repoDir, ['rev-list', '--count', 'status'])).toBe('1');
    expect(await gitText(gh.repoDir, ['show', 'status:a.json'])).toBe('1');
  });

  it('carries over a run that commits while compaction is under way', async () => {
    await runsAt([5, 4].map((d) => [d, { 'a.json': String(d) }]));
    const o = client();
    let raced = false;
    o.hook.before('request', async (options) => {
      if (!raced && options.method === 'POST' && String(options.url).endsWith('/git/commits')) {
        raced = true;
        await store().update('concurrent run', async () => new Map([['b.json', 'from the concurrent run']]));
      }
    });
    const r = await compactBranch(o, { repository: repository(), keepDays: 1, now: () => NOW });
    expect(r.compacted).toBe(true);
    expect((await log()).split('\n')[0]).toBe('concurrent run');
    expect(await gitText(gh.repoDir, ['show', 'status:b.json'])).toBe('from the concurrent run');
    // A store that still holds the pre-compaction tip is refused (not a fast forward) and re-reads.
    const s = store();
    const w = await s.update(
      'after compaction',
      async (view) => new Map([['c.json', String(await view.read('a.json'))]]),
    );
    expect(w.changed).toBe(1);
  });

  it('lets git drop the squashed objects', async () => {
    const days = Array.from({ length: 20 }, (_, i) => 20 - i);
    await runsAt(
      days.map((d) => [
        d,
        { 'history/acme/2026-11.json': JSON.stringify({ day: d, pad: 'x'.repeat(d * 500) }) },
      ]),
    );
    const count = async () => {
      await git(gh.repoDir, ['reflog', 'expire', '--expire=now', '--all']);
      await git(gh.repoDir, ['gc', '--prune=now', '--quiet']);
      return Number(/in-pack: (\d+)/.exec(await gitText(gh.repoDir, ['count-objects', '-v']))?.[1]);
    };
    await git(gh.repoDir, ['update-ref', '-d', 'refs/heads/main']);
    const before = await count();
    await compactBranch(client(), { repository: repository(), keepDays: 0, now: () => NOW });
    expect(await count()).toBeLessThan(before / 5);
  });
});
