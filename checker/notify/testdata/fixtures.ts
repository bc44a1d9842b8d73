/** A small config and alert catalog for the notifier's tests (parsed through the real schemas). */
import type { Catalog } from '../../alerts/catalog.ts';
import { parseAlertDoc } from '../../alerts/catalog.ts';
import { parseConfig } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import type { AlertEntry } from '../../alerts/catalog.ts';
import type { AlertEvent } from '../../alerts/engine/events.ts';
import type { AlertName } from '../../alerts/names.ts';

export const CONFIG_YAML = `
site: { url: "https://smart.example.ru/" }
checker: { timezone: Europe/Moscow }
notify:
  telegram: { chat: "-1001234567890", thread: 17, remind_every: 4h }
hostings:
  tekhexpert-cloud: { title: "Техэксперт.Облако", support: "https://support.example.ru/" }
clients:
  - id: acme
    title: "ООО «Акме»"
    slug: acme
    manager: { name: "Иван Петров", telegram: "@ipetrov" }
    notify: { client_telegram: { chat: "-1009999" } }
    installations:
      - id: main
        title: "Кодекс — основной сервер"
        hosting: tekhexpert-cloud
        url: https://kodeks.acme.example/
        ip: 203.0.113.10
        notes: "Сисадмин: Пётр, +7 900 000-00-00"
        probes: { http: {}, dns: {} }
      - id: reserve
        title: "Кодекс — резервный"
        hosting: tekhexpert-cloud
        url: https://reserve.acme.example/
        ip: 203.0.113.11
        probes: { http: {}, dns: {} }
  - id: roga
    title: 'ООО "<b>Рога</b> & Копыта"'
    visibility: unlisted
    slug: roga-7f3k2
    manager: { name: "Мария <script>", telegram: "@maria_k" }
    notify: { telegram: { chat: "-1005555" } }
    installations:
      - id: main
        title: "Сервер <i>1</i> & </b>"
        hosting: tekhexpert-cloud
        url: https://kodeks.roga.example/
        ip: 203.0.113.20
        probes: { http: {}, dns: {} }
  - id: secret
    title: "АО «Закрытое»"
    visibility: private
    installations:
      - id: main
        title: "Кодекс"
        url: https://kodeks.secret.example/
        probes: { http: {}, sysinfo: {} }
`;

/** Parses CONFIG_YAML (or another text) and fails loudly if it is invalid. */
export function testConfig(yaml = CONFIG_YAML): Config {
  const r = parseConfig('installations.yaml', yaml);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.path} ${d.message}`).join('\n'));
  return r.config;
}

const DOCS: Record<string, string> = {
  KodeksDnsResolve: `---
alert: KodeksDnsResolve
title: Имя установки не разрешается в DNS
summary: Пользователи не могут открыть ПК по доменному имени.
priority: 1
importance: critical
sections: [network]
raised_by: checker
aliases: []
component: dns
probe: dns
for: 2
resolve_after: 1
suppressed_by: []
client_visible: true
---
## Что означает

DNS-сервер не отвечает или не знает имя установки. По IP-адресу установка может работать.

## Что делать

