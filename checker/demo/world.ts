/**
 * The demo's fake world on loopback, built from the same test servers the probe tests use
 * (checker/testing/): a test CA, seven fake Kodeks servers over HTTPS (three of which go into maintenance
 * mode), one port that refuses, one that stands for a licence manager, a DNS server for their names (dns2: no
 * root, no dnsmasq), a Telegram Bot API stand-in and an SMTP server for the mails. `apply` puts the world into
 * the state a cycle of the scenario needs; `close` stops everything.
 */
import { icmpUnavailableReason, systemPing } from '../probes/ping-system.ts';
import { startDnsServer } from '../testing/dns-server.ts';
import { type FakeKodeks, startFakeKodeks } from '../testing/fake-kodeks.ts';
import { startSilentServer } from '../testing/http-server.ts';
import { type ReceivedMail, type SmtpTestServer, startSmtpServer } from '../testing/smtp-server.ts';
import {
  type SentMessage,
  startTelegramStandIn,
  type TelegramStandIn,
} from '../testing/telegram-stand-in.ts';
import { createTestCa } from '../testing/test-ca.ts';
import { refusedPort } from './refused-port.ts';
import { type CyclePlan, DEMO_HOSTS, type DemoPorts, HOSTING_HOSTS, MAINTENANCE_HOSTS } from './scenario.ts';

/** The running fake world. */
export interface DemoWorld {
  ports: Omit<DemoPorts, 'site'>;
  /** The demo CA in PEM: the checks trust it, nothing else does. */
  caPem: string;
  telegram: TelegramStandIn;
  /** A real SMTP server on loopback (STARTTLS, AUTH) that keeps the managers' mails. */
  smtp: SmtpTestServer;
  /** Why ICMP cannot be used here, or undefined when ping works. */
  icmpUnavailable?: string;
  /** Sets the key and DNS failures for a cycle. */
  apply(plan: CyclePlan): void;
  close(): Promise<void>;
}

const DAY = 86_400_000;

/**
 * Starts the world; `onMessage` sees every message the stand-in accepts, `onMail` every mail. `clock` is the demo's time: the
 * certificates are valid both then and now (the TLS probe judges them at the demo's time, the handshake at
 * the real one), so a fixed clock for screenshots does not turn into «сертификат ещё не начал действовать».
 */
export async function startWorld(
  onMessage: (m: SentMessage) => void,
  clock: Date = new Date(),
  onMail: (m: ReceivedMail) => void = () => {},
): Promise<DemoWorld> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    // One failing close must not keep the others open.
    await Promise.allSettled(closers.reverse().map((c) => c()));
  };
  try {
    const ca = createTestCa('SMART demo CA');
    const https = async (host: string): Promise<FakeKodeks> => {
      const validity = {
        notBefore: new Date(Math.min(Date.now(), clock.getTime()) - DAY),
        notAfter: new Date(Math.max(Date.now(), clock.getTime()) + 365 * DAY),
      };
      const server = await startFakeKodeks({ tls: ca.issue({ hosts: [host, '127.0.0.1'], ...validity }) });
      closers.push(() => server.close());
      return server;
    };
    const healthy = await https(DEMO_HOSTS.healthy);
    const acme = await https(DEMO_HOSTS.acme);
    const vostok = await https(DEMO_HOSTS.vostok);
    const sz = await https(DEMO_HOSTS.sz);
    const down = await refusedPort();
    const maintenance = await Promise.all(MAINTENANCE_HOSTS.map((h) => https(h)));
    const licman = await startSilentServer();
    closers.push(() => licman.close());
    const dns = await startDnsServer(
      Object.fromEntries(Object.values(DEMO_HOSTS).map((h) => [h, ['127.0.0.1']])),
    );
    closers.push(() => dns.close());
    const telegram = await startTelegramStandIn({ onMessage });
    closers.push(() => telegram.close());
    const smtp = await startSmtpServer({ onMail });
    closers.push(() => smtp.close());
    const icmpUnavailable = await icmpUnavailableReason(systemPing);
    return {
      ports: {
        dns: dns.port,
        healthy: healthy.port,
        acme: acme.port,
        vostok: vostok.port,
        sz: sz.port,
        down,
        port: maintenance[0]!.port,
        river: maintenance[1]!.port,
        airport: maintenance[2]!.port,
        licman: licman.port,
      },
      caPem: ca.caPem,
      telegram,
      smtp,
      ...(icmpUnavailable ? { icmpUnavailable } : {}),
      apply(plan) {
        acme.state.key = plan.keyPresent ? 'present' : 'absent';
        for (const server of maintenance) server.state.down = plan.maintenance;
        const now = Date.now();
        const day = 86_400_000;
        const endIn = (days: number) => new Date(now + days * day + 3 * 3_600_000).toISOString().slice(0, 10);
        healthy.state.report = {
          ...healthy.state.report,
          databases: [
            { name: 'Кодекс: Законодательство', end: endIn(300) },
            { name: 'Кодекс: Медицина', end: endIn(plan.licenseDaysLeft) },
          ],
          operups: [
            { path: 'D:\\Kodeks\\operup\\kodeks6.op', date: new Date(now - 6 * 3_600_000) },
            { path: 'D:\\Kodeks\\operup\\stroy.op', date: new Date(now - plan.operupDaysOld * day) },
          ],
        };
        for (const host of HOSTING_HOSTS) {
          if (plan.hostingDnsDown) dns.modes.set(host, 'servfail');
          else dns.modes.delete(host);
        }
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
