import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gitText } from '../testing/git-cli.ts';
import { type GithubStandIn, startGithubStandIn } from '../testing/github-stand-in.ts';
import { createGithubStore, type GithubStoreOptions } from './github.ts';
import { createGithubClient } from './github-client.ts';
import type { StoreChanges } from './types.ts';

const TOKEN = 'ghs_test-token-0123456789';
let gh: GithubStandIn;

/** A store against the stand-in with waits shrunk to milliseconds (retry-after 1 s → 5 ms). */
function store(extra: Partial<GithubStoreOptions> = {}) {
  const token = extra.token ?? TOKEN;
  return createGithubStore({
    token,
    repository: `${gh.owner}/${gh.repo}`,
    octokit: createGithubClient({ token, apiUrl: gh.url, writeSpacingMs: 0, retryUnitMs: 5 }),
    backoffMs: 5,
    ...extra,
  });
}

const files = (entries: Record<string, string | null>): StoreChanges => new Map(Object.entries(entries));
const log = (range = 'status') => gitText(gh.repoDir, ['log', '--format=%s', range]);
const show = (path: string) => gitText(gh.repoDir, ['show', `status:${path}`]);

describe('github store', () => {
  beforeEach(async () => {
    gh = await startGithubStandIn({ token: TOKEN });
  });
  afterEach(async () => {
    await gh.close();
  });

  it('creates the status branch as its own history and reads back what it wrote', async () => {
    const s = store();
    const r = await s.update('run 1', async (view) => {
      expect(await view.read('heartbeat.json')).toBeUndefined();
      return files({ 'heartbeat.json': '{"run":1}\n', 'state/acme.json': '{"client":"acme"}\n' });
    });
    expect(r).toMatchObject({ changed: 2, retries: 0 });
    expect(r.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await log()).toBe('run 1');
    expect(await gitText(gh.repoDir, ['ls-tree', '-r', '--name-only', 'status'])).toBe(
      'heartbeat.json\nstate/acme.json',
    );
    const fresh = store();
    expect(await fresh.read('state/acme.json')).toBe('{"client":"acme"}\n');
    expect(await fresh.list('state')).toEqual(['state/acme.json']);
    expect(await fresh.list('')).toEqual(['heartbeat.json', 'state/acme.json']);
  });

  it('commits only changed files, deletes with null and skips a run that changes nothing', async () => {
    const s = store();
    await s.update('run 1', async () =>
      files({ 'a.json': 'A', 'b.json': 'B', 'history/acme/2026-11.json': 'H' }),
    );
    const r2 = await s.update('run 2', async () => files({ 'a.json': 'A', 'b.json': null, 'c.json': null }));
    expect(r2.changed).toBe(1);
    const r3 = await s.update('run 3', async () => files({ 'a.json': 'A' }));
    expect(r3).toMatchObject({ changed: 0, retries: 0, commit: r2.commit });
    expect(await log()).toBe('run 2\nrun 1');
    expect(await gitText(gh.repoDir, ['diff-tree', '--name-status', '-r', 'status~1', 'status'])).toBe(
      'D\tb.json',
    );
    expect(await show('history/acme/2026-11.json')).toBe('H');
  });

  it('keeps both runs when two checkers race on the branch', async () => {
    await store().update('seed', async () => files({ 'counter.json': '0' }));
    // Both first attempts read the same tip before either commits, so one of them must lose the race.
    let arrived = 0;
    let release: () => void = () => {};
    const bothRead = new Promise<void>((r) => {
      release = r;
    });
    const run = (who: string) =>
      store().update(`run ${who}`, async (view) => {
        const n = Number(await view.read('counter.json'));
        if (++arrived === 2) release();
        await bothRead;
        return files({ 'counter.json': String(n + 1), [`runs/${who}.json`]: `{"by":"${who}"}` });
      });
    const [a, b] = await Promise.all([run('a'), run('b')]);
    expect(a.retries + b.retries).toBeGreaterThanOrEqual(1);
    expect(await show('counter.json')).toBe('2');
    expect(await show('runs/a.json')).toBe('{"by":"a"}');
    expect(await show('runs/b.json')).toBe('{"by":"b"}');
    expect((await log()).split('\n').sort()).toEqual(['run a', 'run b', 'seed']);
    expect(gh.requests.some((q) => q.method === 'PATCH' && q.status === 422)).toBe(true);
  });

  it('reads a whole commit with one tarball request when asked to', async () => {
    const many: Record<string, string> = { 'state/acme.json': '{"title":"ООО «Акме»"}\n' };
    const longPath = `history/${'client-with-a-very-long-identifier-'.repeat(3)}x/2026-11.json`;
    many[longPath] = '{"long":true}';
    for (let i = 0; i < 30; i++) many[`history/c${i}/2026-11.json`] = JSON.stringify({ i });
    await store().update('seed', async () => files(many));
    const s = store({ reads: 'tarball' });
    const seen = gh.requests.length;
    const got = await Promise.all(Object.keys(many).map((p) => s.read(p)));
    expect(got).toEqual(Object.values(many));
    const made = gh.requests.slice(seen).map((q) => `${q.method} ${q.path.replace(/[0-9a-f]{40}/, 'SHA')}`);
    expect(made.filter((r) => r.includes('/git/blobs/'))).toEqual([]);
    expect(made.filter((r) => r.includes('tarball'))).toEqual(['GET /repos/smart/status-test/tarball/SHA']);
    expect(longPath.length).toBeGreaterThan(100);
  });

  it('says a bad token is bad without printing it', async () => {
    const secret = 'ghp_wrong-secret-value-42';
    const s = store({ token: secret });
    const err = await s.update('run', async () => files({ 'a.json': '1' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toContain('401');
    expect(message).toContain('GITHUB_TOKEN');
    expect(message).not.toContain(secret);
    expect(JSON.stringify(err)).not.toContain(secret);
    await expect(s.read('a.json')).rejects.toThrow(/отклонил токен/);
  });

  it('explains a missing repository and a token without write access', async () => {
    await expect(store({ repository: `${gh.owner}/missing` }).read('a.json')).rejects.toThrow(
      /smart\/missing.*404.*GITHUB_REPOSITORY/,
    );
    const s = store();
    await s.update('run 1', async () => files({ 'a.json': '1' }));
    gh.inject({ kind: 'forbidden', method: 'POST' });
    await expect(s.update('run 2', async () => files({ 'a.json': '2' }))).rejects.toThrow(
      /Нет прав.*contents: write/,
    );
    expect(() => store({ repository: 'no-slash' })).toThrow(/владелец\/репозиторий/);
  });

  it('gives up with a clear message when the branch keeps moving', async () => {
    const s = store({ maxAttempts: 2 });
    await s.update('run 1', async () => files({ 'a.json': '1' }));
    gh.inject({ kind: 'not-fast-forward', method: 'PATCH', times: 5 });
    await expect(s.update('run 2', async () => files({ 'a.json': '2' }))).rejects.toThrow(/за 2 попыток/);
  });
});

describe('github store under faults', () => {
  // One stand-in for the table: each case is one run on top of the previous ones.
  beforeAll(async () => {
    gh = await startGithubStandIn({ token: TOKEN });
    await store().update('seed', async () => files({ 'heartbeat.json': 'seed' }));
  });
  afterAll(async () => {
    await gh.close();
  });

  it.each([
    ['422 not a fast forward', { kind: 'not-fast-forward', method: 'PATCH' }, 422],
    ['500 twice on the ref', { kind: 'server-error', method: 'GET', path: /git\/ref\//, times: 2 }, 500],
    ['403 rate limit (x-ratelimit-remaining: 0)', { kind: 'rate-limit', method: 'POST' }, 403],
    ['403 secondary rate limit', { kind: 'secondary-rate-limit', method: 'POST', path: /commits/ }, 403],
    ['429 with retry-after', { kind: 'too-many-requests', method: 'GET', path: /trees/ }, 429],
  ] as const)('recovers from %s', async (_name, fault, status) => {
    const seen = gh.requests.length;
    gh.inject(fault);
    const r = await store().update(`run ${_name}`, async () => files({ 'heartbeat.json': _name }));
    expect(r.changed).toBe(1);
    expect(await show('heartbeat.json')).toBe(_name);
    expect((await log()).split('\n')[0]).toBe(`run ${_name}`);
    expect(gh.requests.slice(seen).filter((q) => q.status === status)).not.toHaveLength(0);
  });

  it('stops with the reset time when the rate limit resets too late to wait for', async () => {
    gh.inject({ kind: 'rate-limit', method: 'GET', seconds: 3600 });
    await expect(store().update('run late', async () => files({ 'heartbeat.json': 'late' }))).rejects.toThrow(
      /Лимит запросов к GitHub исчерпан до \d{4}-\d\d-\d\dT/,
    );
  });
});
