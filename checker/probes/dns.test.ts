import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../probing/run-checks.ts';
import { testConfig } from '../testing/config.ts';
import { startDnsServer, type TestDnsServer } from '../testing/dns-server.ts';
import { dnsmasqMissing, startDnsmasq } from '../testing/dnsmasq.ts';

let dns: TestDnsServer;
let hostingDns: TestDnsServer;

beforeAll(async () => {
  dns = await startDnsServer({ 'kodeks.test': ['127.0.0.1'] });
  hostingDns = await startDnsServer({ 'kodeks.test': ['127.0.0.1'] });
});
afterAll(async () => {
  await Promise.all([dns?.close(), hostingDns?.close()]);
});

async function dnsCheck(
  resolvers: string[],
  extra: Record<string, unknown> = {},
  probe: Record<string, unknown> = {},
) {
  const config = testConfig(
    [{ id: 'main', url: 'https://kodeks.test/', probes: { dns: probe }, ...extra }],
    { resolvers, timeout: '600ms' },
    { hostings: { cloud: { title: 'Облако', resolvers: [hostingDns.address] } } },
  );
  return (await runChecks(config)).installations[0]!.checks.dns!;
}

describe('dns probe against a loopback DNS server', () => {
  const cases: [string, 'answer' | 'nxdomain' | 'servfail' | 'refused' | 'silent', string][] = [
    ['answers', 'answer', 'ok OK'],
    ['NXDOMAIN', 'nxdomain', 'fail DNS_NXDOMAIN'],
    ['SERVFAIL', 'servfail', 'fail DNS_SERVFAIL'],
    ['REFUSED', 'refused', 'fail DNS_REFUSED'],
    ['silent server', 'silent', 'fail DNS_TIMEOUT'],
  ];
  it.each(cases)('%s', async (_name, mode, expected) => {
    dns.modes.set('kodeks.test', mode);
    try {
      const r = await dnsCheck([dns.address]);
      expect(`${r.status} ${r.code}`).toBe(expected);
      expect(r.message).not.toMatch(/127\.0\.0\.1/);
    } finally {
      dns.modes.delete('kodeks.test');
    }
  });

  it('also asks the hosting resolvers and says which one failed', async () => {
    hostingDns.modes.set('kodeks.test', 'servfail');
    try {
      const r = await dnsCheck([dns.address], { hosting: 'cloud' });
      expect(r).toMatchObject({ status: 'fail', code: 'DNS_SERVFAIL' });
      expect(r.evidence?.resolver_1).toBe(`${dns.address} NOERROR 127.0.0.1`);
      expect(r.evidence?.resolver_2).toBe(`${hostingDns.address} SERVFAIL`);
      expect(r.message).toContain('1 из 2');
    } finally {
      hostingDns.modes.delete('kodeks.test');
    }
  });

  it("asks the probe's own resolvers", async () => {
    const r = await dnsCheck([dns.address], {}, { resolvers: [hostingDns.address] });
    expect(r.status).toBe('ok');
    expect(hostingDns.queries.length).toBeGreaterThan(0);
  });
});

const missing = dnsmasqMissing();
describe.skipIf(missing)(`dns probe against a real dnsmasq${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('reads answers, NXDOMAIN and REFUSED from dnsmasq', async () => {
    const server = await startDnsmasq({ 'kodeks.test': '127.0.0.1', 'gone.test': '' });
    try {
      expect(await dnsCheck([server.address])).toMatchObject({ status: 'ok' });
      const gone = testConfig([{ id: 'main', url: 'https://gone.test/', probes: { dns: {} } }], {
        resolvers: [server.address],
      });
      expect((await runChecks(gone)).installations[0]!.checks.dns).toMatchObject({ code: 'DNS_NXDOMAIN' });
      const other = testConfig([{ id: 'main', url: 'https://other.test/', probes: { dns: {} } }], {
        resolvers: [server.address],
      });
      expect((await runChecks(other)).installations[0]!.checks.dns).toMatchObject({ code: 'DNS_REFUSED' });
    } finally {
      await server.close();
    }
  });
});
