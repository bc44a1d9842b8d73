/**
 * One installation in one run: account the time since its previous check, advance each alert's state machine
 * (parents first, so suppression sees this run's parents), open and close incidents, and build its new state.
 * Firing notifications are returned as candidates: the caller groups them per hosting before emitting.
 */
import type { Config } from '../../config/schema.ts';
import type { ComponentReading, InstallationFacts } from '../../diagnose/index.ts';
import type { CheckId } from '../../probes/types.ts';
import { type Segment, segmentInterval, type Window } from '../../sla/accounting.ts';
import { dayStart, localDay } from '../../sla/time.ts';
import type { AlertState, CheckState, Diagnosis, InstallationState } from '../../status/schema.ts';
import type { Catalog } from '../catalog.ts';
import { SUSTAINED, type SustainedRule } from '../derived.ts';
import type { AlertName, Component, Importance } from '../names.ts';
import type { AlertEvent, ProbeEvidence } from './events.ts';
import type { HistoryBook } from './history.ts';
import { type IncidentBook, incidentId } from './incidents.ts';
import { OK_STATE, parentsFirst, stepAlert } from './machine.ts';
import {
  availabilityAlerts,
  findingImpact,
  inMaintenanceMode,
  isDown,
  overallState,
  withImpact,
} from './overall.ts';
import type { Checks, EngineRules, Signal } from './types.ts';

type Client = Config['clients'][number];
type Installation = Client['installations'][number];

/** The longest gap accounted as no data (older months are left as they are). */
export const MAX_GAP_MS = 400 * 86_400_000;

/** A firing notification before hosting-wide grouping. */
export interface FiringCandidate {
  client: string;
  installation: string;
  hosting?: string;
  alert: AlertName;
  importance: Importance;
  since: string;
  incident: string;
  diagnosis?: Diagnosis;
  evidence?: ProbeEvidence[];
}

/**
 * The failing checks of an alert's probe (`http` covers http and http_ip; the sysinfo alerts read the XML
 * status check): what the runbook branches on, for the message.
 */
export function probeEvidence(checks: Checks, probe: string | undefined): ProbeEvidence[] {
  if (!probe) return [];
  const ids = probe === 'sysinfo' ? ['sysinfo', 'kodeks_xml'] : [probe];
  const out: ProbeEvidence[] = [];
  for (const [check, r] of Object.entries(checks)) {
    if (r?.status !== 'fail' || !ids.some((id) => check === id || check.startsWith(`${id}_`))) continue;
    const validTo = r.evidence?.valid_to;
    const status = r.evidence?.http_status;
    out.push({
      check,
      code: r.code,
      ...(typeof validTo === 'string' ? { valid_to: validTo } : {}),
      ...(typeof status === 'number' ? { http_status: status } : {}),
    });
  }
  return out;
}

/** Everything one installation's step needs. */
export interface InstallationStep {
  client: Client;
  inst: Installation;
  prev?: InstallationState;
  checks: Checks;
  /** Run time, ISO and ms. */
  at: string;
  atMs: number;
  intervalMs: number;
  remindEveryMs: number;
  tz: string;
  /** This installation's maintenance windows. */
  windows: readonly Window[];
  networkOk: boolean;
  /** Why no vantage observed the installation in this run (its state is held, the run is no data). */
  unobserved?: string;
  /** What the diagnosis may name about the installation (its hosting's title, whether it has an ip). */
  facts: InstallationFacts;
  /** Fleet-wide alert settings (installations.yaml `alerts:`): duration thresholds. */
  fleet: Config['alerts'];
  catalog: Catalog;
  rules: EngineRules;
  history: HistoryBook;
  incidents: IncidentBook;
}

