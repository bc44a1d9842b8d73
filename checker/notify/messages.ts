/**
 * The texts of alert messages in Telegram HTML. Pure: everything shown comes in through `MessageFacts`,
 * every user string is escaped here, and a message never exceeds Telegram's limit.
 */
import { isIP } from 'node:net';
import type { AlertEntry } from '../alerts/catalog.ts';
import type { AlertName, Severity } from '../alerts/names.ts';
import type { Diagnosis } from '../status/schema.ts';
import { escapeAttr, escapeHtml, fitHtml, TELEGRAM_TEXT_LIMIT } from './html.ts';
import { markdownInlineToTelegram, markdownToTelegram, runbookExcerpt } from './markdown.ts';
import { formatClock, formatDuration, formatRange } from './time.ts';

/** Room kept free for the «⏳ Задержано…» line added at delivery. */
export const DELAY_LINE_RESERVE = 64;
const LIMIT = TELEGRAM_TEXT_LIMIT - DELAY_LINE_RESERVE;

/** Who reads the message: the team (everything) or the client's own chat (no internal details). */
export type Audience = 'team' | 'client';

/** One installation as a message names it. Internal fields are left out for the client audience. */
export interface InstallationFacts {
  client: string;
  installation: string;
  hosting?: string;
  /** Manager's @handle or name (team only). */
  manager?: string;
  /** Host name of the URL and the direct IP (team only). */
  host?: string;
  ip?: string;
  /** Internal notes (team only). */
  notes?: string;
}

/** What every alert message needs besides the event. */
export interface MessageFacts {
  audience: Audience;
  alert: AlertName;
  severity: Severity;
  entry?: AlertEntry;
  timeZone: string;
  now: Date;
  siteUrl: string;
  diagnosis?: Diagnosis;
}

const SIGN: Record<Severity, string> = { critical: '🔴', warning: '🟠', info: '🔵' };

/** 🔴 / 🟠 / 🔵 by severity. */
export function severitySign(severity: Severity): string {
  return SIGN[severity];
}

function title(f: MessageFacts): string {
  return escapeHtml(f.entry?.title ?? f.alert);
}

function summary(f: MessageFacts): string | undefined {
  return f.entry ? markdownInlineToTelegram(f.entry.summary, `${f.siteUrl}/docs/errors/`) : undefined;
}

function clock(iso: string, f: MessageFacts): string {
  return formatClock(new Date(iso), f.timeZone, f.now);
}

function who(i: InstallationFacts): string {
  return `<b>${escapeHtml(i.client)}</b> · ${escapeHtml(i.installation)}`;
}

/** Cause, hint and workaround lines; the client sees only the workaround. */
function diagnosisLines(f: MessageFacts): string[] {
  const d = f.diagnosis;
  if (!d) return [];
  if (f.audience === 'client')
    return d.workaround
      ? [`💡 <b>Что можно сделать сейчас:</b> ${escapeHtml(withoutAddresses(d.workaround))}`]
      : [];
  const lines = [`🔎 <b>Вероятная причина:</b> ${escapeHtml(d.cause)}`];
  if (d.hint) lines.push(`🛠 <b>Что проверить:</b> ${escapeHtml(d.hint)}`);
  if (d.workaround) lines.push(`💡 <b>Пока не починили:</b> ${escapeHtml(d.workaround)}`);
  return lines;
}

/** Rendered excerpts by runbook and size: a run renders the same runbook for many installations. */
const excerpts = new WeakMap<AlertEntry, Map<string, string | undefined>>();

/** A short excerpt of the runbook («Что делать», else «Что означает») as a quote, team only. */
function runbookLines(f: MessageFacts, max = 400): string[] {
  if (f.audience !== 'team' || !f.entry) return [];
  const cache = excerpts.get(f.entry) ?? new Map<string, string | undefined>();
  excerpts.set(f.entry, cache);
  const key = `${max} ${f.siteUrl}`;
  if (!cache.has(key)) {
    const excerpt = runbookExcerpt(f.entry.body, ['Что делать', 'Что означает'], max);
    const html = excerpt ? markdownToTelegram(excerpt, `${f.siteUrl}/docs/errors/`) : '';
    cache.set(key, html ? `<blockquote>${fitHtml(html, max + 200)}</blockquote>` : undefined);
  }
  const quote = cache.get(key);
  return quote ? [quote] : [];
}

