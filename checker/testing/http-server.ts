import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { type AddressInfo, createServer as createTcp, type Server, type Socket } from 'node:net';
import type { KeyCert } from './test-ca.ts';

/** A running local server; `close()` stops it and drops open connections. */
export interface LocalServer {
  port: number;
  /** Base URL on 127.0.0.1 (for HTTP servers; tcp servers give tcp://). */
  url: string;
  close: () => Promise<void>;
}

/** A request handler for the test servers. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function track(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

async function listen(server: Server, scheme: string, host = '127.0.0.1'): Promise<LocalServer> {
  const sockets = track(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `${scheme}://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Starts an HTTP server on 127.0.0.1 (or another loopback address `host`), port 0. */
export function startHttpServer(handler: Handler, host = '127.0.0.1'): Promise<LocalServer> {
  return listen(createHttp(handler), 'http', host);
}

/** Starts an HTTPS server on 127.0.0.1, port 0, serving `tls` (see createTestCa). */
export function startHttpsServer(handler: Handler, tls: KeyCert): Promise<LocalServer> {
  return listen(createHttps({ key: tls.key, cert: tls.cert }, handler), 'https');
}

/** Starts a TCP server that accepts connections and never sends a byte (a hung server). */
export function startSilentServer(): Promise<LocalServer> {
  return listen(
    createTcp(() => {}),
    'tcp',
  );
}

/** Starts a TCP server that answers an HTTP request with one byte of headers per `intervalMs` (slowloris). */
export function startSlowlorisServer(intervalMs = 1000): Promise<LocalServer> {
  const text = `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Slow: ${'x'.repeat(10_000)}`;
  const server = createTcp((socket) => {
    let i = 0;
    const timer = setInterval(() => {
      if (socket.destroyed || i >= text.length) return clearInterval(timer);
      socket.write(text[i++]!);
    }, intervalMs);
    socket.on('close', () => clearInterval(timer));
    socket.on('error', () => clearInterval(timer));
  });
  return listen(server, 'tcp');
}

/** A loopback port on which nothing listens (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = createTcp();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
