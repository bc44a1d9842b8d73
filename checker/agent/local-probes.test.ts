import { generateKeyPairSync } from 'node:crypto';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import forge from 'node-forge';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createParsePool } from '../sysinfo/parse-pool.ts';
import { healthyReport, sysinfoXml, sysinfoZip } from '../testing/sysinfo-report.ts';
import { localTarget } from './local-fetch.ts';
import { probeLocalHttp, readLocalSysinfo } from './local-probes.ts';

const opts = { timeoutMs: 2_000 };

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.on('connection', (s: Socket) => sockets.add(s));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

/** A fake Kodeks web server on loopback; `seen` collects the Host headers it got. */
async function kodeks(handler: RequestListener, seen: string[] = []): Promise<number> {
  return listen(
    createHttpServer((req, res) => {
      seen.push(String(req.headers.host));
      handler(req, res);
    }),
  );
}

describe('probeLocalHttp', () => {
  it('ok when the local server answers, sending the installation domain as Host', async () => {
    const seen: string[] = [];
    const port = await kodeks((_req, res) => res.writeHead(302, { location: '/login' }).end(), seen);
    const r = await probeLocalHttp(localTarget(`http://kodeks.acme.example:${port}/`), '/', opts);
    expect(r).toEqual({
      status: 'ok',
      code: 'OK',
      message: 'Веб-сервер Кодекса на этой машине отвечает (302).',
    });
    expect(seen).toEqual([`kodeks.acme.example:${port}`]);
  });

  it('fails with HTTP_STATUS on a 5xx', async () => {
    const port = await kodeks((_req, res) => res.writeHead(503).end('down'));
    const r = await probeLocalHttp(localTarget('https://kodeks.acme.example/', port), '/', opts);
    expect(r).toMatchObject({ status: 'fail', code: 'HTTP_STATUS' });
    expect(r.message).toContain('503');
  });

  it('fails with CONN_REFUSED when nothing listens on the port', async () => {
    const port = await listen(createHttpServer());
    await new Promise((done) => servers.pop()!.close(done));
    const r = await probeLocalHttp(localTarget('https://kodeks.acme.example/', port), '/', opts);
    expect(r).toEqual({
      status: 'fail',
      code: 'CONN_REFUSED',
      message: `На этой машине порт ${port} не принимает соединения.`,
    });
  });

  it('fails with TIMEOUT when the server accepts and never answers', async () => {
    const port = await kodeks(() => {});
    const r = await probeLocalHttp(localTarget('http://kodeks.acme.example/', port), '/', { timeoutMs: 200 });
    expect(r).toMatchObject({ status: 'fail', code: 'TIMEOUT' });
  });

  it('never leaves loopback, whatever the path', async () => {
    const seen: string[] = [];
    const port = await kodeks((req, res) => res.end(req.url), seen);
    const r = await probeLocalHttp(
      localTarget('http://kodeks.acme.example/', port),
      '/http://192.0.2.1/',
      opts,
    );
    expect(r.status).toBe('ok');
    expect(seen).toHaveLength(1);
  });
});

describe('probeLocalHttp over https', () => {
  let tls: { key: string; cert: string };
  beforeAll(() => {
    // The key from node:crypto (fast), the certificate from node-forge.
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyPem = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const privateKey = forge.pki.privateKeyFromPem(keyPem);
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(
      pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    );
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(Date.UTC(2020, 0, 1));
    cert.validity.notAfter = new Date(Date.UTC(2040, 0, 1));
    const name = [{ name: 'commonName', value: 'kodeks.acme.example' }];
    cert.setSubject(name);
    cert.setIssuer(name);
    cert.sign(privateKey, forge.md.sha256.create());
    tls = { key: keyPem, cert: forge.pki.certificateToPem(cert) };
  });

  it('answers with a self-signed certificate for the domain (certificates are the central tls probe’s job)', async () => {
    let sni: string | undefined;
    const server = createHttpsServer(tls, (req, res) => {
      sni = (req.socket as unknown as { servername?: string }).servername;
      res.end('ok');
    });
    const port = await listen(server as unknown as Server);
    const r = await probeLocalHttp(localTarget(`https://kodeks.acme.example:${port}/`), '/', opts);
    expect(r.status).toBe('ok');
    expect(sni).toBe('kodeks.acme.example');
  });
});

describe("readLocalSysinfo (the report read on the client's server)", () => {
  const pool = createParsePool({ concurrency: 1 });
  afterAll(() => pool.close());
  const settings = {
    path: '/sysinfo/si_save_request',
    method: 'POST' as const,
    type: 'zip' as const,
    max_bytes: 1024 * 1024,
  };
  const server = (body: () => Promise<Buffer> | Buffer, status = 200) =>
    kodeks(async (req, res) => {
      if (req.url !== '/sysinfo/si_save_request' || req.method !== 'POST') {
        res.writeHead(302, { location: '/login' }).end();
        return;
      }
      res.writeHead(status, { 'content-type': 'application/octet-stream' }).end(await body());
    });
  const read = async (port: number, over: Partial<typeof settings> = {}) =>
    readLocalSysinfo(
      localTarget(`http://kodeks.acme.example:${port}/`),
      { ...settings, ...over },
      {
        ...opts,
        pool,
        now: () => new Date(),
        timezone: 'Europe/Moscow',
      },
    );

  it('posts type=zip and keeps only the derived facts: no user names, queries or addresses', async () => {
    const spec = { ...healthyReport(new Date()), filler: 5000 };
    const port = await server(() => sysinfoZip(spec));
    const r = await read(port);
    expect(r.check).toMatchObject({ status: 'ok', code: 'OK' });
    expect(r.facts).toMatchObject({ key: { state: 'ok' }, seats: { used: 12, limit: 50 } });
    const text = JSON.stringify(r);
    for (const never of ['user1', 'user2', '192.0.2.', 'налоговый', 'D:\\\\Kodeks', 'Firefox'])
      expect(text).not.toContain(never);
  });

  it.each([
    ['key missing', { key: 'absent' }, 'fail', 'KEY_MISSING'],
    ['no key record', { key: null }, 'unknown', 'KEY_UNKNOWN'],
  ] as const)('%s', async (_n, over, status, code) => {
    const port = await server(() => sysinfoZip({ ...healthyReport(new Date()), ...over }));
    expect((await read(port)).check).toMatchObject({ status, code });
  });

  it('never expands entities (billion laughs stays a few bytes)', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><sysinfo><protection><senselock state="&b;"/></protection></sysinfo>`;
    const port = await server(() => Buffer.from(bomb));
    const r = await read(port);
    expect(r.check).toMatchObject({ status: 'fail', code: 'XML_INVALID' });
    expect(JSON.stringify(r)).not.toContain('aaaaaaaaaa');
  });

  it('a server error and a report larger than the cap', async () => {
    expect((await read(await server(() => Buffer.from('oops'), 500))).check).toMatchObject({
      code: 'HTTP_STATUS',
    });
    const big = await server(() => Buffer.from(sysinfoXml({ ...healthyReport(new Date()), filler: 10_000 })));
    expect((await read(big, { max_bytes: 1024 })).check).toMatchObject({
      status: 'fail',
      code: 'REPORT_TOO_LARGE',
    });
  });
});
