import MarkdownIt, { type StateCore, type Token } from 'markdown-it';

// Runbooks come from the repository but are still rendered without raw HTML: a PR cannot inject scripts.
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

/** The alert names a runbook may mention, for links between neighbours. */
export interface AlertLinks {
  /** Every spelling that has a runbook (names and aliases) → the alert's own name. */
  names: ReadonlyMap<string, string>;
  /** The page's own alert: its name and aliases stay plain text (no link to the page itself). */
  self?: string;
}

/**
 * An alert name written in backticks (`KodeksIcmp`) becomes a link to that alert's runbook, the way the site
 * links runbooks everywhere (siteHref of `./<Name>.md`); a word in backticks that names no runbook, code
 * already inside a link and the page's own name stay as they are.
 */
function linkAlertNames(state: StateCore): void {
  const links = (state.env as { alerts?: AlertLinks }).alerts;
  if (!links) return;
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    const out: Token[] = [];
    let depth = 0;
    for (const t of block.children) {
      if (t.type === 'link_open') depth++;
      if (t.type === 'link_close') depth--;
      const target = t.type === 'code_inline' && depth === 0 ? links.names.get(t.content) : undefined;
      if (!target || target === links.self) {
        out.push(t);
        continue;
      }
      const open = new state.Token('link_open', 'a', 1);
      open.attrSet('href', siteHref(`./${target}.md`));
      out.push(open, t, new state.Token('link_close', 'a', -1));
    }
    block.children = out;
  }
}
md.core.ruler.push('alert_links', linkAlertNames);

export { type LinkContext, siteHref } from '../../../checker/text/doc-links.ts';

import { type LinkContext, siteHref } from '../../../checker/text/doc-links.ts';

/**
 * Renders a runbook body to HTML. The page already shows the title as its h1, so a leading level-1
 * heading is dropped and any other h1 becomes h2 (working on tokens, so `# comments` in code stay intact).
 * Relative links are rewritten with `siteHref` so they resolve on the site as they do on GitHub; with
 * `alerts`, alert names in backticks link to their runbooks.
 */
export function renderRunbook(body: string, ctx: LinkContext = {}, alerts?: AlertLinks): string {
  const tokens = md.parse(body, alerts ? { alerts } : {});
  const first = tokens.findIndex((t) => t.type !== 'hr');
  if (tokens[first]?.type === 'heading_open' && tokens[first].tag === 'h1') tokens.splice(first, 3);
  tokens.forEach((t, i) => {
    if ((t.type === 'heading_open' || t.type === 'heading_close') && t.tag === 'h1') t.tag = 'h2';
    // GitHub gives headings ids; do the same so `Runbook.md#что-делать` links land on the section.
    if (t.type === 'heading_open') t.attrSet('id', headingSlug(tokens[i + 1]?.content ?? ''));
    for (const child of t.children ?? []) {
      if (child.type !== 'link_open') continue;
      const href = child.attrGet('href');
      if (href) child.attrSet('href', siteHref(String(href), ctx));
    }
  });
  return md.renderer.render(tokens, md.options, {});
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes (letters of any script kept). */
export function headingSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}
