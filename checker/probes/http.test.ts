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
    if (req.url === '/maintenance')
      return void res
        .writeHead(503, { 'content-type': 'text/html' })
        .end('<h1>Техническое обслуживание</h1>');
    if (req.url === '/service')
      return void res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end('<html><body><p>Требуется   обслуживание сервера</p></body></html>');
    if (req.url === '/service-1251')
      return void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          cp1251(
            '<html><head><meta charset="windows-1251"></head><body>Требуется обслуживание</body></html>',
          ),
        );
    if (req.url === '/service-late')
      // The message comes after the part of the page that is read: the page is fine as far as we know.
      return void res.writeHead(200).end(`${'x'.repeat(300 * 1024)}Требуется обслуживание`);
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
    [
      'redirects turned off: a 302 is the answer',
      () => `http://kodeks.test:${web.port}/loop`,
      { max_redirects: 0 },
      'fail HTTP_STATUS',
    ],
    [
      'redirects turned off, 302 expected',
      () => `http://kodeks.test:${web.port}/loop`,
      { max_redirects: 0, expect: [302] },
      'ok OK',
    ],
    ['one redirect allowed', () => `http://kodeks.test:${web.port}/moved`, { max_redirects: 1 }, 'ok OK'],
    ['bytes that are not UTF-8 do not matter', () => `http://kodeks.test:${web.port}/binary`, {}, 'ok OK'],
    ['refused connection', () => `http://kodeks.test:${refused}/`, {}, 'fail CONN_REFUSED'],
    ['server accepts and never answers', () => `http://dark.test:${silent.port}/`, {}, 'fail TIMEOUT'],
    ['slowloris headers', () => `http://kodeks.test:${slow.port}/`, {}, 'fail TIMEOUT'],
    ['unknown name', () => `http://nowhere.test:${web.port}/`, {}, 'fail DNS_NXDOMAIN'],
    [
      '503: the PK in maintenance mode',
      () => `http://kodeks.test:${web.port}/maintenance`,
      {},
      'fail KODEKS_MAINTENANCE',
    ],
    [
      '503 when it is expected',
      () => `http://kodeks.test:${web.port}/maintenance`,
      { expect: [200, 503] },
      'ok OK',
    ],
    [
      '«Требуется обслуживание» on the page',
      () => `http://kodeks.test:${web.port}/service`,
      {},
      'fail KODEKS_NEED_SUPPORT',
    ],
    [
      'the same in windows-1251',
      () => `http://kodeks.test:${web.port}/service-1251`,
      {},
      'fail KODEKS_NEED_SUPPORT',
    ],
    ['the message past the read part', () => `http://kodeks.test:${web.port}/service-late`, {}, 'ok OK'],
    [
      'need_support: false reads no page',
      () => `http://kodeks.test:${web.port}/service`,
      { need_support: false },
      'ok OK',
    ],
    [
      'a pattern of its own',
      () => `http://kodeks.test:${web.port}/`,
      { need_support: '^ok$' },
      'fail KODEKS_NEED_SUPPORT',
    ],
  ];
  it.each(cases)('%s', async (_name, url, probe, expected) => {
    const r = await http(url(), probe);
    expect(`${r.http.status} ${r.http.code}`).toBe(expected);
    noAddresses(r.http);
  });

  it('says what the PK said, in Russian, with the code', async () => {
    const maint = await http(`http://kodeks.test:${web.port}/maintenance`, {}, '127.0.0.1');
    expect(maint.http_ip?.message).toBe(
      'ПК в режиме технического обслуживания: сервер ответил по IP-адресу кодом 503.',
    );
    expect(maint.http_ip?.evidence?.http_status).toBe(503);
    const service = await http(`http://kodeks.test:${web.port}/service`);
    expect(service.http.message).toBe(
      'ПК показывает служебное сообщение «Требуется обслуживание» (ответ по доменному имени, код 200).',
    );
    expect(service.http.evidence?.need_support).toBe('Требуется обслуживание');
    const error = await http(`http://kodeks.test:${web.port}/error`);
    expect(error.http.message).toBe('Сервер ответил по доменному имени с кодом 500, ожидался другой.');
    expect(error.http.evidence?.http_status).toBe(500);
  });

  it('max_redirects: 0 against one 302 says the redirect was not followed (issue 18.1)', async () => {
    const r = await http(`http://kodeks.test:${web.port}/loop`, { max_redirects: 0 }, '127.0.0.1');
    expect(r.http).toMatchObject({ status: 'fail', code: 'HTTP_STATUS' });
    expect(r.http.message).toBe(
      'Сервер ответил 302, перенаправления выключены (max_redirects: 0) — запрос по доменному имени.',
    );
    expect(r.http_ip?.message).toBe(
      'Сервер ответил 302, перенаправления выключены (max_redirects: 0) — запрос по IP-адресу.',
    );
    expect(r.http.evidence).toMatchObject({ http_status: 302, redirects: 0 });
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

/** Text as windows-1251 bytes (ASCII and Russian letters), as older Kodeks servers send their pages. */
function cp1251(text: string): Buffer {
  return Buffer.from(
    [...text].map((ch) => {
      const c = ch.codePointAt(0)!;
      if (c < 0x80) return c;
      if (c >= 0x410 && c <= 0x44f) return c - 0x410 + 0xc0;
      if (c === 0x401) return 0xa8;
      if (c === 0x451) return 0xb8;
      throw new Error(`no windows-1251 byte for ${ch}`);
    }),
  );
}
