import { afterAll, describe, expect, it } from 'vitest';
import { runChecks } from '../probing/run-checks.ts';
import { testConfig } from '../testing/config.ts';
import { createDarkHost, type DarkHost, netnsUnavailable } from '../testing/netns.ts';
import { isSafePingTarget, systemPing } from './ping-system.ts';

async function icmp(host: string, ping = systemPing) {
  const config = testConfig(
    [{ id: 'main', url: 'https://kodeks.test/', probes: { icmp: { host, count: 2 } } }],
    {
      resolvers: ['127.0.0.1:1'],
    },
  );
  return runChecks(config, { ping });
}

describe('icmp probe with the system ping', () => {
  it('127.0.0.1 answers', async () => {
    const results = await icmp('127.0.0.1');
    expect(results.installations[0]?.checks.icmp).toMatchObject({ status: 'ok', code: 'OK' });
    expect(results.icmpUnavailable).toBe(false);
  });

  it('an address that looks like an option never reaches ping', async () => {
    const calls: string[] = [];
    const results = await icmp('-c1', async (host, opts) => {
      calls.push(host);
      return systemPing(host, opts);
    });
    expect(results.installations[0]?.checks.icmp).toMatchObject({ status: 'fail', code: 'BAD_TARGET' });
    expect(calls).toEqual(['127.0.0.1']); // only the availability check
  });

  it.each(['-c1', '--help', '1.2.3.4 -f', 'a;b', ''])('rejects %j as a ping target', (host) => {
    expect(isSafePingTarget(host)).toBe(false);
  });
  it.each(['10.0.0.1', 'kodeks.example', '::1'])('accepts %j', (host) => {
    expect(isSafePingTarget(host)).toBe(true);
  });
});

const why = netnsUnavailable();
describe.skipIf(why)(`icmp to a host in a network namespace${why ? ` (skipped: ${why})` : ''}`, () => {
  let dark: DarkHost | undefined;
  afterAll(() => dark?.remove());

  it('answers while linked, fails once the link is cut', async () => {
    dark = createDarkHost();
    const before = await icmp(dark.address);
    expect(before.installations[0]?.checks.icmp).toMatchObject({ status: 'ok' });
    dark.cut();
    const after = await icmp(dark.address);
    expect(after.installations[0]?.checks.icmp).toMatchObject({ status: 'fail', code: 'ICMP_LOSS' });
    expect(after.installations[0]?.checks.icmp?.message).not.toContain(dark.address);

    // A TCP connect to the dark host ends at the check's timeout instead of hanging.
    const config = testConfig(
      [{ id: 'main', url: 'http://kodeks.test/', ip: dark.address, probes: { tcp: { port: 80 }, http: {} } }],
      { resolvers: ['127.0.0.1:1'], timeout: '500ms' },
    );
    const checks = (await runChecks(config)).installations[0]!.checks;
    expect(['CONN_TIMEOUT', 'HOST_UNREACHABLE']).toContain(checks.tcp?.code);
    expect(checks.http_ip?.status).toBe('fail');
  });
});
