import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../alerts/engine/events.ts';
import type { Outbox, OutboxItem } from '../status/schema.ts';
import { startTelegramStandIn, type TelegramStandIn } from '../testing/telegram-stand-in.ts';
import { deliverOutbox } from './deliver.ts';
import { emptyOutbox, enqueue } from './outbox.ts';
import { renderEvents } from './render.ts';
import { createTelegramClient } from './telegram-client.ts';
import { keyLostFiring, keyLostResolved, testCatalog, testConfig } from './testdata/fixtures.ts';

const TOKEN = '987654:SECRET-abcdefghijklmnopqrstuvwxyz';
const config = testConfig();
const catalog = testCatalog();
const t0 = new Date('2026-11-27T18:05:00Z');
const at = (min: number) => new Date(t0.getTime() + min * 60_000);

const firing = keyLostFiring({ at: t0.toISOString() });
const resolved = keyLostResolved({ at: at(60).toISOString() });

let tg: TelegramStandIn;
beforeEach(async () => {
  tg = await startTelegramStandIn({
    token: TOKEN,
    chats: ['-1001234567890', '-1009999', '-1005555'],
    kicked: ['-1005555'],
  });
});
afterEach(async () => {
  await tg.close();
});

function queue(events: AlertEvent[], now = t0, outbox: Outbox = emptyOutbox()): Outbox {
  return enqueue(outbox, renderEvents(events, { config, catalog, now }));
}

function client(timeoutMs?: number) {
  return createTelegramClient(TOKEN, tg.apiRoot, timeoutMs);
}

