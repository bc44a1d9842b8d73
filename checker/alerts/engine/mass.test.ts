// Mass («…Count») alerts as sequences of runs: when at least count_min installations start firing the same
// alert in one run, one Count event replaces the N single and hosting-wide ones, whatever their hosting.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckId } from '../../probes/types.ts';
import { docsCatalog } from '../../testing/catalog.ts';
import type { Catalog } from '../catalog.ts';
import type { AlertEvent } from './events.ts';
import { brief, configFrom, fleetYaml, runAt, Simulator } from './testkit.ts';

/** `n` clients with one installation each; the first `hosted` of them at «Облако». */
const massYaml = (n: number, hosted: number, extra = '') => fleetYaml(n, { hosted, extra });

let catalog: Catalog;
beforeAll(async () => {
  catalog = await docsCatalog();
});

const OK = { icmp: 'ok', http: 'ok', http_ip: 'ok', dns: 'ok' };
const DARK = { icmp: 'fail:ICMP_LOSS', http: 'fail:CONN_TIMEOUT', http_ip: 'fail:CONN_TIMEOUT', dns: 'ok' };
const MAINT = { icmp: 'ok', http: 'fail:KODEKS_MAINTENANCE', http_ip: 'fail:KODEKS_MAINTENANCE', dns: 'ok' };
const keys = (n: number) => Array.from({ length: n }, (_, i) => `c${String(i + 1).padStart(2, '0')}/main`);
const at = (min: number) => new Date(Date.parse('2026-11-28T03:00:00Z') + min * 60_000).toISOString();

/** One run: the first `bad` installations with `checks`, the rest healthy. */
function run(
  sim: Simulator,
  min: number,
  total: number,
  bad: number,
  checks: Partial<Record<CheckId, string>>,
) {
  return sim.run(runAt(at(min), Object.fromEntries(keys(total).map((k, i) => [k, i < bad ? checks : OK]))));
}

describe('mass alerts', () => {
  it('12 servers dark in one run (3 of them at a hosting): one KodeksIcmpCount event, no single ones', () => {
    const sim = new Simulator(configFrom(massYaml(12, 3)), catalog);
    expect(run(sim, 0, 12, 12, DARK)).toEqual([]);
    const events = run(sim, 5, 12, 12, DARK);
    expect(brief(events)).toEqual([`count KodeksIcmpCount [${keys(12).join(', ')}]`]);
    const count = events[0] as Extract<AlertEvent, { kind: 'count' }>;
    expect(count).toMatchObject({ of: 'KodeksIcmp', group: '2026-11-28T03:05Z-KodeksIcmpCount' });
    expect(count.diagnosis?.rule).toBe('host_down');
    const icmp = sim.incidents().filter((i) => i.alert === 'KodeksIcmp');
    expect(icmp).toHaveLength(12);
    expect(new Set(icmp.map((i) => i.group))).toEqual(new Set([count.group]));
    expect(icmp.every((i) => i.mass === 'KodeksIcmpCount' && i.hosting === undefined)).toBe(true);
    // The port alerts are held back by ping, as they would be one by one.
    expect(
      sim
        .incidents()
        .filter((i) => i.alert === 'KodeksTcpStatus')
        .every((i) => i.suppressed),
    ).toBe(true);
  });

  it('below count_min the hosting grouping applies, and the others are single', () => {
    const sim = new Simulator(configFrom(massYaml(12, 3)), catalog);
    run(sim, 0, 12, 9, DARK);
    expect(brief(run(sim, 5, 12, 9, DARK))).toEqual([
      'grouped KodeksIcmp cloud [c01/main, c02/main, c03/main]',
      ...keys(9)
        .slice(3)
        .map((k) => `firing KodeksIcmp ${k}`),
    ]);
  });

  it('count_min is overridden in installations.yaml, and a mass alert can be turned off', () => {
    const lower = new Simulator(
      configFrom(massYaml(12, 3, 'alerts:\n  KodeksIcmpCount: { count_min: 5 }\n')),
      catalog,
    );
    run(lower, 0, 12, 5, DARK);
    expect(brief(run(lower, 5, 12, 5, DARK))).toEqual([`count KodeksIcmpCount [${keys(5).join(', ')}]`]);
    const off = new Simulator(
      configFrom(massYaml(12, 3, 'alerts:\n  KodeksIcmpCount: { disabled: true }\n')),
      catalog,
    );
    run(off, 0, 12, 12, DARK);
    const events = run(off, 5, 12, 12, DARK);
    expect(events.some((e) => e.kind === 'count')).toBe(false);
    expect(events.filter((e) => e.kind === 'grouped')).toHaveLength(1);
  });

  it('counts only what starts firing in the same run: a straggler gets its own message', () => {
    const sim = new Simulator(configFrom(massYaml(12, 0)), catalog);
    run(sim, 0, 12, 10, DARK);
    expect(brief(run(sim, 5, 12, 10, DARK))).toHaveLength(1);
    run(sim, 10, 12, 11, DARK);
    expect(brief(run(sim, 15, 12, 11, DARK))).toEqual(['firing KodeksIcmp c11/main']);
  });

  it('KodeksMaintenanceCount needs its own count_min of 31 (SMART: more than 30)', () => {
    const thirty = new Simulator(configFrom(massYaml(31, 0)), catalog);
    run(thirty, 0, 31, 30, MAINT);
    expect(run(thirty, 5, 31, 30, MAINT).filter((e) => e.kind === 'count')).toEqual([]);
    const all = new Simulator(configFrom(massYaml(31, 0)), catalog);
    run(all, 0, 31, 31, MAINT);
    expect(brief(run(all, 5, 31, 31, MAINT))).toEqual([
      `count KodeksMaintenanceCount [${keys(31).join(', ')}]`,
    ]);
  });
});
