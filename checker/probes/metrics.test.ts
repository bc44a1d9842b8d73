import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../probing/run-checks.ts';
import { testConfig } from '../testing/config.ts';
import { type FakeKodeks, startFakeKodeks } from '../testing/fake-kodeks.ts';
import { type LocalServer, startHttpServer } from '../testing/http-server.ts';
import { judgeMetricsText } from './metrics.ts';

const SECRET = 'metrics-secret';
let kodeks: FakeKodeks;
beforeAll(async () => {
  kodeks = await startFakeKodeks();
  kodeks.state.sysmon.password = SECRET;
});
afterAll(() => kodeks?.close());

async function metrics(probe: Record<string, unknown>, env: Record<string, string> = {}) {
  const config = testConfig(
    [{ id: 'main', url: `http://127.0.0.1:${kodeks.port}/`, probes: { metrics: probe } }],
    {
      timeout: '5s',
    },
  );
  const r = await runChecks(config, { env });
  return r.installations[0]!.checks.metrics!;
}

describe('judgeMetricsText', () => {
  it.each([
    ['all zero', 'kserver_main_page{path="/docs"} 0\nkserver_product_control{path="/docs"} 0\n', 'ok', 'OK'],
    [
      'main page error',
      'kserver_main_page{path="/docs"} 1\nkserver_product_control{path="/docs"} 0\n',
      'fail',
      'METRICS_WARNING',
    ],
    ['an HTML page', '<html><body>Вход</body></html>', 'unknown', 'METRICS_INVALID'],
    ['a broken line', 'kserver_main_page{path="/docs" 1\n', 'unknown', 'METRICS_INVALID'],
    ['a value that is not a number', 'kserver_main_page{path="/docs"} yes\n', 'unknown', 'METRICS_INVALID'],
    ['other metrics only', 'process_cpu_seconds_total 12\n', 'unknown', 'METRICS_INVALID'],
  ])('%s', (_n, text, status, code) => {
    expect(judgeMetricsText('sysinfo', text)).toMatchObject({ status, code });
  });
});

describe('metrics from a fake Kodeks server', () => {
  it('kserver_product_control = 1 raises KodeksWarning with the catalog path and status in the message', async () => {
    kodeks.state.catalogs = [{ path: '/docs' }, { path: '/med', productControl: 1, status: 'update DB' }];
    try {
      const r = await metrics({});
      expect(r).toMatchObject({ status: 'fail', code: 'METRICS_WARNING' });
      // The manager's message names the catalog; what the client's page shows names none.
      expect(r.findings).toEqual([
        {
          alert: 'KodeksWarning',
          status: 'fail',
          message: r.message,
          impact: { status: 'fail', message: 'Сервер ПК сообщает о нештатном состоянии справочной системы.' },
        },
      ]);
      expect(r.message).toBe(
        'Сервер ПК сообщает о нештатном состоянии: требуется проверить состав баз в каталоге /med (kserver_product_control = 1, status «update DB»).',
      );
    } finally {
      kodeks.state.catalogs = [{ path: '/docs' }];
    }
  });

  it('all catalogs at 0: KodeksWarning clears', async () => {
    const r = await metrics({});
    expect(r).toMatchObject({ status: 'ok', findings: [{ alert: 'KodeksWarning', status: 'ok' }] });
  });

  it('/sysmon/metrics with the password from the environment; the secret is in no result', async () => {
    kodeks.state.authSeen = [];
    const r = await metrics({ endpoints: ['sysmon'], password_env: 'KODEKS_PW' }, { KODEKS_PW: SECRET });
    expect(r).toMatchObject({ status: 'ok' });
    expect(kodeks.state.authSeen).toEqual([
      `Basic ${Buffer.from(`smartlogin:${SECRET}`).toString('base64')}`,
    ]);
    const text = JSON.stringify(r);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(Buffer.from(`smartlogin:${SECRET}`).toString('base64'));
  });

  it('a wrong password is unknown (AUTH_FAILED) with what to check, not a warning, and not printed', async () => {
    const wrong = 'not-the-password-123';
    const r = await metrics({ endpoints: ['sysmon'], password_env: 'KODEKS_PW' }, { KODEKS_PW: wrong });
    expect(r).toMatchObject({
      status: 'unknown',
      code: 'AUTH_FAILED',
      findings: [{ alert: 'KodeksWarning', status: 'unknown' }],
    });
    expect(r.message).toBe(
      'Метрики сервера ПК не прочитаны: /sysmon/metrics: сервер не принял пользователя smartlogin и пароль из KODEKS_PW (ответ 401).',
    );
    expect(JSON.stringify(r)).not.toContain(wrong);
  });

  it('no password in the environment: unknown, and no request is sent without it', async () => {
    kodeks.state.authSeen = [];
    const r = await metrics({ endpoints: ['sysmon'] });
    expect(r).toMatchObject({ status: 'unknown', code: 'NO_CREDENTIALS' });
    expect(r.message).toContain('SMART_METRICS_PASSWORD');
    expect(kodeks.state.authSeen).toEqual([]);
  });

  describe('credentials never follow a redirect to another origin', () => {
    let other: LocalServer;
    let redirector: LocalServer;
    const seen: (string | undefined)[] = [];
    beforeAll(async () => {
      other = await startHttpServer((req, res) => {
        seen.push(req.headers.authorization);
        res.end('kserver_main_page{path="/docs"} 0\nkserver_product_control{path="/docs"} 0\n');
      });
      redirector = await startHttpServer((_req, res) =>
        res.writeHead(302, { location: `http://localhost:${other.port}/sysmon/metrics` }).end(),
      );
    });
    afterAll(async () => {
      await other?.close();
      await redirector?.close();
    });

    it('the Authorization header is dropped when the origin changes', async () => {
      const config = testConfig(
        [
          {
            id: 'main',
            url: `http://127.0.0.1:${redirector.port}/`,
            probes: { metrics: { endpoints: ['sysmon'] } },
          },
        ],
        { timeout: '5s' },
      );
      const r = await runChecks(config, { env: { SMART_METRICS_PASSWORD: SECRET } });
      expect(r.installations[0]!.checks.metrics).toMatchObject({ status: 'ok' });
      expect(seen).toEqual([undefined]);
    });
  });
});
