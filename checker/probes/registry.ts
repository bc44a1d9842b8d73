import { agentProbe } from './agent.ts';
import type { Probe } from './context.ts';
import { dnsProbe } from './dns.ts';
import { httpProbe } from './http.ts';
import { icmpProbe } from './icmp.ts';
import { licmanProbe } from './licman.ts';
import { metricsProbe } from './metrics.ts';
import { sysinfoProbe } from './sysinfo.ts';
import { tcpProbe } from './tcp.ts';
import { tlsProbe } from './tls.ts';
import type { ProbeType } from './types.ts';

/** Every probe kind by name; a probe type without an entry here is a compile error. */
export const PROBES: { [T in ProbeType]: Probe<T> } = {
  icmp: icmpProbe,
  tcp: tcpProbe,
  http: httpProbe,
  dns: dnsProbe,
  tls: tlsProbe,
  sysinfo: sysinfoProbe,
  metrics: metricsProbe,
  agent: agentProbe,
  licman: licmanProbe,
};
