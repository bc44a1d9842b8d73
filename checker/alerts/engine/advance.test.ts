// The alert engine as sequences of runs, in the manner of Gatus' TestHandleAlerting: each case is a table
// of runs (time → check results) with the events and states expected after each one.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckId } from '../../probes/types.ts';
import { docsCatalog } from '../../testing/catalog.ts';
import type { Catalog } from '../catalog.ts';
import { brief, configFrom, runAt, Simulator } from './testkit.ts';

const YAML = `
site: { url: "https://status.example" }
checker: { interval: 5m, timezone: Europe/Moscow }
notify: { telegram: { chat: "-100123", remind_every: 1h } }
hostings: { cloud: { title: "Техэксперт.Облако" } }
clients:
  - id: acme
    title: Акме
    sla: { availability: 99.5 }
    installations:
      - id: main
        title: Основной
        url: https://kodeks.acme.example/
        ip: 127.0.0.10
        alerts: { KodeksTlsCertExpiring: { disabled: true }, KodeksDnsResolve: { for: 3 } }
        probes: { icmp: {}, http: {}, dns: {}, tls: {}, sysinfo: {} }
  - id: beta
    title: Бета
    installations:
      - id: cloud
        title: Облако
        hosting: cloud
        url: https://beta.cloud.example/
        ip: 127.0.0.11
        probes: { http: {}, dns: {} }
maintenance:
  - { installations: [beta], start: "2026-11-28T20:00+03:00", end: "2026-11-28T21:00+03:00", reason: Обновление }
`;

let catalog: Catalog;
beforeAll(async () => {
  catalog = await docsCatalog();
});

type Step = {
  at: string;
  checks: Record<string, Partial<Record<CheckId, string>>>;
  events: string[];
  alerts?: Record<string, string>;
  overall?: Record<string, string>;
  networkOk?: boolean;
  icmpUnavailable?: boolean;
};

function play(steps: Step[]): Simulator {
  const sim = new Simulator(configFrom(YAML), catalog);
  steps.forEach((s, i) => {
    const events = sim.run(
      runAt(s.at, s.checks, { networkOk: s.networkOk ?? true, icmpUnavailable: s.icmpUnavailable ?? false }),
    );
    expect(brief(events), `run ${i + 1} at ${s.at}: events`).toEqual(s.events);
    for (const [key, want] of Object.entries(s.alerts ?? {})) {
      const [inst, alert] = key.split(' ') as [string, string];
      const a = sim.state(inst)?.alerts[alert as 'KodeksIcmp'];
      const got = a ? `${a.state}${a.suppressed ? ' suppressed' : ''} fails=${a.fails}` : 'ok';
      expect(got, `run ${i + 1}: ${key}`).toBe(want);
    }
    for (const [inst, want] of Object.entries(s.overall ?? {}))
      expect(sim.state(inst)?.overall, `run ${i + 1}: overall of ${inst}`).toBe(want);
  });
  return sim;
}

const OK = { icmp: 'ok', http: 'ok', http_ip: 'ok', dns: 'ok', tls: 'ok', sysinfo: 'ok' };
const A = 'acme/main';

