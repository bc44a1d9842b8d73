import MarkdownIt from 'markdown-it';

// Runbooks come from the repository but are still rendered without raw HTML: a PR cannot inject scripts.
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

/** Renders a runbook body to HTML; level-1 headings become level 2 (the page already has its h1). */
export function renderRunbook(body: string): string {
  return md.render(body.replace(/^# /gm, '## '));
}
