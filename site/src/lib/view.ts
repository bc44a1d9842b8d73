/**
 * The public view of a client: everything a status page, feed, summary or badge shows, built from an
 * allow-list of fields. Private fields (ip, url, manager, notes, evidence, agent reports, diagnosis hints
 * for managers) never enter these objects, so no template can leak them.
 */

import { windowsOf } from '../../../checker/alerts/engine/advance.ts';
import type { Component, Importance } from '../../../checker/alerts/names.ts';
import type { Client } from '../../../checker/config/schema.ts';
import { answered, outcomeOf } from '../../../checker/diagnose/evidence.ts';
import { FINDING_CASES } from '../../../checker/diagnose/explain-licence.ts';
import {
  type MonthSla,
  mergeDays,
  monthSla,
  type PeriodFigure,
  uptime,
  watchedFrom,
} from '../../../checker/sla/availability.ts';
import type {
  COMPONENT_STATUSES,
  Incident,
  InstallationState,
  OverallState,
} from '../../../checker/status/schema.ts';
import { elapsedMinutes, lastDays, localDay } from './calendar.ts';
import { type DayContext, type DayRun, readDay, toRuns } from './day-runs.ts';
import { clock } from './format.ts';
import type { Inputs } from './inputs.ts';
import { OVERALL_RANK, PUBLIC_COMPONENTS } from './labels.ts';

type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export interface ComponentView {
  component: Component;
  /** maintenance: the PK reports its maintenance mode; degraded: it works with a limitation users notice. */
  status: ComponentStatus;
  message: string;
  since: number;
}

export interface InstallationView {
  id: string;
  title: string;
  /** Hosting's public title, when hosted. */
  hosting?: string;
  overall: OverallState;
  /** The state the stale data last showed. */
  lastKnown?: OverallState;
  components: ComponentView[];
  /** The 90 daily bars as runs of days that read the same. */
  runs: DayRun[];
  uptime30: PeriodFigure;
  uptime90: PeriodFigure;
  month: MonthSla;
  /** "Is it us or you?": when the server last answered, or since when it does not. */
  /**
   * When the server last answered; or since when none of its checks passes, and whether the machine itself
   * is known to be up (ping answers, or the port refused or the web server answered wrongly: only the PK fails).
   */
  server?: { answered: number } | { silentSince: number; hostUp: boolean };
  /** The latest public incident of this installation (open or not), if any in the last 90 days. */
  lastIncident?: { started: number; resolved?: number };
  /** When watching this installation began, when that is within the 90 days shown. */
  watchedFrom?: number;
}

export interface IncidentView {
  id: string;
  installation: string;
  alert: string;
  title: string;
  importance: Importance;
  started: number;
  resolved?: number;
  /** Minutes from the first failed check to resolution (or to now). */
  minutes: number;
  cause?: string;
  workaround?: string;
}

export interface MaintenanceView {
  installations: string[];
  start: number;
  end: number;
  reason: string;
  active: boolean;
}

export interface ClientView {
  id: string;
  slug: string;
  title: string;
  listed: boolean;
  /** What the page says now (no_data when stale). */
  overall: OverallState;
  /** The last state the data showed, when it is stale. */
  lastKnown?: OverallState;
  /** Last time the checker looked at this client. */
  checkedAt?: number;
  stale: boolean;
  installations: InstallationView[];
  active: IncidentView[];
  history: IncidentView[];
  maintenance: MaintenanceView[];
  sla?: number;
  timezone: string;
}

/** Alerts whose probable cause quotes the sysinfo report or the metrics (checker/diagnose FINDING_CASES). */
const REPORT_CAUSE: ReadonlySet<string> = new Set(Object.keys(FINDING_CASES));

/**
 * The probable cause a public page may show for an incident. The cause of an alert read from the server's
 * report is the report's own text (database names, files, catalog paths, error texts) for the manager; the
 * public reads the runbook's summary instead.
 */
export function publicCause(
  i: Pick<Incident, 'alert' | 'diagnosis'>,
  catalog: Inputs['catalog'],
): string | undefined {
  return REPORT_CAUSE.has(i.alert) ? catalog.get(i.alert)?.summary : i.diagnosis?.cause;
}

