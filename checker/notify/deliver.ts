/**
 * `deliverOutbox`: sends the outbox's pending messages and mails and keeps every one not accepted.
 * An item leaves the queue only with a message_id from Telegram or a 2xx from the mail server; failures
 * are kept with the reason in words and the time of the next attempt. Each chat and each mailbox is a lane:
 * lanes are delivered concurrently, items in a lane one after another, and the first failure stops its
 * lane for the run, so messages to one place never overtake each other (a «resolved» never arrives before
 * its «firing»). The whole delivery has a time budget: when it runs out, every call still waiting is
 * aborted and whatever was not delivered stays queued for the next run. A mail the server refuses for good
 * (5xx) is reported once — a line in the log and a message to the team chat — and not retried.
 */
import type { MailItem, Outbox, OutboxItem } from '../status/schema.ts';
import { escapeHtml, htmlToPlain, TELEGRAM_TEXT_LIMIT } from './html.ts';
import { describeMailFailure, type MailerLike } from './smtp-client.ts';
import { formatClock } from './time.ts';
import type { SendMessageRequest, TelegramFailure, TelegramLike } from './types.ts';

/** What delivery needs: the clients, the clock, and limits. */
export interface DeliverDeps {
  /** Absent: Telegram items stay queued. */
  telegram?: TelegramLike;
  /** Absent: mails stay queued. */
  mailer?: MailerLike;
  /** The sender of mails. */
  from?: string;
  /** The team chat where a mail refused for good is reported. */
  reportTo?: { chat: string; thread?: number };
  now: Date;
  /** Messages sent at most per chat or mailbox in one run (default 20; Telegram allows about 20 a minute per group). */
  maxPerRun?: number;
  /** Wall-clock time the whole delivery may take (default 20 s); what is left stays queued. */
  budgetMs?: number;
  /** Zone of the «Задержано» time (default Europe/Moscow; pass checker.timezone). */
  timeZone?: string;
}

/** The outbox after delivery and what happened, one line per message for the run's log. */
export interface DeliverResult {
  outbox: Outbox;
  sent: number;
  failed: number;
  /** Mails refused for good in this run (reported, not retried). */
  rejected: number;
  /** Lanes left undelivered because the budget ran out. */
  outOfTime: boolean;
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

function mailLabel(item: MailItem): string {
  return `${item.kind} ${item.id.split('|')[0]} → ${item.to}`;
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
    ...(item.silent ? { disable_notification: true as const } : {}),
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
  signal: AbortSignal,
): ReturnType<TelegramLike['sendMessage']> {
  let attempt: Attempt = { text: html, html: true, buttons: true, thread: true };
  let res = await telegram.sendMessage(request(item, attempt, replyTo), signal);
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
    if (signal.aborted) break;
    res = await telegram.sendMessage(request(item, attempt, replyTo), signal);
  }
  return res;
}

function delayLine(item: { created_at: string }, deps: DeliverDeps): string | undefined {
  const created = new Date(item.created_at);
  if (deps.now.getTime() - created.getTime() <= DELAYED_AFTER_MS) return undefined;
  return `⏳ Задержано: событие от ${formatClock(created, deps.timeZone ?? 'Europe/Moscow', deps.now)}`;
}

/** A one-way door: `wait` resolves once `open()` was called (or the budget ran out). */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/** Items of one destination, in queue order. */
function lanes<T>(items: T[], key: (i: T) => string): T[][] {
  const by = new Map<string, T[]>();
  for (const i of items) by.set(key(i), [...(by.get(key(i)) ?? []), i]);
  return [...by.values()];
}

