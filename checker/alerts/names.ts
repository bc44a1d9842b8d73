/**
 * Every alert the checker can raise. Each one has exactly one runbook, `docs/errors/<AlertName>.md`;
 * `catalog.test.ts` fails when a name here has no doc or a doc names an alert not listed here.
 */
export const ALERT_NAMES = [
  'KodeksIcmp',
  'KodeksDirectDown',
  'KodeksDnsResolve',
  'KodeksBehindProxyDown',
  'KodeksTlsCertExpiring',
  'KodeksXmlStatusUnavailable',
  'KodeksXmlSensLockStatus',
  'KodeksUsbKeyMissing',
  'KodeksAgentSilent',
  'SmartCheckerOffline',
  'SmartCheckerStale',
] as const;

/** The name of an alert, written exactly as its runbook's file name. */
export type AlertName = (typeof ALERT_NAMES)[number];

/** True when `name` is an alert the checker can raise. */
export function isAlertName(name: string): name is AlertName {
  return (ALERT_NAMES as readonly string[]).includes(name);
}

/** Severities, most urgent first. */
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What part of an installation an alert is about; the status page shows one row per component. */
export const COMPONENTS = ['network', 'access', 'dns', 'tls', 'license', 'agent', 'checker'] as const;
export type Component = (typeof COMPONENTS)[number];
