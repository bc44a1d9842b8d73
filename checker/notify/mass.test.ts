// The Count message as the team reads it: one message for a mass outage, one reply when they come back.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../alerts/catalog.ts';
import { configFrom, runAt, Simulator } from '../alerts/engine/testkit.ts';
import type { CheckId } from '../probes/types.ts';
import { docsCatalog } from '../testing/catalog.ts';
import { planEvents } from './render.ts';
import { telegramText } from './render-telegram.ts';

const installation = (id: string, hosting?: string) => `
  - id: ${id}
    title: Клиент ${id}
    installations:
      - id: main
        title: Кодекс
        url: https://${id}.example/
        ip: 127.0.1.${id.length}
${hosting ? `        hosting: ${hosting}\n` : ''}        probes: { icmp: {}, http: {}, dns: {} }`;

const YAML = `
site: { url: "https://status.example" }
checker: { interval: 5m, timezone: Europe/Moscow }
notify: { telegram: { chat: "-100123", remind_every: 24h } }
hostings: { cloud: { title: Облако, support: "https://support.cloud.example/" } }
clients:${installation('alfa', 'cloud')}${installation('bravo', 'cloud')}${installation('charlie')}${installation('delta')}
  - id: echo
    title: Клиент echo
    notify: { client_telegram: { chat: "-100999" } }
    installations:
      - { id: main, title: Кодекс, url: "https://echo.example/", ip: 127.0.1.9, probes: { icmp: {}, http: {}, dns: {} } }
alerts:
  KodeksIcmpCount: { count_min: 5 }
`;
const KEYS = ['alfa', 'bravo', 'charlie', 'delta', 'echo'].map((c) => `${c}/main`);
const DARK = { icmp: 'fail:ICMP_LOSS', http: 'fail:CONN_TIMEOUT', http_ip: 'fail:CONN_TIMEOUT', dns: 'ok' };
const OK = { icmp: 'ok', http: 'ok', http_ip: 'ok', dns: 'ok' };
const at = (min: number) => new Date(Date.parse('2026-11-28T03:00:00Z') + min * 60_000).toISOString();
const chatOf = (p: { route: object }) => ('chat' in p.route ? p.route.chat : undefined);
const all = (checks: Partial<Record<CheckId, string>>) => Object.fromEntries(KEYS.map((k) => [k, checks]));

let catalog: Catalog;
beforeAll(async () => {
  catalog = await docsCatalog();
});

describe('the mass («…Count») message', () => {
  it('one message for the team with the count, the shared cause and the hostings; the client’s own chat gets only its own', () => {
    const config = configFrom(YAML);
    const sim = new Simulator(config, catalog);
    sim.run(runAt(at(0), all(DARK)));
    const planned = planEvents(sim.run(runAt(at(5), all(DARK))), { config, catalog, now: new Date(at(5)) });
    const team = planned.filter((p) => chatOf(p) === '-100123');
    expect(team).toHaveLength(1);
    const text = telegramText(team[0]!.notice);
    expect(text).toContain(`🔴 <b>${catalog.get('KodeksIcmpCount')!.title}</b>`);
    expect(text).toContain('Затронуто установок: 5 (клиентов: 5)');
    expect(text).toContain(
      '🔎 <b>Вероятная причина:</b> Сервер или его сеть недоступны: нет ответа ни на ping, ни по IP-адресу, ни по доменному имени.',
    );
    expect(text).toContain('🏢 Из них на хостингах: Облако — 2');
    expect(text).toContain('• <b>Клиент alfa</b> · Кодекс');
    expect(team[0]!.notice.links.runbook).toBe('https://status.example/docs/errors/KodeksIcmpCount.md');
    // «echo» has its own chat, shared with the client: it hears about its own installation only, as a single alert.
    const own = planned.filter((p) => chatOf(p) === '-100999');
    expect(own).toHaveLength(1);
    expect(own[0]!.notice.alert?.name).toBe('KodeksIcmp');
    expect(own[0]!.notice.installations.map((i) => i.client)).toEqual(['Клиент echo']);

    // They come back in one run: one reply to the mass message for the team, one for echo's own message.
    const back = planEvents(sim.run(runAt(at(10), all(OK))), { config, catalog, now: new Date(at(10)) });
    const teamBack = back.filter((p) => chatOf(p) === '-100123');
    expect(teamBack).toHaveLength(1);
    expect(teamBack[0]!.replyTo).toBe(team[0]!.id);
    expect(telegramText(teamBack[0]!.notice)).toContain('Восстановлено установок: 5');
    const ownBack = back.filter((p) => chatOf(p) === '-100999');
    expect(ownBack.map((p) => p.replyTo)).toEqual([own[0]!.id]);
  });

  it('they come back in two runs: the team gets two replies to the mass message, the later not taken for the first', () => {
    const config = configFrom(YAML);
    const sim = new Simulator(config, catalog);
    sim.run(runAt(at(0), all(DARK)));
    const planned = planEvents(sim.run(runAt(at(5), all(DARK))), { config, catalog, now: new Date(at(5)) });
    const mass = planned.find((p) => chatOf(p) === '-100123')!;
    const half = (ok: string[]) => Object.fromEntries(KEYS.map((k) => [k, ok.includes(k) ? OK : DARK]));
    const firstBack = planEvents(sim.run(runAt(at(10), half(KEYS.slice(0, 3)))), {
      config,
      catalog,
      now: new Date(at(10)),
    }).filter((p) => chatOf(p) === '-100123');
    const laterBack = planEvents(sim.run(runAt(at(15), all(OK))), {
      config,
      catalog,
      now: new Date(at(15)),
    }).filter((p) => chatOf(p) === '-100123');
    expect(firstBack.map((p) => p.replyTo)).toEqual([mass.id]);
    expect(laterBack.map((p) => p.replyTo)).toEqual([mass.id]);
    expect(laterBack[0]!.id).not.toBe(firstBack[0]!.id);
  });
});
