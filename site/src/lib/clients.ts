/** Which clients get pages, and their public views, computed once per build. */
import { inputs } from './inputs.ts';
import { type ClientView, clientView } from './view.ts';

let views: Promise<ClientView[]> | undefined;

/** Views of every client with a page (public and unlisted; private clients have none). */
export function publishedClients(): Promise<ClientView[]> {
  views ??= inputs().then((i) =>
    i.config.clients.filter((c) => c.visibility !== 'private').map((c) => clientView(c, i)),
  );
  return views;
}

/** Astro getStaticPaths for the per-client routes. */
export async function clientPaths() {
  return (await publishedClients()).map((view) => ({ params: { slug: view.slug }, props: { view } }));
}
