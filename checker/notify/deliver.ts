/**
 * `deliverOutbox`: sends the outbox's pending messages and keeps every one Telegram did not accept.
 * An item leaves `pending` only with a message_id from Telegram; failures are kept with the reason in
 * words and the time of the next attempt. The first failure in a chat stops that chat for this run, so
 * messages in one chat never overtake each other (a «resolved» never arrives before its «firing»).
 */
import type { Outbox, OutboxItem } from '../status/schema.ts';
import { htmlToPlain, TELEGRAM_TEXT_LIMIT } from './html.ts';
import { formatClock } from './time.ts';
import type { SendMessageRequest, TelegramFailure, TelegramLike } from './types.ts';

/** What delivery needs: the client, the clock, and limits. */
export interface DeliverDeps {
  telegram: TelegramLike;
  now: Date;
  /** Messages sent at most in one run (default 30; Telegram allows about 20 a minute per group). */
  maxPerRun?: number;
  /** Zone of the «Задержано» time (default Europe/Moscow; pass checker.timezone). */
  timeZone?: string;
}

/** The outbox after delivery and what happened, one line per message for the run's log. */
export interface DeliverResult {
  outbox: Outbox;
  sent: number;
  failed: number;
  lines: string[];
}

/** An item older than this when finally sent is marked as delayed. */
export const DELAYED_AFTER_MS = 10 * 60_000;
/** Delivered ids are remembered this long (for replies). */
export const DELIVERED_KEEP_MS = 30 * 86_400_000;
const BACKOFF_MIN_MS = 30_000;
const BACKOFF_MAX_MS = 30 * 60_000;

/** Backoff after `attempts` failed attempts: 30 s, 1 min, 2 min … at most 30 min. */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempts - 1));
}

function label(item: OutboxItem): string {
  return `${item.kind} ${item.id.split('|')[0]} → ${item.chat}${item.thread ? `/${item.thread}` : ''}`;
}

/** The failure in plain words for last_error and the log. */
export function describeFailure(e: TelegramFailure): string {
  const d = e.description;
  if (e.network) return `нет связи с Telegram: ${d}`;
  if (e.code === 429) return `Telegram просит подождать ${e.retry_after ?? '?'} с (429 Too Many Requests)`;
  if (e.code === 401) return 'токен бота не принят (401 Unauthorized): проверьте TELEGRAM_BOT_TOKEN';
  if (e.code === 403) return `бот не может писать в этот чат — его удалили или не добавили (403: ${d})`;
  if (e.code === 400 && /chat not found/i.test(d))
    return 'чат не найден (400): проверьте chat id и что бот добавлен в чат';
  if (e.code === 400 && /thread not found/i.test(d))
    return 'тема (thread) не найдена в чате (400): проверьте thread';
  if (e.code !== undefined && e.code >= 500) return `ошибка на стороне Telegram (${e.code} ${d}), повторим`;
  return `Telegram отклонил сообщение (${e.code ?? '?'}: ${d})`;
}

interface Attempt {
  text: string;
  html: boolean;
  buttons: boolean;
  thread: boolean;
}

function request(item: OutboxItem, a: Attempt, replyTo: number | undefined): SendMessageRequest {
  return {
    chat_id: item.chat,
    text: a.text,
    ...(a.html ? { parse_mode: 'HTML' as const } : {}),
    ...(a.thread && item.thread ? { message_thread_id: item.thread } : {}),
    ...(replyTo !== undefined
      ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true as const } }
      : {}),
    ...(a.buttons && item.buttons.length > 0
      ? { reply_markup: { inline_keyboard: item.buttons.map((b) => [b]) } }
      : {}),
    link_preview_options: { is_disabled: true },
  };
}

function plainText(html: string, links: { text: string; url: string }[] = []): string {
  const text = [htmlToPlain(html), ...links.map((b) => `${b.text}: ${b.url}`)].join('\n');
  return text.length > TELEGRAM_TEXT_LIMIT ? `${text.slice(0, TELEGRAM_TEXT_LIMIT - 1)}…` : text;
}

/**
 * Sends one item; when Telegram rejects the message itself (not the chat), sends it again in a simpler
 * form so the alert is not lost: markup it cannot parse → plain text; a deleted topic → the chat's
 * general topic; any other rejection of the message → plain text with the buttons' links written out.
 */
