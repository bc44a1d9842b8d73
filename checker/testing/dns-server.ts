import dns2 from 'dns2';

const { Packet } = dns2;
// dns2's typings omit Packet.RCODE; the values are fixed by RFC 1035.
const RCODE = { NXDOMAIN: 3, SERVFAIL: 2, REFUSED: 5 } as const;

/** How the test DNS server treats one name. */
export type DnsMode = 'answer' | 'nxdomain' | 'servfail' | 'refused' | 'silent';

/** A running loopback DNS server (UDP) whose answers tests can change while it runs. */
export interface TestDnsServer {
  /** "127.0.0.1:<port>": put it in checker.resolvers or a probe's resolvers. */
  address: string;
  port: number;
  /** Name (lower case, no trailing dot) → IPv4 addresses answered for A queries. */
  records: Map<string, string[]>;
  /** Name → special behaviour; `modes.set('*', 'silent')` makes the whole server go quiet. */
  modes: Map<string, DnsMode>;
  /** Queries received so far (name and type), for assertions. */
  queries: { name: string; type: number }[];
  close: () => Promise<void>;
}

/**
 * Starts a DNS server on 127.0.0.1, port 0 (dns2): A records from `records`, NXDOMAIN for unknown names,
 * SERVFAIL / REFUSED / no answer at all for names set in `modes`.
 */
export async function startDnsServer(records: Record<string, string[]> = {}): Promise<TestDnsServer> {
  const map = new Map(Object.entries(records).map(([k, v]) => [k.toLowerCase(), v]));
  const modes = new Map<string, DnsMode>();
  const queries: { name: string; type: number }[] = [];
  const server = dns2.createUDPServer((request, send) => {
    const response = Packet.createResponseFromRequest(request);
    const [question] = request.questions;
    if (!question) return;
    const name = question.name.toLowerCase().replace(/\.$/, '');
    queries.push({ name, type: question.type });
    const mode = modes.get(name) ?? modes.get('*') ?? (map.has(name) ? 'answer' : 'nxdomain');
    if (mode === 'silent') return;
    if (mode === 'nxdomain') response.header.rcode = RCODE.NXDOMAIN;
    else if (mode === 'servfail') response.header.rcode = RCODE.SERVFAIL;
    else if (mode === 'refused') response.header.rcode = RCODE.REFUSED;
    else if (question.type === Packet.TYPE.A) {
      for (const address of map.get(name) ?? []) {
        response.answers.push({
          name: question.name,
          type: Packet.TYPE.A,
          class: Packet.CLASS.IN,
          ttl: 5,
          address,
        } as dns2.Packet.Resource);
      }
    }
    send(response).catch(() => {});
  });
  server.on('requestError', () => {});
  await server.listen(0, '127.0.0.1');
  const { port } = server.address();
  return {
    address: `127.0.0.1:${port}`,
    port,
    records: map,
    modes,
    queries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
