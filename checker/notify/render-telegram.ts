/**
 * The Telegram channel: a Notice → Telegram HTML and its URL buttons. Only formats: everything shown comes
 * from the Notice, every user string is escaped here, and a message never exceeds Telegram's limit.
 */
import type { Importance } from '../alerts/names.ts';
import { messageHref } from '../text/doc-links.ts';
import type { InstallationFacts, Notice, SummaryLine } from './facts.ts';
import { escapeAttr, escapeHtml, fitHtml, TELEGRAM_TEXT_LIMIT } from './html.ts';
import { markdownInlineToTelegram, markdownToTelegram } from './markdown.ts';
import { formatClock, formatDate, formatDuration, formatRange, sinceFirst } from './time.ts';
import type { UrlButton } from './types.ts';

/** Room kept free for the «⏳ Задержано…» line added at delivery. */
export const DELAY_LINE_RESERVE = 64;
const LIMIT = TELEGRAM_TEXT_LIMIT - DELAY_LINE_RESERVE;

const SIGN: Record<Importance, string> = { critical: '🔴', info: '🔵' };

/** 🔴 critical / 🔵 info. */
export function importanceSign(importance: Importance): string {
  return SIGN[importance];
}

/**
 * The message's text in Telegram HTML, at most `limit` characters (default: Telegram's limit less the room
 * for the delay line). The e-mail renderer asks for no limit: then a hosting-wide list is never shortened.
 */
export function telegramText(n: Notice, limit = LIMIT): string {
  if (n.operator) return operatorText(n, limit);
  if (n.summary) return summaryText(n, limit);
  if (n.hosting || n.mass) {
    if (n.kind === 'reminder') return groupedReminderText(n, limit);
    if (n.kind === 'resolved') return groupedResolvedText(n, limit);
    return groupedText(n, limit);
  }
  if (n.kind === 'reminder') return reminderText(n, limit);
  if (n.kind === 'resolved') return resolvedText(n, limit);
  return firingText(n, limit);
}

/** «Что делать» (the runbook) and «Статус» (the client's page), when the Notice has them. */
export function telegramButtons(n: Notice): UrlButton[] {
  return [
    ...(n.links.runbook ? [{ text: 'Что делать', url: n.links.runbook }] : []),
    ...(n.links.status ? [{ text: 'Статус', url: n.links.status }] : []),
  ];
}

function title(n: Notice): string {
  return escapeHtml(n.alert?.title ?? '');
}

function sign(n: Notice): string {
  return importanceSign(n.alert?.importance ?? 'info');
}

/** Relative links of runbooks lead where the site's do (`messageHref`). */
function links(n: Notice): (href: string) => string | undefined {
  const site = n.links.docs.replace(/\/docs\/errors\/$/, '');
  return (href) => messageHref(href, site, n.links.repo ? { repo: n.links.repo } : {});
}

function summary(n: Notice): string | undefined {
  return n.alert?.summary !== undefined ? markdownInlineToTelegram(n.alert.summary, links(n)) : undefined;
}

function clock(iso: string, n: Notice): string {
  return formatClock(new Date(iso), n.timeZone, n.now);
}

/** «Техэксперт.Облако: » before the title of a hosting-wide message; a mass message's title says it all. */
function wide(n: Notice): string {
  return n.hosting ? `${escapeHtml(n.hosting.title)}: ` : '';
}

/** «Из них на хостингах: Техэксперт.Облако — 12» for a mass message (team only). */
function hostingsLine(n: Notice): string[] {
  const h = n.mass?.hostings ?? [];
  if (n.audience !== 'team' || h.length === 0) return [];
  return [`🏢 Из них на хостингах: ${h.map((x) => `${escapeHtml(x.title)} — ${x.count}`).join(', ')}`];
}

function who(i: InstallationFacts): string {
  return `<b>${escapeHtml(i.client)}</b> · ${escapeHtml(i.installation)}`;
}

/** Cause, hint and workaround lines; the client sees only the workaround. */
function causeLines(n: Notice): string[] {
  const c = n.cause;
  if (!c) return [];
  if (n.audience === 'client')
    return c.workaround ? [`💡 <b>Что можно сделать сейчас:</b> ${escapeHtml(c.workaround)}`] : [];
  const lines: string[] = [];
  if (c.cause) lines.push(`🔎 <b>Вероятная причина:</b> ${escapeHtml(c.cause)}`);
  if (c.hint) lines.push(`🛠 <b>Что проверить:</b> ${escapeHtml(c.hint)}`);
  if (c.workaround) lines.push(`💡 <b>Пока не починили:</b> ${escapeHtml(c.workaround)}`);
  return lines;
}

/** Rendered excerpts: a run shows the same runbook excerpt for many installations. */
const quotes = new Map<string, string | undefined>();

