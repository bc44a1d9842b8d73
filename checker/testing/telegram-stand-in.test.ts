import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStandIn, type TelegramStandIn } from './telegram-stand-in.ts';

let tg: TelegramStandIn;
const seen: string[] = [];
beforeAll(async () => {
  tg = await startTelegramStandIn({
    token: '1:T',
    chats: ['-100', '@news_channel'],
    onMessage: (m) => seen.push(m.plain),
  });
});
afterAll(async () => {
  await tg.close();
});

async function call(method: string, body: unknown, form = false, token = '1:T') {
  const res = await fetch(`${tg.apiRoot}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('Telegram Bot API stand-in', () => {
  it('answers like the Bot API: getMe, getChat, sendMessage with JSON and form bodies', async () => {
    expect((await call('getMe', {})).body).toMatchObject({
      ok: true,
      result: { is_bot: true, username: 'smart_standin_bot' },
    });
    expect((await call('getChat', { chat_id: '@news_channel' })).body).toMatchObject({ ok: true });
    const a = await call('sendMessage', { chat_id: '-100', text: '<b>A &amp; B</b>', parse_mode: 'HTML' });
    expect(a).toMatchObject({ status: 200, body: { ok: true, result: { message_id: 1, text: 'A & B' } } });
    const b = await call(
      'sendMessage',
      {
        chat_id: '-100',
        text: 'ответ',
        reply_parameters: JSON.stringify({ message_id: 1 }),
        reply_markup: JSON.stringify({
          inline_keyboard: [[{ text: 'Статус', url: 'https://s.example/status/a/' }]],
        }),
      },
      true,
    );
    expect(b.body).toMatchObject({ ok: true, result: { message_id: 2 } });
    expect(tg.messages.at(-1)).toMatchObject({
      reply_to_message_id: 1,
      buttons: [{ text: 'Статус', url: 'https://s.example/status/a/' }],
    });
    expect(seen).toEqual(['A & B', 'ответ']);
  });

  it.each([
    [
      'unsupported tag',
      '<div>x</div>',
      'Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 0',
    ],
    [
      'unclosed tag',
      '<b>x',
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    ],
    [
      'mismatched end',
      'й<b><i>x</b></i>',
      'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 9, expected "</i>", found "</b>"',
    ],
    ['bare <', 'a < b', "Bad Request: can't parse entities: Unclosed start tag at byte offset 2"],
    ['too long', 'я'.repeat(4097), 'Bad Request: message is too long'],
    ['empty', '   ', 'Bad Request: message text is empty'],
  ])('rejects %s with 400', async (_, text, description) => {
    const r = await call('sendMessage', { chat_id: '-100', text, parse_mode: 'HTML' });
    expect(r).toEqual({ status: 400, body: { ok: false, error_code: 400, description } });
  });

  it('reads multipart form bodies too', async () => {
    const form = new FormData();
    form.set('chat_id', '-100');
    form.set('text', '<i>мультипарт</i>');
    form.set('parse_mode', 'HTML');
    form.set('message_thread_id', '5');
    const res = await fetch(`${tg.apiRoot}/bot1:T/sendMessage`, { method: 'POST', body: form });
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
    expect(tg.messages.at(-1)).toMatchObject({ plain: 'мультипарт', message_thread_id: 5 });
  });

  it('counts the limit on the text people see, not on the markup', async () => {
    const r = await call('sendMessage', {
      chat_id: '-100',
      text: `<b>${'я'.repeat(4096)}</b>`,
      parse_mode: 'HTML',
    });
    expect(r.body.ok).toBe(true);
  });

  it('unknown token, unknown chat, missing reply target', async () => {
    expect(await call('getMe', {}, false, '1:X')).toEqual({
      status: 401,
      body: { ok: false, error_code: 401, description: 'Unauthorized' },
    });
    expect((await call('sendMessage', { chat_id: '-999', text: 'x' })).body).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: chat not found',
    });
    const noReply = await call('sendMessage', {
      chat_id: '-100',
      text: 'x',
      reply_parameters: { message_id: 999 },
    });
    expect(noReply.body.description).toBe('Bad Request: message to be replied not found');
    const allowed = await call('sendMessage', {
      chat_id: '-100',
      text: 'x',
      reply_parameters: { message_id: 999, allow_sending_without_reply: true },
    });
    expect(allowed.body.ok).toBe(true);
    expect(tg.messages.at(-1)!.reply_to_message_id).toBeUndefined();
  });

  it('forced failures: 429 with retry_after, then 500, then normal again', async () => {
    tg.fail([{ status: 429, retry_after: 7 }, { status: 500 }]);
    expect(await call('sendMessage', { chat_id: '-100', text: 'x' })).toEqual({
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 7',
        parameters: { retry_after: 7 },
      },
    });
    expect((await call('sendMessage', { chat_id: '-100', text: 'x' })).status).toBe(500);
    expect((await call('sendMessage', { chat_id: '-100', text: 'x' })).status).toBe(200);
  });
});
