import type { APIRoute } from 'astro';
import { badge } from '../../../lib/badge.ts';
import { clientPaths } from '../../../lib/clients.ts';
import type { ClientView } from '../../../lib/view.ts';

export const getStaticPaths = clientPaths;

export const GET: APIRoute = ({ props }) =>
  new Response(badge((props as { view: ClientView }).view.overall), {
    headers: { 'content-type': 'image/svg+xml' },
  });
