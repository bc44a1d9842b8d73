import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../probing/run-checks.ts';
import { testConfig } from '../testing/config.ts';
import { startDnsServer, type TestDnsServer } from '../testing/dns-server.ts';
import { type LocalServer, startHttpServer } from '../testing/http-server.ts';
import { createAddressPolicy, internalRange } from './address-policy.ts';
import type { PingFn } from './context.ts';
import type { ProbeResult } from './types.ts';

/**
 * Every test server is on loopback, which the policy forbids by default. So the installation lives on
 * 127.0.0.2 (allowed because it is the installation's own address) and the "operator's internal service"
 * on 127.0.0.3, which nothing in the installation's configuration covers: the checker must never reach it.
 */
let dns: TestDnsServer;
let kodeks: LocalServer;
let internal: LocalServer;
const internalHits: string[] = [];

const STATUS_XML = '<sysinfo><protection><senselock state="present"/></protection></sysinfo>';

beforeAll(async () => {
  internal = await startHttpServer((req, res) => {
    internalHits.push(String(req.url));
    res.writeHead(200, { 'content-type': 'application/xml' }).end(STATUS_XML);
  }, '127.0.0.3');
  const q = internal.port;
  const redirects: Record<string, string> = {
    '/to-literal': `http://127.0.0.3:${q}/secret`,
    '/to-decimal': `http://2130706435:${q}/secret`,
    '/to-hex': `http://0x7f.0.0.3:${q}/secret`,
    '/to-mapped': `http://[::ffff:127.0.0.3]:${q}/secret`,
    '/to-name': `http://internal.test:${q}/secret`,
  };
  kodeks = await startHttpServer((req, res) => {
    const to = redirects[String(req.url)];
    if (to) return void res.writeHead(302, { location: to }).end();
    if (req.url === '/to-self') return void res.writeHead(302, { location: '/status.xml' }).end();
    res.writeHead(200, { 'content-type': 'application/xml' }).end(STATUS_XML);
  }, '127.0.0.2');
  dns = await startDnsServer({ 'internal.test': ['127.0.0.3'], 'kodeks.test': ['127.0.0.2'] });
});
afterAll(async () => {
  await Promise.all([dns?.close(), kodeks?.close(), internal?.close()]);
});

async function check(
  installation: Record<string, unknown>,
  deps: { ping?: PingFn } = {},
): Promise<Record<string, ProbeResult>> {
  const config = testConfig([{ id: 'main', ...installation } as never], {
    resolvers: [dns.address],
    timeout: '1s',
    allow: [],
  });
  const results = await runChecks(config, deps);
  return results.installations[0]!.checks as Record<string, ProbeResult>;
}

