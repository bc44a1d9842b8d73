import MarkdownIt from 'markdown-it';

// Runbooks come from the repository but are still rendered without raw HTML: a PR cannot inject scripts.
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

export { type LinkContext, siteHref } from '../../../checker/text/doc-links.ts';

import { type LinkContext, siteHref } from '../../../checker/text/doc-links.ts';

/**
 * Renders a runbook body to HTML. The page already shows the title as its h1, so a leading level-1
 * heading is dropped and any other h1 becomes h2 (working on tokens, so `# comments` in code stay intact).
 * Relative links are rewritten with `siteHref` so they resolve on the site as they do on GitHub.
 */
export function renderRunbook(body: string, ctx: LinkContext = {}): string {
  const tokens = md.parse(body, {});
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
