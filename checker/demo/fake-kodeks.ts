/**
 * A fake Kodeks server on loopback: the start page and the XML status document in which the SenseLock key
 * state is read (the default `select` of the kodeks_xml probe: status/senselock/@state). HTTPS when given a
 * certificate, plain HTTP otherwise. The key can be "pulled out" and put back while it runs.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ServerCert } from './test-ca.ts';

/** A running fake server. */
export interface FakeKodeks {
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /** Whether the XML status reports the SenseLock key as present. */
  keyPresent: boolean;
  /** Requests served so far (for tests). */
  readonly requests: number;
  close(): Promise<void>;
}

export interface FakeKodeksOptions {
  /** Name shown on the start page. */
  title: string;
  /** Serve HTTPS with this certificate; plain HTTP without. */
  tls?: ServerCert;
  /** Port to listen on (default 0: any free port). */
  port?: number;
}

/** The XML status document of a Kodeks server as the demo imagines it (the real format is not published). */
export function statusXml(keyPresent: boolean): string {
  const state = keyPresent ? 'present' : 'missing';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<status>',
    '  <server product="Кодекс" version="6.4" uptime="86400"/>',
    `  <senselock state="${state}" serial="${keyPresent ? 'SL-00042' : ''}"/>`,
    '  <complects total="12" available="12"/>',
    '</status>',
    '',
  ].join('\n');
}

/** Starts a fake Kodeks server on 127.0.0.1. */
export async function startFakeKodeks(options: FakeKodeksOptions): Promise<FakeKodeks> {
  let requests = 0;
  const state = { keyPresent: true };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    requests++;
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/status.xml') {
      res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' });
      res.end(statusXml(state.keyPresent));
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>${options.title}</title><h1>${options.title}</h1>`);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found');
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler)
    : createHttpServer(handler);
  // Idle keep-alive sockets would hold close() up; the demo's checks are short.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    get keyPresent() {
      return state.keyPresent;
    },
    set keyPresent(v: boolean) {
      state.keyPresent = v;
    },
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens (connections are refused): the "down" installation. */
export async function refusedPort(): Promise<number> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
