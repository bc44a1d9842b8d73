/**
 * Shapes shared by every probe. A probe is one kind of look at an installation (ping, HTTP, DNS …);
 * a check is one probe run against one target and produces one ProbeResult.
 */

/** Every probe kind the checker knows; the registry in `registry.ts` must have one entry per name. */
export const PROBE_TYPES = ['icmp', 'tcp', 'http', 'dns', 'tls', 'kodeks_xml', 'agent'] as const;
export type ProbeType = (typeof PROBE_TYPES)[number];

/**
 * The checks one installation can produce in a run. `http` is the request by the installation's domain
 * (usually through a proxy); `http_ip` is the same request sent straight to `ip` with the domain's Host/SNI.
 */
export const CHECK_IDS = ['icmp', 'tcp', 'http', 'http_ip', 'dns', 'tls', 'kodeks_xml', 'agent'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

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
  | 'XML_NOT_FOUND'
  | 'KEY_MISSING'
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
}