describe('alert engine sequences', () => {
  it('fires after `for` failures and resolves after `resolve_after` successes; downtime from the first failure', () => {
    const sim = play([
      { at: '2026-11-28T09:00:00Z', checks: { [A]: OK }, events: [], overall: { [A]: 'operational' } },
      {
        at: '2026-11-28T09:05:00Z',
        checks: { [A]: { ...OK, http: 'fail' } },
        events: [],
        alerts: { [`${A} KodeksBehindProxyDown`]: 'pending fails=1' },
        overall: { [A]: 'operational' },
      },
      {
        at: '2026-11-28T09:10:00Z',
        checks: { [A]: { ...OK, http: 'fail' } },
        events: ['firing KodeksBehindProxyDown acme/main'],
        alerts: { [`${A} KodeksBehindProxyDown`]: 'firing fails=2' },
        overall: { [A]: 'partial_outage' },
      },
      { at: '2026-11-28T09:15:00Z', checks: { [A]: { ...OK, http: 'fail' } }, events: [] },
      {
        at: '2026-11-28T09:20:00Z',
        checks: { [A]: OK },
        events: ['resolved KodeksBehindProxyDown acme/main'],
        alerts: { [`${A} KodeksBehindProxyDown`]: 'ok' },
        overall: { [A]: 'operational' },
      },
    ]);
    const resolved = sim.last!.events[0]!;
    expect(resolved.kind === 'resolved' && resolved.durationMs).toBe(15 * 60_000);
    const [inc] = sim.incidents();
    expect(inc).toMatchObject({
      id: '2026-11-28T09:05Z-acme-main-KodeksBehindProxyDown',
      started_at: '2026-11-28T09:05:00.000Z',
      fired_at: '2026-11-28T09:10:00.000Z',
      resolved_at: '2026-11-28T09:20:00.000Z',
      suppressed: false,
      maintenance: false,
      client_visible: true,
    });
    expect(inc?.diagnosis?.rule).toBe('proxy_down');
    expect(sim.day(A, '2026-11-28')).toMatchObject({ checks: 5, failures: 3, down_min: 15 });
    expect(sim.day(A, '2026-11-28')?.components?.access).toEqual({ down_min: 15, failures: 3 });
  });

  it('a single failed check never fires; unknown leaves the counters where they were', () => {
    play([
      { at: '2026-11-28T09:00:00Z', checks: { [A]: { ...OK, http: 'fail' } }, events: [] },
      {
        at: '2026-11-28T09:05:00Z',
        checks: { [A]: { ...OK, http: 'unknown' } },
        events: [],
        alerts: { [`${A} KodeksBehindProxyDown`]: 'pending fails=1' },
      },
      {
        at: '2026-11-28T09:10:00Z',
        checks: { [A]: OK },
        events: [],
        alerts: { [`${A} KodeksBehindProxyDown`]: 'ok' },
      },
    ]);
  });

  it('per-installation overrides: `for: 3` for DNS, TLS disabled', () => {
    const bad = { ...OK, dns: 'fail', tls: 'fail:TLS_EXPIRING' };
    play([
      { at: '2026-11-28T09:00:00Z', checks: { [A]: bad }, events: [] },
      {
        at: '2026-11-28T09:05:00Z',
        checks: { [A]: bad },
        events: [],
        alerts: { [`${A} KodeksDnsResolve`]: 'pending fails=2', [`${A} KodeksTlsCertExpiring`]: 'ok' },
      },
      { at: '2026-11-28T09:10:00Z', checks: { [A]: bad }, events: ['firing KodeksDnsResolve acme/main'] },
    ]);
  });

  it('suppression: children are held back while the parent fails, fire when it resolves first, resolve silently', () => {
    const down = { ...OK, icmp: 'fail', http_ip: 'fail', http: 'fail' };
    const sim = play([
      { at: '2026-11-28T09:00:00Z', checks: { [A]: down }, events: [] },
      {
        at: '2026-11-28T09:05:00Z',
        checks: { [A]: down },
        events: ['firing KodeksIcmp acme/main'],
        alerts: {
          [`${A} KodeksIcmp`]: 'firing fails=2',
          [`${A} KodeksTcpStatus`]: 'firing suppressed fails=2',
          [`${A} KodeksBehindProxyDown`]: 'firing suppressed fails=2',
        },
        overall: { [A]: 'major_outage' },
      },
      {
        // Ping is back, the server still does not answer: the held-back child fires now.
        at: '2026-11-28T09:10:00Z',
        checks: { [A]: { ...down, icmp: 'ok' } },
        events: ['firing KodeksTcpStatus acme/main', 'resolved KodeksIcmp acme/main'],
        alerts: {
          [`${A} KodeksTcpStatus`]: 'firing fails=3',
          [`${A} KodeksBehindProxyDown`]: 'firing suppressed fails=3',
        },
      },
      {
        at: '2026-11-28T09:15:00Z',
        checks: { [A]: OK },
        events: ['resolved KodeksTcpStatus acme/main'],
        alerts: { [`${A} KodeksBehindProxyDown`]: 'ok' },
        overall: { [A]: 'operational' },
      },
    ]);
    const byAlert = Object.fromEntries(sim.incidents().map((i) => [i.alert, i]));
    expect(byAlert.KodeksBehindProxyDown).toMatchObject({
      suppressed: true,
      resolved_at: '2026-11-28T09:15:00.000Z',
    });
    expect(byAlert.KodeksTcpStatus).toMatchObject({
      suppressed: false,
      started_at: '2026-11-28T09:00:00.000Z',
    });
  });

  it('reminds every remind_every while firing', () => {
    const steps: Step[] = [];
    for (let m = 0; m <= 75; m += 5) {
      const at = new Date(Date.parse('2026-11-28T09:00:00Z') + m * 60_000).toISOString();
      const events =
        m === 5
          ? ['firing KodeksBehindProxyDown acme/main']
          : m === 65
            ? ['reminder KodeksBehindProxyDown acme/main']
            : [];
      steps.push({ at, checks: { [A]: { ...OK, http: 'fail' } }, events });
    }
    play(steps);
  });

  it('maintenance: no events, incident marked, minutes counted as maintenance', () => {
    const B = 'beta/cloud';
    const sim = play([
      { at: '2026-11-28T16:55:00Z', checks: { [B]: { http: 'ok', dns: 'ok' } }, events: [] },
      {
        at: '2026-11-28T17:00:00Z',
        checks: { [B]: { http: 'fail', http_ip: 'ok', dns: 'ok' } },
        events: [],
        overall: { [B]: 'under_maintenance' },
      },
      {
        at: '2026-11-28T17:05:00Z',
        checks: { [B]: { http: 'fail', http_ip: 'ok', dns: 'ok' } },
        events: [],
        alerts: { [`${B} KodeksBehindProxyDown`]: 'firing fails=2' },
      },
      { at: '2026-11-28T17:10:00Z', checks: { [B]: { http: 'ok', dns: 'ok' } }, events: [] },
    ]);
    expect(sim.incidents()[0]).toMatchObject({ maintenance: true, resolved_at: '2026-11-28T17:10:00.000Z' });
    expect(sim.day(B, '2026-11-28')).toMatchObject({ maintenance_min: 10, down_min: 0 });
  });

  // Issue 17: the update ran 20:00–21:00, the server was back at the first check after 21:00, and the day
  // showed as a yellow «простой 2 мин» instead of maintenance.
  it('maintenance: the minutes between the end of the window and the next good check are not downtime', () => {
    const B = 'beta/cloud';
    const steps: Step[] = [];
    // Checks at :02 and :07 past, as the scheduler really runs them; the server is down 20:00–21:00 MSK.
    for (let m = 16 * 60 + 57; m <= 18 * 60 + 12; m += 5) {
      const at = new Date(Date.parse('2026-11-28T00:00:00Z') + m * 60_000).toISOString();
      const down = m >= 17 * 60 && m < 18 * 60;
      steps.push({
        at,
        checks: { [B]: { http: down ? 'fail' : 'ok', http_ip: 'ok', dns: 'ok' } },
        events: [],
      });
    }
    const sim = play(steps);
    expect(sim.day(B, '2026-11-28')).toMatchObject({ down_min: 0 });
    // The window (60 min) and the two minutes until the check at 21:02 that found the server back.
    expect(sim.day(B, '2026-11-28')!.maintenance_min).toBeCloseTo(62, 6);
    expect(sim.incidents()).toHaveLength(1);
    expect(sim.incidents()[0]).toMatchObject({ maintenance: true, resolved_at: '2026-11-28T18:02:00.000Z' });
  });

  it('an incident that outlasts maintenance is a real one: announced, and no longer marked maintenance', () => {
    const B = 'beta/cloud';
    const bad = { http: 'fail', http_ip: 'ok', dns: 'ok' };
    const sim = play([
      { at: '2026-11-28T17:52:00Z', checks: { [B]: bad }, events: [] },
      { at: '2026-11-28T17:57:00Z', checks: { [B]: bad }, events: [] },
      {
        at: '2026-11-28T18:02:00Z',
        checks: { [B]: bad },
        events: ['firing KodeksBehindProxyDown beta/cloud'],
      },
      { at: '2026-11-28T18:07:00Z', checks: { [B]: bad }, events: [] },
    ]);
    expect(sim.incidents()[0]).toMatchObject({ maintenance: false, suppressed: false });
    expect(sim.incidents()[0]!.resolved_at).toBeUndefined();
    // Maintenance until the first check after the window (18:02), downtime from there.
    expect(sim.day(B, '2026-11-28')).toMatchObject({ down_min: 5 });
  });

  it('a problem that outlasts maintenance is announced when the window ends', () => {
    const B = 'beta/cloud';
    const bad = { http: 'fail', http_ip: 'ok', dns: 'ok' };
    play([
      { at: '2026-11-28T17:50:00Z', checks: { [B]: bad }, events: [] },
      { at: '2026-11-28T17:55:00Z', checks: { [B]: bad }, events: [] },
      {
        at: '2026-11-28T18:00:00Z',
        checks: { [B]: bad },
        events: ['firing KodeksBehindProxyDown beta/cloud'],
        overall: { [B]: 'partial_outage' },
      },
    ]);
  });

  it("the checker's own network: client states freeze, no data is counted, the operator is told once", () => {
    const sim = play([
      { at: '2026-11-28T09:00:00Z', checks: { [A]: { ...OK, http: 'fail' } }, events: [] },
      {
        at: '2026-11-28T09:05:00Z',
        checks: { [A]: { icmp: 'unknown', http: 'unknown' } },
        networkOk: false,
        events: ['operator checker_offline'],
        alerts: { [`${A} KodeksBehindProxyDown`]: 'pending fails=1' },
      },
      { at: '2026-11-28T09:10:00Z', checks: { [A]: {} }, networkOk: false, events: [] },
      {
        at: '2026-11-28T09:15:00Z',
        checks: { [A]: { ...OK, http: 'fail' } },
        events: ['operator checker_online', 'firing KodeksBehindProxyDown acme/main'],
      },
    ]);
    // 00:00–12:00 MSK before the first run, then 10 minutes offline.
    expect(sim.day(A, '2026-11-28')?.no_data_min).toBe(12 * 60 + 10);
  });

  it('ICMP unavailable is said once, and again only after it came back', () => {
    play([
      {
        at: '2026-11-28T09:00:00Z',
        checks: { [A]: OK },
        icmpUnavailable: true,
        events: ['operator icmp_unavailable'],
      },
      { at: '2026-11-28T09:05:00Z', checks: { [A]: OK }, icmpUnavailable: true, events: [] },
      { at: '2026-11-28T09:10:00Z', checks: { [A]: OK }, events: [] },
      {
        at: '2026-11-28T09:15:00Z',
        checks: { [A]: OK },
        icmpUnavailable: true,
        events: ['operator icmp_unavailable'],
      },
    ]);
  });

  it('a gap longer than 3 × interval is no data, never up or down', () => {
    const sim = play([
      { at: '2026-11-28T09:00:00Z', checks: { [A]: { ...OK, http: 'fail' } }, events: [] },
      {
        at: '2026-11-28T09:05:00Z',
        checks: { [A]: { ...OK, http: 'fail' } },
        events: ['firing KodeksBehindProxyDown acme/main'],
      },
      {
        at: '2026-11-28T10:05:00Z',
        checks: { [A]: OK },
        events: ['resolved KodeksBehindProxyDown acme/main'],
      },
    ]);
    expect(sim.day(A, '2026-11-28')).toMatchObject({ down_min: 5, no_data_min: 12 * 60 + 60 });
  });

  it('an installation removed from installations.yaml leaves no open incident behind', () => {
    const withOld = YAML.replace(
      '        probes: { http: {}, dns: {} }\n',
      '        probes: { http: {}, dns: {} }\n      - { id: old, title: Старый, url: "https://old.example/", probes: { http: {} } }\n',
    );
    const before = new Simulator(configFrom(withOld), catalog);
    for (const at of ['2026-11-28T09:00:00Z', '2026-11-28T09:05:00Z'])
      before.run(runAt(at, { 'beta/old': { http: 'fail:CONN_REFUSED' } }));
    expect([
      ...new Set(
        before
          .incidents()
          .filter((i) => !i.resolved_at)
          .map((i) => i.installation),
      ),
    ]).toEqual(['old']);

    const after = new Simulator(configFrom(YAML), catalog);
    after.snapshot = before.snapshot;
    after.run(runAt('2026-11-28T09:10:00Z', { 'beta/cloud': { http: 'ok', dns: 'ok' } }));
    expect(after.incidents().find((i) => i.installation === 'old')?.resolved_at).toBe(
      '2026-11-28T09:10:00.000Z',
    );
    expect(after.state('beta/old')).toBeUndefined();
  });

  it('each alert carries its own cause, in its state, its event and its incident (issue 17.5)', () => {
    const dark = { ...OK, icmp: 'fail:ICMP_LOSS', http_ip: 'fail:CONN_TIMEOUT', http: 'fail:CONN_TIMEOUT' };
    const sim = play([
      { at: '2026-11-28T09:00:00Z', checks: { [A]: dark }, events: [] },
      { at: '2026-11-28T09:05:00Z', checks: { [A]: dark }, events: ['firing KodeksIcmp acme/main'] },
      {
        // Ping is back, the port still drops packets: the held-back alert fires with what is known now.
        at: '2026-11-28T09:10:00Z',
        checks: { [A]: { ...dark, icmp: 'ok' } },
        events: ['firing KodeksTcpStatus acme/main', 'resolved KodeksIcmp acme/main'],
      },
    ]);
    const fired = sim.last!.events.find((e) => e.kind === 'firing');
    expect(fired?.kind === 'firing' && fired.diagnosis).toMatchObject({
      alert: 'KodeksTcpStatus',
      rule: 'port_filtered',
    });
    const alerts = sim.state(A)!.alerts;
    expect(alerts.KodeksTcpStatus?.diagnosis?.rule).toBe('port_filtered');
    expect(alerts.KodeksBehindProxyDown?.diagnosis).toMatchObject({
      alert: 'KodeksBehindProxyDown',
      rule: 'server_down',
    });
    const byAlert = Object.fromEntries(sim.incidents().map((i) => [i.alert, i.diagnosis]));
    expect(byAlert.KodeksIcmp).toMatchObject({ alert: 'KodeksIcmp', rule: 'host_down' });
    // Opened while held back (host down), it now says what it said when it was announced.
    expect(byAlert.KodeksTcpStatus).toMatchObject({ alert: 'KodeksTcpStatus', rule: 'port_filtered' });
    expect(byAlert.KodeksBehindProxyDown).toMatchObject({ alert: 'KodeksBehindProxyDown' });
  });

  it('the agent falling silent while the key is missing: two alerts, two causes', () => {
    const sim = new Simulator(configFrom(YAML.replace('sysinfo: {} }', 'sysinfo: {}, agent: {} }')), catalog);
    const bad = { ...OK, sysinfo: 'fail:KEY_MISSING', agent: 'fail:AGENT_STALE' };
    // The agent alert fires at once (for: 1), the key alert on the second check.
    const events = [
      ...sim.run(runAt('2026-11-28T09:00:00Z', { [A]: bad })),
      ...sim.run(runAt('2026-11-28T09:05:00Z', { [A]: bad })),
    ];
    const causes = Object.fromEntries(
      events.flatMap((e) => (e.kind === 'firing' ? [[e.alert, e.diagnosis?.cause]] : [])),
    );
    expect(causes.KodeksAgentSilent).toBe(
      'Агент на сервере давно не присылал отчёт: наличие ключа SenseLock на USB не отслеживается.',
    );
    expect(causes.KodeksXmlSensLockStatus).toBe('Сервер Кодекс не видит ключ SenseLock.');
  });

  it('replaying a run changes nothing', () => {
    const sim = new Simulator(configFrom(YAML), catalog);
    sim.run(runAt('2026-11-28T09:00:00Z', { [A]: { ...OK, http: 'fail' } }));
    const before = JSON.stringify([...sim.snapshot.states, ...sim.snapshot.history]);
    expect(sim.run(runAt('2026-11-28T09:00:00Z', { [A]: { ...OK, http: 'fail' } }))).toEqual([]);
    expect(sim.last?.replay).toBe(true);
    expect(JSON.stringify([...sim.snapshot.states, ...sim.snapshot.history])).toBe(before);
  });
});

describe('overall state', () => {
  const cases: [string, Partial<Record<CheckId, string>>, string][] = [
    ['everything works', OK, 'operational'],
    ['licence key missing', { ...OK, sysinfo: 'fail:KEY_MISSING' }, 'major_outage'],
    ['XML status unreadable', { ...OK, sysinfo: 'fail:XML_INVALID' }, 'degraded_performance'],
    ['proxy down, IP works', { ...OK, http: 'fail' }, 'partial_outage'],
    ['proxy and IP down', { ...OK, http: 'fail', http_ip: 'fail' }, 'major_outage'],
    ['nothing observable', { icmp: 'unknown', http: 'unknown' }, 'no_data'],
  ];
  for (const [name, spec, want] of cases) {
    it(name, () => {
      const sim = new Simulator(configFrom(YAML), catalog);
      sim.run(runAt('2026-11-28T09:00:00Z', { [A]: spec }));
      sim.run(runAt('2026-11-28T09:05:00Z', { [A]: spec }));
      expect(sim.state(A)?.overall).toBe(want);
    });
  }
});