/** Advances one installation; returns its new state, events and firing candidates. */
export function stepInstallation(s: InstallationStep): {
  state?: InstallationState;
  events: AlertEvent[];
  firing: FiringCandidate[];
} {
  const { prev, at, atMs, inst, client } = s;
  const inMaintenance = s.windows.some((w) => w.start <= atMs && atMs < w.end);
  s.history.account(client.id, inst.id, s.tz, accountSince(s));
  if (!s.networkOk) {
    // The checker could not see the network: nothing about the client changes, the time is no data.
    return { state: prev ? { ...prev, checked_at: at } : undefined, events: [], firing: [] };
  }
  if (s.unobserved !== undefined) {
    // Nobody looked this run (a shard's results did not arrive): hold everything, say «no data».
    if (!prev) return { events: [], firing: [] };
    const state: InstallationState = {
      ...prev,
      overall: inMaintenance ? 'under_maintenance' : 'no_data',
      checked_at: at,
      unobserved: {
        since: prev.unobserved?.since ?? at,
        last_seen: prev.unobserved?.last_seen ?? prev.checked_at,
        reason: s.unobserved,
      },
    };
    return { state, events: [], firing: [] };
  }

  const events: AlertEvent[] = [];
  const firing: FiringCandidate[] = [];
  const sustained = sustainedSignals(s, s.rules.alertSignals(s.checks));
  const signals = sustained.signals;
  const diagnoses = s.rules.diagnose(s.checks, { ...s.facts, sustained: sustained.failing });
  const alerts: Partial<Record<AlertName, AlertState>> = {};
  // Mass alerts are not per installation: the run as a whole raises them (advance.ts).
  const clientAlerts = [...s.catalog.values()]
    .filter((e) => e.probe !== 'checker' && e.count_of === undefined)
    .map((e) => e.alert);
  const order = parentsFirst(clientAlerts, (n) => s.catalog.get(n)?.suppressed_by ?? []);

  for (const name of order) {
    const entry = s.catalog.get(name)!;
    const override = inst.alerts?.[name];
    const before = prev?.alerts[name] ?? OK_STATE;
    if (override?.disabled) {
      if (before.incident) s.incidents.patch(before.incident, { resolved_at: at });
      continue;
    }
    const step = stepAlert(
      before,
      signals[name] ?? 'ok',
      { for: override?.for ?? entry.for, resolveAfter: override?.resolve_after ?? entry.resolve_after },
      at,
    );
    const a: AlertState = { ...step.next };
    const diagnosis = signals[name] === 'fail' ? diagnoses[name] : undefined;
    // Each alert keeps its own cause, from the latest run in which it failed.
    if (a.state === 'ok') delete a.diagnosis;
    else if (diagnosis) a.diagnosis = diagnosis;
    else if (before.diagnosis) a.diagnosis = before.diagnosis;
    const parentsActive = entry.suppressed_by.some((p) => (alerts[p]?.state ?? 'ok') !== 'ok');
    const evidence = probeEvidence(s.checks, 'probe' in entry ? entry.probe : undefined);
    const target = {
      client: client.id,
      installation: inst.id,
      ...(inst.hosting ? { hosting: inst.hosting } : {}),
    };

    if (step.transition === 'fired') {
      a.suppressed = parentsActive;
      a.incident = incidentId(a.since!, client.id, inst.id, name);
      s.incidents.open({
        id: a.incident,
        client: client.id,
        installation: inst.id,
        alert: name,
        importance: entry.importance,
        started_at: a.since!,
        fired_at: at,
        ...(a.diagnosis ? { diagnosis: a.diagnosis } : {}),
        client_visible: entry.client_visible,
        suppressed: parentsActive,
        maintenance: inMaintenance,
      });
    }
    if (step.transition === 'resolved' && before.incident) {
      const incident = s.incidents.get(before.incident);
      s.incidents.patch(before.incident, { resolved_at: at });
      // Held back or muted by maintenance: it resolves as silently as it fired.
      if (before.notified_at && !inMaintenance) {
        events.push({
          kind: 'resolved',
          ...target,
          alert: name,
          importance: entry.importance,
          since: before.since ?? at,
          at,
          durationMs: atMs - Date.parse(before.since ?? at),
          incident: before.incident,
          ...(incident?.group ? { group: incident.group } : {}),
          ...(incident?.mass ? { mass: incident.mass } : {}),
        });
      }
    }
    if (a.state === 'firing' && a.incident && a.diagnosis) {
      // The open incident says what is known now (the page shows it), not only what was known when it began.
      const open = s.incidents.get(a.incident);
      if (open && !sameDiagnosis(open.diagnosis, a.diagnosis))
        s.incidents.patch(a.incident, { diagnosis: a.diagnosis });
    }
    if (a.state === 'firing') {
      if (!a.notified_at && !parentsActive && !inMaintenance) {
        // Fires now: just crossed `for`, or its parent resolved while it still fails, or maintenance ended.
        a.suppressed = false;
        a.notified_at = at;
        // Announced now, it is no longer part of a maintenance window (it outlasted it, or fired after it).
        if (a.incident) s.incidents.patch(a.incident, { suppressed: false, maintenance: false });
        firing.push({
          ...target,
          alert: name,
          importance: entry.importance,
          since: a.since ?? at,
          incident: a.incident ?? incidentId(a.since ?? at, client.id, inst.id, name),
          ...(a.diagnosis ? { diagnosis: a.diagnosis } : {}),
          ...(evidence.length ? { evidence } : {}),
        });
      } else if (a.notified_at && !inMaintenance && atMs - Date.parse(a.notified_at) >= s.remindEveryMs) {
        a.notified_at = at;
        const open = a.incident ? s.incidents.get(a.incident) : undefined;
        const group = open?.group;
        events.push({
          kind: 'reminder',
          ...target,
          alert: name,
          importance: entry.importance,
          since: a.since ?? at,
          at,
          incident: a.incident ?? '',
          ...(a.diagnosis ? { diagnosis: a.diagnosis } : {}),
          ...(evidence.length ? { evidence } : {}),
          ...(group ? { group } : {}),
          ...(open?.mass ? { mass: open.mass } : {}),
        });
      } else if (!a.notified_at) a.suppressed = parentsActive;
    }
    // Alerts at rest are not stored: the state file lists only what is pending or firing.
    if (a.state !== 'ok' || a.fails > 0) alerts[name] = a;
  }

  const readings = s.rules.componentStatuses(s.checks, (n) => s.catalog.get(n)?.component);
  const failedComponents = (Object.keys(readings) as Component[]).filter(
    (c) => readings[c]?.status === 'fail',
  );
  const availability = availabilityAlerts(inst);
  s.history.countRun(client.id, inst.id, s.tz, atMs, {
    failed: [...availability].some((n) => signals[n] === 'fail'),
    failedComponents,
    httpLatencyMs: s.checks.http?.status === 'ok' ? s.checks.http.latencyMs : undefined,
  });

  const state: InstallationState = {
    overall: withImpact(
      overallState(
        alerts,
        inst,
        inMaintenance,
        Object.values(s.checks).some((r) => r && r.status !== 'unknown'),
      ),
      findingImpact(s.checks),
    ),
    checked_at: at,
    components: componentsState(s, readings),
    checks: checksState(s),
    alerts,
  };
  return { state, events, firing };
}

