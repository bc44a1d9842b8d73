import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../alerts/catalog.ts';
import type { AlertEvent } from '../alerts/engine/events.ts';
import { ALERT_NAMES } from '../alerts/names.ts';
import { parseTelegramHtml } from '../testing/telegram-stand-in.ts';
import { htmlToPlain } from './html.ts';
import { renderEvents } from './render.ts';
import { bigHostingYaml, keyLostFiring, testCatalog, testConfig } from './testdata/fixtures.ts';

const config = testConfig();
const catalog = testCatalog();
const now = new Date('2026-11-28T03:10:00Z'); // 06:10 МСК
const ctx = { config, catalog, now };

const dnsDiagnosis = {
  rule: 'dns_down_ip_ok',
  alert: 'KodeksDnsResolve' as const,
  cause: 'DNS не отвечает, установка доступна по IP-адресу',
  hint: 'Напишите в поддержку хостинга: их DNS-сервер не отвечает',
  workaround: 'Откройте ПК по IP-адресу, который даст менеджер',
};

const firing: AlertEvent = keyLostFiring({ incident: '2026-11-27T18:00Z-acme-main-KodeksXmlSensLockStatus' });

const grouped = (n: number): Extract<AlertEvent, { kind: 'grouped' }> => ({
  kind: 'grouped',
  hosting: 'tekhexpert-cloud',
  alert: 'KodeksDnsResolve',
  importance: 'critical',
  at: '2026-11-28T03:05:00Z',
  group: '2026-11-28T03:00Z-tekhexpert-cloud-KodeksDnsResolve',
  diagnosis: dnsDiagnosis,
  items: Array.from({ length: n }, (_, k) => ({
    client: (['acme', 'roga', 'acme'] as const)[k % 3]!,
    installation: k === 2 ? 'reserve' : 'main',
    hosting: 'tekhexpert-cloud',
    since: `2026-11-28T03:0${k % 3}:00Z`,
    incident: `inc-${k}`,
    diagnosis: dnsDiagnosis,
  })),
});

/** Every text must be valid Telegram HTML within the limit. */
function valid(text: string) {
  const parsed = parseTelegramHtml(text);
  expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
  expect(text.length).toBeLessThanOrEqual(4096);
}

