import type { AlertName } from '../alerts/names.ts';
import type { Diagnosis } from '../status/schema.ts';
import { type Checks, type InstallationFacts, view } from './evidence.ts';
import type { Case } from './explain.ts';
import { MAINTENANCE_CASES, MAINTENANCE_TOO_LONG_CASES, NEED_SUPPORT_CASES } from './explain-kodeks.ts';
import {
  AGENT_CASES,
  FINDING_CASES,
  USB_KEY_CASES,
  XML_KEY_CASES,
  XML_STATUS_CASES,
} from './explain-licence.ts';
import { LICMAN_ICMP_CASES, LICMAN_TCP_CASES } from './explain-licman.ts';
import { DNS_CASES, HTTP200_CASES, ICMP_CASES, PROXY_CASES, TCP_CASES } from './explain-network.ts';
import { TLS_CASES } from './explain-tls.ts';
import { alertSignals } from './signals.ts';

export type { InstallationFacts } from './evidence.ts';
export {
  alertSignals,
  CHECK_COMPONENT,
  type ComponentOf,
  type ComponentReading,
  checkComponents,
  componentStatuses,
} from './signals.ts';

/**
 * The cases of each alert's cause, most specific first; the last case of each list always matches, so an
 * alert that fails always carries an explanation of its own.
 */
export const EXPLANATIONS: Partial<Record<string, readonly Case[]>> = {
  KodeksIcmp: ICMP_CASES,
  KodeksTcpStatus: TCP_CASES,
  KodeksHttp200Status: HTTP200_CASES,
  KodeksMaintenance: MAINTENANCE_CASES,
  KodeksMaintenanceToLong: MAINTENANCE_TOO_LONG_CASES,
  KodeksNeedSupport: NEED_SUPPORT_CASES,
  LicmanIcmp: LICMAN_ICMP_CASES,
  LicmanTcpStatus: LICMAN_TCP_CASES,
  KodeksDnsResolve: DNS_CASES,
  KodeksBehindProxyDown: PROXY_CASES,
  KodeksTlsCertExpiring: TLS_CASES,
  KodeksXmlStatusUnavailable: XML_STATUS_CASES,
  KodeksXmlSensLockStatus: XML_KEY_CASES,
  KodeksOfflineSensLockCheck: XML_KEY_CASES,
  ...FINDING_CASES,
  KodeksUsbKeyMissing: USB_KEY_CASES,
  KodeksAgentSilent: AGENT_CASES,
};

/** The probable cause of one alert from one run's checks (also when it does not fail: for tests). */
export function explain(
  alert: AlertName,
  checks: Checks,
  facts: InstallationFacts = {},
): Diagnosis | undefined {
  const v = view(checks, facts);
  const c = EXPLANATIONS[alert]?.find((x) => x.when(v));
  return c ? { rule: c.id, alert, ...c.say(v) } : undefined;
}

/**
 * The probable cause of every alert that fails in one run's results, each explaining itself. Pure.
 */
export function diagnose(
  checks: Checks,
  facts: InstallationFacts = {},
): Partial<Record<AlertName, Diagnosis>> {
  const out: Partial<Record<AlertName, Diagnosis>> = {};
  const failing = Object.entries(alertSignals(checks))
    .filter(([, signal]) => signal === 'fail')
    .map(([alert]) => alert as AlertName);
  // Duration alerts fail by the engine's clock, not by a check; it says which.
  failing.push(...(Object.keys(facts.sustained ?? {}) as AlertName[]));
  for (const alert of failing) {
    const d = explain(alert, checks, facts);
    if (d) out[alert] = d;
  }
  return out;
}
