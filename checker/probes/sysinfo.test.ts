import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../probing/run-checks.ts';
import type { ClientState } from '../status/schema.ts';
import { testConfig } from '../testing/config.ts';
import { type FakeKodeks, startFakeKodeks } from '../testing/fake-kodeks.ts';
import { type LocalServer, startHttpServer } from '../testing/http-server.ts';
import { healthyReport, sysinfoXml, sysinfoZip } from '../testing/sysinfo-report.ts';

let kodeks: FakeKodeks;
beforeAll(async () => {
  kodeks = await startFakeKodeks();
});
afterAll(() => kodeks?.close());

const url = () => `http://127.0.0.1:${kodeks.port}/`;
const state = (checks: Record<string, unknown>): ClientState =>
  ({
    schema: 1,
    client: 'acme',
    updated_at: new Date().toISOString(),
    installations: {
      main: {
        overall: 'operational',
        checked_at: new Date().toISOString(),
        components: {},
        checks,
        alerts: {},
      },
    },
  }) as ClientState;

async function sysinfo(probe: Record<string, unknown> = {}, deps: Parameters<typeof runChecks>[1] = {}) {
  const config = testConfig([{ id: 'main', url: url(), probes: { sysinfo: probe } }], { timeout: '5s' });
  const r = await runChecks(config, deps);
  return r.installations[0]!.checks.sysinfo!;
}
const finding = (r: { findings?: { alert: string; status: string }[] }, alert: string) =>
  r.findings?.find((f) => f.alert === alert)?.status;

describe('sysinfo pulled from a fake Kodeks server', () => {
  it.each(['zip', 'xml'])('reads the report as type=%s (POST /sysinfo/si_save_request)', async (type) => {
    kodeks.state.key = 'present';
    const before = kodeks.state.hits['/sysinfo/si_save_request'] ?? 0;
    const r = await sysinfo({ type });
    expect(kodeks.state.hits['/sysinfo/si_save_request']).toBe(before + 1);
    expect(r).toMatchObject({
      status: 'ok',
      code: 'OK',
      facts: { key: { state: 'ok' }, licenses: 'present' },
    });
    expect(r.message).toMatch(/^Отчёт sysinfo от \d+ мин назад: ключ SenseLock работает\.$/);
    expect(finding(r, 'KodeksXmlSensLockStatus')).toBe('ok');
  });

  it('the key lost: KEY_MISSING and KodeksXmlSensLockStatus fails', async () => {
    kodeks.state.key = 'absent';
    try {
      const r = await sysinfo();
      expect(r).toMatchObject({ status: 'fail', code: 'KEY_MISSING' });
      expect(finding(r, 'KodeksXmlSensLockStatus')).toBe('fail');
    } finally {
      kodeks.state.key = 'present';
    }
  });

  it('a report with no key record: the key is unknown with the reason, never "missing"', async () => {
    const saved = kodeks.state.report;
    kodeks.state.report = { ...saved, key: null };
    try {
      const r = await sysinfo();
      expect(r).toMatchObject({ status: 'unknown', code: 'KEY_UNKNOWN' });
      expect(r.message).toContain('нет записи о ключе SenseLock');
      expect(finding(r, 'KodeksXmlSensLockStatus')).toBe('unknown');
    } finally {
      kodeks.state.report = saved;
    }
  });

  it('between pulls (every) the kept facts are judged again without a request', async () => {
    const first = await sysinfo();
    const kept = state({
      sysinfo: { ...first, latency_ms: 1, since: new Date().toISOString(), facts: first.facts },
    });
    const before = kodeks.state.hits['/sysinfo/si_save_request'] ?? 0;
    const again = await sysinfo({ every: '1h' }, { readState: async () => kept });
    expect(kodeks.state.hits['/sysinfo/si_save_request']).toBe(before);
    expect(again).toMatchObject({ status: 'ok', evidence: { reused: true } });
    // …unless the agent no longer sees the key on USB: then the report is asked for again at once.
    const config = testConfig([{ id: 'main', url: url(), probes: { sysinfo: {}, agent: {} } }], {
      timeout: '5s',
    });
    const agent = JSON.stringify({
      schema: 1,
      client: 'acme',
      installation: 'main',
      reported_at: new Date().toISOString(),
      agent_version: '0.1.0',
      usb: { status: 'absent', devices: [] },
    });
    kodeks.state.key = 'absent';
    try {
      const r = await runChecks(config, { readState: async () => kept, readAgentReport: async () => agent });
      expect(kodeks.state.hits['/sysinfo/si_save_request']).toBe(before + 1);
      expect(r.installations[0]!.checks.sysinfo).toMatchObject({ code: 'KEY_MISSING' });
    } finally {
      kodeks.state.key = 'present';
    }
  });

  it('a report that cannot be fetched holds every fact alert and remembers the last report', async () => {
    const lastReport = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const prev = state({
      sysinfo: {
        status: 'unknown',
        code: 'HTTP_STATUS',
        message: '',
        latency_ms: 1,
        since: lastReport,
        evidence: { last_report_at: lastReport },
      },
    });
    const r = await sysinfo({ path: '/nowhere' }, { readState: async () => prev });
    expect(r).toMatchObject({
      status: 'unknown',
      code: 'HTTP_STATUS',
      evidence: { last_report_at: lastReport },
    });
    expect(r.message).toBe('Отчёт sysinfo недоступен: сервер ответил на запрос отчёта кодом 404.');
    expect(finding(r, 'SmartXMLfileIsToOld')).toBe('fail');
    expect(finding(r, 'KodeksXmlSensLockStatus')).toBe('unknown');
  });

  it('an old report inside the file is SmartXMLfileIsToOld', async () => {
    kodeks.state.reportTime = new Date(Date.now() - 5 * 86_400_000);
    try {
      const r = await sysinfo();
      expect(r.code).toBe('REPORT_STALE');
      expect(finding(r, 'SmartXMLfileIsToOld')).toBe('fail');
    } finally {
      kodeks.state.reportTime = undefined;
    }
  });
});