/** The runbook excerpt as a quote. */
function excerptLines(n: Notice, max: number): string[] {
  const excerpt = n.alert?.excerpt;
  if (!excerpt) return [];
  const key = `${max} ${n.links.docs} ${n.links.repo ?? ''} ${excerpt}`;
  if (!quotes.has(key)) {
    if (quotes.size > 500) quotes.clear();
    const html = markdownToTelegram(excerpt, links(n));
    quotes.set(key, html ? `<blockquote>${fitHtml(html, max + 200)}</blockquote>` : undefined);
  }
  const quote = quotes.get(key);
  return quote ? [quote] : [];
}

/** What the checks answered: the codes the runbook branches on, and a certificate's expiry date. */
function evidenceLines(i: InstallationFacts, n: Notice): string[] {
  const ev = i.evidence ?? [];
  if (ev.length === 0) return [];
  const out = [
    `🧪 Проверка: ${ev
      .map(
        (e) =>
          `${escapeHtml(e.check)} — <code>${escapeHtml(e.code)}</code>${e.http_status ? ` (ответ ${e.http_status})` : ''}`,
      )
      .join('; ')}`,
  ];
  const tls = ev.find((e) => e.valid_to);
  if (tls?.valid_to) {
    const expired = Date.parse(tls.valid_to) <= n.now.getTime();
    out.push(
      `📅 Сертификат ${expired ? 'истёк' : 'действует до'} ${formatDate(new Date(tls.valid_to), n.timeZone)}`,
    );
  }
  return out;
}

function internalLines(i: InstallationFacts): string[] {
  const out: string[] = [];
  const where = [i.host, i.ip ? `IP ${i.ip}` : undefined].filter(Boolean).join(' · ');
  if (where) out.push(`🌐 ${escapeHtml(where)}`);
  if (i.notes) out.push(`📝 ${escapeHtml(i.notes.length > 300 ? `${i.notes.slice(0, 300)}…` : i.notes)}`);
  if (i.manager) out.push(`👤 Менеджер: ${escapeHtml(i.manager)}`);
  return out;
}

function managersLine(items: InstallationFacts[]): string[] {
  const managers = [...new Set(items.map((i) => i.manager).filter(Boolean))] as string[];
  if (managers.length === 0) return [];
  return [`👤 ${managers.length > 1 ? 'Менеджеры' : 'Менеджер'}: ${escapeHtml(managers.join(', '))}`];
}

function join(sections: (string[] | string | undefined)[], limit: number): string {
  const blocks = sections
    .map((s) => (Array.isArray(s) ? s.join('\n') : (s ?? '')))
    .filter((s) => s.trim() !== '');
  return fitHtml(blocks.join('\n\n'), limit);
}

function firingText(n: Notice, limit: number): string {
  const i = n.installations[0]!;
  const head = [`${sign(n)} <b>${title(n)}</b>`, who(i), summary(n)].filter(Boolean) as string[];
  const when =
    n.audience === 'team'
      ? [
          `🕒 С ${clock(i.since, n)} · ${escapeHtml(n.alert!.name)}`,
          ...evidenceLines(i, n),
          ...internalLines(i),
        ]
      : n.audience === 'admin'
        ? [
            `🕒 С ${clock(i.since, n)} · ${escapeHtml(n.alert!.name)}`,
            ...evidenceLines(i, n),
            'Исправить это можно только на вашей стороне; ваш менеджер тоже получил это оповещение.',
          ]
        : [`🕒 С ${clock(i.since, n)}. Мы уже разбираемся.`];
  return join([head, causeLines(n), excerptLines(n, 400), when], limit);
}

function reminderText(n: Notice, limit: number): string {
  const i = n.installations[0]!;
  const long = formatDuration(Date.parse(n.at) - Date.parse(i.since));
  const head = [`🔁 ${sign(n)} <b>Всё ещё: ${title(n)}</b>`, who(i)];
  const lines = [`🕒 Длится ${long} (с ${clock(i.since, n)})`, ...evidenceLines(i, n)];
  if (n.audience === 'team' && i.manager) lines.push(`👤 Менеджер: ${escapeHtml(i.manager)}`);
  return join([head, causeLines(n), lines], limit);
}

function resolvedText(n: Notice, limit: number): string {
  const i = n.installations[0]!;
  const head = [`✅ <b>Восстановлено: ${title(n)}</b>`, who(i)];
  const range = formatRange(new Date(i.since), new Date(i.at ?? n.at), n.timeZone, n.now);
  return join([head, [`⏱ Простой ${formatDuration(i.durationMs ?? 0)}: ${range}`]], limit);
}

/** « · DNS_SERVFAIL» after an installation in a hosting-wide list (the reader sees each one's answer). */
function codes(i: InstallationFacts): string {
  const list = [...new Set((i.evidence ?? []).map((e) => e.code))];
  return list.length ? ` · <code>${escapeHtml(list.join(', '))}</code>` : '';
}

