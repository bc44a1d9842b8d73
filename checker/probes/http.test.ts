import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../probing/run-checks.ts';
import { testConfig } from '../testing/config.ts';
import { startDnsServer, type TestDnsServer } from '../testing/dns-server.ts';
import {
  closedPort,
  type LocalServer,
  startHttpServer,
  startSilentServer,
  startSlowlorisServer,
} from '../testing/http-server.ts';
import type { ProbeResult } from './types.ts';

let dns: TestDnsServer;
let web: LocalServer;
let silent: LocalServer;
let slow: LocalServer;
let refused: number;
const hostsSeen: string[] = [];

beforeAll(async () => {
  dns = await startDnsServer({ 'kodeks.test': ['127.0.0.1'], 'dark.test': ['127.0.0.1'] });
  web = await startHttpServer((req, res) => {
    hostsSeen.push(String(req.headers.host));
    if (req.url === '/loop') return void res.writeHead(302, { location: '/loop2' }).end();
    if (req.url === '/loop2') return void res.writeHead(302, { location: '/loop' }).end();
    if (req.url === '/moved') return void res.writeHead(301, { location: '/' }).end();
    if (req.url === '/error') return void res.writeHead(500).end('boom');
    if (req.url === '/binary') return void res.end(Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]));
    res.end('ok');
  });
  silent = await startSilentServer();
  slow = await startSlowlorisServer(200);
  refused = await closedPort();
});
afterAll(async () => {
  await Promise.all([dns?.close(), web?.close(), silent?.close(), slow?.close()]);
});

async function http(url: string, probe: Record<string, unknown> = {}, ip?: string) {
  const config = testConfig([{ id: 'main', url, ...(ip && { ip }), probes: { http: probe } }], {
    resolvers: [dns.address],
    timeout: '600ms',
  });
  const results = await runChecks(config);
  return results.installations[0]!.checks as { http: ProbeResult; http_ip?: ProbeResult };
}

const noAddresses = (r: ProbeResult) =>
  expect(r.message).not.toMatch(/127\.0\.0\.1|https?:\/\/|\d+\.\d+\.\d+\.\d+/);

describe('http probe', () => {
  it('answers by domain through the configured DNS server, and by ip with the domain as Host', async () => {
    const r = await http(`http://kodeks.test:${web.port}/`, {}, '127.0.0.1');
    expect(r.http).toMatchObject({ status: 'ok', code: 'OK' });
    expect(r.http_ip).toMatchObject({ status: 'ok', code: 'OK' });
    expect(hostsSeen.filter((h) => h === `kodeks.test:${web.port}`).length).toBeGreaterThanOrEqual(2);
    expect(r.http.evidence?.address).toBe('127.0.0.1');
  });

  const cases: [string, () => string, Record<string, unknown>, string][] = [
    ['unexpected status', () => `http://kodeks.test:${web.port}/error`, {}, 'fail HTTP_STATUS'],
    ['expected status list', () => `http://kodeks.test:${web.port}/error`, { expect: [500] }, 'ok OK'],
    ['a redirect is followed', () => `http://kodeks.test:${web.port}/moved`, {}, 'ok OK'],
    ['a redirect loop', () => `http://kodeks.test:${web.port}/loop`, {}, 'fail HTTP_REDIRECT_LOOP'],
    ['bytes that are not UTF-8 do not matter', () => `http://kodeks.test:${web.port}/binary`, {}, 'ok OK'],
    ['refused connection', () => `http://kodeks.test:${refused}/`, {}, 'fail CONN_REFUSED'],
    ['server accepts and never answers', () => `http://dark.test:${silent.port}/`, {}, 'fail TIMEOUT'],
    ['slowloris headers', () => `http://kodeks.test:${slow.port}/`, {}, 'fail TIMEOUT'],
    ['unknown name', () => `http://nowhere.test:${web.port}/`, {}, 'fail DNS_NXDOMAIN'],
  ];
  it.each(cases)('%s', async (_name, url, probe, expected) => {
    const r = await http(url(), probe);
    expect(`${r.http.status} ${r.http.code}`).toBe(expected);
    noAddresses(r.http);
  });

  it('fails by domain but works by ip when the name does not resolve', async () => {
    dns.modes.set('kodeks.test', 'servfail');
    try {
      const r = await http(`http://kodeks.test:${web.port}/`, {}, '127.0.0.1');
      expect(r.http).toMatchObject({ status: 'fail', code: 'DNS_SERVFAIL' });
      expect(r.http_ip).toMatchObject({ status: 'ok' });
    } finally {
      dns.modes.delete('kodeks.test');
    }
  });
});
