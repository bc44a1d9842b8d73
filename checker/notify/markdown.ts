/**
 * Markdown (alert summaries and runbook excerpts) into Telegram's HTML subset: b, i, u, s, a, code, pre,
 * blockquote — nothing else. Raw HTML in the Markdown is shown as text, never passed through.
 */
import MarkdownIt from 'markdown-it';
import { escapeAttr, escapeHtml } from './html.ts';

const md = new MarkdownIt('commonmark', { html: false, linkify: false }).enable(['strikethrough']);
type Token = ReturnType<typeof md.parse>[number];

const INLINE_TAGS: Record<string, string> = {
  strong_open: '<b>',
  strong_close: '</b>',
  em_open: '<i>',
  em_close: '</i>',
  s_open: '<s>',
  s_close: '</s>',
};

/**
 * How a relative link in the Markdown resolves: against a base URL, or by a function (the messages use
 * `messageHref`, so a link leads where the site's does; undefined drops the link and keeps its text).
 */
export type LinkBase = string | ((href: string) => string | undefined);

/** Links only to http(s) addresses; relative ones are resolved by `base` when given. */
function safeHref(href: string, base?: LinkBase): string | undefined {
  try {
    if (typeof base === 'function') {
      const resolved = base(href);
      if (!resolved) return undefined;
      href = resolved;
      base = undefined;
    }
    const url = base ? new URL(href, base) : new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function renderInline(tokens: Token[], base?: LinkBase): string {
  let out = '';
  const linkStack: boolean[] = [];
  for (const t of tokens) {
    if (t.type in INLINE_TAGS) out += INLINE_TAGS[t.type];
    else if (t.type === 'text') out += escapeHtml(t.content);
    else if (t.type === 'code_inline') out += `<code>${escapeHtml(t.content)}</code>`;
    else if (t.type === 'softbreak') out += '\n';
    else if (t.type === 'hardbreak') out += '\n';
    else if (t.type === 'image') out += escapeHtml(t.content);
    else if (t.type === 'html_inline') out += escapeHtml(t.content);
    else if (t.type === 'link_open') {
      const href = safeHref(String(t.attrGet('href') ?? ''), base);
      linkStack.push(Boolean(href));
      if (href) out += `<a href="${escapeAttr(href)}">`;
    } else if (t.type === 'link_close') {
      if (linkStack.pop()) out += '</a>';
    }
  }
  return out;
}

/** Renders Markdown into Telegram HTML; lists become «• » lines, headings bold lines. */
export function markdownToTelegram(source: string, base?: LinkBase): string {
  const tokens = md.parse(source, {});
  const blocks: string[] = [];
  const lists: { ordered: boolean; n: number }[] = [];
  let quote = 0;
  let quoteStart = -1;
  let prefix = '';
  for (const t of tokens) {
    switch (t.type) {
      case 'bullet_list_open':
      case 'ordered_list_open':
        lists.push({ ordered: t.type === 'ordered_list_open', n: Number(t.attrGet('start') ?? 1) });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        break;
      case 'list_item_open': {
        const list = lists.at(-1);
        const indent = '  '.repeat(Math.max(0, lists.length - 1));
        prefix = `${indent}${list?.ordered ? `${list.n++}.` : '•'} `;
        break;
      }
      case 'blockquote_open':
        if (quote++ === 0) quoteStart = blocks.length;
        break;
      case 'blockquote_close':
        if (--quote === 0 && quoteStart >= 0) {
          const inner = blocks.splice(quoteStart).join('\n');
          if (inner) blocks.push(`<blockquote>${inner}</blockquote>`);
        }
        break;
      case 'inline': {
        const text = renderInline(t.children ?? [], base);
        blocks.push(`${prefix}${text}`);
        prefix = '';
        break;
      }
      case 'heading_open':
        blocks.push('');
        break;
      case 'heading_close': {
        const text = blocks.pop() ?? '';
        blocks.pop();
        blocks.push(`<b>${text}</b>`);
        break;
      }
      case 'fence':
      case 'code_block':
        blocks.push(`<pre>${escapeHtml(t.content.replace(/\n$/, ''))}</pre>`);
        break;
      case 'html_block':
        blocks.push(escapeHtml(t.content.replace(/\n$/, '')));
        break;
      default:
        break;
    }
  }
  return blocks.join('\n').trim();
}

/** Renders one line of Markdown (an alert's summary) without block structure. */
export function markdownInlineToTelegram(source: string, base?: LinkBase): string {
  return renderInline(md.parseInline(source, {})[0]?.children ?? [], base);
}

/**
 * A short excerpt of a runbook: under the first of `headings` found in `body`, its first paragraph, or, when
 * the section starts with a list, the first paragraphs of its first items (nested code and lists left out).
 * A trailing sentence that only introduces what was left out («Шаблон:») is dropped. Returns Markdown of
 * about `max` characters at most.
 */
export function runbookExcerpt(body: string, headings: string[], max = 500): string | undefined {
  const lines = body.split(/\r?\n/);
  for (const heading of headings) {
    const start = lines.findIndex((l) => new RegExp(`^##\\s+${heading}\\s*#*\\s*$`, 'i').test(l.trim()));
    if (start < 0) continue;
    let end = lines.findIndex((l, k) => k > start && /^#{1,2}\s/.test(l));
    if (end < 0) end = lines.length;
    const excerpt = firstBlock(lines.slice(start + 1, end).join('\n'), max);
    if (excerpt) return excerpt;
  }
  return undefined;
}

function firstBlock(section: string, max: number): string | undefined {
  const tokens = md.parse(section, {});
  const first = tokens.find((t) => t.level === 0 && t.nesting !== -1);
  if (!first) return undefined;
  if (first.type === 'paragraph_open') {
    const inline = tokens[tokens.indexOf(first) + 1];
    return inline ? shortenMarkdown(dropLeadIn(inline.content), max) : undefined;
  }
  if (first.type !== 'bullet_list_open' && first.type !== 'ordered_list_open') return undefined;
  const ordered = first.type === 'ordered_list_open';
  const items: string[] = [];
  let n = Number(first.attrGet('start') ?? 1);
  for (let k = tokens.indexOf(first) + 1; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.level === 0) break; // the list ended
    // The first paragraph of a top-level item: list(0) > item(1) > paragraph(2) > inline(3).
    if (t.type === 'inline' && t.level === 3 && tokens[k - 1]?.type === 'paragraph_open') {
      const prev = tokens[k - 2];
      if (prev?.type !== 'list_item_open') continue;
      const text = dropLeadIn(t.content.replace(/\s*\n\s*/g, ' '));
      const line = `${ordered ? `${n++}.` : '-'} ${text}`;
      if (items.length > 0 && [...items, line].join('\n').length > max) break;
      items.push(line);
      if (items.length >= 2) break;
    }
  }
  return items.length > 0 ? shortenMarkdown(items.join('\n'), max) : undefined;
}

/** Drops a last sentence ending in a colon: it introduced a code block or list that is not in the excerpt. */
function dropLeadIn(text: string): string {
  const t = text.trim();
  if (!t.endsWith(':')) return t;
  const cut = t.slice(0, -1).search(/[.!?…)](?=\s)[^.!?…]*$/);
  return cut > 0 ? t.slice(0, cut + 1) : t;
}
function shortenMarkdown(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const sentence = cut.search(/[.!?…](?=\s)[^.!?…]*$/);
  if (sentence > max / 2) return cut.slice(0, sentence + 1);
  const space = cut.lastIndexOf(' ');
  return `${cut.slice(0, space > max / 2 ? space : max)}…`;
}
