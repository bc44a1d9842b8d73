// Several vantages and the alert engine: results are merged per check before the engine (checker/vantages),
// which then decides as always. Sequences of runs, as the engine's own tests are written.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckId } from '../../probes/types.ts';
import { shardOf } from '../../shards/select.ts';
import { docsCatalog } from '../../testing/catalog.ts';
import { mergeVantages, type VantagePart } from '../../vantages/merge.ts';
import type { Catalog } from '../catalog.ts';
import { brief, configFrom, runAt, Simulator } from './testkit.ts';

const YAML = (quorum = 'majority') => `
site: { url: "https://status.example" }
checker: { interval: 5m, timezone: Europe/Moscow, vantages: [github-hosted, self-hosted], quorum: ${quorum} }
notify: { telegram: { chat: "-100123" } }
clients:
  - id: acme
    title: Акме
    installations:
      - { id: web, title: Кодекс, url: "https://kodeks.acme.example/", probes: { http: {} } }
      - { id: box, title: Кодекс 2, url: "https://box.acme.example/", ip: 127.0.1.7, probes: { icmp: {}, http: {} } }
`;

let catalog: Catalog;
beforeAll(async () => {
  catalog = await docsCatalog();
});

const T0 = Date.parse('2026-11-28T03:00:00Z');
const at = (run: number) => new Date(T0 + run * 300_000).toISOString();

/** One vantage's whole run (shard 1/1). */
function whole(
  vantage: string,
  run: number,
  installations: Record<string, Partial<Record<CheckId, string>>>,
  extra: Parameters<typeof runAt>[2] = {},
): VantagePart {
  return { vantage, shard: { index: 1, count: 1 }, results: runAt(at(run), installations, extra) };
}

const healthy = { 'acme/web': { http: 'ok' }, 'acme/box': { icmp: 'ok', http: 'ok' } };

