/**
 * The demo's DNS server on 127.0.0.1 (UDP, dns2: no root, no dnsmasq): answers A records for the fake
 * installations' names with 127.0.0.1 and can be told to fail some of them with SERVFAIL — the hosting's
 * DNS outage of the second case — while the addresses keep answering.
 */
import dns2 from 'dns2';

const { Packet } = dns2;

/** DNS response codes (RFC 1035 §4.1.1). */
const SERVFAIL = 2;
const NXDOMAIN = 3;

/** A running DNS server. */
export interface DemoDns {
  /** UDP port on 127.0.0.1. */
  readonly port: number;
  /** Names (lowercase, without the trailing dot) answered with SERVFAIL while in this set. */
  readonly failing: Set<string>;
  /** Queries answered so far. */
  readonly queries: number;
  close(): Promise<void>;
}

/** Starts the server for `names` → `address`; unknown names get NXDOMAIN. */
export async function startDemoDns(names: string[], address = '127.0.0.1'): Promise<DemoDns> {
  const known = new Set(names.map((n) => n.toLowerCase()));
  const failing = new Set<string>();
  let queries = 0;
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      queries++;
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const name = (question?.name ?? '').toLowerCase().replace(/\.$/, '');
      if (failing.has(name)) {
        response.header.rcode = SERVFAIL;
      } else if (!known.has(name)) {
        response.header.rcode = NXDOMAIN;
      } else if (question?.type === Packet.TYPE.A) {
        const answer = { name: question.name, type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 5, address };
        response.answers.push(answer as (typeof response.answers)[number]);
      }
      // AAAA for a known name: NOERROR with no answers (NODATA), as a real zone without IPv6 would say.
      send(response);
    },
  });
  const listening = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const port = (listening as unknown as { udp: { port: number } }).udp.port;
  return {
    port,
    failing,
    get queries() {
      return queries;
    },
    close: async () => {
      await server.close();
    },
  };
}
