import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';

/** A real dnsmasq answering on a loopback port. */
export interface Dnsmasq {
  address: string;
  close: () => Promise<void>;
}

/** Why dnsmasq cannot be used here (not installed), or undefined when it can. Debian/Ubuntu: dnsmasq-base. */
export function dnsmasqMissing(): string | undefined {
  const r = spawnSync('dnsmasq', ['--version'], { stdio: 'ignore' });
  return r.error || r.status !== 0 ? 'dnsmasq is not installed (apt-get install dnsmasq-base)' : undefined;
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * Starts dnsmasq on 127.0.0.1 (a free port) with `addresses` (name → IPv4, or '' for NXDOMAIN); names not
 * listed get REFUSED, since it has no upstream servers. Resolves once it answers.
 */
export async function startDnsmasq(addresses: Record<string, string>): Promise<Dnsmasq> {
  // dnsmasq listens on TCP too: a port free for UDP may be taken for TCP (a busy loopback has thousands of
  // outgoing connections on ephemeral ports), and then it exits at once. Another port is tried.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(await freeUdpPort(), addresses);
    } catch (err) {
      if (attempt >= 5 || !/Address already in use/.test(String((err as Error).message))) throw err;
    }
  }
}

async function startOn(port: number, addresses: Record<string, string>): Promise<Dnsmasq> {
  const args = [
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    '--no-resolv',
    '--no-hosts',
    '--no-poll',
    '--bind-interfaces',
    '--listen-address=127.0.0.1',
    `--port=${port}`,
    '--user=root',
    '--pid-file=',
    ...Object.entries(addresses).map(([name, ip]) => `--address=/${name}/${ip}`),
  ];
  const child: ChildProcess = spawn('dnsmasq', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const address = `127.0.0.1:${port}`;
  const probe = new Resolver({ timeout: 200, tries: 1 });
  probe.setServers([address]);
  for (let i = 0; i < 40; i++) {
    if (child.exitCode !== null) throw new Error(`dnsmasq exited: ${stderr.trim()}`);
    try {
      await probe.resolve4(Object.keys(addresses)[0] ?? 'localhost');
      break;
    } catch (err) {
      if (
        (err as { code?: string }).code !== 'ECONNREFUSED' &&
        (err as { code?: string }).code !== 'ETIMEOUT'
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
