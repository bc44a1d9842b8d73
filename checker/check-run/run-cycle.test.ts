// The check cycle over the github store and its local stand-in (a real bare git repository): one commit
// per run, and two checkers racing on the branch both keep their results. Probe results are recorded ones,
// so this test is about the cycle, not the network.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Catalog } from '../alerts/catalog.ts';
import { configFrom, runAt } from '../alerts/engine/testkit.ts';
import type { CheckId } from '../probes/types.ts';
import type { RunResults } from '../probing/types.ts';
import { createGithubStore } from '../store/github.ts';
import { createGithubClient } from '../store/github-client.ts';
import { docsCatalog } from '../testing/catalog.ts';
import { gitText } from '../testing/git-cli.ts';
import { type GithubStandIn, startGithubStandIn } from '../testing/github-stand-in.ts';
import { type CycleDeps, mergeDelivery, runCycle } from './run-cycle.ts';

const TOKEN = 'ghs_cycle-test-token';
const config = configFrom(`
site: { url: "https://status.example" }
checker: { interval: 5m }
notify: { telegram: { chat: "-100123" } }
hostings: { cloud: { title: Облако } }
clients:
  - { id: alfa, title: Альфа, installations: [{ id: k, title: K, hosting: cloud, url: "https://a.example/", ip: 127.0.0.2, probes: { http: {}, dns: {} } }] }
  - { id: bravo, title: Браво, installations: [{ id: k, title: K, hosting: cloud, url: "https://b.example/", ip: 127.0.0.3, probes: { http: {}, dns: {} } }] }
`);

let catalog: Catalog;
let gh: GithubStandIn;
beforeAll(async () => {
  catalog = await docsCatalog();
});
beforeEach(async () => {
  gh = await startGithubStandIn({ token: TOKEN });
});
afterEach(async () => {
  await gh.close();
});

const store = () =>
  createGithubStore({
    token: TOKEN,
    repository: `${gh.owner}/${gh.repo}`,
    octokit: createGithubClient({ token: TOKEN, apiUrl: gh.url, writeSpacingMs: 0, retryUnitMs: 5 }),
    backoffMs: 5,
  });

/** A cycle whose probes return recorded results for the selected installations. */
function cycle(at: string, spec: Partial<Record<CheckId, string>>, extra: Partial<CycleDeps> = {}) {
  const checks: CycleDeps['checks'] = async (_c, _d, opts): Promise<RunResults> => {
    const keys = ['alfa/k', 'bravo/k'].filter((k) => !opts.only || k.startsWith(opts.only));
    return runAt(at, Object.fromEntries(keys.map((k) => [k, spec])));
  };
  return runCycle({
    config,
    catalog,
    store: store(),
    checks,
    queueOnly: true,
    now: () => new Date(at),
    ...extra,
  });
}

const log = () => gitText(gh.repoDir, ['log', '--format=%s', 'status']);
const show = async (path: string) => JSON.parse(await gitText(gh.repoDir, ['show', `status:${path}`]));

describe('check cycle on the github store', () => {
  it('makes one commit per run with every changed file, and none for a replay', async () => {
    await cycle('2026-11-28T03:00:00Z', { http: 'ok', dns: 'ok', http_ip: 'ok' });
    await cycle('2026-11-28T03:05:00Z', { http: 'fail', dns: 'fail', http_ip: 'ok' });
    const r = await cycle('2026-11-28T03:10:00Z', { http: 'fail', dns: 'fail', http_ip: 'ok' });
    expect(r.events.map((e) => e.kind)).toEqual(['grouped']);
    const again = await cycle('2026-11-28T03:10:00Z', { http: 'fail', dns: 'fail', http_ip: 'ok' });
    expect(again.replay).toBe(true);
    expect((await log()).split('\n')).toEqual([
      'check 2026-11-28T03:10:00.000Z',
      'check 2026-11-28T03:05:00.000Z',
      'check 2026-11-28T03:00:00.000Z',
    ]);
    const files = await gitText(gh.repoDir, ['ls-tree', '-r', '--name-only', 'status']);
    expect(files.split('\n')).toEqual([
      'heartbeat.json',
      'history/alfa/2026-11.json',
      'history/bravo/2026-11.json',
      'incidents/2026-11.json',
      'outbox.json',
      'state/alfa.json',
      'state/bravo.json',
    ]);
    const outbox = await show('outbox.json');
    expect(outbox.pending).toHaveLength(1);
    expect(outbox.pending[0].kind).toBe('grouped');
  });

  it('two checkers racing on the branch (422) both keep their results', async () => {
    await cycle('2026-11-28T03:00:00Z', { http: 'ok', dns: 'ok' });
    // The first ref update of each run loses the race once more than it would on its own.
    gh.inject({ kind: 'not-fast-forward', method: 'PATCH', times: 1 });
    const [a, b] = await Promise.all([
      cycle('2026-11-28T03:05:00Z', { http: 'fail', dns: 'ok' }, { only: 'alfa' }),
      cycle('2026-11-28T03:05:00Z', { http: 'ok', dns: 'fail' }, { only: 'bravo' }),
    ]);
    expect(a.replay || b.replay).toBe(false);
    const alfa = await show('state/alfa.json');
    const bravo = await show('state/bravo.json');
    expect(alfa.installations.k.alerts.KodeksBehindProxyDown).toMatchObject({ state: 'pending', fails: 1 });
    expect(bravo.installations.k.alerts.KodeksDnsResolve).toMatchObject({ state: 'pending', fails: 1 });
    expect(alfa.installations.k.checked_at).toBe('2026-11-28T03:05:00.000Z');
    expect(bravo.installations.k.checked_at).toBe('2026-11-28T03:05:00.000Z');
    const history = await show('history/bravo/2026-11.json');
    expect(history.installations.k['2026-11-28'].checks).toBe(2);
    expect((await log()).split('\n')).toHaveLength(3);
  });
});

describe('mergeDelivery', () => {
  it('drops delivered items, keeps failed attempts and items queued meanwhile', () => {
    const item = (id: string, attempts = 0) => ({
      id,
      kind: 'firing' as const,
      created_at: '2026-11-28T03:00:00.000Z',
      attempts,
      chat: '-1',
      text: id,
      buttons: [],
    });
    const before = { schema: 1 as const, pending: [item('a'), item('b')], delivered: {} };
    const after = {
      schema: 1 as const,
      pending: [item('b', 1)],
      delivered: { a: { chat: '-1', message_id: 7, at: '2026-11-28T03:00:01.000Z' } },
    };
    const current = { schema: 1 as const, pending: [item('a'), item('b'), item('c')], delivered: {} };
    const merged = mergeDelivery(before, after, current);
    expect(merged.pending.map((i) => `${i.id}:${i.attempts}`)).toEqual(['b:1', 'c:0']);
    expect(Object.keys(merged.delivered)).toEqual(['a']);
  });
});
