import { generateKeyPairSync } from 'node:crypto';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import forge from 'node-forge';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localTarget } from './local-fetch.ts';
import { probeLocalHttp, probeLocalXml } from './local-probes.ts';

const opts = { timeoutMs: 2_000 };
const xmlSettings = { path: '/status.xml', select: 'status/senselock/@state', ok: ['present'] };

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

const xmlServer = (xml: string, status = 200) =>
  kodeks((req, res) => {
    if (req.url !== '/status.xml') {
      res.writeHead(302, { location: '/login' }).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/xml' }).end(xml);
  });

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

describe('probeLocalXml', () => {
  const cases: { name: string; xml: string; status?: number; code: string; state: string }[] = [
    { name: 'key present', xml: '<status><senselock state="present"/></status>', code: 'OK', state: 'ok' },
    {
      name: 'key present, any case',
      xml: '<status><senselock state="PRESENT"/></status>',
      code: 'OK',
      state: 'ok',
    },
    {
      name: 'key missing',
      xml: '<status><senselock state="absent"/></status>',
      code: 'KEY_MISSING',
      state: 'fail',
    },
    {
      name: 'node not in the document',
      xml: '<status><other/></status>',
      code: 'XML_NOT_FOUND',
      state: 'fail',
    },
    { name: 'not XML', xml: '<status><senselock></status>', code: 'XML_INVALID', state: 'fail' },
    { name: 'server error', xml: 'oops', status: 500, code: 'HTTP_STATUS', state: 'fail' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const port = await xmlServer(c.xml, c.status);
      const r = await probeLocalXml(localTarget(`http://kodeks.acme.example:${port}/`), xmlSettings, opts);
      expect(r).toMatchObject({ status: c.state, code: c.code });
      expect(r.message.length).toBeLessThanOrEqual(500);
    });
  }

  it('never expands entities (billion laughs stays a few bytes)', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE status [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><status><senselock state="&c;"/></status>`;
    const port = await xmlServer(bomb);
    const r = await probeLocalXml(localTarget(`http://kodeks.acme.example:${port}/`), xmlSettings, opts);
    expect(r).toMatchObject({ status: 'fail', code: 'XML_INVALID' });
    expect(r.message).not.toContain('aaaaaaaaaa');
  });

  it('reads a windows-1251 document the same way the central probe does', async () => {
    const head = Buffer.from(
      '<?xml version="1.0" encoding="windows-1251"?><status><senselock state="',
      'latin1',
    );
    const value = Buffer.from([0xe5, 0xf1, 0xf2, 0xfc]); // «есть» in windows-1251
    const body = Buffer.concat([head, value, Buffer.from('"/></status>', 'latin1')]);
    const port = await kodeks((_req, res) => res.end(body));
    const settings = { ...xmlSettings, ok: ['есть'] };
    const r = await probeLocalXml(localTarget(`http://kodeks.acme.example:${port}/`), settings, opts);
    expect(r).toMatchObject({ status: 'ok', code: 'OK' });
  });

  it('refuses a document larger than the cap', async () => {
    const port = await xmlServer(`<status>${'<x/>'.repeat(10_000)}<senselock state="present"/></status>`);
    const r = await probeLocalXml(localTarget(`http://kodeks.acme.example:${port}/`), xmlSettings, {
      ...opts,
      maxBytes: 1024,
    });
    expect(r).toMatchObject({ status: 'fail', code: 'HTTP_BODY_TOO_LARGE' });
  });
});
