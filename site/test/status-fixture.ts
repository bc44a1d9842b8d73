/**
 * Writes status data for the fixture installations.yaml, as `smart check` would have written it, relative
 * to `now`: one client per overall state (operational, degraded, major outage, maintenance, stale, no data),
 * an unlisted and a private client. Private details hold MARKER strings the privacy test looks for.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type {
  ClientState,
  DayAggregate,
  Heartbeat,
  HistoryMonth,
  Incident,
  InstallationState,
  OverallState,
} from '../../checker/status/schema.ts';
import { addDays, lastDays, localDay } from '../src/lib/calendar.ts';

const TZ = 'Europe/Moscow';
const MIN = 60_000;

/** Start of a 94-second incident five days before `now`. */
export const blipStart = (now: number) => now - 5 * 86_400_000;

async function put(dir: string, path: string, value: unknown): Promise<void> {
  const file = join(dir, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

const iso = (ms: number) => new Date(ms).toISOString();

function installation(
  overall: OverallState,
  at: number,
  fails: Partial<Record<'network' | 'access' | 'dns' | 'tls' | 'license', string>> = {},
): InstallationState {
  const components: InstallationState['components'] = {};
  for (const c of ['network', 'access', 'dns', 'tls', 'license'] as const) {
    const message = fails[c];
    components[c] = {
      status: message ? 'fail' : 'ok',
      since: iso(at - 3 * 3600_000),
      message: message ?? 'Работает',
    };
  }
  return {
    overall,
    checked_at: iso(at),
    components,
    checks: {
      http: {
        status: fails.access ? 'fail' : 'ok',
        code: fails.access ? 'DNS_SERVFAIL' : 'OK',
        message: fails.access ?? 'Отвечает',
        latency_ms: 120,
        since: iso(at - 3600_000),
        evidence: {
          address: '203.0.113.99',
          raw: 'MARKER-EVIDENCE-1',
          url: 'https://marker-evidence.example/',
        },
      },
    },
    alerts: {},
  };
}

function day(down = 0, noData = 0, maintenance = 0): DayAggregate {
  return {
    checks: 288,
    failures: Math.ceil(down / 5),
    down_min: down,
    maintenance_min: maintenance,
    no_data_min: noData,
    p50_ms: 110,
    p95_ms: 240,
  };
}

/** Daily aggregates for the 100 days up to today, with `special` overriding some days (by days ago). */
function days(
  today: string,
  special: Record<number, DayAggregate> = {},
  lastDay = today,
): Map<string, DayAggregate> {
  const out = new Map<string, DayAggregate>();
  lastDays(lastDay, 100).forEach((d) => {
    const ago = Math.round((Date.parse(today) - Date.parse(d)) / 86_400_000);
    out.set(d, special[ago] ?? day());
  });
  return out;
}

async function history(dir: string, client: string, insts: Record<string, Map<string, DayAggregate>>) {
  const months = new Map<string, HistoryMonth>();
  for (const [inst, byDay] of Object.entries(insts)) {
    for (const [d, agg] of byDay) {
      const m = d.slice(0, 7);
      let month = months.get(m);
      if (!month) {
        month = { schema: 1, client, month: m, timezone: TZ, installations: {} };
        months.set(m, month);
      }
      month.installations[inst] ??= {};
      month.installations[inst]![d] = agg;
    }
  }
  for (const [m, month] of months) await put(dir, `history/${client}/${m}.json`, month);
}

/** Writes the whole fixture into `dir` for a build at `now`. */
export async function writeStatusFixture(dir: string, now: number): Promise<void> {
  const today = localDay(now, TZ);
  const at = now - 2 * MIN;
  const heartbeat: Heartbeat = {
    schema: 1,
    run_id: 'run-fixture',
    started_at: iso(at - 20_000),
    finished_at: iso(at),
    duration_ms: 20_000,
    vantage: 'MARKER-VANTAGE-RUNNER',
    interval_ms: 300_000,
    network_ok: true,
    counts: { clients: 8, installations: 9, checks: 40, ok: 35, fail: 5, unknown: 0, firing: 2 },
    notes: ['MARKER-HEARTBEAT-NOTE'],
  };
  await put(dir, 'heartbeat.json', heartbeat);

  const state = (
    client: string,
    installations: Record<string, InstallationState>,
    updated = at,
  ): ClientState => ({
    schema: 1,
    client,
    updated_at: iso(updated),
    installations,
  });
  const dnsDown = installation('major_outage', at, {
    access: 'Доменное имя не разрешается',
    dns: 'DNS-сервер хостинга не отвечает',
  });
  const dnsDiagnosis = {
    rule: 'dns_down_ip_ok',
    alert: 'KodeksDnsResolve',
    cause: 'DNS не отвечает, установка доступна по IP-адресу',
    hint: 'MARKER-HINT-MANAGERS',
    workaround: 'Пока DNS не восстановлен, откройте ПК по IP-адресу из письма вашего менеджера.',
  } as const;
  // A warning open for four months: its incident lives in an incidents/ month older than the 90 days read.
  const tlsSince = now - 120 * 86_400_000;
  const tlsExpiring = installation('degraded_performance', at, { tls: 'Сертификат истекает через 9 дней' });
  tlsExpiring.alerts.KodeksTlsCertExpiring = {
    state: 'firing',
    fails: 30_000,
    oks: 0,
    since: iso(tlsSince),
    fired_at: iso(tlsSince),
    suppressed: false,
    incident: 'tls-degraded',
  };
  const states: ClientState[] = [
    state('norma', { main: installation('operational', at), reserve: installation('operational', at) }),
    state('degraded', { main: tlsExpiring }),
    state('outage', { cloud: dnsDown }),
    state('maint', { main: installation('operational', at) }),
    state('stale', { main: installation('operational', now - 5 * 3600_000) }, now - 5 * 3600_000),
    state('hidden', { main: installation('operational', at) }),
    state('secret', { main: installation('partial_outage', at, { license: 'MARKER-PRIVATE-MESSAGE' }) }),
  ];
  for (const s of states) await put(dir, `state/${s.client}.json`, s);

  const sinceSix = Math.round((now - Date.parse(`${today}T06:00:00+03:00`)) / MIN);
  await history(dir, 'norma', {
    main: days(today, { 3: day(65) }),
    reserve: days(today, { 12: day(0, 400) }),
  });
  await history(dir, 'degraded', { main: days(today, { 1: day(12), 20: day(5), 40: day(0, 1440) }) });
  await history(dir, 'outage', { cloud: days(today, { 0: day(sinceSix), 30: day(45) }) });
  await history(dir, 'maint', { main: days(today, { 0: day(0, 0, 85) }) });
  await history(dir, 'stale', { main: days(today, { 0: day(0, 300) }) });
  await history(dir, 'hidden', { main: days(today) });
  await history(dir, 'secret', { main: days(today, { 2: day(300) }) });

  const inc = (
    p: Partial<Incident> & Pick<Incident, 'id' | 'client' | 'installation' | 'alert' | 'started_at'>,
  ): Incident => ({
    importance: 'critical',
    client_visible: true,
    suppressed: false,
    maintenance: false,
    ...p,
  });
  const sixAm = Date.parse(`${today}T06:00:00+03:00`);
  const caseOne = Date.parse(`${addDays(today, -3)}T21:00:00+03:00`);
  const incidents: Incident[] = [
    inc({
      id: 'case1-norma',
      client: 'norma',
      installation: 'main',
      alert: 'KodeksXmlSensLockStatus',
      started_at: iso(caseOne),
      fired_at: iso(caseOne + 10 * MIN),
      resolved_at: iso(caseOne + 65 * MIN),
      diagnosis: {
        rule: 'key_missing_usb_absent',
        alert: 'KodeksXmlSensLockStatus',
        cause: 'Сервер не видит ключ SenseLock: ключ не подключён к USB этого сервера',
        hint: 'MARKER-HINT-CASE1',
      },
    }),
    inc({
      id: 'case2-outage',
      client: 'outage',
      installation: 'cloud',
      alert: 'KodeksDnsResolve',
      started_at: iso(sixAm),
      fired_at: iso(sixAm + 10 * MIN),
      hosting: 'tekhexpert-cloud',
      group: 'g-1',
      diagnosis: dnsDiagnosis,
    }),
    inc({
      id: 'case2-outage-proxy',
      client: 'outage',
      installation: 'cloud',
      alert: 'KodeksBehindProxyDown',
      started_at: iso(sixAm),
      suppressed: true,
    }),
    inc({
      id: 'tls-degraded',
      client: 'degraded',
      installation: 'main',
      alert: 'KodeksTlsCertExpiring',
      importance: 'info',
      started_at: iso(tlsSince),
      fired_at: iso(tlsSince),
    }),
    inc({
      id: 'agent-degraded',
      client: 'degraded',
      installation: 'main',
      alert: 'KodeksAgentSilent',
      importance: 'info',
      started_at: iso(now - 86_400_000),
      resolved_at: iso(now - 86_000_000),
      client_visible: false,
    }),
    // 1 min 34 s: the page and Telegram must say the same (issue 17.2).
    inc({
      id: 'blip-norma',
      client: 'norma',
      installation: 'reserve',
      alert: 'KodeksBehindProxyDown',
      started_at: iso(blipStart(now)),
      fired_at: iso(blipStart(now)),
      resolved_at: iso(blipStart(now) + 94_000),
    }),
    inc({
      id: 'secret-key',
      client: 'secret',
      installation: 'main',
      alert: 'KodeksXmlSensLockStatus',
      started_at: iso(now - 2 * 86_400_000),
      resolved_at: iso(now - 2 * 86_400_000 + 300 * MIN),
      diagnosis: {
        rule: 'key_missing',
        alert: 'KodeksXmlSensLockStatus',
        cause: 'MARKER-PRIVATE-CAUSE',
        hint: 'MARKER-HINT-PRIVATE',
      },
    }),
  ];
  const byMonth = new Map<string, Incident[]>();
  for (const i of incidents) {
    const m = i.started_at.slice(0, 7);
    byMonth.set(m, [...(byMonth.get(m) ?? []), i]);
  }
  for (const [month, list] of byMonth)
    await put(dir, `incidents/${month}.json`, { schema: 1, month, incidents: list });

  await put(dir, 'agents/norma/main.json', {
    schema: 1,
    client: 'norma',
    installation: 'main',
    reported_at: iso(at),
    agent_version: '0.1.0',
    hostname: 'MARKER-AGENT-HOST',
    usb: { status: 'present', devices: [] },
  });
}
