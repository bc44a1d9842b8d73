// Every mass («…Count») alert of the catalog, at its threshold (issues 12 and 13): when count_min installations
// start firing its single alert in one run, one Count event replaces their messages; one installation fewer
// and each gets its own; when they recover, every incident of the group resolves with the mass alert named.
// The sysinfo ones are fed from real reports: the fake server's XML, read through the default mapping
// profile into facts, judged by the sysinfo check as a run would.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../config/schema.ts';
import { fromFacts } from '../../probes/sysinfo.ts';
import type { CheckId, ProbeResult } from '../../probes/types.ts';
import type { RunResults } from '../../probing/types.ts';
import { deriveFacts } from '../../sysinfo/facts.ts';
import { DEFAULT_PROFILE } from '../../sysinfo/profile.ts';
import { readReport } from '../../sysinfo/read-report.ts';
import { docsCatalog } from '../../testing/catalog.ts';
import { healthyReport, type ReportSpec, sysinfoXml } from '../../testing/sysinfo-report.ts';
import { type Catalog, DEFAULT_COUNT_MIN } from '../catalog.ts';
import type { AlertName } from '../names.ts';
import type { AlertEvent } from './events.ts';
import { brief, configFrom, fleetYaml, result, Simulator } from './testkit.ts';

const TZ = 'Europe/Moscow';
const START = Date.parse('2026-11-28T06:00:00Z');
const DAY = 86_400_000;
const at = (min: number) => new Date(START + min * 60_000);

/** What one installation shows in a run: network checks by spec, and the report its server gives. */
interface World {
  checks: Partial<Record<Exclude<CheckId, 'sysinfo'>, string>>;
  /** Changes the healthy report of `now` into a broken one. */
  report?: (spec: ReportSpec, now: Date) => void;
}

const HEALTHY: World = { checks: { icmp: 'ok', http: 'ok', http_ip: 'ok', dns: 'ok' } };
const dbError = (e: ReportSpec['errors'][number]) => (r: ReportSpec) => {
  r.errors = [e, { db: 'Техэксперт: Строительство', code: e.code, text: e.text }];
};

/**
 * How each mass alert's single alert is made to fail. Keyed by the mass alert: a Count alert added to the
 * catalog without a way to break its single here fails the first test.
 */
const BREAK: Record<string, World> = {
  KodeksIcmpCount: {
    checks: { icmp: 'fail:ICMP_LOSS', http: 'fail:CONN_TIMEOUT', http_ip: 'fail:CONN_TIMEOUT', dns: 'ok' },
  },
  KodeksTcpStatusCount: {
    checks: { icmp: 'ok', http: 'fail:CONN_REFUSED', http_ip: 'fail:CONN_REFUSED', dns: 'ok' },
  },
  KodeksHttp200StatusCount: {
    checks: { icmp: 'ok', http: 'fail:HTTP_STATUS', http_ip: 'fail:HTTP_STATUS', dns: 'ok' },
  },
  KodeksMaintenanceCount: {
    checks: { icmp: 'ok', http: 'fail:KODEKS_MAINTENANCE', http_ip: 'fail:KODEKS_MAINTENANCE', dns: 'ok' },
  },
  KodeksMaintenanceToLongCount: {
    checks: { icmp: 'ok', http: 'fail:KODEKS_MAINTENANCE', http_ip: 'fail:KODEKS_MAINTENANCE', dns: 'ok' },
  },
  KodeksDBerrorsCode2007Count: {
    checks: HEALTHY.checks,
    report: dbError({ db: 'Кодекс: Законодательство', code: 2007, text: 'Нет прав на копию базы' }),
  },
  KodeksDBerrorsCodeXXXCount: {
    checks: HEALTHY.checks,
    report: dbError({ db: 'Кодекс: Законодательство', code: 613, text: 'Том для другой версии' }),
  },
  KodeksDBerrorsNoCodeCount: {
    checks: HEALTHY.checks,
    report: dbError({ db: 'Кодекс: Законодательство', text: 'Том уже подключён' }),
  },
  KodeksDBOperUpToOldCount: {
    checks: HEALTHY.checks,
    report: (r, now) => {
      r.operups = r.operups.map((o) => ({ ...o, date: new Date(now.getTime() - 5 * DAY) }));
    },
  },
};

/** The sysinfo check's result for a report, as the check gives it: XML → default profile → facts → findings. */
async function sysinfoResult(config: Config, key: string, spec: ReportSpec, now: Date): Promise<ProbeResult> {
  const [clientId] = key.split('/') as [string];
  const client = config.clients.find((c) => c.id === clientId)!;
  const installation = client.installations[0]!;
  const raw = await readReport(Buffer.from(sysinfoXml(spec)), DEFAULT_PROFILE);
  const facts = deriveFacts(raw, DEFAULT_PROFILE, { fetchedAt: now, timezone: TZ });
  return fromFacts({ now: () => now, installation, config }, installation.probes.sysinfo!, facts, 40);
}

