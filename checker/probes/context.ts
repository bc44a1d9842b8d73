import type { SecureContext } from 'node:tls';
import type { Client, Config, Installation, Probes } from '../config/schema.ts';
import type { CheckState } from '../status/schema.ts';
import type { ParsePool } from '../sysinfo/parse-pool.ts';
import type { AddressPolicy } from './address-policy.ts';
import type { HttpPool } from './http-pool.ts';
import type { NameLookup } from './names.ts';
import type { CheckId, ProbeResult, ProbeType } from './types.ts';

/** Outcome of one system ping run. */
export interface PingReply {
  /** At least one echo reply came back. */
  alive: boolean;
  /** Average round trip in ms, when known. */
  timeMs?: number;
  /** Packet loss in percent, when known. */
  lossPercent?: number;
  /** Raw output of ping (operator evidence). */
  output: string;
}

/** Runs the system ping; rejects when ping cannot be executed at all. */
export type PingFn = (host: string, opts: { count: number; timeoutMs: number }) => Promise<PingReply>;

/** Everything a probe may use while running one check; the runner builds it. */
export interface ProbeContext {
  /** The validated configuration. */
  config: Config;
  client: Client;
  installation: Installation;
  /** Aborted when the check's hard timeout fires; probes close their sockets on it. */
  signal: AbortSignal;
  /** The hard timeout of one check in ms (checker.timeout). */
  timeoutMs: number;
  /** Bytes read from one response at most (checker.max_body). */
  maxBody: number;
  /** Name resolution through checker.resolvers (cached for the run), with `policy` applied to every answer. */
  lookup: NameLookup;
  /** Which addresses this installation's probes may connect to (pass it to httpGet). */
  policy: AddressPolicy;
  /** Extra trusted CA certificates in PEM (tests; production uses the system store). */
  ca?: string[];
  /** HTTP connections of the run (kept alive between the checks of one origin). */
  httpPool?: HttpPool;
  /** One TLS context for the whole run (trust store parsed once, not per connection). */
  secureContext?: SecureContext;
  /** The system ping. */
  ping: PingFn;
  /** False when the run found ICMP unusable from here: icmp checks report ICMP_UNAVAILABLE. */
  icmpAvailable: boolean;
  /**
   * Raw text of agents/<client>/<installation>.json, or undefined when there is none; a report bigger than
   * `maxBytes` is refused unread (FileTooLargeError with its size).
   */
  readAgentReport: (client: string, installation: string, maxBytes: number) => Promise<string | undefined>;
  /** The clock. */
  now: () => Date;
  /** Worker threads that read sysinfo reports (parsing never runs on the run's own thread). */
  reports?: ParsePool;
  /** This installation's last recorded result of a check (from the status data), if any. */
  previous?: (check: CheckId) => CheckState | undefined;
  /** A secret from the environment by variable name (metrics passwords); never printed or stored. */
  secret?: (name: string) => string | undefined;
}

/** One check to run: which CheckId it fills, which server it loads (for the per-address limit) and how. */
export interface CheckTask {
  check: CheckId;
  /** Host name or address the check talks to; undefined when it talks to no single host (dns, agent). */
  host?: string;
  /** The TCP port it connects to; undefined for ICMP. With `host` it names the server the pool keys on. */
  port?: number;
  run: (ctx: ProbeContext) => Promise<ProbeResult>;
}

/** A probe kind: turns an installation's probe settings into the checks to run. */
export interface Probe<T extends ProbeType> {
  type: T;
  plan: (installation: Installation, settings: NonNullable<Probes[T]>) => CheckTask[];
}

/** The port of an installation's URL (the scheme's default when none is written). */
export function urlPort(installation: Installation): number {
  const url = new URL(installation.url);
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** Host name of an installation's URL (brackets of an IPv6 literal removed). */
export function urlHost(installation: Installation): string {
  return new URL(installation.url).hostname.replace(/^\[|\]$/g, '');
}
