// The PK's own maintenance mode (HTTP 503) as sequences of runs: a state of its own, shown as maintenance and
// counted as maintenance time, until KodeksMaintenanceToLong fires after its threshold (3 h by default).
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckId } from '../../probes/types.ts';
import { monthSla } from '../../sla/availability.ts';
import { docsCatalog } from '../../testing/catalog.ts';
import type { Catalog } from '../catalog.ts';
import { brief, configFrom, runAt, Simulator } from './testkit.ts';

const yaml = (extra = '', fleet = '') => `
site: { url: "https://status.example" }
checker: { interval: 5m, timezone: Europe/Moscow }
notify: { telegram: { chat: "-100123", remind_every: 24h } }
clients:
  - id: acme
    title: Акме
    sla: { availability: 99.5 }
    installations:
      - id: main
        title: Основной
        url: https://kodeks.acme.example/
        ip: 127.0.0.10
${extra}        probes: { icmp: {}, http: {}, dns: {} }
${fleet}`;

let catalog: Catalog;
beforeAll(async () => {
  catalog = await docsCatalog();
});

const A = 'acme/main';
const OK = { icmp: 'ok', http: 'ok', http_ip: 'ok', dns: 'ok' };
const MAINT = { icmp: 'ok', http: 'fail:KODEKS_MAINTENANCE', http_ip: 'fail:KODEKS_MAINTENANCE', dns: 'ok' };
const t0 = Date.parse('2026-11-28T06:00:00Z'); // 09:00 Moscow
const at = (min: number) => new Date(t0 + min * 60_000).toISOString();

/** Runs every 5 minutes from minute `from` to `to` (inclusive) with the same checks; returns the events by minute. */
function runs(sim: Simulator, from: number, to: number, checks: Partial<Record<CheckId, string>>) {
  const out = new Map<number, string[]>();
  for (let m = from; m <= to; m += 5) {
    const events = brief(sim.run(runAt(at(m), { [A]: checks })));
    if (events.length > 0) out.set(m, events);
  }
  return out;
}

describe('maintenance mode (503)', () => {
  it('is maintenance, not an outage: its own alert, its own row, maintenance minutes; after 3 h KodeksMaintenanceToLong', () => {
    const sim = new Simulator(configFrom(yaml()), catalog);
    runs(sim, 0, 0, OK);
    const during = runs(sim, 5, 185, MAINT);
    // Fires after `for: 2`, then 3 h after its first 503 (minute 5) the duration alert fires.
    expect([...during]).toEqual([
      [10, ['firing KodeksMaintenance acme/main']],
      [185, ['firing KodeksMaintenanceToLong acme/main']],
    ]);
    const state = sim.state(A)!;
    expect(state.alerts.KodeksBehindProxyDown).toBeUndefined();
    expect(state.alerts.KodeksHttp200Status).toBeUndefined();
    expect(state.components.access?.status).toBe('maintenance');
    expect(state.components.network?.status).toBe('ok');
    expect(state.alerts.KodeksMaintenanceToLong?.diagnosis?.cause).toBe(
      'ПК в режиме технического обслуживания дольше 3 ч подряд: пользователи всё это время не могут работать.',
    );
    expect(state.overall).toBe('major_outage');
    const after = runs(sim, 190, 205, MAINT);
    expect(after.size).toBe(0);
    const back = runs(sim, 210, 210, OK);
    expect(back.get(210)?.sort()).toEqual([
      'resolved KodeksMaintenance acme/main',
      'resolved KodeksMaintenanceToLong acme/main',
    ]);
    // 09:05–12:05 maintenance (180 min, out of the SLA), 12:05–12:30 down (25 min).
    const day = sim.day(A, '2026-11-28')!;
    expect(day).toMatchObject({ maintenance_min: 180, down_min: 25 });
    const days = sim.snapshot.history.get('acme/2026-11')!.installations.main!;
    const sla = monthSla(days, '2026-11', 'Europe/Moscow', Date.parse(at(210)), 99.5);
    expect(sla.downMin).toBe(25);
  });

  it('shows under_maintenance while it lasts', () => {
    const sim = new Simulator(configFrom(yaml()), catalog);
    runs(sim, 0, 10, MAINT);
    expect(sim.state(A)?.overall).toBe('under_maintenance');
    const [inc] = sim.incidents();
    expect(inc).toMatchObject({ alert: 'KodeksMaintenance', importance: 'info', maintenance: false });
    expect(inc?.diagnosis?.rule).toBe('maintenance_mode');
  });

  it('a check that cannot be made leaves the count of hours where it was', () => {
    const sim = new Simulator(configFrom(yaml()), catalog);
    runs(sim, 0, 170, MAINT);
    const unknown = runs(sim, 175, 185, {
      icmp: 'unknown',
      http: 'unknown',
      http_ip: 'unknown',
      dns: 'unknown',
    });
    expect(unknown.size).toBe(0);
    expect(sim.state(A)?.alerts.KodeksMaintenanceToLong).toBeUndefined();
    // Maintenance mode began at minute 0 and was never seen to end: past 3 h at the next observation.
    expect(runs(sim, 190, 190, MAINT).get(190)).toEqual(['firing KodeksMaintenanceToLong acme/main']);
  });

  it('the threshold is configurable fleet-wide and per installation', () => {
    const fleet = new Simulator(
      configFrom(yaml('', 'alerts:\n  KodeksMaintenanceToLong: { after: 2h }\n')),
      catalog,
    );
    runs(fleet, 0, 0, OK);
    expect([...runs(fleet, 5, 130, MAINT).keys()]).toEqual([10, 125]);
    const one = new Simulator(
      configFrom(
        yaml(
          '        alerts: { KodeksMaintenanceToLong: { after: 1h } }\n',
          'alerts:\n  KodeksMaintenanceToLong: { after: 2h }\n',
        ),
      ),
      catalog,
    );
    runs(one, 0, 0, OK);
    expect([...runs(one, 5, 130, MAINT).keys()]).toEqual([10, 65]);
  });

  it('a 503 by name while the server answers by IP is the proxy, not maintenance', () => {
    const sim = new Simulator(configFrom(yaml()), catalog);
    const events = runs(sim, 0, 5, { ...OK, http: 'fail:KODEKS_MAINTENANCE' });
    expect(events.get(5)).toEqual(['firing KodeksBehindProxyDown acme/main']);
    expect(sim.state(A)?.overall).toBe('partial_outage');
  });
});