async function runOf(
  config: Config,
  keys: string[],
  broken: number,
  world: World,
  now: Date,
): Promise<RunResults> {
  const installations = await Promise.all(
    keys.map(async (key, i) => {
      const w = i < broken ? world : HEALTHY;
      const checks: RunResults['installations'][number]['checks'] = {};
      for (const [id, spec] of Object.entries(w.checks)) checks[id as CheckId] = result(spec);
      const report = healthyReport(now);
      w.report?.(report, now);
      checks.sysinfo = await sysinfoResult(config, key, report, now);
      const [client, installation] = key.split('/') as [string, string];
      return { client, installation, checks };
    }),
  );
  return {
    startedAt: now,
    finishedAt: new Date(now.getTime() + 1500),
    networkOk: true,
    canaries: [],
    installations,
    notes: [],
    icmpUnavailable: false,
  };
}

let catalog: Catalog;
beforeAll(async () => {
  catalog = await docsCatalog();
});

/** The mass alerts of the catalog with their single alert and threshold. */
const massAlerts = () =>
  [...catalog.values()]
    .filter((e) => e.count_of !== undefined)
    .map((e) => ({ alert: e.alert, of: e.count_of!, min: e.count_min ?? DEFAULT_COUNT_MIN }));

/**
 * Runs `n` installations, the first `broken` of them broken as `world` says, every 5 minutes until the single
 * alert fires (or 4 hours pass); returns the simulator and the events of the run in which anything fired.
 */
async function breakFleet(n: number, broken: number, world: World, of: AlertName) {
  const config = configFrom(fleetYaml(n, { probes: '{ icmp: {}, http: {}, dns: {}, sysinfo: {} }' }));
  const sim = new Simulator(config, catalog);
  const keys = config.clients.map((c) => `${c.id}/main`);
  await sim.run(await runOf(config, keys, 0, world, at(0)));
  let min = 5;
  for (; min <= 240; min += 5) {
    const events = sim.run(await runOf(config, keys, broken, world, at(min)));
    const fired = events.filter(
      (e) => (e.kind === 'count' && e.of === of) || (e.kind === 'firing' && e.alert === of),
    );
    if (fired.length > 0) return { sim, config, keys, min, events: fired };
  }
  throw new Error(`${of} never fired in 4 hours`);
}

describe('every mass alert of the catalog at its threshold', () => {
  it('each Count alert of the catalog has a way to break its single alert in this test', () => {
    const names = massAlerts().map((m) => m.alert);
    expect(names.sort()).toEqual(Object.keys(BREAK).sort());
    // The sysinfo ones are all there (issue 13): database errors of each kind and old operups.
    expect(names).toEqual(
      expect.arrayContaining([
        'KodeksDBerrorsCode2007Count',
        'KodeksDBerrorsCodeXXXCount',
        'KodeksDBerrorsNoCodeCount',
        'KodeksDBOperUpToOldCount',
      ]),
    );
  });

  it.each(Object.keys(BREAK))(
    '%s: count_min installations → one Count event, and all of them resolve under it',
    async (name) => {
      const mass = massAlerts().find((m) => m.alert === name)!;
      const world = BREAK[name]!;
      const { sim, config, keys, min, events } = await breakFleet(
        mass.min,
        mass.min,
        world,
        mass.of as AlertName,
      );
      expect(brief(events)).toEqual([`count ${name} [${keys.join(', ')}]`]);
      const count = events[0] as Extract<AlertEvent, { kind: 'count' }>;
      // Each installation keeps its own cause (for the sysinfo ones: its databases or files, in words).
      expect(count.items.every((i) => i.diagnosis?.cause)).toBe(true);
      const singles = sim.incidents().filter((i) => i.alert === mass.of);
      expect(singles).toHaveLength(mass.min);
      expect(singles.every((i) => i.mass === name && i.group === count.group && !i.resolved_at)).toBe(true);
      // Everything healthy again: each incident resolves, and the recoveries name the mass alert (one reply).
      const healed = sim.run(await runOf(config, keys, 0, world, at(min + 5)));
      const resolved = healed.filter((e) => e.kind === 'resolved' && e.alert === mass.of);
      expect(resolved).toHaveLength(mass.min);
      expect(resolved.every((e) => e.kind === 'resolved' && e.mass === name && e.group === count.group)).toBe(
        true,
      );
      expect(sim.incidents().filter((i) => i.alert === mass.of && !i.resolved_at)).toEqual([]);
    },
    60_000,
  );

  it.each(Object.keys(BREAK))(
    '%s: one installation fewer → single messages, no Count',
    async (name) => {
      const mass = massAlerts().find((m) => m.alert === name)!;
      const { keys, events } = await breakFleet(mass.min, mass.min - 1, BREAK[name]!, mass.of as AlertName);
      expect(events.filter((e) => e.kind === 'count')).toEqual([]);
      expect(brief(events).sort()).toEqual(keys.slice(0, mass.min - 1).map((k) => `firing ${mass.of} ${k}`));
    },
    60_000,
  );
});