describe('deliverOutbox against the Bot API stand-in', () => {
  it('sends firing to the team topic and the client chat, with buttons, and empties the outbox', async () => {
    const r = await deliverOutbox(queue([firing]), { telegram: client(), now: t0 });
    expect(r).toMatchObject({ sent: 2, failed: 0 });
    expect(r.outbox.pending).toEqual([]);
    expect(tg.messages.map((m) => [m.chat_id, m.message_thread_id, m.parse_mode])).toEqual([
      ['-1001234567890', 17, 'HTML'],
      ['-1009999', undefined, 'HTML'],
    ]);
    expect(tg.messages[0]!.plain.split('\n')[0]).toBe('🔴 Сервер не видит ключ SenseLock');
    expect(tg.messages[0]!.buttons.map((b) => b.text)).toEqual(['Что делать', 'Статус']);
    expect(Object.values(r.outbox.delivered).map((d) => d.message_id)).toEqual([1, 1]);
  });

  it('resolved replies to the firing message', async () => {
    const first = await deliverOutbox(queue([firing]), { telegram: client(), now: t0 });
    const second = await deliverOutbox(queue([resolved], at(60), first.outbox), {
      telegram: client(),
      now: at(60),
    });
    expect(second.sent).toBe(2);
    const replies = tg.messages.slice(2);
    expect(replies.map((m) => m.reply_to_message_id)).toEqual([1, 1]);
    expect(replies[0]!.plain).toContain('Простой 1 ч 5 мин');
  });

  it('429: kept with retry_after, the chat waits, next run delivers; nothing lost, nothing twice', async () => {
    tg.fail([{ status: 429, retry_after: 40 }]);
    const outbox = queue([firing, { ...firing, incident: 'inc-2', installation: 'reserve' }]);
    const run1 = await deliverOutbox(outbox, { telegram: client(), now: t0 });
    // The team chat got the 429 and was left alone for this run; the client chat was not affected.
    expect(run1).toMatchObject({ sent: 2, failed: 1 });
    const waiting = run1.outbox.pending;
    expect(waiting.map((i) => i.chat)).toEqual(['-1001234567890', '-1001234567890']);
    expect(waiting[0]).toMatchObject({
      attempts: 1,
      not_before: new Date(t0.getTime() + 40_000).toISOString(),
    });
    expect(waiting[0]!.last_error).toContain('подождать 40 с');
    const early = await deliverOutbox(run1.outbox, {
      telegram: client(),
      now: new Date(t0.getTime() + 20_000),
    });
    expect(early.sent).toBe(0); // the first waits out retry_after and the second does not overtake it
    const run2 = await deliverOutbox(early.outbox, { telegram: client(), now: at(5) });
    expect(run2).toMatchObject({ sent: 2, failed: 0 });
    expect(run2.outbox.pending).toEqual([]);
    const run3 = await deliverOutbox(queue([firing], at(5), run2.outbox), {
      telegram: client(),
      now: at(10),
    });
    expect(run3.sent).toBe(0);
    const ids = tg.messages.map((m) => `${m.chat_id}:${m.plain.split('\n')[1]}`);
    expect(ids.sort()).toEqual(
      [
        '-1001234567890:ООО «Акме» · Кодекс — основной сервер',
        '-1001234567890:ООО «Акме» · Кодекс — резервный',
        '-1009999:ООО «Акме» · Кодекс — основной сервер',
        '-1009999:ООО «Акме» · Кодекс — резервный',
      ].sort(),
    );
  });

  it('500 then success: retried on the next run', async () => {
    tg.fail([{ status: 500 }]);
    const outbox = queue([
      { kind: 'operator', code: 'checker_offline', at: t0.toISOString(), text: 'Все канарейки недоступны' },
    ]);
    const run1 = await deliverOutbox(outbox, { telegram: client(), now: t0 });
    expect(run1).toMatchObject({ sent: 0, failed: 1 });
    expect(run1.outbox.pending[0]).toMatchObject({ attempts: 1, not_before: at(0.5).toISOString() });
    expect(run1.outbox.pending[0]!.last_error).toContain('ошибка на стороне Telegram (500');
    const run2 = await deliverOutbox(run1.outbox, { telegram: client(), now: at(5) });
    expect(run2).toMatchObject({ sent: 1, failed: 0 });
    expect(tg.messages).toHaveLength(1);
  });

  it('a message Telegram cannot parse is sent as plain text, not lost', async () => {
    const bad: OutboxItem = {
      id: 'broken',
      kind: 'operator',
      created_at: t0.toISOString(),
      attempts: 0,
      chat: '-1001234567890',
      text: '<b>Сломанная <разметка> & текст',
      buttons: [],
    };
    const r = await deliverOutbox({ ...emptyOutbox(), pending: [bad] }, { telegram: client(), now: t0 });
    expect(r.sent).toBe(1);
    expect(tg.messages[0]).toMatchObject({ text: 'Сломанная <разметка> & текст' });
    expect(tg.messages[0]!.parse_mode).toBeUndefined();
    expect(r.lines.join('\n')).toContain("can't parse entities");
  });

  it('a deleted topic or a rejected button does not lose the message', async () => {
    await tg.close();
    tg = await startTelegramStandIn({ token: TOKEN, threads: { '-1001234567890': [1] } });
    tg.fail([]);
    const run1 = await deliverOutbox(queue([firing]), { telegram: client(), now: t0 });
    expect(run1.sent).toBe(2);
    expect(tg.messages[0]).toMatchObject({
      chat_id: '-1001234567890',
      parse_mode: 'HTML',
      buttons: [{}, {}],
    });
    expect(tg.messages[0]!.message_thread_id).toBeUndefined();
    expect(run1.lines.join('\n')).toContain('message thread not found — отправляю в общий чат без темы');
    tg.fail([{ status: 400, description: 'Bad Request: BUTTON_URL_INVALID' }]);
    const run2 = await deliverOutbox(queue([{ ...firing, incident: 'inc-9' }]), {
      telegram: client(),
      now: t0,
    });
    expect(run2.sent).toBe(2);
    const plain = tg.messages.find((m) => m.parse_mode === undefined)!;
    expect(plain.buttons).toEqual([]);
    expect(plain.text).toContain(
      'Что делать: https://smart.example.ru/docs/errors/KodeksXmlSensLockStatus.md',
    );
  });

  it('kicked bot and unknown chat: kept with the reason in words; other chats still get theirs', async () => {
    const items: OutboxItem[] = [
      {
        id: 'a',
        kind: 'operator',
        created_at: t0.toISOString(),
        attempts: 0,
        chat: '-1005555',
        text: 'a',
        buttons: [],
      },
      {
        id: 'b',
        kind: 'operator',
        created_at: t0.toISOString(),
        attempts: 0,
        chat: '-100404',
        text: 'b',
        buttons: [],
      },
      {
        id: 'c',
        kind: 'operator',
        created_at: t0.toISOString(),
        attempts: 0,
        chat: '-1009999',
        text: 'c',
        buttons: [],
      },
    ];
    const r = await deliverOutbox({ ...emptyOutbox(), pending: items }, { telegram: client(), now: t0 });
    expect(r).toMatchObject({ sent: 1, failed: 2 });
    expect(r.outbox.pending.map((i) => [i.id, i.last_error])).toEqual([
      [
        'a',
        'бот не может писать в этот чат — его удалили или не добавили (403: Forbidden: bot was kicked from the supergroup chat)',
      ],
      ['b', 'чат не найден (400): проверьте chat id и что бот добавлен в чат'],
    ]);
  });

  it('a message sent long after its event says so', async () => {
    const r = await deliverOutbox(queue([firing]), { telegram: client(), now: at(95) });
    expect(r.sent).toBe(2);
    expect(tg.messages[0]!.plain.split('\n')[0]).toBe('⏳ Задержано: событие от 21:05 МСК');
  });

  it('an id already delivered is never sent again, and old delivered ids are pruned after 30 days', async () => {
    const first = await deliverOutbox(queue([firing]), { telegram: client(), now: t0 });
    const again = { ...first.outbox, pending: renderEvents([firing], { config, catalog, now: t0 }) };
    const r = await deliverOutbox(again, { telegram: client(), now: at(5) });
    expect(r.sent).toBe(0);
    expect(r.outbox.pending).toEqual([]);
    expect(tg.messages).toHaveLength(2);
    const later = await deliverOutbox(r.outbox, { telegram: client(), now: at(31 * 24 * 60) });
    expect(later.outbox.delivered).toEqual({});
  });

  it('network errors and timeouts keep the message; the token never shows', async () => {
    tg.fail([{ status: 'reset' }, { status: 'hang' }]);
    const outbox = queue([
      { kind: 'operator', code: 'checker_stale', at: t0.toISOString(), text: 'Нет запусков 20 мин' },
    ]);
    const r1 = await deliverOutbox(outbox, { telegram: client(2000), now: t0 });
    const r2 = await deliverOutbox(r1.outbox, { telegram: client(300), now: at(5) });
    const dead = createTelegramClient(TOKEN, 'http://127.0.0.1:1', 2000);
    const r3 = await deliverOutbox(r2.outbox, { telegram: dead, now: at(10) });
    expect(r1.outbox.pending[0]!.last_error).toMatch(/^нет связи с Telegram: 127\.0\.0\.1:\d+: /);
    expect(r2.outbox.pending[0]!.last_error).toMatch(
      /^нет связи с Telegram: 127\.0\.0\.1:\d+ не ответил за 300 мс$/,
    );
    expect(r3.outbox.pending[0]!.last_error).toContain('ECONNREFUSED');
    expect(r3.outbox.pending[0]!.attempts).toBe(3);
    const r4 = await deliverOutbox(r3.outbox, { telegram: client(), now: at(60) });
    expect(r4.sent).toBe(1);
    expect(tg.messages).toHaveLength(1);
    const everything = JSON.stringify([r1, r2, r3, r4]);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain('SECRET');
  });

  it('a wrong token (401) stops the run for every chat and is reported without the token', async () => {
    const wrong = '111:WRONG-token-value';
    const r = await deliverOutbox(queue([firing]), {
      telegram: createTelegramClient(wrong, tg.apiRoot),
      now: t0,
    });
    expect(r).toMatchObject({ sent: 0, failed: 1 });
    expect(r.outbox.pending).toHaveLength(2);
    expect(r.outbox.pending[0]!.last_error).toBe(
      'токен бота не принят (401 Unauthorized): проверьте TELEGRAM_BOT_TOKEN',
    );
    expect(JSON.stringify(r)).not.toContain('WRONG');
  });

  it('case 2: one grouped message for the hosting at 06:00, one recovery at 10:40 replying to it', async () => {
    const six = new Date('2026-11-28T03:00:00Z');
    const items = [
      { client: 'acme', installation: 'main' },
      { client: 'acme', installation: 'reserve' },
    ].map((i) => ({
      ...i,
      hosting: 'tekhexpert-cloud',
      since: six.toISOString(),
      incident: `dns-${i.installation}`,
    }));
    const diagnosis = {
      rule: 'dns_down_ip_ok',
      alert: 'KodeksDnsResolve' as const,
      cause: 'DNS не отвечает, установка доступна по IP-адресу',
      hint: 'Напишите в поддержку хостинга',
      workaround: 'Входите по IP-адресу',
    };
    const group: AlertEvent = {
      kind: 'grouped',
      hosting: 'tekhexpert-cloud',
      alert: 'KodeksDnsResolve',
      importance: 'critical',
      at: '2026-11-28T03:10:00Z',
      group: 'g-dns',
      items,
      diagnosis,
    };
    const run1 = await deliverOutbox(queue([group], new Date(group.at)), {
      telegram: client(),
      now: new Date(group.at),
    });
    expect(tg.messages.map((m) => m.chat_id)).toEqual(['-1001234567890', '-1009999']);
    expect(tg.messages[0]!.plain).toContain(
      'Техэксперт.Облако: Имя установки не разрешается в DNS\nЗатронуто установок: 2',
    );
    const end = new Date('2026-11-28T07:40:00Z');
    const resolvedEvents: AlertEvent[] = items.map((i) => ({
      kind: 'resolved',
      client: i.client,
      installation: i.installation,
      alert: 'KodeksDnsResolve',
      importance: 'critical',
      since: i.since,
      at: end.toISOString(),
      durationMs: end.getTime() - six.getTime(),
      incident: i.incident,
      group: 'g-dns',
    }));
    const run2 = await deliverOutbox(queue(resolvedEvents, end, run1.outbox), {
      telegram: client(),
      now: end,
    });
    expect(run2).toMatchObject({ sent: 2, failed: 0 });
    const replies = tg.messages.slice(2);
    expect(replies.map((m) => [m.chat_id, m.reply_to_message_id])).toEqual([
      ['-1001234567890', 1],
      ['-1009999', 1],
    ]);
    expect(replies[0]!.plain).toContain(
      'Восстановлено: Техэксперт.Облако: Имя установки не разрешается в DNS',
    );
    expect(replies[0]!.plain).toContain('Восстановлено установок: 2');
    expect(replies[0]!.plain.match(/простой 4 ч 40 мин: с 06:00 до 10:40 МСК/g)).toHaveLength(2);
  });
});
