// `smart compact` against the local GitHub stand-in (a real bare repository behind GitHub's REST shapes).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../testing/capture-io.ts';
import { gitText, importCommits } from '../testing/git-cli.ts';
import { type GithubStandIn, startGithubStandIn } from '../testing/github-stand-in.ts';
import { run } from './compact.ts';

const TOKEN = 'gh-compact-secret';
const NOW = new Date('2026-11-28T03:02:00Z');
const HOUR = 3_600_000;
let gh: GithubStandIn;

beforeEach(async () => {
  gh = await startGithubStandIn({ token: TOKEN });
});
afterEach(() => gh.close());

function io(env: Record<string, string | undefined>) {
  return captureIo('/', env);
}

const env = () => ({
  GITHUB_TOKEN: TOKEN,
  GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
  GITHUB_API_URL: gh.url,
});

describe('smart compact', () => {
  it('squashes runs older than --keep and keeps the newer ones and the data', async () => {
    // Two days of hourly runs, each rewriting the heartbeat.
    await importCommits(
      gh.repoDir,
      'refs/heads/status',
      Array.from({ length: 48 }, (_, i) => ({
        message: `run ${i}`,
        date: new Date(NOW.getTime() - (48 - i) * HOUR),
        files: new Map([['heartbeat.json', `{"run":${i}}`]]),
      })),
    );
    const r = io(env());
    expect(await run(['--keep', '6h'], r.value, { now: () => NOW, retryUnitMs: 5 })).toBe(0);
    expect(r.all()).toMatch(/история старше 6h сжата в один коммит, перенесено коммитов: 6/);
    const log = (await gitText(gh.repoDir, ['log', '--format=%s', 'status'])).split('\n');
    expect(log).toHaveLength(7);
    expect(log.slice(0, 6)).toEqual(['run 47', 'run 46', 'run 45', 'run 44', 'run 43', 'run 42']);
    expect(await gitText(gh.repoDir, ['show', 'status:heartbeat.json'])).toBe('{"run":47}');
    expect(r.all()).not.toContain(TOKEN);

    // Five minutes later the branch holds no history older than keep + every: one request, nothing rewritten.
    const again = io(env());
    const later = () => new Date(NOW.getTime() + 5 * 60_000);
    expect(await run(['--keep', '6h'], again.value, { now: later, retryUnitMs: 5 })).toBe(0);
    expect(again.all()).toMatch(/сжатие не нужно/);
    expect((await gitText(gh.repoDir, ['log', '--format=%s', 'status'])).split('\n')).toHaveLength(7);
  });

  it('explains what is missing instead of failing obscurely', async () => {
    const r = io({});
    expect(await run([], r.value)).toBe(1);
    expect(r.err.join('\n')).toMatch(/needs GITHUB_TOKEN and GITHUB_REPOSITORY/);
    const bad = io(env());
    expect(await run(['--keep', 'soon'], bad.value)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--keep "soon": expected a duration/);
  });

  it('a rejected token gives exit 1 without printing it', async () => {
    const r = io({ ...env(), GITHUB_TOKEN: 'wrong-token-value' });
    expect(await run([], r.value, { now: () => NOW, retryUnitMs: 5 })).toBe(1);
    expect(r.all()).not.toContain('wrong-token-value');
  });
});
