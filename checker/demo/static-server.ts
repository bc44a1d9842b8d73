/**
 * A small static file server for the built site (site/dist): directory URLs serve index.html, so
 * /status/acme/ and /docs/errors/KodeksXmlSensLockStatus.md both work as on GitHub Pages; unknown paths get
 * the site's 404.html with status 404. Loopback only.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/atom+xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

/** A running static server. */
export interface StaticServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Maps a URL path to a file under `root`, or undefined (never a path outside `root`). */
export async function resolveFile(root: string, urlPath: string): Promise<string | undefined> {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  const full = normalize(join(root, path));
  if (full !== root && !full.startsWith(root + sep)) return undefined;
  if (!path.endsWith('/') && (await isFile(full))) return full;
  const index = join(full, 'index.html');
  return (await isFile(index)) ? index : undefined;
}

/** Serves `root` on 127.0.0.1:`port` (0 = any free port). */
export async function startStaticServer(root: string, port = 0): Promise<StaticServer> {
  const base = normalize(root);
  const server: Server = createServer(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const url = req.url ?? '/';
    let file = await resolveFile(base, url);
    let status = 200;
    // /status/acme → /status/acme/ so relative links in the page resolve as on Pages.
    if (file?.endsWith(`${sep}index.html`) && !url.split('?')[0]!.endsWith('/')) {
      res.writeHead(301, { location: `${url.split('?')[0]}/` }).end();
      return;
    }
    if (!file) {
      status = 404;
      file = (await isFile(join(base, '404.html'))) ? join(base, '404.html') : undefined;
    }
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404: нет такой страницы\n');
      return;
    }
    res.writeHead(status, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
