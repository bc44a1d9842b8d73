import type { IncomingMessage, ServerResponse } from 'node:http';
import { type LocalServer, startHttpServer, startHttpsServer } from './http-server.ts';
import { healthyReport, metricsText, type ReportSpec, sysinfoXml, sysinfoZip } from './sysinfo-report.ts';
import type { KeyCert } from './test-ca.ts';

/** What the fake Kodeks server reports about its SenseLock key. */
export type KeyState = 'present' | 'absent';

/** The mutable world of one fake server. */
export interface FakeKodeksState {
  /** Shortcut for the report's key record: present → "ok", absent → "absent". */
  key: KeyState;
  /** Every page answers 503 (maintenance). */
  down: boolean;
  /** The sysinfo report; `key` above overrides its key record. Its `createdAt` follows `now()` unless pinned. */
  report: ReportSpec;
  /** Pin the report's time (an old report) instead of the server's clock. */
  reportTime?: Date;
  /** Metrics per catalog. */
  catalogs: { path: string; mainPage?: number; productControl?: number; status?: string }[];
  /** Basic auth /sysmon/metrics accepts. */
  sysmon: { user: string; password: string };
  /** Requests received, by path (for tests that count pulls). */
  hits: Record<string, number>;
  /** Authorization headers received on /sysmon/metrics (to prove where credentials go). */
  authSeen: string[];
}

/** A running fake Kodeks web server; `state` can be changed between checks. */
export interface FakeKodeks extends LocalServer {
  state: FakeKodeksState;
}

/**
 * Starts a fake Kodeks server on 127.0.0.1 port 0 (HTTPS when `tls` is given). It answers `/` with a page,
 * `POST /sysinfo/si_save_request` with the report (`type=zip`: a zip holding sysinfo.xml; `type=xml`: the
 * XML), `GET /sysinfo/metrics` without authorisation and `GET /sysmon/metrics` behind Basic auth.
 */
export async function startFakeKodeks(
  opts: { tls?: KeyCert; key?: KeyState; now?: () => Date } = {},
): Promise<FakeKodeks> {
  const now = opts.now ?? (() => new Date());
  const state: FakeKodeksState = {
    key: opts.key ?? 'present',
    down: false,
    report: healthyReport(now()),
    catalogs: [{ path: '/docs' }],
    sysmon: { user: 'smartlogin', password: 'metrics-secret' },
    hits: {},
    authSeen: [],
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    state.hits[path] = (state.hits[path] ?? 0) + 1;
    if (state.down) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    if (path === '/sysinfo/si_save_request') return void report(req, res);
    if (path === '/sysinfo/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(metricsText(state.catalogs));
      return;
    }
    if (path === '/sysmon/metrics') {
      const auth = req.headers.authorization ?? '';
      state.authSeen.push(auth);
      const want = `Basic ${Buffer.from(`${state.sysmon.user}:${state.sysmon.password}`).toString('base64')}`;
      if (auth !== want) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="sysmon"' }).end('Unauthorized');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(metricsText(state.catalogs));
      return;
    }
    if (path !== '/') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end('<html><body>Кодекс</body></html>');
  };
  const report = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const type = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('type') ?? 'zip';
      const spec: ReportSpec = {
        ...state.report,
        key: state.key === 'absent' ? 'absent' : state.report.key,
        createdAt: state.reportTime ?? now(),
      };
      if (type === 'xml') {
        res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(sysinfoXml(spec));
        return;
      }
      const zip = await sysinfoZip(spec);
      res
        .writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-disposition': 'attachment; filename=sysinfo.zip',
          server: 'WWW-Kodeks/6.4',
        })
        .end(zip);
    });
  };
  const server = opts.tls ? await startHttpsServer(handler, opts.tls) : await startHttpServer(handler);
  return Object.assign(server, { state });
}
