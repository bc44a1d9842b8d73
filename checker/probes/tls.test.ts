import { type AddressInfo, createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../probing/run-checks.ts';
import { testConfig } from '../testing/config.ts';
import { startDnsServer, type TestDnsServer } from '../testing/dns-server.ts';
import { type LocalServer, startHttpsServer } from '../testing/http-server.ts';
import { createTestCa, type KeyCert, selfSigned, type TestCa } from '../testing/test-ca.ts';
import { messageFor } from './net-errors.ts';

const DAY = 86_400_000;
let ca: TestCa;
let dns: TestDnsServer;
const servers: LocalServer[] = [];

beforeAll(async () => {
  ca = createTestCa();
  dns = await startDnsServer({ 'kodeks.test': ['127.0.0.1'] });
});
afterAll(async () => {
  await Promise.all([dns?.close(), ...servers.map((s) => s.close())]);
});

async function tlsCheck(cert: KeyCert, warnDays = 21) {
  const server = await startHttpsServer((_q, s) => s.end('ok'), cert);
  servers.push(server);
  const config = testConfig(
    [
      {
        id: 'main',
        url: `https://kodeks.test:${server.port}/`,
        probes: { tls: { warn_days: warnDays }, http: {} },
      },
    ],
    { resolvers: [dns.address] },
  );
  const results = await runChecks(config, { ca: [ca.caPem] });
  return results.installations[0]!.checks;
}

describe('tls probe', () => {
  const now = Date.now();
  const cases: [string, () => KeyCert, string][] = [
    ['valid certificate', () => ca.issue({ hosts: ['kodeks.test'] }), 'ok OK'],
    [
      'expires in 5 days (warn 21)',
      () => ca.issue({ hosts: ['kodeks.test'], notAfter: new Date(now + 5 * DAY) }),
      'fail TLS_EXPIRING',
    ],
    [
      'expired',
      () =>
        ca.issue({
          hosts: ['kodeks.test'],
          notBefore: new Date(now - 90 * DAY),
          notAfter: new Date(now - DAY),
        }),
      'fail TLS_EXPIRED',
    ],
    [
      'not yet valid',
      () =>
        ca.issue({
          hosts: ['kodeks.test'],
          notBefore: new Date(now + 2 * DAY),
          notAfter: new Date(now + 90 * DAY),
        }),
      'fail TLS_NOT_YET_VALID',
    ],
    ['issued for another host', () => ca.issue({ hosts: ['other.test'] }), 'fail TLS_HOSTNAME'],
    ['untrusted chain', () => selfSigned(['kodeks.test']), 'fail TLS_UNTRUSTED'],
  ];
  it.each(cases)('%s', async (_name, cert, expected) => {
    const checks = await tlsCheck(cert());
    expect(`${checks.tls?.status} ${checks.tls?.code}`).toBe(expected);
    // Reachability is the http probe's business; certificates are judged only by the tls probe.
    expect(checks.http?.status).toBe('ok');
  });

  it('http_ip sends the domain as TLS server name (SNI) and Host to the ip', async () => {
    const seen: string[] = [];
    const server = await startHttpsServer(
      (req, res) => {
        const sni = (req.socket as import('node:tls').TLSSocket).servername;
        seen.push(`${sni} ${req.headers.host}`);
        res.end('ok');
      },
      ca.issue({ hosts: ['kodeks.test'] }),
    );
    servers.push(server);
    const config = testConfig(
      [{ id: 'main', url: `https://kodeks.test:${server.port}/`, ip: '127.0.0.1', probes: { http: {} } }],
      { resolvers: [dns.address] },
    );
    const checks = (await runChecks(config, { ca: [ca.caPem] })).installations[0]!.checks;
    expect(checks.http_ip).toMatchObject({ status: 'ok' });
    expect(seen).toEqual([
      `kodeks.test kodeks.test:${server.port}`,
      `kodeks.test kodeks.test:${server.port}`,
    ]);
  });

  it('connects on its own to a port other than the URL one', async () => {
    const server = await startHttpsServer((_q, s) => s.end('ok'), ca.issue({ hosts: ['kodeks.test'] }));
    servers.push(server);
    const config = testConfig(
      [{ id: 'main', url: 'https://kodeks.test:1/', probes: { tls: { port: server.port } } }],
      { resolvers: [dns.address] },
    );
    const checks = (await runChecks(config, { ca: [ca.caPem] })).installations[0]!.checks;
    expect(checks.tls).toMatchObject({ status: 'ok', code: 'OK' });
    expect(checks.tls?.evidence?.connection).toBeUndefined();
  });

  it('reports days left and dates as evidence', async () => {
    const checks = await tlsCheck(ca.issue({ hosts: ['kodeks.test'], notAfter: new Date(now + 40 * DAY) }));
    expect(checks.tls?.evidence?.days_left).toBe(39);
    expect(checks.tls?.message).toContain('39');
  });
});

describe('tls probe against a server that accepts and never answers', () => {
  it("takes the http check's timed-out handshake as its own instead of dialling again (issue 15)", async () => {
    // A hosting that hangs: each of its installations' tls checks used to wait on the http check's
    // connection, see it time out, then dial a second time and wait out the rest of its own timeout —
    // a second connection to a dead server, and the last result of the run.
    let connections = 0;
    const held = new Set<Socket>();
    const silent = createServer((s) => {
      connections++;
      held.add(s);
      s.on('error', () => {});
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    try {
      const config = testConfig(
        [{ id: 'main', url: `https://kodeks.test:${port}/`, probes: { http: {}, tls: {} } }],
        {
          resolvers: [dns.address],
          timeout: '1s',
        },
      );
      const checks = (await runChecks(config, { ca: [ca.caPem] })).installations[0]!.checks;
      expect(`${checks.http?.status} ${checks.http?.code}`).toBe('fail CONN_TIMEOUT');
      expect(`${checks.tls?.status} ${checks.tls?.code}`).toBe('fail CONN_TIMEOUT');
      expect(checks.tls?.message).toBe(messageFor('CONN_TIMEOUT'));
      expect(connections).toBe(1);
    } finally {
      for (const s of held) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});
