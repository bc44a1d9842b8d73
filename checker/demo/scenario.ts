/**
 * The demo's story, as data: five fake installations, the installations.yaml that watches them and what
 * happens in each check cycle. Pure: ports and the clock come in, text and plans come out.
 *
 * - «Первая линия»: always reachable, but its sysinfo report tells of trouble inside: the licence of one
 *   database runs out tomorrow (KodeksLicenseExpiring2day) and an operup file has not been updated for four
 *   days (KodeksDBOperUpToOld), until a new reg-file is installed and the update comes through.
 * - «Акме» (case 1): the SenseLock key vanishes — the sysinfo report says it does not work and the on-prem
 *   agent sees no key on USB (the USB-over-network software's licence expired) — then comes back: one alert.
 * - «Восток-Строй» and «Северный завод» at «Техэксперт.Облако» (case 2): the hosting's DNS answers SERVFAIL
 *   for their names while their addresses keep answering, then recovers.
 * - «Медцентр»: down all along (connections refused): KodeksTcpStatus.
 * - «Северный порт», «Речной вокзал» and «Аэропорт Южный»: their PKs go into maintenance mode (HTTP 503) at
 *   once, as a nightly update rolls out, and stay there: one mass message (KodeksMaintenanceCount, its
 *   threshold lowered to 3 in this config) instead of three, and status pages that say «Плановые работы».
 * - «Медцентр» also names its licence manager (a port on loopback that answers).
 */
import { stringify } from 'yaml';
import type { AgentReport } from '../status/schema.ts';

/** The names the demo's DNS server answers (the .test TLD is reserved and never resolves elsewhere). */
export const DEMO_HOSTS = {
  healthy: 'kodeks.pervaya-liniya.test',
  acme: 'kodeks.acme.test',
  vostok: 'vostok.tekhexpert-cloud.test',
  sz: 'sz.tekhexpert-cloud.test',
  down: 'kodeks.medcenter.test',
  port: 'kodeks.severny-port.test',
  river: 'kodeks.rechnoy-vokzal.test',
  airport: 'kodeks.aeroport-yuzhny.test',
} as const;
export type DemoInstallation = keyof typeof DEMO_HOSTS;

/** Names at the hosting whose DNS fails in case 2. */
export const HOSTING_HOSTS = [DEMO_HOSTS.vostok, DEMO_HOSTS.sz];

/** The installations that go into maintenance mode together. */
export const MAINTENANCE_HOSTS = [DEMO_HOSTS.port, DEMO_HOSTS.river, DEMO_HOSTS.airport] as const;

/** Ports the demo's servers got. */
export interface DemoPorts {
  dns: number;
  healthy: number;
  acme: number;
  vostok: number;
  sz: number;
  /** Nothing listens there. */
  down: number;
  /** The PKs that go into maintenance mode. */
  port: number;
  river: number;
  airport: number;
  /** «Медцентр»'s licence manager (a port that accepts connections). */
  licman: number;
  /** Where the site is served (links in the Telegram messages point there). */
  site: number;
}

/** The managers' chat in the demo (the Telegram stand-in accepts any id). */
export const DEMO_CHAT = '-1001234567890';

/** Check cycles the story needs: one good, two failing (`for: 2`), one good again (`resolve_after: 1`). */
export const MIN_CYCLES = 4;

