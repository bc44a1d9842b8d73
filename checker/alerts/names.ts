/**
 * Every alert the checker can raise. Each one has exactly one runbook, `docs/errors/<AlertName>.md`;
 * `catalog.test.ts` fails when a name here has no doc or a doc names an alert not listed here.
 */
export const ALERT_NAMES = [
  'KodeksIcmp',
  'KodeksDnsResolve',
  'KodeksBehindProxyDown',
  'KodeksTlsCertExpiring',
  'KodeksXmlStatusUnavailable',
  'KodeksXmlSensLockStatus',
  'KodeksUsbKeyMissing',
  'KodeksAgentSilent',
  'SmartCheckerOffline',
  'SmartCheckerStale',
  'KodeksDBerrorsNoCode',
  'KodeksDBerrorsNoCodeCount',
  'KodeksDBerrorsCode2007',
  'KodeksDBerrorsCode2007Count',
  'KodeksDBerrorsCodeXXX',
  'KodeksDBerrorsCodeXXXCount',
  'KodeksDBOperUpToOld',
  'KodeksDBOperUpToOldCount',
  'KodeksLicenseExpiring2day',
  'KodeksLicenseExpiring7day',
  'KodeksLicenseExpiring90day',
  'KodeksLimitsUsers',
  'KodeksDBLicensesZero',
  'KodeksOfflineSensLockCheck',
  'KodeksWarning',
  'SmartXMLfileIsToOld',
  'KodeksTcpStatus',
  'KodeksTcpStatusCount',
  'KodeksHttp200Status',
  'KodeksHttp200StatusCount',
  'KodeksIcmpCount',
  'KodeksMaintenance',
  'KodeksMaintenanceCount',
  'KodeksNeedSupport',
  'KodeksMaintenanceToLong',
  'KodeksMaintenanceToLongCount',
  'LicmanIcmp',
  'LicmanTcpStatus',
] as const;

/** The name of an alert, written exactly as its runbook's file name. */
export type AlertName = (typeof ALERT_NAMES)[number];

/**
 * Alerts the checker no longer raises, and the alert that took over each: stored status data that names one
 * is read as the new name, and the site serves the old runbook URL as an alias of the new one.
 */
export const RETIRED_ALERTS: Readonly<Record<string, AlertName>> = {
  // Its two failures are SMART's two alerts: the port (KodeksTcpStatus) and the main page (KodeksHttp200Status).
  KodeksDirectDown: 'KodeksTcpStatus',
};

/** True when `name` is an alert the checker can raise. */
export function isAlertName(name: string): name is AlertName {
  return (ALERT_NAMES as readonly string[]).includes(name);
}

/**
 * SMART's «важность» of an alert: critical (someone acts now) or info (for the record, working hours).
 * It replaced the older critical | warning | info `severity`; how soon to act is the `priority` К1…К5.
 */
export const IMPORTANCES = ['critical', 'info'] as const;
export type Importance = (typeof IMPORTANCES)[number];

/** SMART's priorities К1 (highest) … К5 (lowest). */
export const PRIORITIES = [1, 2, 3, 4, 5] as const;
export type Priority = (typeof PRIORITIES)[number];

/** What part of an installation an alert is about; the status page shows one row per component. */
export const COMPONENTS = [
  'network',
  'access',
  'dns',
  'tls',
  'license',
  'database',
  'agent',
  'checker',
] as const;
export type Component = (typeof COMPONENTS)[number];

/** SMART's nine sections of the alert catalog, in SMART's order; the /docs/errors/ index groups by them. */
export const SECTIONS = [
  'db',
  'network',
  'online',
  'availability',
  'licman',
  'senselock',
  'license',
  'users',
  'other',
] as const;
export type Section = (typeof SECTIONS)[number];

/** Who raises an alert: this project's checker, or SMART's own analytics (documented here only). */
export const RAISERS = ['checker', 'smart'] as const;
export type RaisedBy = (typeof RAISERS)[number];

/** Where SMART takes the data of an alert it raises itself. */
export const SMART_SOURCES = ['online-billing', 'activity', 'admin', 'registry', 'sysinfo'] as const;
export type SmartSource = (typeof SMART_SOURCES)[number];