/**
 * The signals of this run with those of the duration alerts added: a duration alert fails while the alert
 * it measures has been failing for at least its threshold in a row (counted from that alert's first failed
 * check, kept in the previous state), is unknown while that alert cannot be observed, and is ok otherwise.
 */
function sustainedSignals(
  s: InstallationStep,
  base: Partial<Record<AlertName, Signal>>,
): { signals: Partial<Record<AlertName, Signal>>; failing: Partial<Record<AlertName, number>> } {
  const signals = { ...base };
  const failing: Partial<Record<AlertName, number>> = {};
  for (const [name, rule] of Object.entries(SUSTAINED) as [AlertName, SustainedRule][]) {
    const source = base[rule.of];
    if (source === undefined || !s.catalog.has(name)) continue;
    const afterMs = s.inst.alerts?.[name]?.after ?? s.fleet[name]?.after ?? rule.afterMs;
    if (source !== 'fail') {
      signals[name] = source;
      continue;
    }
    const before = s.prev?.alerts[rule.of];
    const since = before && before.state !== 'ok' && before.since ? Date.parse(before.since) : s.atMs;
    signals[name] = s.atMs - since >= afterMs ? 'fail' : 'ok';
    if (signals[name] === 'fail') failing[name] = afterMs;
  }
  return { signals, failing };
}

