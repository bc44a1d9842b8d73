import { Resolver } from 'node:dns/promises';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import { agentReportSchema } from '../store/schema.ts';
import { startDemoDns } from './dns-server.ts';
import { refusedPort, startFakeKodeks } from './fake-kodeks.ts';
import { acmeAgentReport, cycleTime, demoConfigYaml, MIN_CYCLES, planCycle } from './scenario.ts';
import { startStaticServer } from './static-server.ts';
import { createTestCa, issueServerCert } from './test-ca.ts';

function get(
  port: number,
  path: string,
  servername: string,
  ca: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, servername, ca: [ca] }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('fake Kodeks over HTTPS with the demo CA', () => {
  const ca = createTestCa();
  const cert = issueServerCert(ca, ['kodeks.acme.test']);

  it('serves the XML status, verifiable with the demo CA, and the key can be pulled out', async () => {
    const k = await startFakeKodeks({ title: 'Кодекс', tls: cert });
    try {
      const ok = await get(k.port, '/status.xml', 'kodeks.acme.test', ca.certPem);
      expect(ok.status).toBe(200);
      expect(ok.body).toContain('<senselock state="present"');
      k.keyPresent = false;
      expect((await get(k.port, '/status.xml', 'kodeks.acme.test', ca.certPem)).body).toContain(
        '<senselock state="missing"',
      );
      expect((await get(k.port, '/', 'kodeks.acme.test', ca.certPem)).status).toBe(200);
    } finally {
      await k.close();
    }
  });

  it('a certificate for another name does not verify', async () => {
    const k = await startFakeKodeks({ title: 'Кодекс', tls: cert });
    try {
      await expect(get(k.port, '/', 'other.test', ca.certPem)).rejects.toThrow(/altnames|Hostname/i);
    } finally {
      await k.close();
    }
  });

  it('the down installation refuses connections', async () => {
    const port = await refusedPort();
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.on('error', resolve);
      s.on('connect', () => s.destroy());
    });
    expect(err.code).toBe('ECONNREFUSED');
  });
});

describe('demo DNS server', () => {
  let dns: Awaited<ReturnType<typeof startDemoDns>>;
  let resolver: Resolver;
  beforeAll(async () => {
    dns = await startDemoDns(['vostok.tekhexpert-cloud.test']);
    resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${dns.port}`]);
  });
  afterAll(() => dns.close());

  it('answers its names, fails them with SERVFAIL on demand, and recovers', async () => {
    expect(await resolver.resolve4('vostok.tekhexpert-cloud.test')).toEqual(['127.0.0.1']);
    dns.failing.add('vostok.tekhexpert-cloud.test');
    await expect(resolver.resolve4('vostok.tekhexpert-cloud.test')).rejects.toMatchObject({
      code: 'ESERVFAIL',
    });
    dns.failing.clear();
    expect(await resolver.resolve4('vostok.tekhexpert-cloud.test')).toEqual(['127.0.0.1']);
    await expect(resolver.resolve4('unknown.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('static server for the built site', () => {
  const root = mkdtempSync(join(tmpdir(), 'smart-static-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'docs', 'errors', 'KodeksDnsResolve.md'), { recursive: true });
  writeFileSync(
    join(root, 'docs', 'errors', 'KodeksDnsResolve.md', 'index.html'),
    '<h1>KodeksDnsResolve</h1>',
  );
  writeFileSync(join(root, 'index.html'), '<h1>SMART</h1>');
  writeFileSync(join(root, '404.html'), '<h1>Нет страницы</h1>');
  writeFileSync(join(root, 'secret.txt'), 'x');

  it.each([
    ['/', 200, 'SMART'],
    ['/docs/errors/KodeksDnsResolve.md/', 200, 'KodeksDnsResolve'],
    ['/docs/errors/nope/', 404, 'Нет страницы'],
    ['/../../etc/passwd', 404, 'Нет страницы'],
    ['/%2e%2e/%2e%2e/etc/passwd', 404, 'Нет страницы'],
  ])('%s → %i', async (path, status, text) => {
    const s = await startStaticServer(root);
    try {
      const res = await fetch(`${s.url}${path}`);
      expect(res.status).toBe(status);
      expect(await res.text()).toContain(text);
    } finally {
      await s.close();
    }
  });

  it('redirects a directory without the slash, as Pages does', async () => {
    const s = await startStaticServer(root);
    try {
      const res = await fetch(`${s.url}/docs/errors/KodeksDnsResolve.md`, { redirect: 'manual' });
      expect(res.status).toBe(301);
      expect(res.headers.get('location')).toBe('/docs/errors/KodeksDnsResolve.md/');
    } finally {
      await s.close();
    }
  });
});

describe('scenario', () => {
  it('writes an installations.yaml that validates', () => {
    const ports = { dns: 5353, healthy: 1, acme: 2, vostok: 3, sz: 4, down: 5, site: 4321 };
    for (const icmp of [true, false]) {
      const r = parseConfig('installations.yaml', demoConfigYaml(ports, { icmp }));
      expect(r.ok).toBe(true);
    }
  });

  it('breaks things in cycle 1 and repairs them before the end', () => {
    const plans = Array.from({ length: 8 }, (_, i) => planCycle(i, 8));
    expect(plans.map((p) => p.hostingDnsDown)).toEqual([false, true, true, true, true, false, false, false]);
    expect(plans.map((p) => p.keyPresent)).toEqual([true, false, false, false, false, true, true, true]);
    const short = Array.from({ length: MIN_CYCLES }, (_, i) => planCycle(i, MIN_CYCLES));
    expect(short.map((p) => p.hostingDnsDown)).toEqual([false, true, true, false]);
  });

  it('spaces cycles 5 minutes apart, ending now', () => {
    const end = new Date('2026-11-28T10:00:30Z');
    expect(cycleTime(0, 3, end).toISOString()).toBe('2026-11-28T09:50:00.000Z');
    expect(cycleTime(2, 3, end).toISOString()).toBe('2026-11-28T10:00:00.000Z');
  });

  it('the agent report is valid status data', () => {
    for (const present of [true, false])
      expect(agentReportSchema.safeParse(acmeAgentReport(present, new Date())).success).toBe(true);
  });
});