/** installations.yaml of the demo, as text. `icmp` adds ping probes (only when ping works here). */
export function demoConfigYaml(p: DemoPorts, opts: { icmp: boolean }): string {
  const icmp = opts.icmp ? { icmp: {} } : {};
  const https = (host: string, port: number) => `https://${host}:${port}/`;
  const config = {
    site: { url: `http://127.0.0.1:${p.site}`, title: 'SMART status — демо' },
    checker: {
      interval: '5m',
      timezone: 'Europe/Moscow',
      concurrency: 16,
      timeout: '5s',
      canaries: [{ tcp: `127.0.0.1:${p.healthy}` }],
      resolvers: [`127.0.0.1:${p.dns}`],
    },
    notify: {
      telegram: { chat: DEMO_CHAT, remind_every: '4h' },
      email: { from: 'SMART <alert@smart.example.ru>' },
    },
    hostings: {
      'tekhexpert-cloud': { title: 'Техэксперт.Облако', support: 'https://support.tekhexpert-cloud.test/' },
    },
    clients: [
      {
        id: 'pervaya-liniya',
        title: 'ООО «Первая линия»',
        visibility: 'public',
        manager: { name: 'Иван Петров', telegram: '@ipetrov', email: 'ivan.petrov@example.ru' },
        sla: { availability: 99.5 },
        installations: [
          {
            id: 'main',
            title: 'Кодекс — основной сервер',
            url: https(DEMO_HOSTS.healthy, p.healthy),
            ip: '127.0.0.1',
            probes: { ...icmp, http: {}, dns: {}, tls: {}, sysinfo: { every: '0s' }, metrics: {} },
          },
        ],
      },
      {
        id: 'acme',
        title: 'ООО «Акме»',
        visibility: 'public',
        manager: { name: 'Иван Петров', telegram: '@ipetrov', email: 'ivan.petrov@example.ru' },
        sla: { availability: 99.5 },
        installations: [
          {
            id: 'main',
            title: 'Кодекс — сервер в офисе',
            url: https(DEMO_HOSTS.acme, p.acme),
            ip: '127.0.0.1',
            notes: 'Ключ SenseLock проброшен по сети через USB Redirector с сервера 1С.',
            probes: {
              ...icmp,
              http: {},
              dns: {},
              tls: {},
              sysinfo: { every: '0s' },
              agent: { max_age: '15m' },
            },
          },
        ],
      },
      ...[
        [
          'vostok-stroy',
          'АО «Восток-Строй»',
          'kodeks',
          'Техэксперт: Строительство',
          DEMO_HOSTS.vostok,
          p.vostok,
        ],
        ['severny-zavod', 'ПАО «Северный завод»', 'cloud', 'Кодекс: Документация', DEMO_HOSTS.sz, p.sz],
      ].map(([id, title, inst, instTitle, host, port]) => ({
        id,
        title,
        visibility: 'public',
        manager: { name: 'Мария Соколова', telegram: '@msokolova', email: 'maria.sokolova@example.ru' },
        sla: { availability: 99.0 },
        installations: [
          {
            id: inst,
            title: instTitle,
            hosting: 'tekhexpert-cloud',
            url: https(String(host), Number(port)),
            ip: '127.0.0.1',
            probes: { ...icmp, http: {}, dns: {}, tls: {}, sysinfo: { every: '0s' } },
          },
        ],
      })),
      {
        id: 'medcenter',
        title: 'Клиника «Медцентр»',
        visibility: 'public',
        sla: { availability: 98.0 },
        installations: [
          {
            id: 'main',
            title: 'Кодекс: Медицина',
            url: `http://${DEMO_HOSTS.down}:${p.down}/`,
            ip: '127.0.0.1',
            probes: {
              ...icmp,
              tcp: { port: p.down },
              http: {},
              dns: {},
              licman: { host: '127.0.0.1', port: p.licman, icmp: opts.icmp },
            },
          },
        ],
      },
      ...[
        ['severny-port', 'АО «Северный порт»', 'Кодекс: Транспорт', DEMO_HOSTS.port, p.port],
        ['rechnoy-vokzal', 'ООО «Речной вокзал»', 'Техэксперт: Транспорт', DEMO_HOSTS.river, p.river],
        ['aeroport-yuzhny', 'АО «Аэропорт Южный»', 'Кодекс: Авиация', DEMO_HOSTS.airport, p.airport],
      ].map(([id, title, instTitle, host, port]) => ({
        id,
        title,
        visibility: 'public',
        manager: { name: 'Мария Соколова', telegram: '@msokolova' },
        sla: { availability: 99.0 },
        installations: [
          {
            id: 'main',
            title: instTitle,
            url: https(String(host), Number(port)),
            ip: '127.0.0.1',
            probes: { ...icmp, http: {}, dns: {}, tls: {} },
          },
        ],
      })),
    ],
    // SMART sends KodeksMaintenanceCount for more than 30 installations; the demo has three.
    alerts: { KodeksMaintenanceCount: { count_min: 3 } },
  };
  return [
    '# Written by `smart demo`: fake installations on 127.0.0.1, served by the demo itself.',
    stringify(config, { lineWidth: 0 }),
  ].join('\n');
}

