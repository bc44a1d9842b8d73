/**
 * A tiny static file server for the built site, behaving like GitHub Pages: `/a` that is a folder
 * redirects to `/a/`, folders serve their index.html, anything else missing gets 404.html with status 404.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Serves `root` on 127.0.0.1 with an ephemeral port; resolves to its base URL and a close function.
 * `extra` maps URL paths to files outside root (test tools such as axe-core, served cacheable so that
 * Chromium compiles them once).
 */
export async function serveStatic(
  root: string,
  extra: Record<string, string> = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const tool = extra[path];
    if (tool) {
      res
        .writeHead(200, {
          'content-type': TYPES[extname(tool)] ?? 'text/plain',
          'cache-control': 'max-age=3600',
        })
        .end(await readFile(tool));
      return;
    }
    let file = join(root, normalize(path).replace(/^(\.\.[/\\])+/, ''));
    if (await isDir(file)) {
      if (!path.endsWith('/')) {
        res.writeHead(301, { location: `${path}/` }).end();
        return;
      }
      file = join(file, 'index.html');
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      const body = await readFile(join(root, '404.html')).catch(() => Buffer.from('not found'));
      res.writeHead(404, { 'content-type': TYPES['.html']! }).end(body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
