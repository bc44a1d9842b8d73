import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeContext } from '../probes/context.ts';
import { testConfig } from '../testing/config.ts';
import { startDnsServer, type TestDnsServer } from '../testing/dns-server.ts';
import { type FakeKodeks, startFakeKodeks } from '../testing/fake-kodeks.ts';
import { closedPort } from '../testing/http-server.ts';
import { createTestCa, type TestCa } from '../testing/test-ca.ts';
import { formatResultsTable, plural, progressLine } from './report.ts';
import { runChecks, runWithTimeout } from './run-checks.ts';

let ca: TestCa;
let dns: TestDnsServer;
let kodeks: FakeKodeks;

const NOW = new Date();
const agentReport = (usb: 'present' | 'absent') =>
  JSON.stringify({
    schema: 1,
    client: 'acme',
    installation: 'main',
    reported_at: NOW.toISOString(),
    agent_version: '0.1.0',
    usb: { status: usb, devices: [] },
  });

beforeAll(async () => {
  ca = createTestCa();
  dns = await startDnsServer({ 'kodeks.test': ['127.0.0.1'] });
  kodeks = await startFakeKodeks({ tls: ca.issue({ hosts: ['kodeks.test'] }) });
});
afterAll(async () => {
  await kodeks?.close();
  await dns?.close();
});

const pingOk = async () => ({ alive: true, timeMs: 0.1, lossPercent: 0, output: '' });

function config(extra: Record<string, unknown> = {}) {
  return testConfig(
    [
      {
        id: 'main',
        url: `https://kodeks.test:${kodeks.port}/`,
        ip: '127.0.0.1',
        probes: {
          icmp: {},
          tcp: { port: kodeks.port },
          http: {},
          dns: {},
          tls: {},
          sysinfo: {},
          metrics: {},
          agent: {},
        },
      },
    ],
    { resolvers: [dns.address], ...extra },
  );
}

describe('runChecks against a healthy installation', () => {
  it('reports every check ok, names resolved through the configured DNS server', async () => {
    const progress: number[] = [];
    const results = await runChecks(
      config(),
      { ca: [ca.caPem], ping: pingOk, readAgentReport: async () => agentReport('present') },
      { onProgress: (done) => progress.push(done) },
    );
    const checks = results.installations[0]?.checks ?? {};
    const summary = Object.fromEntries(
      Object.entries(checks).map(([k, r]) => [k, `${r?.status} ${r?.code}`]),
    );
    expect(summary).toEqual({
      icmp: 'ok OK',
      tcp: 'ok OK',
      http: 'ok OK',
      http_ip: 'ok OK',
      dns: 'ok OK',
      tls: 'ok OK',
      sysinfo: 'ok OK',
      metrics: 'ok OK',
      agent: 'ok OK',
    });
    expect(results.networkOk).toBe(true);
    expect(progress.at(-1)).toBe(9);
    expect(dns.queries.some((q) => q.name === 'kodeks.test')).toBe(true);
    const table = formatResultsTable(results);
    expect(table).toContain('acme/main');
    expect(table).toContain('работает');
    expect(table).not.toMatch(/127\.0\.0\.1|https?:\/\//);
  });

  it('skips every client check as unknown when all canaries fail', async () => {
    const dead = await closedPort();
    const results = await runChecks(config({ canaries: [{ tcp: `127.0.0.1:${dead}` }] }), {
      ca: [ca.caPem],
      ping: pingOk,
    });
    expect(results.networkOk).toBe(false);
    expect(results.canaries[0]?.code).toBe('CONN_REFUSED');
    const statuses = Object.values(results.installations[0]?.checks ?? {}).map(
      (r) => `${r?.status} ${r?.code}`,
    );
    expect(new Set(statuses)).toEqual(new Set(['unknown SKIPPED']));
    expect(results.notes.join(' ')).toMatch(/нет сети/);
  });

  it('marks icmp unknown with one note when ping does not work from here', async () => {
    const results = await runChecks(config(), {
      ca: [ca.caPem],
      ping: async () => {
        throw new Error('spawn ping ENOENT');
      },
      readAgentReport: async () => undefined,
    });
    expect(results.icmpUnavailable).toBe(true);
    expect(results.installations[0]?.checks.icmp).toMatchObject({
      status: 'unknown',
      code: 'ICMP_UNAVAILABLE',
    });
    expect(results.notes.filter((n) => n.includes('ICMP'))).toHaveLength(1);
    expect(results.installations[0]?.checks.agent).toMatchObject({ status: 'fail', code: 'AGENT_MISSING' });
  });

  it('narrows the run with only, and refuses an unknown one', async () => {
    const results = await runChecks(config(), { ca: [ca.caPem], ping: pingOk }, { only: 'acme/main' });
    expect(results.installations).toHaveLength(1);
    await expect(runChecks(config(), {}, { only: 'nobody' })).rejects.toThrow(/matches no client/);
  });
});

describe('plural', () => {
  it.each([
    [1, '1 установка'],
    [3, '3 установки'],
    [11, '11 установок'],
    [21, '21 установка'],
    [112, '112 установок'],
  ])('%i', (n, text) => {
    expect(plural(n, 'установка', 'установки', 'установок')).toBe(text);
  });
});

describe('progressLine', () => {
  it('draws a bar with the share done', () => {
    expect(progressLine(5, 10)).toBe('Проверки: 5/10 [██████████░░░░░░░░░░] 50%');
  });
});

describe('runWithTimeout', () => {
  it('ends a check that ignores its abort signal, shortly after the timeout', async () => {
    let aborted = false;
    const result = await runWithTimeout(
      {
        check: 'http',
        run: (ctx) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
          });
          return new Promise(() => {}); // never settles
        },
      },
      {} as Omit<ProbeContext, 'signal'>,
      200,
    );
    expect(result).toMatchObject({ status: 'fail', code: 'TIMEOUT' });
    expect(aborted).toBe(true);
  });

  it('turns a probe that throws into unknown INTERNAL, never a failure of the client', async () => {
    const result = await runWithTimeout(
      { check: 'tcp', run: async () => Promise.reject(new Error('bug')) },
      {} as Omit<ProbeContext, 'signal'>,
      200,
    );
    expect(result).toMatchObject({ status: 'unknown', code: 'INTERNAL' });
  });
});

describe('canaries', () => {
  it('an http canary that answers keeps the network ok', async () => {
    const results = await runChecks(config({ canaries: [{ http: `https://kodeks.test:${kodeks.port}/` }] }), {
      ca: [ca.caPem],
      ping: pingOk,
    });
    expect(results.networkOk).toBe(true);
    expect(results.canaries[0]).toMatchObject({ status: 'ok' });
  });
});