describe('parsing never blocks the run (issue 15.4)', () => {
  let docs: LocalServer;
  let slow: LocalServer;
  let mib1: Buffer;
  let mb50: Buffer;
  beforeAll(async () => {
    mib1 = Buffer.from(sysinfoXml({ ...healthyReport(new Date()), filler: 1024 * 1024 }));
    mb50 = await sysinfoZip({ ...healthyReport(new Date()), filler: 50 * 1000 * 1000 });
    docs = await startHttpServer((req, res) => {
      const body = req.url?.startsWith('/big') ? mb50 : mib1;
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    });
    // A healthy installation that answers in 1.5 s of a 2 s timeout.
    slow = await startHttpServer((_req, res) => {
      setTimeout(() => res.writeHead(200).end('<html>Кодекс</html>'), 1500);
    });
  });
  afterAll(async () => {
    await docs?.close();
    await slow?.close();
  });

  it('eight 1 MiB documents beside a healthy installation that answers in 1.5 s of 2 s: that one is ok', async () => {
    const installs = Array.from({ length: 8 }, (_, i) => ({
      id: `doc${i}`,
      url: `http://127.0.0.1:${docs.port}/`,
      probes: { sysinfo: { method: 'GET', path: `/r${i}`, every: '0s' } },
    }));
    const config = testConfig(
      [...installs, { id: 'healthy', url: `http://127.0.0.1:${slow.port}/`, probes: { http: {} } }],
      {
        timeout: '2s',
        per_host: 8,
      },
    );
    const r = await runChecks(config);
    const by = Object.fromEntries(r.installations.map((i) => [i.installation, i.checks]));
    expect(by.healthy!.http).toMatchObject({ status: 'ok' });
    // The documents were read (each within its own check's time; on a loaded machine a late one may time out).
    const codes = Array.from({ length: 8 }, (_, i) => by[`doc${i}`]!.sysinfo!.code);
    expect(codes.every((c) => c === 'OK' || c === 'TIMEOUT')).toBe(true);
    expect(codes).toContain('OK');
  }, 60_000);

  it('a 50 MB report is read within the check timeout and bounded memory, beside an unaffected check', async () => {
    const config = testConfig(
      [
        {
          id: 'big',
          url: `http://127.0.0.1:${docs.port}/`,
          probes: { sysinfo: { method: 'GET', path: '/big' } },
        },
        { id: 'healthy', url: `http://127.0.0.1:${slow.port}/`, probes: { http: {} } },
      ],
      { timeout: '20s' },
    );
    const before = process.memoryUsage().rss;
    const r = await runChecks(config);
    const by = Object.fromEntries(r.installations.map((i) => [i.installation, i.checks]));
    expect(by.healthy!.http).toMatchObject({ status: 'ok' });
    expect(by.big!.sysinfo).toMatchObject({ status: 'ok', facts: { key: { state: 'ok' } } });
    // The zip (~2 MB) and the facts are all this thread holds; the 50 MB of XML stay in the worker, in pieces.
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 1024 * 1024);
  }, 60_000);
});

describe('sysinfo pushed by the agent from a closed network (source: agent)', () => {
  const report = (sysinfo?: unknown) =>
    JSON.stringify({
      schema: 1,
      client: 'acme',
      installation: 'main',
      reported_at: new Date().toISOString(),
      agent_version: '0.1.0',
      usb: { status: 'present', devices: [] },
      local: {
        sysinfo: {
          status: 'fail',
          code: 'CONN_REFUSED',
          message: 'На этой машине порт 80 не принимает соединения.',
        },
      },
      ...(sysinfo ? { sysinfo } : {}),
    });
  const facts = (key: 'ok' | 'missing') => ({
    version: 1,
    profile: 'default',
    report_at: new Date().toISOString(),
    fetched_at: new Date().toISOString(),
    key: { state: key, value: key === 'ok' ? 'ok' : 'absent' },
    licenses: 'present',
    databases: [{ name: 'Кодекс: Законодательство', license_end: '2099-12-31' }],
    operups_known: true,
    operups: [],
    db_errors_known: true,
    db_errors: [],
    seats: { used: 1, limit: 10 },
  });
  const pushed = (text: string | undefined) =>
    sysinfo({ source: 'agent' }, { readAgentReport: async () => text });

  it('the key missing in the pushed facts is KodeksOfflineSensLockCheck, never the pulled alert', async () => {
    const r = await pushed(report(facts('missing')));
    expect(r).toMatchObject({ status: 'fail', code: 'KEY_MISSING', evidence: { source: 'agent' } });
    expect(finding(r, 'KodeksOfflineSensLockCheck')).toBe('fail');
    expect(finding(r, 'KodeksXmlSensLockStatus')).toBeUndefined();
    expect((await pushed(report(facts('ok')))).status).toBe('ok');
  });

  it('an agent report without facts says why the agent could not read the report', async () => {
    const r = await pushed(report());
    expect(r).toMatchObject({ status: 'unknown', code: 'REPORT_INVALID' });
    expect(r.message).toContain(
      'агент не смог прочитать отчёт на сервере: на этой машине порт 80 не принимает соединения',
    );
  });

  it('no agent report at all: unknown, for KodeksAgentSilent to speak', async () => {
    expect(await pushed(undefined)).toMatchObject({ status: 'unknown', code: 'AGENT_MISSING' });
  });
});