/** Sends what is due, lanes at once, within the budget; returns the new outbox (the input is not changed). */
export async function deliverOutbox(outbox: Outbox, deps: DeliverDeps): Promise<DeliverResult> {
  const now = deps.now;
  const max = deps.maxPerRun ?? 20;
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(), deps.budgetMs ?? 20_000);
  const signal = budget.signal;
  const delivered = { ...outbox.delivered };
  const mailDelivered = { ...(outbox.mail_delivered ?? {}) };
  const keptTelegram = new Map<string, OutboxItem>();
  const keptMail = new Map<string, MailItem>();
  const lines: string[] = [];
  const reports: OutboxItem[] = [];
  let sent = 0;
  let failed = 0;
  let rejected = 0;
  let halted = false;
  let mailHalted = false;

  // The first send of each channel goes alone: a wrong token or login then costs one call, not one per lane.
  const telegramGate = gate();
  const mailGate = gate();

  const telegramLane = async (lane: OutboxItem[], first: boolean) => {
    let stop = false;
    let count = 0;
    if (!first) await telegramGate.wait;
    for (const original of lane) {
      const item = { ...original };
      if (delivered[item.id]) {
        // Already accepted by Telegram (queued again after a run whose commit failed): never send twice.
        lines.push(`telegram: ${label(item)} уже доставлено, пропускаю`);
        continue;
      }
      const due = !item.not_before || Date.parse(item.not_before) <= now.getTime();
      // A waiting message holds back the later ones in its chat, so they never overtake it.
      if (stop || halted || !due || count >= max || signal.aborted || !deps.telegram) {
        stop = true;
        keptTelegram.set(item.id, item);
        continue;
      }
      const replyTarget = item.reply_to ? delivered[item.reply_to] : undefined;
      const replyTo = replyTarget && replyTarget.chat === item.chat ? replyTarget.message_id : undefined;
      const delay = delayLine(item, deps);
      const html = delay ? `${delay}\n\n${item.text}` : item.text;
      count++;
      const res = await sendWithFallbacks(item, html, replyTo, deps.telegram, (l) => lines.push(l), signal);
      telegramGate.open();
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
      item.last_error = signal.aborted
        ? `не успели отправить: кончилось время на доставку (${describeFailure(e)})`
        : describeFailure(e);
      const wait = e.code === 429 ? Math.max(1, e.retry_after ?? 1) * 1000 : backoffMs(item.attempts);
      item.not_before = new Date(now.getTime() + wait).toISOString();
      keptTelegram.set(item.id, item);
      stop = true;
      if (e.code === 401) halted = true; // the token is wrong for every chat
      lines.push(
        `telegram: не отправлено ${label(item)}: ${item.last_error}; следующая попытка после ${item.not_before}`,
      );
    }
  };

  const mailLane = async (lane: MailItem[], first: boolean) => {
    let stop = false;
    let count = 0;
    if (!first) await mailGate.wait;
    for (const original of lane) {
      const item = { ...original };
      if (mailDelivered[item.id]) {
        lines.push(`mail: ${mailLabel(item)} уже доставлено, пропускаю`);
        continue;
      }
      const due = !item.not_before || Date.parse(item.not_before) <= now.getTime();
      if (stop || mailHalted || !due || count >= max || signal.aborted || !deps.mailer) {
        stop = true;
        keptMail.set(item.id, item);
        continue;
      }
      // A follow-up is a reply in the thread of the mail it follows, under that mail's subject.
      const parent = item.reply_to ? mailDelivered[item.reply_to] : undefined;
      const thread = parent && !parent.rejected ? parent : undefined;
      const subject = thread ? `Re: ${thread.subject.replace(/^Re: /, '')}` : item.subject;
      const delay = delayLine(item, deps);
      count++;
      const res = await deps.mailer.send(
        {
          from: deps.from ?? 'SMART <alert@localhost>',
          to: item.to,
          subject,
          html: delay
            ? item.html.replace(
                /(<div[^>]*>)/,
                `$1\n<p style="margin:0 0 14px;color:#92400e">${escapeHtml(delay)}</p>`,
              )
            : item.html,
          text: delay ? `${delay}\n\n${item.text}` : item.text,
          messageId: item.message_id,
          ...(thread ? { inReplyTo: thread.message_id, references: [thread.message_id] } : {}),
          date: new Date(item.created_at),
        },
        signal,
      );
      mailGate.open();
      if (res.ok) {
        mailDelivered[item.id] = {
          message_id: item.message_id,
          subject,
          at: now.toISOString(),
        };
        sent++;
        lines.push(`mail: отправлено ${mailLabel(item)}${delay ? ', с пометкой о задержке' : ''}`);
        continue;
      }
      const e = res.error;
      const words = describeMailFailure(e);
      if (e.permanent && !signal.aborted) {
        // Sending it again would get the same answer: report once, keep the refusal, move on.
        rejected++;
        mailDelivered[item.id] = {
          message_id: item.message_id,
          subject: item.subject,
          at: now.toISOString(),
          rejected: words,
        };
        lines.push(`mail: не принято ${mailLabel(item)}: ${words}; повторять не будем`);
        if (deps.reportTo)
          reports.push({
            id: `mail-rejected|${item.id}`,
            kind: 'operator',
            created_at: now.toISOString(),
            attempts: 0,
            chat: deps.reportTo.chat,
            ...(deps.reportTo.thread ? { thread: deps.reportTo.thread } : {}),
            text: `🟠 <b>SMART: письмо не принято</b>\n\nПисьмо «${escapeHtml(item.subject)}» для ${escapeHtml(item.to)} почтовый сервер отклонил: ${escapeHtml(words)}`,
            buttons: [],
          });
        continue;
      }
      failed++;
      item.attempts = (item.attempts ?? 0) + 1;
      item.last_error = words;
      item.not_before = new Date(now.getTime() + backoffMs(item.attempts)).toISOString();
      keptMail.set(item.id, item);
      stop = true;
      // A wrong login or a server that wants TLS fails every mail alike.
      if (e.kind === 'auth' || e.kind === 'tls') mailHalted = true;
      lines.push(
        `mail: не отправлено ${mailLabel(item)}: ${words}; следующая попытка после ${item.not_before}`,
      );
    }
  };

  try {
    await Promise.all([
      ...lanes(outbox.pending, (i) => i.chat).map((lane, k) =>
        telegramLane(lane, k === 0).finally(() => k === 0 && telegramGate.open()),
      ),
      ...lanes(outbox.mail ?? [], (i) => i.to.toLowerCase()).map((lane, k) =>
        mailLane(lane, k === 0).finally(() => k === 0 && mailGate.open()),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
  const outOfTime = signal.aborted;
  if (outOfTime) lines.push('доставка: кончилось время на доставку, остальное отправим в следующий запуск');

  for (const [id, d] of Object.entries(delivered))
    if (now.getTime() - Date.parse(d.at) > DELIVERED_KEEP_MS) delete delivered[id];
  for (const [id, d] of Object.entries(mailDelivered))
    if (now.getTime() - Date.parse(d.at) > DELIVERED_KEEP_MS) delete mailDelivered[id];

  // Queue order is kept: what stays pending stays where it was.
  const pending = [
    ...outbox.pending.filter((i) => keptTelegram.has(i.id)).map((i) => keptTelegram.get(i.id)!),
    ...reports.filter((r) => !delivered[r.id]),
  ];
  const mail = (outbox.mail ?? []).filter((i) => keptMail.has(i.id)).map((i) => keptMail.get(i.id)!);
  const next: Outbox = {
    ...outbox,
    pending,
    delivered,
    ...(outbox.mail !== undefined || mail.length > 0 ? { mail } : {}),
    ...(outbox.mail_delivered !== undefined || Object.keys(mailDelivered).length > 0
      ? { mail_delivered: mailDelivered }
      : {}),
  };
  return { outbox: next, sent, failed, rejected, outOfTime, lines };
}