describe('internal ranges in every spelling', () => {
  const cases: [string, string | undefined][] = [
    ['127.0.0.9', 'loopback'],
    ['2130706441', 'loopback'],
    ['0x7f.1', 'loopback'],
    ['0177.0.0.1', 'loopback'],
    ['::ffff:127.0.0.9', 'loopback'],
    ['::ffff:7f00:9', 'loopback'],
    ['[::ffff:7f00:9]', 'loopback'],
    ['::1', 'loopback'],
    ['10.20.30.40', 'private'],
    ['192.168.1.1', 'private'],
    ['172.16.0.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.1.1', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:a00:1::1', 'private'],
    ['not-an-address', 'invalid'],
    ['93.184.216.34', undefined],
    ['2a00:1450:4001::1', undefined],
    ['64:ff9b::5db8:d822', undefined],
  ];
  it.each(cases)('%s → %s', (address, range) => {
    expect(internalRange(address)).toBe(range);
  });

  it("allows exactly the installation's own address and the allow ranges, in any spelling", () => {
    const policy = createAddressPolicy({ own: ['127.0.0.2'], allow: ['10.0.5.0/24', 'fd00:1::/64'] });
    expect(policy.refuses('127.0.0.2')).toBeUndefined();
    expect(policy.refuses('::ffff:127.0.0.2')).toBeUndefined();
    expect(policy.refuses('127.0.0.3')).toBe('loopback');
    expect(policy.refuses('2130706435')).toBe('loopback');
    expect(policy.refuses('10.0.5.77')).toBeUndefined();
    expect(policy.refuses('10.0.6.1')).toBe('private');
    expect(policy.refuses('fd00:1::99')).toBeUndefined();
    expect(policy.refuses('169.254.169.254')).toBe('metadata');
    expect(policy.refuses('93.184.216.34')).toBeUndefined();
  });
});

describe('a monitored server cannot make the checker reach an internal address', () => {
  const refusedRedirects: [string, string][] = [
    ['a literal address', '/to-literal'],
    ['the decimal spelling 2130706435', '/to-decimal'],
    ['the hex spelling 0x7f.0.0.3', '/to-hex'],
    ['the IPv4-mapped IPv6 spelling', '/to-mapped'],
  ];
  it.each(refusedRedirects)('http: a redirect to %s is a failed check, never a request', async (_n, path) => {
    const before = internalHits.length;
    const r = await check({ url: `http://127.0.0.2:${kodeks.port}${path}`, probes: { http: {} } });
    expect(r.http).toMatchObject({ status: 'fail', code: 'ADDRESS_REFUSED' });
    expect(r.http!.message).toMatch(/^Перенаправление на внутренний адрес запрещено/);
    expect(r.http!.message).not.toMatch(/\d+\.\d+\.\d+\.\d+|::/);
    expect(internalHits.length).toBe(before);
  });

  it('http: a redirect to a name that resolves to an internal address is refused with its own wording', async () => {
    const before = internalHits.length;
    const r = await check({ url: `http://127.0.0.2:${kodeks.port}/to-name`, probes: { http: {} } });
    expect(r.http).toMatchObject({ status: 'fail', code: 'ADDRESS_REFUSED' });
    expect(r.http!.message).toMatch(/^Перенаправление на имя, указывающее на внутренний адрес, запрещено/);
    expect(r.http!.evidence).toMatchObject({ refused: 'loopback' });
    expect(internalHits.length).toBe(before);
  });

  it('sysinfo: what a refused target would have said never lands in the result', async () => {
    const before = internalHits.length;
    const r = await check({
      url: `http://127.0.0.2:${kodeks.port}/`,
      probes: { sysinfo: { path: '/to-literal' } },
    });
    // No report from there: the key state is unknown, not «missing», and nothing was requested.
    expect(r.sysinfo).toMatchObject({ status: 'unknown', code: 'ADDRESS_REFUSED' });
    expect(r.sysinfo!.facts).toBeUndefined();
    expect(JSON.stringify(r.sysinfo)).not.toContain('present');
    expect(internalHits.length).toBe(before);
  });

  it("follows redirects that stay on the installation's own address", async () => {
    const r = await check({
      url: `http://127.0.0.2:${kodeks.port}/`,
      probes: { sysinfo: { path: '/to-self' } },
    });
    expect(r.sysinfo).toMatchObject({ status: 'ok', code: 'OK' });
  });

  it('an allow entry in installations.yaml lets the redirect through', async () => {
    const before = internalHits.length;
    const r = await check({
      url: `http://127.0.0.2:${kodeks.port}/to-literal`,
      allow: ['127.0.0.3'],
      probes: { http: {} },
    });
    expect(r.http).toMatchObject({ status: 'ok', code: 'OK' });
    expect(internalHits.length).toBe(before + 1);
  });

  it('a domain resolving to an internal address is refused unless the installation lives there', async () => {
    const byName = await check({ url: `http://kodeks.test:${kodeks.port}/`, probes: { http: {} } });
    expect(byName.http).toMatchObject({ status: 'fail', code: 'ADDRESS_REFUSED' });
    expect(byName.http!.message).toMatch(/^Имя сервера указывает на внутренний адрес/);
    const withIp = await check({
      url: `http://kodeks.test:${kodeks.port}/`,
      ip: '127.0.0.2',
      probes: { http: {} },
    });
    expect(withIp.http).toMatchObject({ status: 'ok' });
    expect(withIp.http_ip).toMatchObject({ status: 'ok' });
  });

  it('tcp and icmp to a name that resolves to an internal address connect to nothing', async () => {
    const pinged: string[] = [];
    const ping: PingFn = async (host) => {
      pinged.push(host);
      return { alive: true, timeMs: 1, lossPercent: 0, output: '' };
    };
    const before = internalHits.length;
    const r = await check(
      {
        url: `http://127.0.0.2:${kodeks.port}/`,
        probes: { tcp: { host: 'internal.test', port: internal.port }, icmp: { host: 'internal.test' } },
      },
      { ping },
    );
    expect(r.tcp).toMatchObject({ status: 'fail', code: 'ADDRESS_REFUSED' });
    expect(r.icmp).toMatchObject({ status: 'fail', code: 'ADDRESS_REFUSED' });
    expect(pinged.filter((h) => h !== '127.0.0.1')).toEqual([]);
    expect(internalHits.length).toBe(before);
  });
});