describe('renderEvents', () => {
  it('firing: the team gets cause, hint, runbook, since, manager; the client chat gets none of the internals', async () => {
    const items = renderEvents([firing], ctx);
    expect(items.map((i) => [i.chat, i.thread, i.kind])).toEqual([
      ['-1001234567890', 17, 'firing'],
      ['-1009999', undefined, 'firing'],
    ]);
    const [team, client] = items;
    for (const i of items) valid(i.text);
    await expect(team!.text).toMatchFileSnapshot('testdata/firing-team.txt');
    await expect(client!.text).toMatchFileSnapshot('testdata/firing-client.txt');
    expect(team!.buttons).toEqual([
      { text: 'Что делать', url: 'https://smart.example.ru/docs/errors/KodeksXmlSensLockStatus.md' },
      { text: 'Статус', url: 'https://smart.example.ru/status/acme/' },
    ]);
    expect(client!.buttons).toEqual([{ text: 'Статус', url: 'https://smart.example.ru/status/acme/' }]);
    for (const secret of ['203.0.113.10', 'kodeks.acme', '@ipetrov', 'Сисадмин', 'ПО проброса', 'TestSlKey'])
      expect(client!.text).not.toContain(secret);
    expect(team!.text).toContain('с 27.11 21:00 МСК'.replace('с', 'С'));
  });

  it('the same event rendered twice gives the same ids', () => {
    const a = renderEvents([firing, grouped(3)], ctx).map((i) => i.id);
    const b = renderEvents([firing, grouped(3)], { ...ctx, now: new Date('2026-11-28T05:00:00Z') }).map(
      (i) => i.id,
    );
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(a.length);
  });

  it('an address inside a diagnosis never reaches the client chat', () => {
    const ev: AlertEvent = {
      ...firing,
      incident: 'inc-ip',
      diagnosis: { ...dnsDiagnosis, workaround: 'Откройте https://203.0.113.10:8080/ или [2001:db8::10]' },
    };
    const [team, client] = renderEvents([ev], ctx);
    expect(team!.text).toContain('https://203.0.113.10:8080/');
    expect(htmlToPlain(client!.text)).toContain(
      'Что можно сделать сейчас: Откройте https://(адрес сообщит менеджер)/ или (адрес сообщит менеджер)',
    );
  });

  it('a client-invisible alert never reaches the client chat', () => {
    const ev = { ...firing, alert: 'KodeksXmlStatusUnavailable' as const, importance: 'info' as const };
    expect(renderEvents([ev], ctx).map((i) => i.chat)).toEqual(['-1001234567890']);
  });

  it('hostile names are shown literally', async () => {
    const ev: AlertEvent = { ...firing, client: 'roga', incident: 'inc-roga', diagnosis: undefined };
    const [item] = renderEvents([ev], ctx);
    expect(item!.chat).toBe('-1005555'); // the client's own team chat overrides the default
    valid(item!.text);
    const plain = htmlToPlain(item!.text);
    expect(plain).toContain('ООО "<b>Рога</b> & Копыта" · Сервер <i>1</i> & </b>');
    expect(plain).toContain('Менеджер: @maria_k');
    await expect(item!.text).toMatchFileSnapshot('testdata/firing-hostile.txt');
    expect(item!.buttons.map((b) => b.url)).toContain('https://smart.example.ru/status/roga-7f3k2/');
  });

  it('a private client gets no «Статус» button', () => {
    const ev: AlertEvent = {
      ...firing,
      client: 'secret',
      hosting: undefined,
      incident: 'inc-s',
      diagnosis: undefined,
    };
    const [item] = renderEvents([ev], ctx);
    expect(item!.buttons.map((b) => b.text)).toEqual(['Что делать']);
  });

  it('grouped: one message per team chat listing its installations (case 2)', async () => {
    const items = renderEvents([grouped(3)], ctx);
    expect(items.map((i) => [i.chat, i.kind])).toEqual([
      ['-1001234567890', 'grouped'],
      ['-1009999', 'grouped'],
      ['-1005555', 'grouped'],
    ]);
    expect(htmlToPlain(items[0]!.text)).toContain('Затронуто установок: 2\n');
    expect(htmlToPlain(items[2]!.text)).toContain('Затронуто установок: 1\n');
    for (const i of items) valid(i.text);
    await expect(items[0]!.text).toMatchFileSnapshot('testdata/grouped-team.txt');
    await expect(items[1]!.text).toMatchFileSnapshot('testdata/grouped-client.txt');
    expect(items[1]!.text).not.toContain('203.0.113');
    expect(items[1]!.text).not.toContain('roga');
  });

  it('a 60-installation grouped message stays within 4096 characters and says how many are left out', () => {
    const big = testConfig(bigHostingYaml(30, 2));
    const ev: AlertEvent = {
      ...grouped(0),
      items: big.clients.flatMap((c) =>
        c.installations.map((i) => ({
          client: c.id,
          installation: i.id,
          hosting: 'tekhexpert-cloud',
          since: '2026-11-28T03:00:00Z',
          incident: `inc-${c.id}-${i.id}`,
        })),
      ),
    };
    const [team, ...rest] = renderEvents([ev], { ...ctx, config: big });
    expect(rest).toEqual([]);
    valid(team!.text);
    expect(team!.text.length).toBeLessThanOrEqual(4096 - 64);
    const text = htmlToPlain(team!.text);
    expect(text).toContain('Затронуто установок: 60 (клиентов: 30)');
    const shown = text.split('\n').filter((l) => l.startsWith('• ')).length;
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(60);
    expect(text).toContain(`… и ещё ${60 - shown} (полный список — в журнале инцидентов)`);
    expect(text.trimEnd().endsWith('KodeksDnsResolve')).toBe(true); // the tail survives, the list gave way
  });

  it('reminder, resolved (a reply to the firing message) and operator messages', async () => {
    const reminder: AlertEvent = { ...firing, kind: 'reminder', at: '2026-11-27T22:00:00Z' };
    const resolved: AlertEvent = {
      kind: 'resolved',
      client: 'acme',
      installation: 'main',
      alert: 'KodeksXmlSensLockStatus',
      importance: 'critical',
      since: firing.since,
      at: '2026-11-27T22:40:00Z',
      durationMs: (4 * 60 + 40) * 60_000,
      incident: firing.incident,
    };
    const operator: AlertEvent = {
      kind: 'operator',
      code: 'icmp_unavailable',
      at: '2026-11-28T03:00:00Z',
      text: 'ICMP недоступен с этого раннера: проверки ping пропущены, клиентам это не засчитывается',
    };
    const items = renderEvents([reminder, resolved, operator], ctx);
    expect(items.map((i) => `${i.kind}→${i.chat}`)).toEqual([
      'reminder→-1001234567890',
      'resolved→-1001234567890',
      'resolved→-1009999',
      'operator→-1001234567890',
    ]);
    for (const i of items) valid(i.text);
    await expect(items[0]!.text).toMatchFileSnapshot('testdata/reminder-team.txt');
    await expect(items[1]!.text).toMatchFileSnapshot('testdata/resolved-team.txt');
    await expect(items[3]!.text).toMatchFileSnapshot('testdata/operator.txt');
    const firingIds = renderEvents([firing], ctx).map((i) => i.id);
    expect(items[1]!.reply_to).toBe(firingIds[0]);
    expect(items[2]!.reply_to).toBe(firingIds[1]);
    expect(htmlToPlain(items[1]!.text)).toContain('Простой 4 ч 40 мин');
  });

  it('a resolved message of a grouped incident replies to the grouped message', () => {
    const g = renderEvents([grouped(2)], ctx);
    const resolved: AlertEvent = {
      kind: 'resolved',
      client: 'acme',
      installation: 'main',
      alert: 'KodeksDnsResolve',
      importance: 'critical',
      since: '2026-11-28T03:00:00Z',
      at: '2026-11-28T07:40:00Z',
      durationMs: 4 * 3_600_000 + 40 * 60_000,
      incident: 'inc-0',
      group: '2026-11-28T03:00Z-tekhexpert-cloud-KodeksDnsResolve',
    };
    const [team, client] = renderEvents([resolved], ctx);
    expect(team!.reply_to).toBe(g.find((i) => i.chat === '-1001234567890')!.id);
    expect(client!.reply_to).toBe(g.find((i) => i.chat === '-1009999')!.id);
  });

  it('every runbook in docs/errors gives valid messages of every kind, with a short excerpt', async () => {
    const loaded = await loadCatalog(fileURLToPath(new URL('../../docs/errors', import.meta.url)));
    expect(loaded.ok ? [] : loaded.diagnostics).toEqual([]);
    if (!loaded.ok) return;
    const real = { ...ctx, catalog: loaded.catalog };
    for (const alert of ALERT_NAMES) {
      const base = {
        client: 'acme',
        installation: 'main',
        alert,
        importance: 'critical' as const,
        incident: `i-${alert}`,
      };
      const events: AlertEvent[] = [
        { ...base, kind: 'firing', since: '2026-11-28T03:00:00Z', at: '2026-11-28T03:05:00Z' },
        { ...base, kind: 'reminder', since: '2026-11-28T03:00:00Z', at: '2026-11-28T07:05:00Z' },
        {
          ...base,
          kind: 'resolved',
          since: '2026-11-28T03:00:00Z',
          at: '2026-11-28T07:40:00Z',
          durationMs: 1,
        },
        { ...grouped(3), alert },
      ];
      for (const item of renderEvents(events, real)) {
        valid(item.text);
        const quote = /<blockquote>([\s\S]*?)<\/blockquote>/.exec(item.text)?.[1] ?? '';
        expect(htmlToPlain(quote).length, `${alert} excerpt`).toBeLessThan(700);
      }
    }
  });
});