async function sendWithFallbacks(
  item: OutboxItem,
  html: string,
  replyTo: number | undefined,
  telegram: TelegramLike,
  log: (line: string) => void,
): ReturnType<TelegramLike['sendMessage']> {
  let attempt: Attempt = { text: html, html: true, buttons: true, thread: true };
  let res = await telegram.sendMessage(request(item, attempt, replyTo));
  for (let step = 0; step < 3 && !res.ok && res.error.code === 400; step++) {
    const d = res.error.description;
    if (/chat not found|chat_id is empty/i.test(d)) break;
    if (/thread not found/i.test(d) && attempt.thread) {
      attempt = { ...attempt, thread: false };
      log(`telegram: ${label(item)}: ${d} — отправляю в общий чат без темы`);
    } else if (attempt.html && /can't parse entities|message is too long/i.test(d)) {
      attempt = { ...attempt, text: plainText(html), html: false };
      log(`telegram: ${label(item)}: ${d} — отправляю как обычный текст`);
    } else if (attempt.buttons) {
      attempt = { ...attempt, text: plainText(html, item.buttons), html: false, buttons: false };
      log(`telegram: ${label(item)}: ${d} — отправляю обычным текстом, ссылки кнопок в тексте`);
    } else break;
    res = await telegram.sendMessage(request(item, attempt, replyTo));
  }
  return res;
}

function delayLine(item: OutboxItem, deps: DeliverDeps): string | undefined {
  const created = new Date(item.created_at);
  if (deps.now.getTime() - created.getTime() <= DELAYED_AFTER_MS) return undefined;
  return `⏳ Задержано: событие от ${formatClock(created, deps.timeZone ?? 'Europe/Moscow', deps.now)}`;
}

/** Sends what is due, in order; returns the new outbox (the input is not changed). */
export async function deliverOutbox(outbox: Outbox, deps: DeliverDeps): Promise<DeliverResult> {
  const now = deps.now;
  const max = deps.maxPerRun ?? 30;
  const delivered = { ...outbox.delivered };
  const pending: OutboxItem[] = [];
  const stopped = new Set<string>();
  const lines: string[] = [];
  let sent = 0;
  let failed = 0;
  let halted = false;

  for (const original of outbox.pending) {
    const item = { ...original };
    if (delivered[item.id]) {
      // Already accepted by Telegram (queued again after a run whose commit failed): never send twice.
      lines.push(`telegram: ${label(item)} уже доставлено, пропускаю`);
      continue;
    }
    const due = !item.not_before || Date.parse(item.not_before) <= now.getTime();
    if (halted || !due || stopped.has(item.chat) || sent >= max) {
      // A waiting message holds back the later ones in its chat, so they never overtake it.
      stopped.add(item.chat);
      pending.push(item);
      continue;
    }
    const replyTarget = item.reply_to ? delivered[item.reply_to] : undefined;
    const replyTo = replyTarget && replyTarget.chat === item.chat ? replyTarget.message_id : undefined;
    const delay = delayLine(item, deps);
    const html = delay ? `${delay}\n\n${item.text}` : item.text;

    const res = await sendWithFallbacks(item, html, replyTo, deps.telegram, (l) => lines.push(l));
    if (res.ok) {
      delivered[item.id] = { chat: item.chat, message_id: res.result.message_id, at: now.toISOString() };
      sent++;
      lines.push(
        `telegram: отправлено ${label(item)} (message ${res.result.message_id})${delay ? ', с пометкой о задержке' : ''}`,
      );
      continue;
    }
    failed++;
    const e = res.error;
    item.attempts = (item.attempts ?? 0) + 1;
    item.last_error = describeFailure(e);
    const wait = e.code === 429 ? Math.max(1, e.retry_after ?? 1) * 1000 : backoffMs(item.attempts);
    item.not_before = new Date(now.getTime() + wait).toISOString();
    pending.push(item);
    stopped.add(item.chat);
    if (e.code === 401) halted = true; // the token is wrong for every chat
    lines.push(
      `telegram: не отправлено ${label(item)}: ${item.last_error}; следующая попытка после ${item.not_before}`,
    );
  }

  for (const [id, d] of Object.entries(delivered))
    if (now.getTime() - Date.parse(d.at) > DELIVERED_KEEP_MS) delete delivered[id];

  return { outbox: { ...outbox, pending, delivered }, sent, failed, lines };
}