/** Incidents shown in history: the last days and at most this many. */
const HISTORY_LIMIT = 10;

/** Daily bars per installation. */
export const BAR_DAYS = 90;

/** The worst state of a list (no_data only when nothing is known). */
export function worst(states: readonly OverallState[]): OverallState {
  let best = OVERALL_RANK.length - 1;
  for (const s of states) best = Math.min(best, OVERALL_RANK.indexOf(s));
  return OVERALL_RANK[best] ?? 'no_data';
}

/** Whether the data about something checked at `at` is older than 3 × interval at `now`. */
export function isStale(at: number | undefined, now: number, intervalMs: number): boolean {
  return at === undefined || now - at > 3 * intervalMs;
}

/**
 * Checks that reach the Kodeks server itself in every run (not the name, the certificate or the agent; not
 * sysinfo either, which between hourly pulls judges the facts it kept without asking the server).
 */
const SERVER_CHECKS = ['http', 'http_ip', 'tcp', 'metrics'] as const;

/** When the server last answered (now, if any server check passes), or since when none does. */
export function serverFact(s: InstallationState | undefined): InstallationView['server'] {
  if (!s) return undefined;
  const checks = SERVER_CHECKS.map((c) => s.checks[c]).filter((c) => c !== undefined);
  // While nobody could look (a shard's results did not arrive), the last answer is the last run that looked.
  const lookedAt = s.unobserved?.last_seen ?? s.checked_at;
  if (checks.some((c) => c.status === 'ok')) return { answered: Date.parse(lookedAt) };
  const failing = checks.filter((c) => c.status === 'fail');
  if (failing.length === 0) return undefined;
  // The last answer came before the latest of the failures began.
  const silentSince = Math.max(...failing.map((c) => Date.parse(c.since)));
  // Ping answers, or a check was refused or answered wrongly: the machine is up and only the PK fails.
  const hostUp = s.checks.icmp?.status === 'ok' || failing.some((c) => answered(outcomeOf(c)));
  return { silentSince, hostUp };
}

/** Incidents a client sees: visible, announced on their own, and not part of announced maintenance. */
function isPublic(i: Incident): boolean {
  return i.client_visible && !i.suppressed && !i.maintenance;
}

function incidentView(i: Incident, inputs: Inputs, client: Client, now: number): IncidentView {
  const started = Date.parse(i.started_at);
  const resolved = i.resolved_at ? Date.parse(i.resolved_at) : undefined;
  const inst = client.installations.find((x) => x.id === i.installation);
  const view: IncidentView = {
    id: i.id,
    installation: inst?.title ?? i.installation,
    alert: i.alert,
    title: inputs.catalog.get(i.alert)?.title ?? i.alert,
    importance: i.importance,
    started,
    minutes: ((resolved ?? now) - started) / 60_000,
  };
  if (resolved !== undefined) view.resolved = resolved;
  const cause = publicCause(i, inputs.catalog);
  if (cause) view.cause = cause;
  if (i.diagnosis?.workaround) view.workaround = i.diagnosis.workaround;
  return view;
}

