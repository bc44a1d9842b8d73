// The licence manager probe against real loopback servers: a TCP port that listens, one that is closed,
// and the system ping of 127.0.0.x; a host that goes dark in a network namespace when the machine allows it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertSignals, diagnose } from '../diagnose/index.ts';
import { runChecks } from '../probing/run-checks.ts';
import { testConfig } from '../testing/config.ts';
import { closedPort, type LocalServer, startSilentServer } from '../testing/http-server.ts';
import { createDarkHost, type DarkHost, netnsUnavailable } from '../testing/netns.ts';

let listening: LocalServer;
let closed: number;
beforeAll(async () => {
  listening = await startSilentServer();
  closed = await closedPort();
});
afterAll(async () => {
  await listening?.close();
});

async function licman(probe: Record<string, unknown>, timeout = '600ms') {
  const config = testConfig([{ id: 'main', url: 'http://kodeks.test/', probes: { licman: probe } }], {
    resolvers: ['127.0.0.1:1'],
    timeout,
  });
  return (await runChecks(config)).installations[0]!.checks;
}

describe('licman probe', () => {
  it('the port takes connections and the host answers ping: both ok, no alert', async () => {
    const checks = await licman({ host: '127.0.0.1', port: listening.port });
    expect(checks.licman_tcp).toMatchObject({ status: 'ok', code: 'OK' });
    expect(checks.licman_tcp?.message).toBe(
      `Менеджер лицензий: порт ${listening.port} принимает соединения.`,
    );
    expect(checks.licman_icmp).toMatchObject({
      status: 'ok',
      message: 'Менеджер лицензий отвечает на ping.',
    });
    expect(alertSignals(checks)).toEqual({ LicmanIcmp: 'ok', LicmanTcpStatus: 'ok' });
  });

  it('a closed port: LicmanTcpStatus, and the cause says the manager is not running', async () => {
    const checks = await licman({ host: '127.0.0.3', port: closed });
    expect(checks.licman_tcp).toMatchObject({ status: 'fail', code: 'CONN_REFUSED' });
    expect(checks.licman_tcp?.message).toBe('Менеджер лицензий: сервер отклонил соединение: порт закрыт.');
    expect(checks.licman_tcp?.message).not.toMatch(/127\.0\.0/);
    const d = diagnose(checks);
    expect(d.LicmanTcpStatus?.rule).toBe('licman_refused');
    expect(d.LicmanIcmp).toBeUndefined();
  });

  it('the port defaults to 8888 and ping can be turned off', async () => {
    const config = testConfig(
      [{ id: 'main', url: 'http://kodeks.test/', probes: { licman: { host: '127.0.0.4', icmp: false } } }],
      { resolvers: ['127.0.0.1:1'], timeout: '600ms' },
    );
    expect(config.clients[0]!.installations[0]!.probes.licman).toEqual({
      host: '127.0.0.4',
      port: 8888,
      icmp: false,
    });
    const checks = (await runChecks(config)).installations[0]!.checks;
    expect(Object.keys(checks)).toEqual(['licman_tcp']);
    expect(checks.licman_tcp?.evidence?.port).toBe(8888);
  });
});

const why = netnsUnavailable();
describe.skipIf(why)(`licman host that goes dark${why ? ` (skipped: ${why})` : ''}`, () => {
  let dark: DarkHost | undefined;
  afterAll(() => dark?.remove());

  it('no ping and no connection: LicmanIcmp says the manager is unreachable', async () => {
    dark = createDarkHost();
    dark.cut();
    // Three echo requests a second apart need more than the other tests' short timeout.
    const checks = await licman({ host: dark.address, port: 8888 }, '4s');
    expect(checks.licman_icmp).toMatchObject({ status: 'fail', code: 'ICMP_LOSS' });
    expect(['CONN_TIMEOUT', 'HOST_UNREACHABLE']).toContain(checks.licman_tcp?.code);
    expect(diagnose(checks).LicmanIcmp?.rule).toBe('licman_host_down');
  });
});
