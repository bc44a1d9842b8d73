/**
 * The overall state of an installation and which alerts count as downtime.
 *
 * Availability alerts — the installation cannot be used, so the time they fail is downtime in the SLA:
 * KodeksBehindProxyDown (users' address does not answer), KodeksDnsResolve (users' name does not resolve),
 * KodeksXmlSensLockStatus and KodeksUsbKeyMissing (no licence key: nothing can be opened). KodeksDirectDown
 * and KodeksIcmp count only for an installation without an http probe, where they are the only sign of
 * life; otherwise the domain path decides. Warnings (TLS, XML status, agent) never count as downtime.
 *
 * Overall state, from the alerts that fire (suppressed ones included — they are real, only not notified):
 * - under_maintenance inside an announced window;
 * - major_outage when users cannot work: the licence key is gone, or the users' path (domain: proxy or DNS)
 *   is down and the direct path (by IP) is down too or does not exist;
 * - partial_outage when one path is down but the other works (DNS down, installation open by IP — case 2);
 * - degraded_performance for warnings: certificate, XML status unavailable, agent silent;
 * - no_data when nothing could be observed this run (every check unknown);
 * - operational otherwise.
 */
import type { Config } from '../../config/schema.ts';
import type { InstallationState, OverallState } from '../../status/schema.ts';
import type { AlertName } from '../names.ts';

type Installation = Config['clients'][number]['installations'][number];

const LICENCE: AlertName[] = ['KodeksXmlSensLockStatus', 'KodeksUsbKeyMissing'];
const USERS_PATH: AlertName[] = ['KodeksBehindProxyDown', 'KodeksDnsResolve'];
const DIRECT_PATH: AlertName[] = ['KodeksDirectDown', 'KodeksIcmp'];
const WARNINGS: AlertName[] = ['KodeksTlsCertExpiring', 'KodeksXmlStatusUnavailable', 'KodeksAgentSilent'];

/** The alerts whose failing time is downtime for this installation. */
export function availabilityAlerts(inst: Installation): ReadonlySet<AlertName> {
  return new Set(
    inst.probes.http ? [...USERS_PATH, ...LICENCE] : [...USERS_PATH, ...LICENCE, ...DIRECT_PATH],
  );
}

/** True when the installation counts as down given its alerts' states (failing, from the first failure). */
export function isDown(alerts: InstallationState['alerts'], inst: Installation): boolean {
  for (const name of availabilityAlerts(inst)) {
    const a = alerts[name];
    if (a && a.state !== 'ok' && a.oks === 0 && a.fails > 0) return true;
  }
  return false;
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
  if (LICENCE.some(firing)) return 'major_outage';
  const usersDown = USERS_PATH.some(firing);
  const directDown = DIRECT_PATH.some(firing);
  if (usersDown && (directDown || !directExists)) return 'major_outage';
  if (!inst.probes.http && directDown) return 'major_outage';
  if (usersDown || directDown) return 'partial_outage';
  if (WARNINGS.some(firing)) return 'degraded_performance';
  return 'operational';
}
