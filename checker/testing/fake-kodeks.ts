import { type LocalServer, startHttpServer, startHttpsServer } from './http-server.ts';
import type { KeyCert } from './test-ca.ts';

/** What the fake Kodeks server reports about its SenseLock key. */
export type KeyState = 'present' | 'absent';

/** The XML status document in the documented default format (select `status/senselock/@state`). */
export function kodeksStatusXml(state: KeyState): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<status>\n  <senselock state="${state}"/>\n</status>\n`;
}

/** A running fake Kodeks web server: `/` answers 200, `/status.xml` reports the key; `state` can be changed. */
export interface FakeKodeks extends LocalServer {
  state: { key: KeyState; down: boolean };
}

/**
 * Starts a fake Kodeks server on 127.0.0.1 port 0 (HTTPS when `tls` is given). `state.key` switches the
 * SenseLock state in /status.xml; `state.down = true` makes every page answer 503.
 */
export async function startFakeKodeks(opts: { tls?: KeyCert; key?: KeyState } = {}): Promise<FakeKodeks> {
  const state = { key: opts.key ?? ('present' as KeyState), down: false };
  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    if (state.down) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    if (req.url === '/status.xml') {
      res
        .writeHead(200, { 'content-type': 'application/xml; charset=utf-8' })
        .end(kodeksStatusXml(state.key));
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end('<html><body>Кодекс</body></html>');
  };
  const server = opts.tls ? await startHttpsServer(handler, opts.tls) : await startHttpServer(handler);
  return Object.assign(server, { state });
}