const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g;
const IPV6_LIKE = /\[?[0-9a-f]*:[0-9a-f:.]*:[0-9a-f.]*\]?/gi;

/** Client chats never see addresses, even when a diagnosis text names one. */
export function withoutAddresses(text: string): string {
  const hidden = '(адрес сообщит менеджер)';
  return text
    .replace(IPV4, hidden)
    .replace(IPV6_LIKE, (m) => (isIP(m.replace(/^\[|\]$/g, '')) === 6 ? hidden : m));
}

function internalLines(i: InstallationFacts): string[] {
  const out: string[] = [];
  const where = [i.host, i.ip ? `IP ${i.ip}` : undefined].filter(Boolean).join(' · ');
  if (where) out.push(`🌐 ${escapeHtml(where)}`);
  if (i.notes) out.push(`📝 ${escapeHtml(i.notes.length > 300 ? `${i.notes.slice(0, 300)}…` : i.notes)}`);
  if (i.manager) out.push(`👤 Менеджер: ${escapeHtml(i.manager)}`);
  return out;
}

function join(sections: (string[] | string | undefined)[]): string {
  const blocks = sections
    .map((s) => (Array.isArray(s) ? s.join('\n') : (s ?? '')))
    .filter((s) => s.trim() !== '');
  return fitHtml(blocks.join('\n\n'), LIMIT);
}

/** A new problem at one installation. */
export function firingText(f: MessageFacts, i: InstallationFacts, since: string): string {
  const head = [`${severitySign(f.severity)} <b>${title(f)}</b>`, who(i), summary(f)].filter(
    Boolean,
  ) as string[];
  const when =
    f.audience === 'team'
      ? [`🕒 С ${clock(since, f)} · ${escapeHtml(f.alert)}`, ...internalLines(i)]
      : [`🕒 С ${clock(since, f)}. Мы уже разбираемся.`];
  return join([head, diagnosisLines(f), runbookLines(f), when]);
}

/** The problem is still there (sent every notify.telegram.remind_every). */
export function reminderText(f: MessageFacts, i: InstallationFacts, since: string, at: string): string {
  const long = formatDuration(new Date(at).getTime() - new Date(since).getTime());
  const head = [`🔁 ${severitySign(f.severity)} <b>Всё ещё: ${title(f)}</b>`, who(i)];
  const lines = [`🕒 Длится ${long} (с ${clock(since, f)})`];
  if (f.audience === 'team' && i.manager) lines.push(`👤 Менеджер: ${escapeHtml(i.manager)}`);
  return join([head, diagnosisLines(f), lines]);
}

/** The problem is over: a reply to the firing message, with the downtime. */
export function resolvedText(
  f: MessageFacts,
  i: InstallationFacts,
  since: string,
  at: string,
  durationMs: number,
): string {
  const head = [`✅ <b>Восстановлено: ${title(f)}</b>`, who(i)];
  const range = formatRange(new Date(since), new Date(at), f.timeZone, f.now);
  const lines = [`⏱ Простой ${formatDuration(durationMs)}: ${range}`];
  return join([head, lines]);
}

/** One message for several installations of a hosting that failed together (case 2). */
export function groupedText(
  f: MessageFacts,
  hosting: { title: string; support?: string },
  items: (InstallationFacts & { since: string })[],
): string {
  const clients = new Set(items.map((i) => i.client)).size;
  const first = items.map((i) => i.since).sort()[0] ?? f.now.toISOString();
  const head = [
    `${severitySign(f.severity)} <b>${escapeHtml(hosting.title)}: ${title(f)}</b>`,
    `Затронуто установок: ${items.length}${clients > 1 ? ` (клиентов: ${clients})` : ''}`,
    summary(f),
  ].filter(Boolean) as string[];
  const tail = [`🕒 С ${clock(first, f)} · ${escapeHtml(f.alert)}`];
  if (f.audience === 'team') {
    if (hosting.support) tail.push(`🏢 Поддержка хостинга: ${supportLink(hosting.support)}`);
    const managers = [...new Set(items.map((i) => i.manager).filter(Boolean))] as string[];
    if (managers.length > 0)
      tail.push(`👤 ${managers.length > 1 ? 'Менеджеры' : 'Менеджер'}: ${escapeHtml(managers.join(', '))}`);
  }
  const fixed = [head, diagnosisLines(f), runbookLines(f, 300)];
  const fixedText = join([...fixed, tail]);
  // The list gets whatever room is left; what does not fit is counted, never cut mid-line.
  const lines = fittedList(
    byClient(items).map(
      (i) =>
        `• ${who(i)} — с ${clock(i.since, f)}${f.audience === 'team' && i.ip ? ` · IP ${escapeHtml(i.ip)}` : ''}`,
    ),
    LIMIT - fixedText.length - 40,
  );
  return join([...fixed, lines, tail]);
}

