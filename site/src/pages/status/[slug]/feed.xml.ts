import type { APIRoute } from 'astro';
import { clientPaths } from '../../../lib/clients.ts';
import { atomFeed } from '../../../lib/feed.ts';
import { inputs } from '../../../lib/inputs.ts';
import type { ClientView } from '../../../lib/view.ts';

export const getStaticPaths = clientPaths;

export const GET: APIRoute = async ({ props, site }) => {
  const { now } = await inputs();
  return new Response(atomFeed((props as { view: ClientView }).view, String(site), now), {
    headers: { 'content-type': 'application/atom+xml; charset=utf-8' },
  });
};