/** The reminders or recoveries of every installation of a grouped incident, at `at`. */
const followUps = <K extends 'reminder' | 'resolved'>(g: ReturnType<typeof grouped>, kind: K, at: string) =>
  g.items.map((it) => ({
    kind,
    client: it.client,
    installation: it.installation,
    hosting: 'tekhexpert-cloud',
    alert: 'KodeksDnsResolve' as const,
    importance: 'critical' as const,
    since: it.since,
    at,
    incident: it.incident,
    group: g.group,
    diagnosis: dnsDiagnosis,
    durationMs: Date.parse(at) - Date.parse(it.since),
  })) as AlertEvent[];

describe('follow-ups of a hosting-wide problem', () => {
  const g = grouped(3);
  const follow = <K extends 'reminder' | 'resolved'>(kind: K, at: string) => followUps(g, kind, at);

  it('three reminders of one grouped incident are one reminder per team chat, none to clients', () => {
    const items = renderEvents(follow('reminder', '2026-11-28T07:00:00Z'), ctx);
    expect(items.every((i) => i.kind === 'reminder')).toBe(true);
    expect(new Set(items.map((i) => i.chat)).size).toBe(items.length);
    for (const i of items) valid(i.text);
    const team = htmlToPlain(items[0]!.text);
    expect(team).toContain('Всё ещё: Техэксперт.Облако');
    expect(team).toContain('Затронуто установок: ');
  });

  it('recoveries in one run are one reply to the grouped message in each chat', () => {
    const firingItems = renderEvents([g], ctx);
    const items = renderEvents(follow('resolved', '2026-11-28T07:40:00Z'), ctx);
    expect(items.map((i) => i.reply_to).sort()).toEqual(firingItems.map((i) => i.id).sort());
    for (const i of items) valid(i.text);
    expect(htmlToPlain(items[0]!.text)).toMatch(/Восстановлено установок: \d/);
  });

  it('recoveries of one group in two runs are two replies, not one taken for the other (a late shard)', () => {
    const g4 = grouped(4);
    const at = (run: string) => followUps(g4, 'resolved', run);
    const first = renderEvents(at('2026-11-28T07:40:00Z').slice(0, 2), ctx);
    const later = renderEvents(at('2026-11-28T07:45:00Z').slice(2), ctx);
    const firstIds = new Set(first.map((i) => i.id));
    expect(later.length).toBeGreaterThan(0);
    for (const i of later) expect(firstIds.has(i.id)).toBe(false);
    // Rendering the same run again still gives the same ids: a resend is recognised.
    expect(renderEvents(at('2026-11-28T07:45:00Z').slice(2), ctx).map((i) => i.id)).toEqual(
      later.map((i) => i.id),
    );
  });

  it('a single recovery of a group is the ordinary reply', () => {
    const [one] = follow('resolved', '2026-11-28T07:40:00Z');
    const items = renderEvents([one!], ctx);
    expect(htmlToPlain(items[0]!.text)).not.toContain('Восстановлено установок');
  });
});
