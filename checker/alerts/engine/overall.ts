/**
 * The overall state of an installation and which alerts count as downtime.
 *
 * Availability alerts — the installation cannot be used, so the time they fail is downtime in the SLA:
 * KodeksBehindProxyDown (users' address does not answer), KodeksDnsResolve (users' name does not resolve),
 * KodeksXmlSensLockStatus and KodeksUsbKeyMissing (no licence key: nothing can be opened), KodeksNeedSupport
 * (the PK itself says it cannot serve) and KodeksMaintenanceToLong (maintenance mode past its threshold).
 * KodeksTcpStatus and KodeksIcmp count only for an installation without an http probe, where they are the
 * only sign of life; otherwise the domain path decides. Warnings (TLS, XML status, agent, licence manager)
 * never count as downtime.
 *
 * The PK's own maintenance mode (KodeksMaintenance, HTTP 503) is maintenance time, not downtime, until
 * KodeksMaintenanceToLong fires (docs/decisions.md, «Maintenance mode»).
 *
 * Overall state, from the alerts that fire (suppressed ones included — they are real, only not notified):
 * - under_maintenance inside an announced window, or while the PK reports maintenance mode;
 * - major_outage when users cannot work: the licence key is gone, the PK asks for service or has been in
 *   maintenance too long, or the users' path (domain: proxy or DNS) is down and the direct path (by IP) is
 *   down too or does not exist;
 * - partial_outage when one path is down but the other works (DNS down, installation open by IP — case 2);
 * - degraded_performance for warnings: certificate, XML status unavailable, agent silent, licence manager;
 * - no_data when nothing could be observed this run (every check unknown);
 * - operational otherwise.
 * What the server's own report says users notice (Finding.impact: a database licence expired, database
 * errors, old operups, all seats taken) makes an installation that is otherwise operational or degraded a
 * partial outage (part of the PK cannot be used) or degraded, so the headline agrees with the rows below it.
 */
import type { Config } from '../../config/schema.ts';
import type { InstallationState, OverallState } from '../../status/schema.ts';
import type { AlertName } from '../names.ts';
import type { Checks } from './types.ts';

type Installation = Config['clients'][number]['installations'][number];

const LICENCE: AlertName[] = ['KodeksXmlSensLockStatus', 'KodeksUsbKeyMissing'];
const USERS_PATH: AlertName[] = ['KodeksBehindProxyDown', 'KodeksDnsResolve'];
/** The PK answers, but says users cannot work. */
const PK_DOWN: AlertName[] = ['KodeksNeedSupport', 'KodeksMaintenanceToLong'];
const DIRECT_PATH: AlertName[] = ['KodeksTcpStatus', 'KodeksHttp200Status', 'KodeksIcmp'];
const WARNINGS: AlertName[] = [
  'KodeksTlsCertExpiring',
  'KodeksXmlStatusUnavailable',
  'KodeksAgentSilent',
  'LicmanIcmp',
  'LicmanTcpStatus',
];
const MAINTENANCE_MODE: AlertName = 'KodeksMaintenance';

/** The alerts whose failing time is downtime for this installation. */
export function availabilityAlerts(inst: Installation): ReadonlySet<AlertName> {
  const base = [...USERS_PATH, ...LICENCE, ...PK_DOWN];
  return new Set(inst.probes.http ? base : [...base, ...DIRECT_PATH]);
}

/** An alert that is failing now (pending or firing, not yet recovering): counted from its first failure. */
function failing(alerts: InstallationState['alerts'], name: AlertName): boolean {
  const a = alerts[name];
  return Boolean(a && a.state !== 'ok' && a.oks === 0 && a.fails > 0);
}

/** True when the installation counts as down given its alerts' states (failing, from the first failure). */
export function isDown(alerts: InstallationState['alerts'], inst: Installation): boolean {
  for (const name of availabilityAlerts(inst)) if (failing(alerts, name)) return true;
  return false;
}

/** True while the PK reports its own maintenance mode (counted as maintenance time, not as down). */
export function inMaintenanceMode(alerts: InstallationState['alerts']): boolean {
  return failing(alerts, MAINTENANCE_MODE);
}

/** The overall state shown on the status page. */
export function overallState(
  alerts: InstallationState['alerts'],
  inst: Installation,
  inMaintenance: boolean,
  observed = true,
): OverallState {
  if (inMaintenance) return 'under_maintenance';
  if (!observed) return 'no_data';
  const firing = (n: AlertName) => alerts[n]?.state === 'firing';
  const directExists = Boolean(inst.ip || inst.probes.tcp);
  if (LICENCE.some(firing) || PK_DOWN.some(firing)) return 'major_outage';
  if (firing(MAINTENANCE_MODE)) return 'under_maintenance';
  const usersDown = USERS_PATH.some(firing);
  const directDown = DIRECT_PATH.some(firing);
  if (usersDown && (directDown || !directExists)) return 'major_outage';
  if (!inst.probes.http && directDown) return 'major_outage';
  if (usersDown || directDown) return 'partial_outage';
  if (WARNINGS.some(firing)) return 'degraded_performance';
  return 'operational';
}

/** The worst impact that this run's failing findings (sysinfo, metrics) say users notice. */
export function findingImpact(checks: Checks): 'fail' | 'degraded' | undefined {
  let worst: 'fail' | 'degraded' | undefined;
  for (const r of Object.values(checks))
    for (const f of r?.findings ?? []) {
      // The key's own alerts decide the state, after their `for` (LICENCE above).
      if (f.status !== 'fail' || !f.impact || (LICENCE as string[]).includes(f.alert)) continue;
      if (f.impact.status === 'fail') return 'fail';
      worst = 'degraded';
    }
  return worst;
}

/** The overall state raised by what the findings say users notice (never lowered, never over an outage). */
export function withImpact(state: OverallState, impact: 'fail' | 'degraded' | undefined): OverallState {
  if (!impact || (state !== 'operational' && state !== 'degraded_performance')) return state;
  return impact === 'fail' ? 'partial_outage' : 'degraded_performance';
}
