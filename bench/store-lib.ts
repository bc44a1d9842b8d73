/**
 * Realistic status data for the store benchmark: clients with 1–3 installations, 13 months of daily history,
 * client states and heartbeats shaped by checker/status/schema.ts and serialized the way the stores write them
 * (sorted keys, two-space indent). Deterministic: the same seed gives the same bytes.
 */
import {
  clientStateSchema,
  type DayAggregate,
  heartbeatSchema,
  historyMonthSchema,
  type InstallationState,
} from '../checker/status/schema.ts';

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sorted keys, two spaces, trailing newline: the bytes the stores write. */
export function serialize(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

export interface BenchClient {
  id: string;
  installations: string[];
  latency: number;
}

/** Clients with 1–3 installations each (most have one), `installations` in total. */
export function makeClients(installations: number, rnd: () => number): BenchClient[] {
  const out: BenchClient[] = [];
  for (let left = installations; left > 0; ) {
    const count = Math.min(left, rnd() < 0.6 ? 1 : rnd() < 0.75 ? 2 : 3);
    left -= count;
    out.push({
      id: `client-${String(out.length + 1).padStart(3, '0')}`,
      installations: ['main', 'reserve', 'test'].slice(0, count),
      latency: 40 + Math.floor(rnd() * 400),
    });
  }
  return out;
}

const COMPONENTS = ['network', 'access', 'dns', 'tls', 'license', 'agent'] as const;

/** One day of one installation; `checks` < 288 for today's partial day. */
export function dayAggregate(rnd: () => number, latency: number, checks: number): DayAggregate {
  const bad = rnd() < 0.05;
  const failures = bad ? 1 + Math.floor(rnd() * 30) : 0;
  const hist = Array.from({ length: 14 }, () => 0);
  for (let i = 0; i < checks; i++) {
    const ms = latency * (0.5 + rnd());
    hist[Math.min(13, Math.ceil(Math.log2(Math.max(1, ms))))]! += 1;
  }
  const components: DayAggregate['components'] = {};
  for (const c of COMPONENTS) components[c] = { down_min: 0, failures: 0 };
  if (bad) components.access = { down_min: failures * 5, failures };
  return {
    checks,
    failures,
    down_min: failures * 5,
    maintenance_min: rnd() < 0.01 ? 120 : 0,
    no_data_min: rnd() < 0.02 ? 15 : 0,
    p50_ms: Math.round(latency * (0.9 + rnd() * 0.2)),
    p95_ms: Math.round(latency * (1.6 + rnd() * 0.8)),
    hist,
    components,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');
export const monthOf = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
export const dayOf = (d: Date) => `${monthOf(d)}-${pad(d.getUTCDate())}`;

/** history/<client>/<YYYY-MM>.json with days from the 1st up to `lastDay` (inclusive). */
export function historyMonth(client: BenchClient, month: string, lastDay: number, rnd: () => number) {
  const installations: Record<string, Record<string, DayAggregate>> = {};
  for (const inst of client.installations) {
    const days: Record<string, DayAggregate> = {};
    for (let d = 1; d <= lastDay; d++) days[`${month}-${pad(d)}`] = dayAggregate(rnd, client.latency, 288);
    installations[inst] = days;
  }
  return historyMonthSchema.parse({
    schema: 1,
    client: client.id,
    month,
    timezone: 'Europe/Moscow',
    installations,
  });
}

const CHECKS = {
  icmp: ['network', 'ICMP_OK', 'Узел отвечает на ping'],
  tcp: ['network', 'TCP_OK', 'Порт принимает соединения'],
  http_ip: ['network', 'HTTP_OK', 'Сервер отвечает по IP-адресу'],
  http: ['access', 'HTTP_OK', 'Страница открывается'],
  dns: ['dns', 'DNS_OK', 'Имя разрешается'],
  tls: ['tls', 'TLS_OK', 'Сертификат действителен ещё 64 дня'],
  sysinfo: ['license', 'XML_OK', 'Ключ SenseLock виден серверу'],
} as const;

/** state/<client>.json as of one run: latencies and timestamps move every run. */
export function clientState(client: BenchClient, at: Date, since: Date, rnd: () => number) {
  const iso = at.toISOString();
  const installations: Record<string, InstallationState> = {};
  for (const inst of client.installations) {
    const checks: InstallationState['checks'] = {};
    const components: InstallationState['components'] = {};
    for (const [id, [component, code, message]] of Object.entries(CHECKS)) {
      checks[id as keyof typeof CHECKS] = {
        status: 'ok',
        code,
        message,
        latency_ms: Math.round(client.latency * (0.5 + rnd())),
        since: since.toISOString(),
        evidence: { host: `${client.id}.example.ru`, attempt: 1 },
      };
      components[component] = { status: 'ok', since: since.toISOString(), message: 'Работает' };
    }
    installations[inst] = {
      overall: 'operational',
      checked_at: iso,
      components,
      checks,
      alerts: { KodeksIcmp: { state: 'ok', fails: 0, oks: 12, suppressed: false } },
    };
  }
  return clientStateSchema.parse({ schema: 1, client: client.id, updated_at: iso, installations });
}

export function heartbeat(at: Date, run: number, clients: BenchClient[]) {
  const installations = clients.reduce((n, c) => n + c.installations.length, 0);
  return heartbeatSchema.parse({
    schema: 1,
    run_id: `run-${run}`,
    started_at: new Date(at.getTime() - 9000).toISOString(),
    finished_at: at.toISOString(),
    duration_ms: 9000,
    vantage: 'github-hosted',
    interval_ms: 300_000,
    network_ok: true,
    counts: {
      clients: clients.length,
      installations,
      checks: installations * 7,
      ok: installations * 7,
      fail: 0,
      unknown: 0,
      firing: 0,
    },
    notes: [],
  });
}