describe('the engine on merged vantages', () => {
  it('two vantages disagree: not down, nothing fires, the votes are kept for the operator', () => {
    const sim = new Simulator(configFrom(YAML()), catalog);
    for (let run = 0; run < 4; run++) {
      const events = sim.run(
        mergeVantages(sim.config, [
          whole('github-hosted', run, { ...healthy, 'acme/web': { http: 'fail:CONN_TIMEOUT' } }),
          whole('self-hosted', run, healthy),
        ]),
      );
      expect(brief(events)).toEqual([]);
    }
    const web = sim.state('acme/web')!;
    expect(web.overall).toBe('operational');
    expect(web.alerts.KodeksTcpStatus).toBeUndefined();
    expect(web.checks.http).toMatchObject({
      status: 'ok',
      evidence: { votes: 'github-hosted=fail:CONN_TIMEOUT self-hosted=ok:OK', quorum: '1/2 (2)' },
    });
    expect(sim.snapshot.heartbeat).toMatchObject({
      vantage: 'github-hosted, self-hosted',
      quorum: 'majority',
      vantages: {
        'github-hosted': { fresh: true, network_ok: true, installations: 2 },
        'self-hosted': { fresh: true, network_ok: true, installations: 2 },
      },
    });
  });

  it('both see it fail: it fires after `for` runs, as with one checker', () => {
    const sim = new Simulator(configFrom(YAML()), catalog);
    const down = { ...healthy, 'acme/web': { http: 'fail:CONN_TIMEOUT' } };
    const log = [0, 1, 2].map((run) =>
      brief(
        sim.run(
          mergeVantages(sim.config, [whole('github-hosted', run, down), whole('self-hosted', run, down)]),
        ),
      ),
    );
    expect(log).toEqual([[], ['firing KodeksTcpStatus acme/web'], []]);
  });

  it('one vantage stale: the fresh one decides alone, and the operator is told once that one is silent', () => {
    const sim = new Simulator(configFrom(YAML()), catalog);
    const down = { ...healthy, 'acme/web': { http: 'fail:CONN_TIMEOUT' } };
    sim.run(
      mergeVantages(sim.config, [whole('github-hosted', 0, healthy), whole('self-hosted', 0, healthy)]),
    );
    // From run 1 on self-hosted sends nothing of this run (its last results are an interval old: refused).
    const refused = [{ vantage: 'self-hosted', reason: 'результаты старше интервала' }];
    const log = [1, 2, 3].map((run) =>
      brief(sim.run(mergeVantages(sim.config, [whole('github-hosted', run, down)], refused))),
    );
    expect(log).toEqual([['operator vantage_silent'], ['firing KodeksTcpStatus acme/web'], []]);
    expect(sim.snapshot.heartbeat!.vantages!['self-hosted']).toEqual({
      fresh: false,
      network_ok: false,
      installations: 0,
      icmp_unavailable: false,
      refused: 'результаты старше интервала',
      last_seen: new Date(Date.parse(at(0)) + 1500).toISOString(),
    });
    // Back: said once, and its vote counts again (it sees the installation working: majority of 2 not met).
    const back = sim.run(
      mergeVantages(sim.config, [whole('github-hosted', 4, down), whole('self-hosted', 4, healthy)]),
    );
    expect(brief(back)).toEqual(['operator vantage_back', 'resolved KodeksTcpStatus acme/web']);
  });

  it('a vantage whose canaries fail does not vote, and does not make anything «up»', () => {
    const sim = new Simulator(configFrom(YAML()), catalog);
    const down = { ...healthy, 'acme/web': { http: 'fail:CONN_TIMEOUT' } };
    const skipped = {
      'acme/web': { http: 'unknown:SKIPPED' },
      'acme/box': { icmp: 'unknown:SKIPPED', http: 'unknown:SKIPPED' },
    };
    const log = [0, 1].map((run) =>
      brief(
        sim.run(
          mergeVantages(sim.config, [
            whole('github-hosted', run, down),
            whole('self-hosted', run, skipped, { networkOk: false }),
          ]),
        ),
      ),
    );
    expect(log).toEqual([[], ['firing KodeksTcpStatus acme/web']]);
    expect(sim.snapshot.heartbeat).toMatchObject({
      network_ok: true,
      vantages: {
        'self-hosted': { fresh: true, network_ok: false, installations: 0, shards: { blind: [1] } },
      },
    });
    expect(sim.state('acme/web')!.checks.http).toMatchObject({ status: 'fail', code: 'CONN_TIMEOUT' });
  });

  it('every vantage blind: the run is the checker offline, as with one checker', () => {
    const sim = new Simulator(configFrom(YAML()), catalog);
    sim.run(
      mergeVantages(sim.config, [whole('github-hosted', 0, healthy), whole('self-hosted', 0, healthy)]),
    );
    const skipped = { 'acme/web': { http: 'unknown:SKIPPED' } };
    const events = sim.run(
      mergeVantages(sim.config, [
        whole('github-hosted', 1, skipped, { networkOk: false }),
        whole('self-hosted', 1, skipped, { networkOk: false }),
      ]),
    );
    expect(brief(events)).toEqual(['operator checker_offline']);
    expect(sim.state('acme/web')!.overall).toBe('operational');
  });

  it('unknown is not a vote: ICMP impossible on GitHub-hosted, the self-hosted runner’s ping decides', () => {
    const sim = new Simulator(configFrom(YAML()), catalog);
    const log = [0, 1].map((run) =>
      brief(
        sim.run(
          mergeVantages(sim.config, [
            whole(
              'github-hosted',
              run,
              { ...healthy, 'acme/box': { icmp: 'unknown:ICMP_UNAVAILABLE', http: 'ok' } },
              { icmpUnavailable: true },
            ),
            whole('self-hosted', run, { ...healthy, 'acme/box': { icmp: 'fail:ICMP_LOSS', http: 'ok' } }),
          ]),
        ),
      ),
    );
    // No «ICMP unavailable» for the operator: one vantage can ping.
    expect(log).toEqual([[], ['firing KodeksIcmp acme/box']]);
    expect(sim.snapshot.heartbeat!.vantages!['github-hosted']!.icmp_unavailable).toBe(true);
  });
});