Проверьте имя: \`dig kodeks.example.ru @ns1\`. Если DNS хостинга не отвечает — **напишите в поддержку хостинга** и сообщите клиентам вход по IP-адресу.
`,
  KodeksXmlSensLockStatus: `---
alert: KodeksXmlSensLockStatus
title: Сервер не видит ключ SenseLock
summary: Комплекты не собираются — пользователи **не могут** работать с ПК.
priority: 1
importance: critical
sections: [senselock]
raised_by: checker
aliases: []
component: license
probe: sysinfo
for: 2
resolve_after: 1
suppressed_by: [KodeksXmlStatusUnavailable, KodeksBehindProxyDown, KodeksDnsResolve, KodeksIcmp]
client_visible: true
---
## Что означает

Сервер ПК сообщает, что ключ SenseLock не найден.

## Что делать

1. Проверьте утилитой TestSlKey, видит ли система ключ.
2. Если ключ проброшен по сети — проверьте ПО проброса USB и его лицензию.
`,
  KodeksXmlStatusUnavailable: `---
alert: KodeksXmlStatusUnavailable
title: XML-статус ПК недоступен
summary: Состояние ключа неизвестно.
priority: 3
importance: info
sections: [senselock]
raised_by: checker
aliases: []
component: license
probe: sysinfo
for: 2
resolve_after: 1
suppressed_by: [KodeksBehindProxyDown, KodeksDnsResolve, KodeksTcpStatus, KodeksIcmp]
client_visible: false
---
## Что означает

Страница статуса ПК не отвечает.
`,
  SmartCheckerOffline: `---
alert: SmartCheckerOffline
title: У проверяющего нет сети
summary: Проверки не проводятся.
priority: 2
importance: critical
sections: [other]
raised_by: checker
aliases: []
component: checker
probe: checker
for: 1
resolve_after: 1
suppressed_by: []
client_visible: false
---
## Что означает

Все канарейки недоступны.
`,
};

/** The catalog with the runbooks above. */
export function testCatalog(): Catalog {
  const map = new Map<AlertName, AlertEntry>();
  for (const [name, text] of Object.entries(DOCS)) {
    const r = parseAlertDoc(`docs/errors/${name}.md`, text);
    if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
    if (r.entry.raised_by === 'checker') map.set(r.entry.alert, r.entry);
  }
  return map;
}

/** A config with `clients` × `per` installations at the hosting (for the long grouped message). */
export function bigHostingYaml(clients: number, per: number): string {
  const rows = [
    'site: { url: "https://smart.example.ru" }',
    'notify: { telegram: { chat: "-100777" } }',
    'hostings: { tekhexpert-cloud: { title: "Техэксперт.Облако" } }',
    'clients:',
  ];
  for (let c = 0; c < clients; c++) {
    rows.push(`  - id: client-${c}`, `    title: "ООО «Клиент с длинным названием номер ${c}»"`, '    installations:');
    for (let i = 0; i < per; i++)
      rows.push(
        `      - { id: inst-${i}, title: "Кодекс — сервер ${i}", hosting: tekhexpert-cloud, url: "https://k${c}-${i}.example/", ip: "203.0.113.${(c * per + i) % 250}", probes: { dns: {} } }`,
      );
  }
  return rows.join('\n');
}

type Firing = Extract<AlertEvent, { kind: 'firing' }>;
type Resolved = Extract<AlertEvent, { kind: 'resolved' }>;

/** The diagnosis of case 1: the SenseLock key fell off the server's USB. */
export const KEY_LOST_DIAGNOSIS: NonNullable<Firing['diagnosis']> = {
  rule: 'key_missing_usb_absent',
  alert: 'KodeksXmlSensLockStatus',
  cause: 'Ключ SenseLock пропал с USB сервера',
  hint: 'Проверьте ПО проброса USB по сети и его лицензию',
};

/** Case 1 as the engine reports it: acme's main installation lost its key at 21:00 МСК; fields overridable. */
export function keyLostFiring(over: Partial<Firing> = {}): Firing {
  return {
    kind: 'firing',
    client: 'acme',
    installation: 'main',
    hosting: 'tekhexpert-cloud',
    alert: 'KodeksXmlSensLockStatus',
    importance: 'critical',
    since: '2026-11-27T18:00:00Z',
    at: '2026-11-27T18:05:00Z',
    incident: 'inc-1',
    diagnosis: KEY_LOST_DIAGNOSIS,
    ...over,
  };
}

/** The recovery of {@link keyLostFiring}, 65 minutes after the key was lost. */
export function keyLostResolved(over: Partial<Resolved> = {}): Resolved {
  return {
    kind: 'resolved',
    client: 'acme',
    installation: 'main',
    alert: 'KodeksXmlSensLockStatus',
    importance: 'critical',
    since: '2026-11-27T18:00:00Z',
    at: '2026-11-27T19:05:00Z',
    durationMs: 65 * 60_000,
    incident: 'inc-1',
    ...over,
  };
}