function byClient(items: InstallationFacts[]): InstallationFacts[] {
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

function supportLink(support: string): string {
  return /^https?:\/\//.test(support)
    ? `<a href="${escapeAttr(support)}">${escapeHtml(support)}</a>`
    : escapeHtml(support);
}

/** One message for several installations that failed together: at one hosting (case 2), or a mass one. */
function groupedText(n: Notice, limit: number): string {
  const items = n.installations;
  const clients = new Set(items.map((i) => i.client)).size;
  const first = sinceFirst(items, n.now.toISOString());
  const head = [
    `${sign(n)} <b>${wide(n)}${title(n)}</b>`,
    `Затронуто установок: ${items.length}${clients > 1 ? ` (клиентов: ${clients})` : ''}`,
    summary(n),
  ].filter(Boolean) as string[];
  const tail = [`🕒 С ${clock(first, n)} · ${escapeHtml(n.alert!.name)}`];
  if (n.audience === 'team') {
    if (n.hosting?.support) tail.push(`🏢 Поддержка хостинга: ${supportLink(n.hosting.support)}`);
    tail.push(...hostingsLine(n), ...managersLine(items));
  }
  const fixed = [head, causeLines(n), excerptLines(n, 300)];
  const fixedText = join([...fixed, tail], limit);
  // The list gets whatever room is left; what does not fit is counted, never cut mid-line.
  const lines = fittedList(
    byClient(items).map(
      (i) => `• ${who(i)} — с ${clock(i.since, n)}${i.ip ? ` · IP ${escapeHtml(i.ip)}` : ''}${codes(i)}`,
    ),
    limit - fixedText.length - 40,
  );
  return join([...fixed, lines, tail], limit);
}

/** Reminder for a hosting-wide problem: one message for the group, not one per installation. */
function groupedReminderText(n: Notice, limit: number): string {
  const items = n.installations;
  const first = sinceFirst(items, n.at);
  const long = formatDuration(Date.parse(n.at) - Date.parse(first));
  const head = [
    `🔁 ${sign(n)} <b>Всё ещё: ${wide(n)}${title(n)}</b>`,
    `Затронуто установок: ${items.length}`,
  ];
  const lines = [`🕒 Длится ${long} (с ${clock(first, n)})`];
  if (n.audience === 'team') lines.push(...managersLine(items));
  const fixedText = join([head, causeLines(n), lines], limit);
  const list = fittedList(
    byClient(items).map((i) => `• ${who(i)} — с ${clock(i.since, n)}`),
    limit - fixedText.length - 40,
  );
  return join([head, causeLines(n), lines, list], limit);
}

/** Several installations of a hosting recovered in one run: one reply to the grouped message. */
function groupedResolvedText(n: Notice, limit: number): string {
  const items = n.installations;
  const head = [`✅ <b>Восстановлено: ${wide(n)}${title(n)}</b>`, `Восстановлено установок: ${items.length}`];
  const list = fittedList(
    byClient(items).map(
      (i) =>
        `• ${who(i)} — простой ${formatDuration(i.durationMs ?? 0)}: ${formatRange(new Date(i.since), new Date(i.at ?? n.at), n.timeZone, n.now)}`,
    ),
    limit - join([head], limit).length - 40,
  );
  return join([head, list], limit);
}

function summaryLine(l: SummaryLine, n: Notice): string {
  const when = l.resolvedAt
    ? formatRange(new Date(l.since), new Date(l.resolvedAt), n.timeZone, n.now)
    : `с ${clock(l.since, n)}`;
  return `• <b>${escapeHtml(l.client)}</b> · ${escapeHtml(l.installation)} — К${l.priority} ${escapeHtml(l.title)} — ${when}`;
}

/** The morning summary: what still fires and what happened overnight, one line per incident. */
function summaryText(n: Notice, limit: number): string {
  const s = n.summary!;
  const head = [
    `☀️ <b>Сводка за ночь: ${escapeHtml(s.manager)}</b>`,
    `Ночь ${formatRange(new Date(s.nightStart), new Date(s.dayStart), n.timeZone, n.now)}`,
  ];
  const firing = s.firing.length
    ? [`<b>Всё ещё не работает (${s.firing.length}):</b>`, ...s.firing.map((l) => summaryLine(l, n))]
    : ['Сейчас всё работает.'];
  const overnight = s.overnight.length
    ? [`<b>За ночь было и прошло (${s.overnight.length}):</b>`, ...s.overnight.map((l) => summaryLine(l, n))]
    : [];
  return join([head, firing, overnight], limit);
}

const OPERATOR_SIGN: Record<string, string> = {
  checker_offline: '🟠',
  checker_online: '✅',
  icmp_unavailable: 'ℹ️',
  checker_stale: '🟠',
  vantage_silent: '🟠',
  vantage_back: '✅',
  shards_missing: '🟠',
};

/** A message about the checker itself (never about a client). */
function operatorText(n: Notice, limit: number): string {
  const { code, title, text } = n.operator!;
  const head = `${OPERATOR_SIGN[code] ?? 'ℹ️'} <b>${escapeHtml(title)}</b>`;
  return fitHtml([head, escapeHtml(text), `🕒 ${clock(n.at, n)}`].join('\n\n'), limit);
}