function byClient<T extends InstallationFacts & { since: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.client.localeCompare(b.client, 'ru') || a.since.localeCompare(b.since));
}

/** «Установки:» and as many bullet lines as fit in `room` characters; the rest are counted, never cut. */
function fittedList(bullets: string[], room: number): string[] {
  const lines: string[] = ['<b>Установки:</b>'];
  let used = lines[0]!.length;
  let shown = 0;
  for (const line of bullets) {
    if (used + line.length + 1 > room) break;
    lines.push(line);
    used += line.length + 1;
    shown++;
  }
  if (shown < bullets.length)
    lines.push(`… и ещё ${bullets.length - shown} (полный список — в журнале инцидентов)`);
  return lines;
}

/** Reminder for a hosting-wide problem: one message for the group, not one per installation. */
export function groupedReminderText(
  f: MessageFacts,
  hosting: { title: string },
  items: (InstallationFacts & { since: string })[],
  at: string,
): string {
  const first = items.map((i) => i.since).sort()[0] ?? at;
  const long = formatDuration(new Date(at).getTime() - new Date(first).getTime());
  const head = [
    `🔁 ${severitySign(f.severity)} <b>Всё ещё: ${escapeHtml(hosting.title)}: ${title(f)}</b>`,
    `Затронуто установок: ${items.length}`,
  ];
  const lines = [`🕒 Длится ${long} (с ${clock(first, f)})`];
  const managers = [...new Set(items.map((i) => i.manager).filter(Boolean))] as string[];
  if (f.audience === 'team' && managers.length > 0)
    lines.push(`👤 ${managers.length > 1 ? 'Менеджеры' : 'Менеджер'}: ${escapeHtml(managers.join(', '))}`);
  const fixedText = join([head, diagnosisLines(f), lines]);
  const list = fittedList(
    byClient(items).map((i) => `• ${who(i)} — с ${clock(i.since, f)}`),
    LIMIT - fixedText.length - 40,
  );
  return join([head, diagnosisLines(f), lines, list]);
}

/** Several installations of a hosting recovered in one run: one reply to the grouped message. */
export function groupedResolvedText(
  f: MessageFacts,
  hosting: { title: string },
  items: (InstallationFacts & { since: string; at: string; durationMs: number })[],
): string {
  const head = [
    `✅ <b>Восстановлено: ${escapeHtml(hosting.title)}: ${title(f)}</b>`,
    `Восстановлено установок: ${items.length}`,
  ];
  const list = fittedList(
    byClient(items).map(
      (i) =>
        `• ${who(i)} — простой ${formatDuration(i.durationMs)}: ${formatRange(new Date(i.since), new Date(i.at), f.timeZone, f.now)}`,
    ),
    LIMIT - join([head]).length - 40,
  );
  return join([head, list]);
}

function supportLink(support: string): string {
  return /^https?:\/\//.test(support)
    ? `<a href="${escapeAttr(support)}">${escapeHtml(support)}</a>`
    : escapeHtml(support);
}

const OPERATOR_HEAD: Record<string, string> = {
  checker_offline: '🟠 <b>SMART: у проверяющего нет сети</b>',
  checker_online: '✅ <b>SMART: проверяющий снова на связи</b>',
  icmp_unavailable: 'ℹ️ <b>SMART: ICMP недоступен с этого раннера</b>',
  checker_stale: '🟠 <b>SMART: проверки давно не запускались</b>',
};

/** A message about the checker itself (never about a client). */
export function operatorText(code: string, text: string, at: string, timeZone: string, now: Date): string {
  const head = OPERATOR_HEAD[code] ?? `ℹ️ <b>SMART: ${escapeHtml(code)}</b>`;
  return fitHtml(
    [head, escapeHtml(text), `🕒 ${formatClock(new Date(at), timeZone, now)}`].join('\n\n'),
    LIMIT,
  );
}
