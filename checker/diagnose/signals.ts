import type { AlertName, Component } from '../alerts/names.ts';
import type { CheckId, ProbeResult, ProbeStatus } from '../probes/types.ts';
import type { InstallationResults } from '../probing/types.ts';

type Checks = InstallationResults['checks'];
type Signal = 'fail' | 'ok' | 'unknown';

const AGENT_SILENT = new Set(['AGENT_STALE', 'AGENT_MISSING', 'AGENT_INVALID']);

/** Which check feeds which status-page component (shared facts). */
export const CHECK_COMPONENT: Record<CheckId, Component> = {
  icmp: 'network',
  tcp: 'network',
  http_ip: 'network',
  http: 'access',
  dns: 'dns',
  tls: 'tls',
  kodeks_xml: 'license',
  agent: 'agent',
};

/**
 * What each alert sees in one installation's results: fail raises it, ok clears it, unknown (could not be
 * observed) does neither. Alerts whose checks are not configured are absent.
 */
export function alertSignals(checks: Checks): Partial<Record<AlertName, Signal>> {
  const out: Partial<Record<AlertName, Signal>> = {};
  const { icmp, tcp, http, http_ip: httpIp, dns, tls, kodeks_xml: xml, agent } = checks;
  if (icmp) out.KodeksIcmp = icmp.status;
  const direct = [httpIp, tcp].filter((r): r is ProbeResult => r !== undefined);
  if (direct.length > 0) out.KodeksDirectDown = worst(direct.map((r) => r.status));
  if (dns) out.KodeksDnsResolve = dns.status;
  if (http) out.KodeksBehindProxyDown = http.status;
  if (tls) out.KodeksTlsCertExpiring = tls.status;
  if (xml) {
    const keyMissing = xml.status === 'fail' && xml.code === 'KEY_MISSING';
    out.KodeksXmlStatusUnavailable = xml.status === 'fail' ? (keyMissing ? 'ok' : 'fail') : xml.status;
    // When the document cannot be read, the key state is not known.
    out.KodeksXmlSensLockStatus = keyMissing ? 'fail' : xml.status === 'ok' ? 'ok' : 'unknown';
  }
  if (agent) {
    const silent = agent.status === 'fail' && AGENT_SILENT.has(agent.code);
    out.KodeksAgentSilent = silent
      ? 'fail'
      : agent.status === 'unknown' && agent.code !== 'USB_UNAVAILABLE'
        ? 'unknown'
        : 'ok';
    out.KodeksUsbKeyMissing =
      agent.code === 'USB_KEY_ABSENT' ? 'fail' : agent.status === 'ok' ? 'ok' : 'unknown';
  }
  return out;
}

/**
 * Status per component: fail when any of its checks fails, else ok when any is ok, else unknown. (An
 * unobservable check, such as ping from a runner without ICMP, does not hide what the others saw.)
 */
export function componentStatuses(checks: Checks): Partial<Record<Component, Signal>> {
  const out: Partial<Record<Component, Signal>> = {};
  for (const [check, result] of Object.entries(checks) as [CheckId, ProbeResult | undefined][]) {
    if (!result) continue;
    const c = CHECK_COMPONENT[check];
    out[c] = out[c] === undefined ? result.status : worst([out[c], result.status]);
  }
  return out;
}

function worst(statuses: ProbeStatus[]): Signal {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.includes('ok')) return 'ok';
  return 'unknown';
}