describe('a shard that does not arrive', () => {
  const yaml = `
site: { url: "https://status.example" }
checker: { interval: 5m, timezone: Europe/Moscow, vantages: [github-hosted] }
notify: { telegram: { chat: "-100123" } }
clients:
${Array.from(
  { length: 6 },
  (_, n) => `  - id: c${n}
    title: Клиент ${n}
    installations:
      - { id: kodeks, title: Кодекс, url: "https://c${n}.example/", probes: { http: {} } }`,
).join('\n')}
`;

  /** The parts of run `run` by shard of 2, each holding its installations with `http`. */
  function shards(run: number, http: (client: string) => string, only?: number): VantagePart[] {
    const out: VantagePart[] = [];
    for (const index of [1, 2]) {
      if (only !== undefined && index !== only) continue;
      const mine = Object.fromEntries(
        Array.from({ length: 6 }, (_, n) => `c${n}`)
          .filter((c) => shardOf(c, 'kodeks', 2) === index)
          .map((c) => [`${c}/kodeks`, { http: http(c) }]),
      );
      out.push({ vantage: 'github-hosted', shard: { index, count: 2 }, results: runAt(at(run), mine) });
    }
    return out;
  }

  it('gives its installations no data for the run — never up, alerts held — and tells the operator once', () => {
    const sim = new Simulator(configFrom(yaml), catalog);
    const clients = Array.from({ length: 6 }, (_, n) => `c${n}`);
    const lost = clients.filter((c) => shardOf(c, 'kodeks', 2) === 2);
    const kept = clients.filter((c) => shardOf(c, 'kodeks', 2) === 1);
    expect(lost.length).toBeGreaterThan(0);
    expect(kept.length).toBeGreaterThan(0);
    const victim = lost[0]!;
    // Runs 0–2: the victim is down (fires at run 1).
    for (const run of [0, 1, 2])
      sim.run(
        mergeVantages(
          sim.config,
          shards(run, (c) => (c === victim ? 'fail:CONN_TIMEOUT' : 'ok')),
        ),
      );
    expect(sim.state(`${victim}/kodeks`)!.alerts.KodeksTcpStatus?.state).toBe('firing');

    // Runs 3–4: shard 2 does not arrive (its installation came back meanwhile, but nobody looked).
    const log = [3, 4].map((run) =>
      brief(
        sim.run(
          mergeVantages(
            sim.config,
            shards(run, () => 'ok', 1),
          ),
        ),
      ),
    );
    expect(log).toEqual([['operator shards_missing'], []]);
    const s = sim.state(`${victim}/kodeks`)!;
    expect(s.overall).toBe('no_data');
    expect(s.alerts.KodeksTcpStatus?.state).toBe('firing');
    expect(s.unobserved).toEqual({
      since: at(3),
      last_seen: at(2),
      reason: 'github-hosted (шард 2 из 2): результаты не пришли',
    });
    expect(sim.state(`${kept[0]}/kodeks`)!.overall).toBe('operational');
    expect(sim.snapshot.heartbeat).toMatchObject({
      counts: { installations: 6, unobserved: lost.length },
      vantages: { 'github-hosted': { fresh: true, shards: { count: 2, missing: [2] } } },
    });

    // Run 5: the shard is back and sees it working: resolved, and the minutes nobody looked are no data.
    const back = sim.run(
      mergeVantages(
        sim.config,
        shards(5, () => 'ok'),
      ),
    );
    expect(brief(back)).toEqual([`resolved KodeksTcpStatus ${victim}/kodeks`]);
    expect(sim.state(`${victim}/kodeks`)!.unobserved).toBeUndefined();
    const day = sim.day(`${victim}/kodeks`, '2026-11-28')!;
    // 03:10 → 03:15 down (held from run 2 to run 3), 03:15 → 03:25 no data (runs 3 → 5).
    expect(day).toMatchObject({ no_data_min: expect.any(Number) });
    const kept0 = sim.day(`${kept[0]}/kodeks`, '2026-11-28')!;
    expect(day.no_data_min - kept0.no_data_min).toBe(10);
    expect(day.checks).toBe(kept0.checks - 2);
  });
});
