import type { APIRoute } from 'astro';
import { XMLBuilder } from 'fast-xml-parser';
import { publishedClients } from '../lib/clients.ts';
import { inputs } from '../lib/inputs.ts';

// Only listed pages: unlisted clients and the .md / lowercase aliases of runbooks stay out.
export const GET: APIRoute = async ({ site }) => {
  const { runbooks } = await inputs();
  const paths = [
    '/',
    '/docs/errors/',
    ...(await publishedClients()).filter((c) => c.listed).map((c) => `/status/${c.slug}/`),
    ...[...runbooks.keys()].map((a) => `/docs/errors/${a}/`),
  ];
  const xml = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true }).build({
    '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' },
    urlset: {
      '@_xmlns': 'http://www.sitemaps.org/schemas/sitemap/0.9',
      url: paths.map((p) => ({ loc: new URL(p, site).href })),
    },
  });
  return new Response(xml, { headers: { 'content-type': 'application/xml' } });
};
