/**
 * `smart notify-test`: sends one message to the alert chat and says in plain words what happened —
 * the first thing to run after creating the bot. The token comes from TELEGRAM_BOT_TOKEN and is never printed.
 */
import { resolve } from 'node:path';
import { loadConfig } from '../config/load.ts';
import { escapeHtml } from '../notify/html.ts';
import { mailFrom } from '../notify/render-email.ts';
import {
  createMailer,
  describeMailFailure,
  redactAll,
  smtpLabel,
  smtpSecrets,
} from '../notify/smtp-client.ts';
import { createTelegramClient, DEFAULT_API_ROOT, redact } from '../notify/telegram-client.ts';
import { formatClock } from '../notify/time.ts';
import type { TelegramFailure } from '../notify/types.ts';
import { displayPath, printDiagnostics } from './inputs.ts';
import { type CommandIo, EXIT, parseOptions, usageError } from './io.ts';

const NO_SMTP = `smart notify-test: SMTP_URL is not set — no mail can be sent without it.
  Form: smtp://login:password@smtp.example:587 (STARTTLS) or smtps://login:password@smtp.example:465;
  special characters in the password as %XX. In GitHub Actions: the repository secret SMTP_URL.`;

/** `--email ADDRESS`: one mail through SMTP_URL, the result in plain words. The URL is never printed. */
async function mailTest(address: string, configPath: string, io: CommandIo): Promise<number> {
  const url = io.env.SMTP_URL?.trim() ?? '';
  if (!url) {
    io.err(NO_SMTP);
    return 1;
  }
  const label = smtpLabel(url);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address))
    return usageError(io, USAGE, `--email ${address}: not an e-mail address`);
  if (!label) {
    io.err(
      'smart notify-test: SMTP_URL is not an smtp:// or smtps:// address; e.g. smtp://login:password@smtp.example:587',
    );
    return EXIT.failed;
  }
  const config = await loadConfig(resolve(io.cwd, configPath));
  const from = config.ok ? mailFrom(config.config) : 'SMART <alert@localhost>';
  const secrets = smtpSecrets(url);
  const mailer = createMailer(url, { timeoutMs: 15_000 });
  const now = new Date();
  const domain = /@([^>\s]+)>?$/.exec(from)?.[1] ?? 'localhost';
  const r = await mailer.send({
    from,
    to: address,
    subject: 'SMART: проверка почты',
    text: `Это проверочное письмо SMART: если вы его читаете, оповещения по почте доходят.\nОтправлено через ${label}.`,
    html: `<p>Это проверочное письмо SMART: если вы его читаете, оповещения по почте доходят.</p><p>Отправлено через ${escapeHtml(label)}.</p>`,
    messageId: `<notify-test-${now.getTime()}@${domain}>`,
    date: now,
  });
  if (r.ok) {
    io.out(
      `Письмо для ${address} принято сервером ${label} (${redactAll(r.response, secrets)}) от имени ${from}.\nЕсли его нет во входящих — посмотрите «Спам» и правила фильтрации.`,
    );
    return 0;
  }
  io.err(
    `Письмо для ${address} не отправлено через ${label}: ${redactAll(describeMailFailure(r.error), secrets)}`,
  );
  return 1;
}

const USAGE = `usage: smart notify-test [--config installations.yaml] [--chat ID] [--thread N]
       smart notify-test [--config installations.yaml] --email ADDRESS

Sends one test message to the alert chat and says in plain words what happened.
  --chat ID        a chat id (-1001234567890) or @channel; default: notify.telegram of the --config file
  --thread N       a forum topic in that chat (default: notify.telegram.thread)
  --email ADDRESS  send one test mail through SMTP_URL instead
Environment: TELEGRAM_BOT_TOKEN; TELEGRAM_API_ROOT (default ${DEFAULT_API_ROOT}); SMTP_URL for --email.`;

const NO_TOKEN = `smart notify-test: TELEGRAM_BOT_TOKEN is not set — the bot cannot write to Telegram without it.
  1. Create a bot with @BotFather (/newbot) and copy its token, 123456789:AA…
  2. Locally: export TELEGRAM_BOT_TOKEN='…' and run smart notify-test again.
  3. In GitHub Actions: Settings → Secrets and variables → Actions → New repository secret TELEGRAM_BOT_TOKEN.
  4. Add the bot to the alert chat (to a channel as an administrator allowed to post).`;

