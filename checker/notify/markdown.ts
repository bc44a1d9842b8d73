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

/** Links only to http(s) addresses; relative ones are made absolute against `base` when given. */
function safeHref(href: string, base?: string): string | undefined {
  try {
    const url = base ? new URL(href, base) : new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function renderInline(tokens: Token[], base?: string): string {
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
export function markdownToTelegram(source: string, base?: string): string {
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
export function markdownInlineToTelegram(source: string, base?: string): string {
  return renderInline(md.parseInline(source, {})[0]?.children ?? [], base);
}

/**
 * The first block (paragraph or list) under the first of `headings` found in a runbook body,
 * shortened at a sentence or word to about `max` characters of Markdown.
 */
export function runbookExcerpt(body: string, headings: string[], max = 500): string | undefined {
  const lines = body.split(/\r?\n/);
  for (const heading of headings) {
    const start = lines.findIndex((l) => new RegExp(`^##\\s+${heading}\\s*#*\\s*$`, 'i').test(l.trim()));
    if (start < 0) continue;
    const block: string[] = [];
    for (const line of lines.slice(start + 1)) {
      if (/^#{1,6}\s/.test(line)) break;
      if (line.trim() === '') {
        if (block.length > 0) break;
        continue;
      }
      block.push(line);
    }
    if (block.length === 0) continue;
    return shortenMarkdown(block.join('\n'), max);
  }
  return undefined;
}

function shortenMarkdown(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const sentence = cut.search(/[.!?…](?=\s)[^.!?…]*$/);
  if (sentence > max / 2) return cut.slice(0, sentence + 1);
  const space = cut.lastIndexOf(' ');
  return `${cut.slice(0, space > max / 2 ? space : max)}…`;
}