/** Builds the public view of one client (call only for public and unlisted clients). */
export function clientView(client: Client, inputs: Inputs): ClientView {
  const { config, status, now } = inputs;
  const tz = config.checker.timezone;
  const interval = config.checker.interval;
  const state = status.states.get(client.id);
  const history = status.history.get(client.id);
  const heartbeatAt = status.heartbeat ? Date.parse(status.heartbeat.finished_at) : undefined;
  const checkedAt = state ? Date.parse(state.updated_at) : undefined;
  const stale =
    state !== undefined && (isStale(checkedAt, now, interval) || isStale(heartbeatAt, now, interval));

  const windows: MaintenanceView[] = config.maintenance
    .filter((m) => m.installations.some((ref) => ref === client.id || ref.startsWith(`${client.id}/`)))
    .map((m) => ({
      installations: m.installations
        .filter((ref) => ref === client.id || ref.startsWith(`${client.id}/`))
        .flatMap((ref) =>
          ref === client.id
            ? client.installations.map((x) => x.title)
            : client.installations.filter((x) => `${client.id}/${x.id}` === ref).map((x) => x.title),
        ),
      start: Date.parse(m.start),
      end: Date.parse(m.end),
      reason: m.reason,
      active: Date.parse(m.start) <= now && now < Date.parse(m.end),
    }))
    .filter((m) => m.end > now)
    .sort((a, b) => a.start - b.start);
  const inMaintenance = (instId: string) =>
    windowsOf(config, client.id, instId).some((w) => w.start <= now && now < w.end);

  const mine = status.incidents.filter((i) => i.client === client.id && isPublic(i));
  const installations: InstallationView[] = client.installations.map((inst) => {
    const s = state?.installations[inst.id];
    const itz = inst.timezone ?? tz;
    const today = localDay(now, itz);
    const days = mergeDays(...[...(history?.values() ?? [])].map((m) => m.installations[inst.id]));
    let overall: OverallState = s?.overall ?? 'no_data';
    if (inMaintenance(inst.id) && overall !== 'no_data') overall = 'under_maintenance';
    const components: ComponentView[] = [];
    for (const c of PUBLIC_COMPONENTS) {
      const cs = s?.components[c];
      if (cs)
        components.push({
          component: c,
          status: cs.status,
          message: cs.message,
          since: Date.parse(cs.since),
        });
    }
    const from = watchedFrom(days, itz);
    const shown = lastDays(today, BAR_DAYS);
    const firstDay = from === undefined ? undefined : localDay(from, itz);
    const ctx: DayContext = { today, fresh: !stale };
    if (from !== undefined && firstDay !== undefined) {
      ctx.firstDay = firstDay;
      ctx.firstClock = clock(from, itz);
    }
    const view: InstallationView = {
      id: inst.id,
      title: inst.title,
      overall,
      components,
      runs: toRuns(shown.map((d) => ({ day: d, ...readDay(d, days[d], elapsedMinutes(d, now, itz), ctx) }))),
      uptime30: uptime(days, 30, itz, now),
      uptime90: uptime(days, 90, itz, now),
      month: monthSla(
        days,
        today.slice(0, 7),
        itz,
        now,
        client.sla?.availability,
        windowsOf(config, client.id, inst.id),
      ),
    };
    const hosting = inst.hosting ? config.hostings[inst.hosting]?.title : undefined;
    if (hosting) view.hosting = hosting;
    const server = serverFact(s);
    if (server) view.server = server;
    const own = mine.filter((i) => i.installation === inst.id);
    const last =
      own.find((i) => !i.resolved_at) ??
      own.reduce<Incident | undefined>((a, i) => (!a || i.resolved_at! > a.resolved_at! ? i : a), undefined);
    if (last) {
      view.lastIncident = { started: Date.parse(last.started_at) };
      if (last.resolved_at) view.lastIncident.resolved = Date.parse(last.resolved_at);
    }
    if (from !== undefined && firstDay !== undefined && firstDay > shown[0]!) view.watchedFrom = from;
    if (stale && overall !== 'no_data') {
      view.lastKnown = overall;
      view.overall = 'no_data';
    }
    return view;
  });

  const known = worst(installations.map((i) => i.lastKnown ?? i.overall));
  // Under announced maintenance an open incident is the maintenance itself, not a fault to troubleshoot.
  const active = mine
    .filter((i) => !i.resolved_at && !inMaintenance(i.installation))
    .map((i) => incidentView(i, inputs, client, now));
  const since = now - 90 * 86_400_000;
  const past = mine
    .filter((i) => i.resolved_at && Date.parse(i.resolved_at) >= since)
    .reverse()
    .slice(0, HISTORY_LIMIT)
    .map((i) => incidentView(i, inputs, client, now));

  const view: ClientView = {
    id: client.id,
    slug: client.slug ?? client.id,
    title: client.title,
    listed: client.visibility === 'public',
    overall: stale ? 'no_data' : known,
    stale,
    installations,
    active,
    history: past,
    maintenance: windows,
    timezone: tz,
  };
  if (stale && known !== 'no_data') view.lastKnown = known;
  if (checkedAt !== undefined) view.checkedAt = checkedAt;
  if (client.sla) view.sla = client.sla.availability;
  return view;
}
