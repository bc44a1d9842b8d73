import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStandIn, type TelegramStandIn } from '../testing/telegram-stand-in.ts';
import type { CommandIo } from './io.ts';
import { run } from './notify-test.ts';

const TOKEN = '424242:SECRET-notify-test-token';
let tg: TelegramStandIn;
let dir: string;

beforeAll(async () => {
  tg = await startTelegramStandIn({
    token: TOKEN,
    chats: ['-1001234567890', '-100777'],
    kicked: ['-100777'],
  });
  dir = await mkdtemp(join(tmpdir(), 'notify-test-'));
  await writeFile(
    join(dir, 'installations.yaml'),
    'site: { url: "https://smart.example.ru" }\nnotify: { telegram: { chat: "-1001234567890", thread: 17 } }\n',
  );
});
afterAll(async () => {
  await tg.close();
});

async function smart(argv: string[], env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { out: (t) => out.push(t), err: (t) => err.push(t), isTty: false, env, cwd: dir };
  const code = await run(argv, io);
  const all = [...out, ...err].join('\n');
  expect(all).not.toContain(TOKEN);
  expect(all).not.toContain('SECRET');
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const env = () => ({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: tg.apiRoot });

describe('smart notify-test', () => {
  it('sends to notify.telegram from installations.yaml and says where', async () => {
    const r = await smart([], env());
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toBe(
      'Готово: бот @smart_standin_bot отправил сообщение 1 в чат -1001234567890 (тема 17). Алерты будут приходить туда же.',
    );
    expect(tg.messages.at(-1)).toMatchObject({ chat_id: '-1001234567890', message_thread_id: 17 });
    expect(tg.messages.at(-1)!.plain).toMatch(
      /^✅ SMART: проверка связи\nБот @smart_standin_bot пишет в этот чат/,
    );
  });

  it('explains each failure in plain words', async () => {
    const cases: [string, string[], Record<string, string | undefined>, RegExp][] = [
      ['no token', [], { TELEGRAM_API_ROOT: tg.apiRoot }, /TELEGRAM_BOT_TOKEN is not set[\s\S]*@BotFather/],
      [
        'bad token',
        [],
        { ...env(), TELEGRAM_BOT_TOKEN: '1:SECRET-wrong' },
        /Telegram не принял токен \(401 Unauthorized\)/,
      ],
      [
        'chat not found',
        ['--chat', '-100404'],
        env(),
        /Чат -100404 не найден \(400 Bad Request: chat not found\)[\s\S]*@smart_standin_bot добавлен/,
      ],
      [
        'kicked',
        ['--chat', '-100777'],
        env(),
        /@smart_standin_bot не может писать в чат -100777 \(403 Forbidden: bot was kicked/,
      ],
      [
        'network',
        [],
        { ...env(), TELEGRAM_API_ROOT: 'http://127.0.0.1:1' },
        /^Нет связи с Telegram Bot API \(127\.0\.0\.1:1\): .*ECONNREFUSED/,
      ],
      ['bad chat syntax', ['--chat', 'general'], env(), /--chat general: expected a chat id/],
    ];
    for (const [name, argv, e, expected] of cases) {
      const r = await smart(argv, e);
      expect(r.code, name).not.toBe(0);
      expect(r.err, name).toMatch(expected);
    }
  });

  it('a missing config says how to name the chat instead', async () => {
    const r = await smart(['--config', 'nope.yaml'], env());
    expect(r.code).toBe(1);
    expect(r.err).toContain('--chat -100…');
  });
});
