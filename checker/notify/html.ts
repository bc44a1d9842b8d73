/**
 * Telegram's HTML subset: escaping user text, turning a message into plain text (the fallback when
 * Telegram cannot parse it, and the console rendering), and shortening a message without cutting a tag.
 */

/** Telegram's limit on a message's text. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** Escapes text for Telegram HTML: every user string goes through here. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value (href). */
export function escapeAttr(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** Decodes the entities Telegram knows (&lt; &gt; &amp; &quot; and numeric ones). */
export function unescapeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot);/gi, (whole, name: string) => {
    const n = name.toLowerCase();
    if (n.startsWith('#x')) return safeCodePoint(Number.parseInt(n.slice(2), 16), whole);
    if (n.startsWith('#')) return safeCodePoint(Number.parseInt(n.slice(1), 10), whole);
    return NAMED[n] ?? whole;
  });
}

function safeCodePoint(cp: number, fallback: string): string {
  return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : fallback;
}

/** The tags of Telegram's HTML subset (anything else in angle brackets is text). */
const TAG =
  /<\/?(?:b|strong|i|em|u|ins|s|strike|del|a|code|pre|blockquote|span|tg-spoiler|tg-emoji)(?:\s[^<>]*)?>/gi;

/** The message as a person reads it: tags dropped (links keep their address), entities decoded. */
export function htmlToPlain(html: string): string {
  const withLinks = html.replace(
    /<a\s+href="([^"]*)"\s*>([\s\S]*?)<\/a>/g,
    (_, href: string, label: string) => {
      const text = label.replace(TAG, '');
      const url = unescapeHtml(href);
      return unescapeHtml(text) === url ? label : `${label} (${href})`;
    },
  );
  return unescapeHtml(withLinks.replace(TAG, ''));
}

type Piece =
  | { kind: 'open'; name: string; raw: string }
  | { kind: 'close'; name: string; raw: string }
  | {
      kind: 'text';
      raw: string;
    };

/** Splits our own (well-formed) Telegram HTML into tags and text. */
function pieces(html: string): Piece[] {
  const out: Piece[] = [];
  const re = /<(\/?)([a-z-]+)[^>]*>/gi;
  let last = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m.index > last) out.push({ kind: 'text', raw: html.slice(last, m.index) });
    out.push({ kind: m[1] ? 'close' : 'open', name: m[2]!.toLowerCase(), raw: m[0] });
    last = m.index + m[0].length;
  }
  if (last < html.length) out.push({ kind: 'text', raw: html.slice(last) });
  return out;
}

/**
 * Shortens well-formed Telegram HTML to at most `max` characters, ending with `ellipsis`: cuts only inside
 * text (never inside a tag or an entity, never between surrogate halves) and closes the tags left open.
 */
export function fitHtml(html: string, max = TELEGRAM_TEXT_LIMIT, ellipsis = '…'): string {
  if (html.length <= max) return html;
  const open: string[] = [];
  let out = '';
  const closing = () =>
    open
      .map((n) => `</${n}>`)
      .reverse()
      .join('');
  for (const p of pieces(html)) {
    const reserve = ellipsis.length + closing().length;
    if (p.kind === 'open') {
      // A tag is kept only when it and its closing tag still fit.
      if (out.length + p.raw.length + p.name.length + 3 + reserve > max) break;
      out += p.raw;
      open.push(p.name);
    } else if (p.kind === 'close') {
      out += p.raw;
      open.pop();
    } else {
      const room = max - out.length - reserve;
      if (p.raw.length <= room) {
        out += p.raw;
        continue;
      }
      out += cutText(p.raw, room);
      break;
    }
  }
  return `${out.replace(/\s+$/, '')}${ellipsis}${closing()}`;
}

/** Cuts escaped text to at most `room` characters, not inside an entity or a surrogate pair, at a space if one is near. */
function cutText(raw: string, room: number): string {
  if (room <= 0) return '';
  let cut = raw.slice(0, room);
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.search(/\s\S*$/);
  if (space > cut.length - 40 && space > 0) cut = cut.slice(0, space);
  return cut;
}