/** What the fake world looks like during one cycle. */
export interface CyclePlan {
  /** Case 1: the sysinfo report says the key works. */
  keyPresent: boolean;
  /** «Первая линия»: days until the licence of «Кодекс: Медицина» ends, as its sysinfo report says. */
  licenseDaysLeft: number;
  /** «Первая линия»: days since its operup file stroy.op was last updated. */
  operupDaysOld: number;
  /** Case 2: the hosting's DNS answers SERVFAIL for its names. */
  hostingDnsDown: boolean;
  /** The three PKs answer 503 (maintenance mode). */
  maintenance: boolean;
  /** One line for the console about what changed in this cycle, if anything. */
  story?: string;
}

/** The plan of cycle `i` (0-based) of `cycles`: trouble from cycle 1, recovery at min(5, cycles − 1). */
export function planCycle(i: number, cycles: number): CyclePlan {
  const recoverAt = Math.min(5, cycles - 1);
  const trouble = i >= 1 && i < recoverAt;
  let story: string | undefined;
  if (i === 0) story = 'всё работает, кроме «Медцентра» (сервер не принимает соединения)';
  else if (i === 1)
    story =
      '«Акме»: ключ SenseLock пропал (истекла лицензия ПО проброса USB); «Техэксперт.Облако»: DNS отвечает SERVFAIL; ' +
      '«Первая линия»: лицензия базы кончается завтра, оперативное обновление не ставится четвёртый день; ' +
      'три ПК ушли на обновление (режим обслуживания, 503)';
  else if (i === recoverAt)
    story =
      'ключ «Акме» вернулся, DNS «Техэксперт.Облако» восстановлен, «Первая линия»: новый рег-файл установлен, обновление пришло';
  return {
    keyPresent: !trouble,
    hostingDnsDown: trouble,
    licenseDaysLeft: trouble ? 1 : 365,
    operupDaysOld: trouble ? 4 : 0.5,
    maintenance: i >= 1,
    ...(story ? { story } : {}),
  };
}

/** The time of cycle `i`: 5 minutes apart, the last one at `end` (so the site's data looks fresh). */
export function cycleTime(i: number, cycles: number, end: Date, stepMs = 300_000): Date {
  const last = Math.floor(end.getTime() / 60_000) * 60_000;
  return new Date(last - (cycles - 1 - i) * stepMs);
}

/** The on-prem agent's report at «Акме» for a cycle: the key is on this machine's USB or not. */
export function acmeAgentReport(keyPresent: boolean, at: Date): AgentReport {
  return {
    schema: 1,
    client: 'acme',
    installation: 'main',
    reported_at: new Date(at.getTime() - 30_000).toISOString(),
    agent_version: 'demo',
    hostname: 'kodeks-acme',
    usb: keyPresent
      ? {
          status: 'present',
          devices: [{ id: '0471:485d', manufacturer: 'Senselock', product: 'SenseIV', matched: true }],
        }
      : { status: 'absent', devices: [] },
    local: {
      http: { status: 'ok', code: 'OK', message: 'Веб-сервер Кодекс отвечает' },
      sysinfo: keyPresent
        ? { status: 'ok', code: 'OK', message: 'Отчёт sysinfo прочитан: ключ SenseLock работает.' }
        : {
            status: 'fail',
            code: 'KEY_MISSING',
            message: 'По отчёту sysinfo ключ SenseLock не работает.',
          },
    },
  };
}
