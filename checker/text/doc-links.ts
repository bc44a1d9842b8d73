/**
 * Where a link between docs points. Runbooks link to each other and to other docs the way GitHub renders
 * them (`./KodeksIcmp.md#…`, `../agent.md`); the site and the messages both resolve them here, so a link in
 * a Telegram message or a mail leads where the same link on the site leads, never to a page the site does
 * not serve.
 */

/** Where links between docs point on the site (runbooks link to each other the way GitHub renders them). */
export interface LinkContext {
  /** `owner/name` of the repository, for docs that are not pages of the site (e.g. docs/agent.md). */
  repo?: string;
}

/**
 * Maps a relative link written for GitHub (`./KodeksIcmp.md#…`, `../agent.md`) to where it works on the
 * site: another runbook → its page; any other doc → the file on GitHub when the repository is known.
 * Absolute URLs and in-page anchors are left alone.
 */
export function siteHref(href: string, ctx: LinkContext = {}): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#') || href.startsWith('/')) return href;
  const [path = '', anchor] = href.split('#', 2);
  const hash = anchor ? `#${anchor}` : '';
  if (path === './' || path === '.' || path === './README.md' || path === 'README.md')
    return `/docs/errors/${hash}`;
  const runbook = /^(?:\.\/)?([A-Z][A-Za-z0-9]+)\.md$/.exec(path);
  if (runbook) return `/docs/errors/${runbook[1]}/${hash}`;
  const doc = /^\.\.\/([A-Za-z0-9._/-]+)$/.exec(path);
  if (doc && ctx.repo) return `https://github.com/${ctx.repo}/blob/main/docs/${doc[1]}${hash}`;
  return href;
}

/**
 * The same link made absolute for a message: a page of the site gets the site's address in front; a doc the
 * site does not serve and no repository to point at gives undefined (the text stays, the link goes).
 */
export function messageHref(href: string, siteUrl: string, ctx: LinkContext = {}): string | undefined {
  const target = siteHref(href, ctx);
  if (/^https?:\/\//i.test(target)) return target;
  if (target.startsWith('/')) return `${siteUrl.replace(/\/+$/, '')}${target}`;
  return undefined;
}