/** `smart notify-test`. Exit 0 when Telegram accepted the message, 1 when not, 2 on a bad command line. */
export async function run(argv: string[], io: CommandIo): Promise<number> {
  const opts = parseOptions(
    argv,
    {
      config: { type: 'string', default: 'installations.yaml' },
      chat: { type: 'string' },
      thread: { type: 'string' },
      email: { type: 'string' },
      help: { type: 'boolean' },
    },
    io,
    USAGE,
  );
  if (!opts.ok) return opts.code;
  if (opts.values.email !== undefined) return mailTest(opts.values.email, opts.values.config!, io);
  let chat = opts.values.chat;
  let thread = opts.values.thread === undefined ? undefined : Number(opts.values.thread);
  let timeZone = 'Europe/Moscow';
  if (thread !== undefined && !(Number.isInteger(thread) && thread > 0))
    return usageError(io, USAGE, `--thread ${opts.values.thread}: a topic number is a whole number above 0`);
  if (chat !== undefined && !/^(-?\d+|@[A-Za-z0-9_]{5,32})$/.test(chat))
    return usageError(io, USAGE, `--chat ${chat}: expected a chat id (e.g. -1001234567890) or @channel_name`);
  const token = io.env.TELEGRAM_BOT_TOKEN?.trim() ?? '';
  if (!token) {
    io.err(NO_TOKEN);
    return EXIT.failed;
  }
  const apiRoot = io.env.TELEGRAM_API_ROOT?.trim() || DEFAULT_API_ROOT;
  if (!/^https?:\/\/[^/\s]+/.test(apiRoot)) {
    io.err(
      `smart notify-test: TELEGRAM_API_ROOT="${redact(apiRoot, token)}" is not an http(s) address; unset it or set e.g. ${DEFAULT_API_ROOT}`,
    );
    return EXIT.failed;
  }

  if (!chat) {
    const file = resolve(io.cwd, opts.values.config!);
    const loaded = await loadConfig(file);
    const shown = displayPath(file, io.cwd);
    if (!loaded.ok) {
      printDiagnostics(io, loaded.diagnostics);
      io.err(`smart notify-test: ${shown} could not be read; fix it or name the chat: --chat -100…`);
      return EXIT.failed;
    }
    const target = loaded.config.notify.telegram;
    if (!target) {
      io.err(
        `smart notify-test: ${shown} has no notify.telegram: add notify: { telegram: { chat: "-100…" } } or pass --chat`,
      );
      return EXIT.failed;
    }
    chat = target.chat;
    thread ??= target.thread;
    timeZone = loaded.config.checker.timezone;
  }

  const host = new URL(apiRoot).host;
  const telegram = createTelegramClient(token, apiRoot, 15_000);
  const me = await telegram.getMe();
  if (!me.ok) {
    io.err(explain(me.error, { chat, thread, host }));
    return 1;
  }
  const bot = me.result.username ? `@${me.result.username}` : me.result.first_name;
  const where = `${chat}${thread ? ` (тема ${thread})` : ''}`;
  const text = [
    '✅ <b>SMART: проверка связи</b>',
    `Бот ${escapeHtml(bot)} пишет в этот чат${thread ? ` (тема ${thread})` : ''}: сюда будут приходить алерты.`,
    `🕒 ${formatClock(new Date(), timeZone)}`,
  ].join('\n');
  const sent = await telegram.sendMessage({
    chat_id: chat,
    text,
    parse_mode: 'HTML',
    ...(thread ? { message_thread_id: thread } : {}),
    link_preview_options: { is_disabled: true },
  });
  if (!sent.ok) {
    io.err(explain(sent.error, { chat, thread, host, bot }));
    return 1;
  }
  io.out(
    `Готово: бот ${bot} отправил сообщение ${sent.result.message_id} в чат ${where}. Алерты будут приходить туда же.`,
  );
  return 0;
}

/** A failure in plain words with what to do about it. */
function explain(
  e: TelegramFailure,
  c: { chat: string; thread?: number; host: string; bot?: string },
): string {
  const bot = c.bot ?? 'бот';
  const d = e.description;
  if (e.network)
    return `Нет связи с Telegram Bot API (${c.host}): ${d}.\nПроверьте сеть и прокси; если используете свой Bot API сервер — переменную TELEGRAM_API_ROOT.`;
  if (e.code === 401 || e.code === 404)
    return `Telegram не принял токен (${e.code} ${d}): проверьте TELEGRAM_BOT_TOKEN — токен выдаёт @BotFather, вид 123456789:AA…; после /revoke нужен новый.`;
  if (e.code === 400 && /chat not found/i.test(d))
    return `Чат ${c.chat} не найден (400 ${d}).\nПроверьте id (у групп и каналов он начинается с -100) и что ${bot} добавлен в этот чат.`;
  if (e.code === 400 && /thread not found/i.test(d))
    return `Тема ${c.thread} не найдена в чате ${c.chat} (400 ${d}): проверьте thread (message_thread_id темы).`;
  if (e.code === 403)
    return `${bot} не может писать в чат ${c.chat} (403 ${d}).\nДобавьте бота в чат заново (в канал — администратором с правом публикации).`;
  if (e.code === 429) return `Telegram просит подождать ${e.retry_after ?? '?'} с (429): повторите позже.`;
  if (e.code !== undefined && e.code >= 500)
    return `Ошибка на стороне Telegram (${e.code} ${d}); алерты в таком случае остаются в очереди и уходят при следующем запуске.`;
  return `Telegram отклонил сообщение (${e.code ?? '?'} ${d}).`;
}
