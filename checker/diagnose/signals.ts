import { type AlertName, type Component, isAlertName } from '../alerts/names.ts';
import type { CheckId, Finding, ProbeResult, ProbeStatus } from '../probes/types.ts';
import type { InstallationResults } from '../probing/types.ts';
import { answered, outcomeOf, type PathOutcome } from './evidence.ts';

type Checks = InstallationResults['checks'];
type Signal = 'fail' | 'ok' | 'unknown';

const AGENT_SILENT = new Set(['AGENT_STALE', 'AGENT_MISSING', 'AGENT_INVALID']);
/** Codes of a sysinfo check that did read a report (fresh, or kept from an earlier run). */
const REPORT_READ = new Set(['OK', 'KEY_MISSING', 'KEY_UNKNOWN', 'REPORT_STALE']);

/** Which status-page component a check speaks for first (shared facts). */
export const CHECK_COMPONENT: Record<CheckId, Component> = {
  icmp: 'network',
  tcp: 'network',
  http_ip: 'network',
  http: 'access',
  dns: 'dns',
  tls: 'tls',
  sysinfo: 'license',
  metrics: 'access',
  agent: 'agent',
  licman_icmp: 'license',
  licman_tcp: 'license',
};

/**
 * What each alert sees in one installation's results: fail raises it, ok clears it, unknown (could not be
 * observed) does neither. Alerts whose checks are not configured are absent.
 *
 * The PK's own address is asked for its main page by `http_ip` when the installation has an ip, else by
 * `http`: that page says whether the port takes connections (KodeksTcpStatus, with the tcp check), whether
 * the page answers 200 (KodeksHttp200Status), whether the PK is in maintenance mode (KodeksMaintenance, 503)
 * or asks for service (KodeksNeedSupport). KodeksBehindProxyDown is the users' path by name: it fails unless
 * the name works, or the name shows a state of the PK itself that its own alert already reports.
 */
export function alertSignals(checks: Checks): Partial<Record<AlertName, Signal>> {
  const out: Partial<Record<AlertName, Signal>> = {};
  const { icmp, tcp, http, http_ip: httpIp, dns, tls, sysinfo, metrics, agent } = checks;
  const page = httpIp ?? http;
  const pageSays = outcomeOf(page);
  if (icmp) out.KodeksIcmp = icmp.status;
  const port = [tcp ? portOf(outcomeOf(tcp)) : undefined, page ? portOf(pageSays) : undefined].filter(
    (x): x is Signal => x !== undefined,
  );
  if (port.length > 0) out.KodeksTcpStatus = worst(port);
  if (page) {
    out.KodeksHttp200Status = pageSays ? HTTP200[pageSays] : 'unknown';
    out.KodeksMaintenance = pageSays === 'maintenance' ? 'fail' : gotPage(pageSays) ? 'ok' : 'unknown';
    const both = [outcomeOf(httpIp), outcomeOf(http)].filter((o): o is PathOutcome => o !== undefined);
    out.KodeksNeedSupport = both.includes('need_support') ? 'fail' : both.some(gotPage) ? 'ok' : 'unknown';
  }
  if (dns) out.KodeksDnsResolve = dns.status;
  if (http) {
    const byName = outcomeOf(http);
    // The name shows the PK's own state (maintenance, «service required»): that alert says it, not this one.
    const ownState =
      byName === 'need_support' || (byName === 'maintenance' && out.KodeksMaintenance === 'fail');
    out.KodeksBehindProxyDown = ownState ? 'ok' : http.status;
  }
  // A certificate that could not be fetched (no connection, no name) is not known to be bad.
  if (tls) out.KodeksTlsCertExpiring = tls.status === 'fail' && !isTlsVerdict(tls) ? 'unknown' : tls.status;
  // The sysinfo and metrics checks decide their alerts themselves (checker/sysinfo/judge.ts, probes/metrics.ts);
  // an alert of theirs without a finding this run is unknown (held as it is).
  for (const r of [sysinfo, metrics])
    for (const f of r?.findings ?? []) if (isAlertName(f.alert)) out[f.alert] = f.status;
  if (sysinfo && !sysinfo.findings) {
    // A result without findings (skipped, or recorded by an earlier version) says only what its code says.
    out.KodeksXmlSensLockStatus =
      sysinfo.code === 'KEY_MISSING' ? 'fail' : sysinfo.status === 'ok' ? 'ok' : 'unknown';
  }
  if (sysinfo) {
    // No report could be read this run (fetch, parse, or the agent's report): the report is unavailable.
    // The agent's own alerts speak when its report is missing or refused (KodeksAgentSilent).
    out.KodeksXmlStatusUnavailable =
      sysinfo.code === 'SKIPPED' || sysinfo.code.startsWith('AGENT_')
        ? 'unknown'
        : REPORT_READ.has(sysinfo.code)
          ? 'ok'
          : 'fail';
  }
  if (agent) {
    const silent = agent.status === 'fail' && AGENT_SILENT.has(agent.code);
    out.KodeksAgentSilent = silent
      ? 'fail'
      : agent.status === 'unknown' && agent.code !== 'USB_UNAVAILABLE'
        ? 'unknown'
        : 'ok';
    // One key, one alert (issue 17.4): with a sysinfo probe the key is the sysinfo alert's, and what the agent
    // sees on USB is that alert's cause; KodeksUsbKeyMissing speaks only where the agent alone watches the key.
    out.KodeksUsbKeyMissing = sysinfo
      ? 'ok'
      : agent.code === 'USB_KEY_ABSENT'
        ? 'fail'
        : agent.status === 'ok'
          ? 'ok'
          : 'unknown';
  }
  if (checks.licman_icmp) out.LicmanIcmp = checks.licman_icmp.status;
  if (checks.licman_tcp) out.LicmanTcpStatus = checks.licman_tcp.status;
  return out;
}

