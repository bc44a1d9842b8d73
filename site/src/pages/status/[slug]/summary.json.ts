import type { APIRoute } from 'astro';
import { clientPaths } from '../../../lib/clients.ts';
import { inputs } from '../../../lib/inputs.ts';
import { summary } from '../../../lib/summary.ts';
import type { ClientView } from '../../../lib/view.ts';

export const getStaticPaths = clientPaths;

export const GET: APIRoute = async ({ props, site }) => {
  const { now } = await inputs();
  return Response.json(summary((props as { view: ClientView }).view, String(site), now));
};
