/**
 * Shapes shared by every probe. A probe is one kind of look at an installation (ping, HTTP, DNS …);
 * a check is one probe run against one target and produces one ProbeResult.
 */

/** Every probe kind the checker knows; the registry in `registry.ts` must have one entry per name. */
export const PROBE_TYPES = [
  'icmp',
  'tcp',
  'http',
  'dns',
  'tls',
  'sysinfo',
  'metrics',
  'agent',
  'licman',
] as const;
export type ProbeType = (typeof PROBE_TYPES)[number];

/**
 * The checks one installation can produce in a run. `http` is the request by the installation's domain
 * (usually through a proxy); `http_ip` is the same request sent straight to `ip` with the domain's Host/SNI;
 * `licman_icmp` and `licman_tcp` are the ping and the port of the installation's licence manager.
 */
export const CHECK_IDS = [
  'icmp',
  'tcp',
  'http',
  'http_ip',
  'dns',
  'tls',
  'sysinfo',
  'metrics',
  'agent',
  'licman_icmp',
  'licman_tcp',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** Check ids of earlier versions: status data that still holds them is read without them. */
export const RETIRED_CHECK_IDS = ['kodeks_xml'] as const;

import type { SysinfoFacts } from '../status/sysinfo.ts';

/** ok: works; fail: broken; unknown: could not be observed from here (never counted as down). */
export type ProbeStatus = 'ok' | 'fail' | 'unknown';

/**
 * Short machine-readable outcome codes. `OK` for success; the rest name what went wrong.
 * New codes may be added; keep them SCREAMING_SNAKE and stable (alerts and tests match on them).
 */
export type ProbeCode =
  | 'OK'
  | 'DNS_NXDOMAIN'
  | 'DNS_SERVFAIL'
  | 'DNS_REFUSED'
  | 'DNS_TIMEOUT'
  | 'DNS_NODATA'
  | 'DNS_ERROR'
  | 'CONN_REFUSED'
  | 'CONN_TIMEOUT'
  | 'CONN_RESET'
  | 'CONN_ERROR'
  | 'HOST_UNREACHABLE'
  | 'TIMEOUT'
  | 'HTTP_STATUS'
  /** The PK answers 503: its maintenance mode («режим технического обслуживания»). */
  | 'KODEKS_MAINTENANCE'
  /** The PK's page shows its «Требуется обслуживание» message (probes.http.need_support). */
  | 'KODEKS_NEED_SUPPORT'
  | 'HTTP_REDIRECT_LOOP'
  | 'HTTP_BODY_TOO_LARGE'
  | 'HTTP_ERROR'
  | 'ADDRESS_REFUSED'
  | 'TLS_EXPIRED'
  | 'TLS_EXPIRING'
  | 'TLS_NOT_YET_VALID'
  | 'TLS_HOSTNAME'
  | 'TLS_UNTRUSTED'
  | 'TLS_ERROR'
  | 'XML_INVALID'
  | 'KEY_MISSING'
  | 'KEY_UNKNOWN'
  | 'REPORT_INVALID'
  | 'REPORT_TOO_LARGE'
  | 'REPORT_STALE'
  | 'METRICS_INVALID'
  | 'METRICS_WARNING'
  | 'AUTH_FAILED'
  | 'NO_CREDENTIALS'
  | 'ICMP_LOSS'
  | 'ICMP_UNAVAILABLE'
  | 'AGENT_STALE'
  | 'AGENT_MISSING'
  | 'AGENT_INVALID'
  | 'USB_KEY_ABSENT'
  | 'USB_UNAVAILABLE'
  | 'BAD_TARGET'
  | 'SKIPPED'
  | 'INTERNAL';

/** What one check observed. `message` is Russian for people and never holds IP addresses or URLs;
 * `evidence` is for operators only (may hold addresses) and never reaches the public site. */
export interface ProbeResult {
  /** ok / fail / unknown. */
  status: ProbeStatus;
  /** Wall time of the check in milliseconds (0 when it did not run). */
  latencyMs: number;
  /** Short machine-readable outcome, e.g. DNS_NXDOMAIN. */
  code: ProbeCode;
  /** One Russian sentence for people; no addresses. */
  message: string;
  /** Operator-only details: resolved addresses, HTTP status, certificate dates, raw errors. */
  evidence?: Record<string, string | number | boolean | null>;
  /** Typed facts of a sysinfo report (the sysinfo check), kept in the status data for the next run. */
  facts?: SysinfoFacts;
  /**
   * Verdicts for alerts that one check decides on its own (sysinfo, metrics): per alert fail / ok / unknown
   * with its own Russian explanation. Alerts of the check without a finding are unknown (held as they are).
   */
  findings?: Finding[];
}

/** One alert's verdict from a check (the alert by its name in docs/errors). */
export interface Finding {
  alert: string;
  status: ProbeStatus;
  /** Russian, for people; no addresses. */
  message: string;
  /**
   * What users notice while this finding fails, for the client's status page: the row of the alert's
   * component goes `fail` (part of the PK cannot be used) or `degraded` (it works, with a limitation), with a
   * public sentence that names no database, file, path, code text or address. Absent: users notice nothing
   * yet (a licence that ends in 60 days, a report that is late).
   */
  impact?: { status: 'fail' | 'degraded'; message: string };
}
