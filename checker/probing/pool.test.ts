/**
 * The pool against real servers on loopback: many installations behind one address (a hosting's proxy),
 * some or all of them hanging. What a user sees: the healthy installation is reported working within about
 * one timeout, every hanging one reports its own timeout, none is reported working by mistake, and a server
 * that answers is never sent more than per_host requests at once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '../testing/config.ts';
import { startDnsServer, type TestDnsServer } from '../testing/dns-server.ts';
import { type LocalServer, startHttpServer } from '../testing/http-server.ts';
import { runChecks } from './run-checks.ts';

const TIMEOUT_MS = 1000;
const PER_HOST = 4;

let dns: TestDnsServer | undefined;
let web: LocalServer | undefined;
afterEach(async () => {
  await web?.close();
  await dns?.close();
  web = undefined;
  dns = undefined;
});

/** One HTTP server on 127.0.0.1 for every site; `behave` decides per Host header. */
async function hosting(
  names: string[],
  behave: (host: string, res: ServerResponse, req: IncomingMessage) => void,
): Promise<{ port: number; seen: Map<string, number>; peak: () => number }> {
  dns = await startDnsServer(Object.fromEntries(names.map((n) => [n, ['127.0.0.1']])));
  const seen = new Map<string, number>();
  let inFlight = 0;
  let peak = 0;
  web = await startHttpServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    seen.set(host, performance.now());
    inFlight++;
    peak = Math.max(peak, inFlight);
    res.on('close', () => inFlight--);
    behave(host, res, req);
  });
  return { port: web.port, seen, peak: () => peak };
}

function fleet(names: string[], port: number) {
  return testConfig(
    names.map((n) => ({ id: n.split('.')[0]!, url: `http://${n}:${port}/`, probes: { http: {} } })),
    { resolvers: [dns!.address], timeout: `${TIMEOUT_MS}ms`, per_host: PER_HOST, concurrency: 64 },
  );
}

describe('many installations behind one address', () => {
  it('a healthy installation behind 40 hanging ones is ok within about one timeout', async () => {
    const hanging = Array.from({ length: 40 }, (_, i) => `h${i}.hosting.test`);
    // The healthy site comes last, the worst place for a queue.
    const names = [...hanging, 'good.hosting.test'];
    const server = await hosting(names, (host, res) => {
      if (host === 'good.hosting.test') res.end('ok');
      // Every other site: the request is read and never answered.
    });
    const t0 = performance.now();
    const results = await runChecks(fleet(names, server.port));
    const byId = new Map(results.installations.map((r) => [r.installation, r.checks.http]));

    expect(byId.get('good')).toMatchObject({ status: 'ok', code: 'OK' });
    // Truthful for the hanging ones: each saw its own timeout, none is "ok".
    for (const name of hanging)
      expect(byId.get(name.split('.')[0]!)).toMatchObject({ status: 'fail', code: 'TIMEOUT' });
    // Four at a time, as before the pool was changed, the healthy one would have waited 40 / 4 × 1 s = 10 s.
    const before = (hanging.length / PER_HOST) * TIMEOUT_MS;
    expect(server.seen.get('good.hosting.test')! - t0).toBeLessThan(before / 4);
    expect(performance.now() - t0).toBeLessThan(before / 2);
    expect(results.pool?.silentKeys).toBe(1);
  });

  it('healthy sites between hanging ones on an answering proxy are all ok, and each hanging one times out', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `s${i}.proxy.test`);
    const hangs = (host: string) => Number(/^s(\d+)/.exec(host)?.[1]) % 2 === 0;
    const server = await hosting(names, (host, res) => {
      if (!hangs(host)) res.end('ok');
    });
    const t0 = performance.now();
    const results = await runChecks(fleet(names, server.port));
    for (const r of results.installations) {
      const expected = hangs(`${r.installation}.proxy.test`)
        ? { status: 'fail', code: 'TIMEOUT' }
        : { status: 'ok', code: 'OK' };
      expect(r.checks.http).toMatchObject(expected);
    }
    // 20 hanging checks holding four slots for a whole timeout each would take 5 s.
    expect(performance.now() - t0).toBeLessThan(((20 / PER_HOST) * TIMEOUT_MS) / 2);
  });

  it('a slow server that answers is never sent more than per_host requests at once', async () => {
    const names = Array.from({ length: 16 }, (_, i) => `k${i}.slow.test`);
    const server = await hosting(names, (_host, res) => {
      // Slow, but well within the pool's patience (250 ms here) even on a loaded machine.
      setTimeout(() => res.end('ok'), 50);
    });
    const results = await runChecks(fleet(names, server.port));
    expect(results.installations.map((r) => r.checks.http?.status)).toEqual(names.map(() => 'ok'));
    expect(server.peak()).toBeLessThanOrEqual(PER_HOST);
    expect(results.pool?.silentKeys).toBe(0);
  });
});
