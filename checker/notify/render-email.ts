/**
 * The e-mail channel: a Notice → subject, HTML part and plain-text part. Only formats. The body is the
 * Telegram layout (its HTML subset — b, i, a, code, pre, blockquote — is valid HTML and already escaped)
 * laid out as paragraphs, never shortened, with the links as buttons; the text part is `plainText`. The
 * subject carries the priority, the title, the client and the alert's name, so mail filters that sort by
 * alert name (as SMART's managers do) keep working.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.ts';
import { plural } from '../text/words.ts';
import { type Notice, siteUrl } from './facts.ts';
import { escapeAttr, escapeHtml } from './html.ts';
import { telegramButtons, telegramText } from './render-telegram.ts';
import { plainText } from './render-text.ts';

/** A rendered mail. */
export interface MailParts {
  subject: string;
  html: string;
  text: string;
}

/** The sender: notify.email.from, else «SMART <alert@host of site.url>». */
export function mailFrom(config: Config): string {
  if (config.notify.email?.from) return config.notify.email.from;
  let host = 'localhost';
  try {
    host = new URL(config.site.url).hostname;
  } catch {}
  return `SMART <alert@${host}>`;
}

/** A Message-ID derived from the outbox id: the same mail sent again is recognisably the same. */
export function messageIdFor(id: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'smart.invalid';
  return `<${createHash('sha256').update(id).digest('hex').slice(0, 32)}@${domain}>`;
}

function who(n: Notice): string {
  const clients = [...new Set(n.installations.map((i) => i.client))];
  if (n.hosting || n.mass) {
    const count = n.installations.length;
    const many = `${count} ${plural(count, 'установка', 'установки', 'установок')}`;
    return n.hosting ? `${n.hosting.title}, ${many}` : many;
  }
  return clients[0] ?? '';
}

/** «[К1] Сервер не видит ключ SenseLock — ООО «Акме» · KodeksXmlSensLockStatus». */
export function mailSubject(n: Notice): string {
  if (n.operator) return n.operator.title;
  if (n.summary) {
    const { firing, overnight } = n.summary;
    return `SMART: сводка за ночь — не работает ${firing.length}, за ночь ${overnight.length}`;
  }
  const a = n.alert!;
  const state = n.kind === 'resolved' ? 'Восстановлено: ' : n.kind === 'reminder' ? 'Всё ещё: ' : '';
  return `[К${a.priority}] ${state}${a.title} — ${who(n)} · ${a.name}`;
}

/** Telegram HTML laid out as e-mail HTML: blocks become paragraphs, line breaks <br>, quotes styled. */
function paragraphs(html: string): string {
  return html
    .split(/\n{2,}/)
    .map((block) => {
      const body = block
        .split(/(<pre>[\s\S]*?<\/pre>)/)
        .map((part) => (part.startsWith('<pre>') ? part : part.replace(/\n/g, '<br>\n')))
        .join('');
      if (body.startsWith('<blockquote>'))
        return body.replace(
          '<blockquote>',
          '<blockquote style="margin:0 0 14px;padding:8px 12px;border-left:3px solid #9aa5b1;background:#f5f7fa">',
        );
      return `<p style="margin:0 0 14px">${body}</p>`;
    })
    .join('\n');
}

/** The whole mail for one Notice. */
export function emailParts(n: Notice, config: Config): MailParts {
  const subject = mailSubject(n);
  const site = siteUrl(config);
  const buttons = telegramButtons(n)
    .map(
      (b) =>
        `<a href="${escapeAttr(b.url)}" style="display:inline-block;margin:0 8px 8px 0;padding:8px 14px;border-radius:6px;background:#1f6feb;color:#fff;text-decoration:none">${escapeHtml(b.text)}</a>`,
    )
    .join('');
  const footer = `SMART status · <a href="${escapeAttr(`${site}/`)}">${escapeHtml(site)}</a> · письмо отправлено автоматически`;
  const html = [
    '<!doctype html>',
    '<html lang="ru">',
    `<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a">',
    '<div style="max-width:680px">',
    paragraphs(telegramText(n, Number.POSITIVE_INFINITY)),
    buttons ? `<p style="margin:0 0 14px">${buttons}</p>` : '',
    `<p style="margin:24px 0 0;color:#6b7280;font-size:13px">${footer}</p>`,
    '</div>',
    '</body>',
    '</html>',
  ]
    .filter(Boolean)
    .join('\n');
  const text = `${plainText(n, Number.POSITIVE_INFINITY)}\n\n-- \nSMART status · ${site}/`;
  return { subject, html, text };
}
