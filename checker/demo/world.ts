/**
 * The demo's fake world on loopback: a test CA, five fake Kodeks installations (four HTTPS servers and one
 * port that refuses), a DNS server for their names and a Telegram Bot API stand-in. `apply` puts the world
 * into the state a cycle of the scenario needs; `close` stops everything.
 */
import { icmpUnavailableReason, systemPing } from '../probes/ping-system.ts';
import {
  type SentMessage,
  startTelegramStandIn,
  type TelegramStandIn,
} from '../testing/telegram-stand-in.ts';
import { type DemoDns, startDemoDns } from './dns-server.ts';
import { type FakeKodeks, refusedPort, startFakeKodeks } from './fake-kodeks.ts';
import { type CyclePlan, DEMO_HOSTS, type DemoPorts, HOSTING_HOSTS } from './scenario.ts';
import { createTestCa, issueServerCert } from './test-ca.ts';

/** The running fake world. */
export interface DemoWorld {
  ports: Omit<DemoPorts, 'site'>;
  /** The demo CA in PEM: the checks trust it, nothing else does. */
  caPem: string;
  telegram: TelegramStandIn;
  /** Why ICMP cannot be used here, or undefined when ping works. */
  icmpUnavailable?: string;
  /** Sets the key and DNS failures for a cycle. */
  apply(plan: CyclePlan): void;
  close(): Promise<void>;
}

/** Starts the world; `onMessage` sees every message the stand-in accepts. */
export async function startWorld(onMessage: (m: SentMessage) => void): Promise<DemoWorld> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    // Close in reverse order of start; one failing close must not keep the others open.
    await Promise.allSettled(closers.reverse().map((c) => c()));
  };
  try {
    const ca = createTestCa();
    const https = async (name: string, title: string): Promise<FakeKodeks> => {
      const server = await startFakeKodeks({ title, tls: issueServerCert(ca, [name]) });
      closers.push(() => server.close());
      return server;
    };
    const healthy = await https(DEMO_HOSTS.healthy, 'Кодекс — Первая линия');
    const acme = await https(DEMO_HOSTS.acme, 'Кодекс — Акме');
    const vostok = await https(DEMO_HOSTS.vostok, 'Техэксперт — Восток-Строй');
    const sz = await https(DEMO_HOSTS.sz, 'Кодекс — Северный завод');
    const down = await refusedPort();
    const dns = await startDemoDns(Object.values(DEMO_HOSTS));
    closers.push(() => dns.close());
    const telegram = await startTelegramStandIn({ onMessage });
    closers.push(() => telegram.close());
    const icmpUnavailable = await icmpUnavailableReason(systemPing);
    return {
      ports: {
        dns: dns.port,
        healthy: healthy.port,
        acme: acme.port,
        vostok: vostok.port,
        sz: sz.port,
        down,
      },
      caPem: ca.certPem,
      telegram,
      ...(icmpUnavailable ? { icmpUnavailable } : {}),
      apply(plan) {
        acme.keyPresent = plan.keyPresent;
        setFailing(dns, plan.hostingDnsDown ? HOSTING_HOSTS : []);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

function setFailing(dns: DemoDns, names: string[]): void {
  dns.failing.clear();
  for (const n of names) dns.failing.add(n);
}