/** Whether an HTTP answer came back (a page the PK's state can be read from). */
function gotPage(o: PathOutcome | undefined): boolean {
  return o === 'ok' || o === 'http_status' || o === 'maintenance' || o === 'need_support';
}

/** Whether a check shows the port taking connections: silence or a refusal says no, any answer says yes. */
function portOf(o: PathOutcome | undefined): Signal {
  if (o === 'silent' || o === 'refused') return 'fail';
  return answered(o) ? 'ok' : 'unknown';
}

/** KodeksHttp200Status by what the main page showed: only an answer that is not the PK's own state fails. */
const HTTP200: Record<PathOutcome, Signal> = {
  ok: 'ok',
  http_status: 'fail',
  no_answer: 'fail',
  reset: 'fail',
  protocol: 'fail',
  maintenance: 'ok',
  need_support: 'ok',
  silent: 'unknown',
  refused: 'unknown',
  dns: 'unknown',
  unknown: 'unknown',
};

/** One status-page row as a check sees it. */
export interface ComponentReading {
  /**
   * maintenance: the PK reports its maintenance mode (shown as maintenance, never as a failure); degraded:
   * it works with a limitation users notice (old operups, all seats taken).
   */
  status: Signal | 'maintenance' | 'degraded';
  /** Russian, public: what the row says (never addresses). */
  message: string;
}

/** Which status-page row an alert belongs to (its runbook's `component`). */
export type ComponentOf = (alert: AlertName) => Component | undefined;

/** Public sentences of a row read from findings that are not failing (no report text reaches the page). */
const FINDING_ROW_OK = 'Сервер ПК не сообщает о неполадках.';
const FINDING_ROW_UNKNOWN = 'Сервер ПК не сообщил о состоянии в своём отчёте.';

/**
 * The rows of a check that decides its alerts itself (sysinfo, metrics): each finding speaks for its alert's
 * row — a failing one as what users notice (Finding.impact: fail or degraded; a failure users do not notice
 * yet leaves the row working), the others as ok or unknown. The texts are public ones, never the finding's own
 * message, which names databases, files and catalogs for the manager.
 */
function findingComponents(
  findings: readonly Finding[],
  componentOf: ComponentOf,
): [Component, ComponentReading][] {
  const out: [Component, ComponentReading][] = [];
  for (const f of findings) {
    const c = isAlertName(f.alert) ? componentOf(f.alert) : undefined;
    if (!c) continue;
    if (f.status === 'fail' && f.impact)
      out.push([c, { status: f.impact.status, message: f.impact.message }]);
    else if (f.status === 'unknown') out.push([c, { status: 'unknown', message: FINDING_ROW_UNKNOWN }]);
    else out.push([c, { status: 'ok', message: FINDING_ROW_OK }]);
  }
  return out;
}

/**
 * The rows one check speaks for. A check by ip that got any answer from the host (a refusal, an HTTP error,
 * an open port that never answers) proves the network works: the failure is the service's, so it is shown
 * under «Доступ», not «Сеть». A certificate or key state that could not be read is unknown, not a failure.
 */
export function checkComponents(
  id: CheckId,
  r: ProbeResult,
  componentOf?: ComponentOf,
): [Component, ComponentReading][] {
  if (r.findings && componentOf) return findingComponents(r.findings, componentOf);
  const own = CHECK_COMPONENT[id];
  const as = (status: ComponentReading['status']): [Component, ComponentReading][] => [
    [own, { status, message: r.message }],
  ];
  if (r.status !== 'fail') return as(r.status);
  const outcome = outcomeOf(r);
  const service: ComponentReading['status'] = outcome === 'maintenance' ? 'maintenance' : 'fail';
  switch (id) {
    case 'tcp':
    case 'http_ip':
      if (outcome === 'dns') return [['dns', { status: 'fail', message: r.message }]];
      if (outcome === 'silent' || outcome === 'unknown') return as('fail');
      return [
        ['network', { status: 'ok', message: 'Сервер доступен по сети.' }],
        ['access', { status: service, message: r.message }],
      ];
    case 'http':
      return as(service);
    case 'tls':
      return as(isTlsVerdict(r) ? 'fail' : 'unknown');
    case 'sysinfo':
      return as(r.code === 'KEY_MISSING' ? 'fail' : 'unknown');
    default:
      return as('fail');
  }
}

/**
 * Status per component: fail when any of its readings fails, else ok when any is ok, else unknown (an
 * unobservable check, such as ping from a runner without ICMP, does not hide what the others saw). The
 * message is that of the first reading with the row's status.
 */
export function componentStatuses(
  checks: Checks,
  componentOf?: ComponentOf,
): Partial<Record<Component, ComponentReading>> {
  const out: Partial<Record<Component, ComponentReading>> = {};
  for (const [check, result] of Object.entries(checks) as [CheckId, ProbeResult | undefined][]) {
    if (!result) continue;
    for (const [c, reading] of checkComponents(check, result, componentOf)) {
      const cur = out[c];
      if (!cur || rank(reading.status) > rank(cur.status)) out[c] = reading;
    }
  }
  return out;
}

function isTlsVerdict(r: ProbeResult): boolean {
  return r.code.startsWith('TLS_');
}

function rank(s: ComponentReading['status']): number {
  return s === 'fail' ? 4 : s === 'degraded' ? 3 : s === 'maintenance' ? 2 : s === 'ok' ? 1 : 0;
}

function worst(statuses: ProbeStatus[]): Signal {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.includes('ok')) return 'ok';
  return 'unknown';
}
