import MarkdownIt from 'markdown-it';

// Runbooks come from the repository but are still rendered without raw HTML: a PR cannot inject scripts.
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

/**
 * Renders a runbook body to HTML. The page already shows the title as its h1, so a leading level-1
 * heading is dropped and any other h1 becomes h2 (working on tokens, so `# comments` in code stay intact).
 */
export function renderRunbook(body: string): string {
  const tokens = md.parse(body, {});
  const first = tokens.findIndex((t) => t.type !== 'hr');
  if (tokens[first]?.type === 'heading_open' && tokens[first].tag === 'h1') tokens.splice(first, 3);
  for (const t of tokens)
    if ((t.type === 'heading_open' || t.type === 'heading_close') && t.tag === 'h1') t.tag = 'h2';
  return md.renderer.render(tokens, md.options, {});
}