/** The time since the previous check, as segments to account. */
function accountSince(s: InstallationStep): Segment[] {
  const { prev, atMs, tz } = s;
  if (!prev) {
    // First sight of this installation: the earlier part of today was not observed.
    if (!s.networkOk || s.unobserved !== undefined) return [];
    return segmentInterval(dayStart(localDay(atMs, tz), tz), atMs, 'no_data', [], s.windows);
  }
  const prevMs = Date.parse(prev.checked_at);
  // The previous run saw nothing of it: its state then was «no data», and that holds until this run.
  if (!s.networkOk || prev.unobserved || atMs - prevMs > 3 * s.intervalMs)
    // A very long silence is recorded only as far back as the history files the cycle loads.
    return segmentInterval(Math.max(prevMs, atMs - MAX_GAP_MS), atMs, 'no_data', [], s.windows);
  const downComponents = (Object.keys(prev.components) as Component[]).filter(
    (c) => prev.components[c]?.status === 'fail',
  );
  // The state at the previous check holds until this one: downtime runs from the first failed check, and a
  // check inside announced maintenance holds maintenance until the next check — the minutes between the end
  // of the window and the first check after it are not downtime the update is blamed for. The PK's own
  // maintenance mode is maintenance time too, until KodeksMaintenanceToLong makes it downtime.
  const kind = isDown(prev.alerts, s.inst) ? 'down' : inMaintenanceMode(prev.alerts) ? 'maintenance' : 'up';
  const prevInWindow = s.windows.some((w) => w.start <= prevMs && prevMs < w.end);
  const windows = prevInWindow ? [...s.windows, { start: prevMs, end: atMs }] : s.windows;
  return segmentInterval(prevMs, atMs, kind, downComponents, windows);
}

function checksState(s: InstallationStep): InstallationState['checks'] {
  const out: InstallationState['checks'] = {};
  for (const [id, r] of Object.entries(s.checks) as [CheckId, NonNullable<Checks[CheckId]>][]) {
    const before = s.prev?.checks[id];
    const c: CheckState = {
      status: r.status,
      code: r.code,
      message: r.message,
      latency_ms: Math.max(0, r.latencyMs),
      since: before && before.status === r.status ? before.since : s.at,
    };
    if (r.evidence) c.evidence = r.evidence;
    if (r.facts) c.facts = r.facts;
    out[id] = c;
  }
  return out;
}

function componentsState(
  s: InstallationStep,
  readings: Partial<Record<Component, ComponentReading>>,
): InstallationState['components'] {
  const out: InstallationState['components'] = {};
  for (const [c, r] of Object.entries(readings) as [Component, ComponentReading][]) {
    const before = s.prev?.components[c];
    out[c] = {
      status: r.status,
      since: before && before.status === r.status ? before.since : s.at,
      message: r.message,
    };
  }
  return out;
}

function sameDiagnosis(a: Diagnosis | undefined, b: Diagnosis): boolean {
  return (
    a !== undefined &&
    a.rule === b.rule &&
    a.cause === b.cause &&
    a.hint === b.hint &&
    a.workaround === b.workaround
  );
}
