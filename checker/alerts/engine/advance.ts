/**
 * The alert engine: one run's results in, the next status data and the events to notify out. Pure — files
 * are read before and written after by the cycle (checker/cycle). Replaying a run that was already applied
 * (same or older run time per installation) changes nothing, so a retried commit never counts anything twice.
 *
 * Per installation see installation.ts; here the run as a whole: mass alerts (at least `count_min`
 * installations starting to fire the same alert in one run → one `count` event), hosting-wide grouping (two
 * or more installations of one hosting starting to fire the same alert in one run → one `grouped` event),
 * both with incidents that share `group`; the checker's own operator events, and the heartbeat.
 */
import type { Config } from '../../config/schema.ts';
import type { Window } from '../../sla/accounting.ts';
import { localMonth, monthRange } from '../../sla/time.ts';
import { type ClientState, type Heartbeat, STATUS_SCHEMA_VERSION } from '../../status/schema.ts';
import { count } from '../../text/words.ts';
import { DEFAULT_COUNT_MIN } from '../catalog.ts';
import type { AlertEvent } from './events.ts';
import { HistoryBook } from './history.ts';
import { IncidentBook, incidentMonthOf } from './incidents.ts';
import { type FiringCandidate, MAX_GAP_MS, stepInstallation } from './installation.ts';
import type { EngineInput, EngineOutput, StatusSnapshot, Touched } from './types.ts';

export type { EngineInput, EngineOutput, EngineRules, StatusSnapshot } from './types.ts';

/** A heartbeat note that remembers the operator was told ICMP is unavailable (so it is said once). */
export const ICMP_NOTE = '[icmp_unavailable] ICMP (ping) недоступен с этого места запуска';

/** Time zone of an installation's days. */
export function installationTz(config: Config, client: string, installation: string): string {
  const inst = config.clients.find((c) => c.id === client)?.installations.find((i) => i.id === installation);
  return inst?.timezone ?? config.checker.timezone;
}

/** Time zone a client's history files are cut in (its first installation's; they rarely differ). */
export function clientTz(config: Config, client: string): string {
  const c = config.clients.find((x) => x.id === client);
  return c?.installations[0]?.timezone ?? config.checker.timezone;
}

/** Maintenance windows of one installation, in ms. */
export function windowsOf(config: Config, client: string, installation: string): Window[] {
  return config.maintenance
    .filter((m) => m.installations.some((r) => r === client || r === `${client}/${installation}`))
    .map((m) => ({ start: Date.parse(m.start), end: Date.parse(m.end) }));
}

/** The history and incident months a run may touch, given the current states (load these first). */
export function monthsNeeded(
  config: Config,
  states: ReadonlyMap<string, ClientState>,
  at: Date,
): { history: string[]; incidents: string[] } {
  const history = new Set<string>();
  const incidents = new Set<string>([at.toISOString().slice(0, 7)]);
  for (const client of config.clients) {
    // Installations removed from installations.yaml still have open incidents to close.
    for (const [id, gone] of Object.entries(states.get(client.id)?.installations ?? {}))
      if (!client.installations.some((i) => i.id === id))
        for (const a of Object.values(gone.alerts))
          if (a?.incident) incidents.add(incidentMonthOf(a.incident));
    for (const inst of client.installations) {
      const tz = inst.timezone ?? config.checker.timezone;
      const prev = states.get(client.id)?.installations[inst.id];
      const from = prev
        ? Math.max(Math.min(Date.parse(prev.checked_at), at.getTime()), at.getTime() - MAX_GAP_MS)
        : at.getTime() - 86_400_000;
      for (const m of monthRange(localMonth(from, tz), localMonth(at.getTime(), tz), 16))
        history.add(`${client.id}/${m}`);
      for (const a of Object.values(prev?.alerts ?? {}))
        if (a?.incident) incidents.add(incidentMonthOf(a.incident));
    }
  }
  return { history: [...history].sort(), incidents: [...incidents].sort() };
}

/** Advances every installation in the results by one run. */
export function advance(input: EngineInput): EngineOutput {
  const { config, catalog, results, rules, previous } = input;
  const at = results.startedAt.toISOString();
  const atMs = results.startedAt.getTime();
  const touched: Touched = { heartbeat: false, states: new Set(), history: new Set(), incidents: new Set() };
  // Replays are detected per installation (its checked_at), so two checkers writing different installations
  // at the same moment (--only, racing commits) both keep their results; the heartbeat and the operator
  // events belong to the newest run only.
  const newerThanHeartbeat = !previous.heartbeat || Date.parse(previous.heartbeat.started_at) < atMs;
  const fresh = results.installations.filter((ir) => {
    const prev = previous.states.get(ir.client)?.installations[ir.installation];
    return !prev || Date.parse(prev.checked_at) < atMs;
  });
  if (fresh.length === 0 && (results.installations.length > 0 || !newerThanHeartbeat))
    return { next: previous, touched, events: [], replay: true };

  const next: StatusSnapshot = structuredClone(previous);
  const history = new HistoryBook(next.history, (c) => clientTz(config, c));
  const incidents = new IncidentBook(next.incidents);
  const events: AlertEvent[] = [];
  const later: AlertEvent[] = [];
  const firing: FiringCandidate[] = [];

  for (const ir of results.installations) {
    const client = config.clients.find((c) => c.id === ir.client);
    const inst = client?.installations.find((i) => i.id === ir.installation);
    if (!client || !inst) continue;
    const file: ClientState = next.states.get(client.id) ?? {
      schema: STATUS_SCHEMA_VERSION,
      client: client.id,
      updated_at: at,
      installations: {},
    };
    const prev = file.installations[inst.id];
    if (prev && Date.parse(prev.checked_at) >= atMs) continue;
    const out = stepInstallation({
      client,
      inst,
      prev,
      checks: ir.checks,
      at,
      atMs,
      intervalMs: config.checker.interval,
      remindEveryMs: config.notify.telegram?.remind_every ?? 4 * 3_600_000,
      tz: inst.timezone ?? config.checker.timezone,
      windows: windowsOf(config, client.id, inst.id),
      networkOk: results.networkOk,
      ...(ir.unobserved !== undefined ? { unobserved: ir.unobserved } : {}),
      facts: {
        ip: Boolean(inst.ip),
        ...(inst.hosting ? { hosting: config.hostings[inst.hosting]?.title ?? inst.hosting } : {}),
      },
      fleet: config.alerts,
      catalog,
      rules,
      history,
      incidents,
    });
    firing.push(...out.firing);
    later.push(...out.events);
    if (!out.state) continue;
    file.installations[inst.id] = out.state;
    // Installations removed from installations.yaml leave the state file; their open incidents end here,
    // so a client's page never shows an incident of something no longer watched.
    for (const [id, gone] of Object.entries(file.installations)) {
      if (client.installations.some((i) => i.id === id)) continue;
      for (const a of Object.values(gone.alerts))
        if (a?.incident) incidents.patch(a.incident, { resolved_at: at });
      delete file.installations[id];
    }
    file.updated_at = at;
    next.states.set(client.id, file);
    touched.states.add(client.id);
  }

  if (newerThanHeartbeat) events.push(...operatorEvents(input, at));
  const mass = massEvents(firing, at, incidents, catalog, config.alerts);
  events.push(...mass.events, ...group(mass.rest, at, incidents));
  events.push(...later);

  if (newerThanHeartbeat) {
    next.heartbeat = heartbeat(input, next, at);
    touched.heartbeat = true;
  }
  for (const k of history.touched) touched.history.add(k);
  for (const k of incidents.touched) touched.incidents.add(k);
  return { next, touched, events, replay: false };
}

/**
 * Mass alerts, before hosting grouping: for each «…Count» alert of the catalog, when at least its `count_min`
 * installations (front matter, or `alerts.<Count>.count_min` in installations.yaml) start firing its single
 * alert (`count_of`) in this run, one `count` event replaces their single and hosting-wide messages, whatever
 * hostings they are at. Their incidents share the group, so reminders and recoveries that come together are
 * one message too. Independent of which alert it is: the catalog's front matter drives it.
 */
function massEvents(
  firing: FiringCandidate[],
  at: string,
  incidents: IncidentBook,
  catalog: EngineInput['catalog'],
  fleet: Config['alerts'],
): { events: AlertEvent[]; rest: FiringCandidate[] } {
  const taken = new Set<FiringCandidate>();
  const events: AlertEvent[] = [];
  for (const entry of catalog.values()) {
    if (entry.count_of === undefined || fleet[entry.alert]?.disabled) continue;
    const min = fleet[entry.alert]?.count_min ?? entry.count_min ?? DEFAULT_COUNT_MIN;
    const items = firing.filter((f) => f.alert === entry.count_of && !taken.has(f));
    if (items.length < min) continue;
    const groupId = `${at.slice(0, 16)}Z-${entry.alert}`;
    for (const f of items) {
      taken.add(f);
      incidents.patch(f.incident, { group: groupId, mass: entry.alert });
    }
    const first = items[0]!;
    const sameCause = items.every((f) => f.diagnosis?.rule === first.diagnosis?.rule);
    events.push({
      kind: 'count',
      alert: entry.alert,
      of: entry.count_of,
      importance: entry.importance,
      at,
      group: groupId,
      items: items.map((f) => ({
        client: f.client,
        installation: f.installation,
        ...(f.hosting ? { hosting: f.hosting } : {}),
        since: f.since,
        incident: f.incident,
        ...(f.diagnosis ? { diagnosis: f.diagnosis } : {}),
      })),
      ...(sameCause && first.diagnosis ? { diagnosis: first.diagnosis } : {}),
    });
  }
  return { events, rest: firing.filter((f) => !taken.has(f)) };
}

/** Firing candidates → events: one `grouped` per hosting × alert with two or more installations. */
function group(firing: FiringCandidate[], at: string, incidents: IncidentBook): AlertEvent[] {
  const out: AlertEvent[] = [];
  const byKey = new Map<string, FiringCandidate[]>();
  for (const f of firing) {
    const key = f.hosting ? `${f.hosting}\u0000${f.alert}` : `\u0000${f.client}/${f.installation}/${f.alert}`;
    byKey.set(key, [...(byKey.get(key) ?? []), f]);
  }
  for (const items of byKey.values()) {
    const first = items[0]!;
    if (items.length < 2 || !first.hosting) {
      for (const f of items) out.push({ kind: 'firing', ...f, at });
      continue;
    }
    const groupId = `${at.slice(0, 16)}Z-${first.hosting}-${first.alert}`;
    for (const f of items) incidents.patch(f.incident, { group: groupId, hosting: first.hosting });
    const sameCause = items.every((f) => f.diagnosis?.rule === first.diagnosis?.rule);
    out.push({
      kind: 'grouped',
      hosting: first.hosting,
      alert: first.alert,
      importance: first.importance,
      at,
      group: groupId,
      items: items.map((f) => ({
        client: f.client,
        installation: f.installation,
        hosting: f.hosting,
        since: f.since,
        incident: f.incident,
        ...(f.diagnosis ? { diagnosis: f.diagnosis } : {}),
        ...(f.evidence ? { evidence: f.evidence } : {}),
      })),
      ...(sameCause && first.diagnosis ? { diagnosis: first.diagnosis } : {}),
    });
  }
  return out;
}

/** The checker's own news: network lost or back (once each), ICMP unavailable (once until it returns). */
function operatorEvents(input: EngineInput, at: string): AlertEvent[] {
  const prev = input.previous.heartbeat;
  const out: AlertEvent[] = [];
  const { networkOk, icmpUnavailable } = input.results;
  if (!networkOk && prev?.network_ok !== false)
    out.push({
      kind: 'operator',
      code: 'checker_offline',
      at,
      text: 'Проверяющий не видит сеть: все контрольные адреса недоступны. Состояния клиентов не меняются, это время учитывается как «нет данных».',
    });
  if (networkOk && prev?.network_ok === false)
    out.push({
      kind: 'operator',
      code: 'checker_online',
      at,
      text: 'Сеть проверяющего восстановлена, проверки снова учитываются.',
    });
  if (icmpUnavailable && !prev?.notes.includes(ICMP_NOTE))
    out.push({
      kind: 'operator',
      code: 'icmp_unavailable',
      at,
      text: 'ICMP (ping) недоступен с этого места запуска: проверки ping помечены как «неизвестно» и не поднимают алертов. Для ping нужен свой раннер.',
    });
  out.push(...vantageEvents(input, at));
  return out;
}

/**
 * News about the vantages listed in installations.yaml, each said once: one sent nothing fresh this run (its
 * vote is missing) or is back; shards of a vantage did not arrive (their installations have no data).
 */
function vantageEvents(input: EngineInput, at: string): AlertEvent[] {
  const now = input.results.vantages;
  if (!now) return [];
  const before = input.previous.heartbeat?.vantages;
  const out: AlertEvent[] = [];
  for (const name of input.config.checker.vantages) {
    const v = now[name];
    const was = before?.[name];
    if (!v?.fresh && was?.fresh !== false) {
      const why = v?.refused ? ` (${v.refused})` : '';
      out.push({
        kind: 'operator',
        code: 'vantage_silent',
        at,
        text: `Место проверки «${name}» не прислало результатов этого запуска${why}: его голос не учитывается, установки проверяют остальные места. Проверьте задание и раннер в GitHub Actions.`,
      });
    }
    if (v?.fresh && was?.fresh === false)
      out.push({
        kind: 'operator',
        code: 'vantage_back',
        at,
        text: `Место проверки «${name}» снова присылает результаты, его голос учитывается.`,
      });
  }
  const unobserved = input.results.installations.filter((i) => i.unobserved !== undefined).length;
  for (const [name, v] of Object.entries(now)) {
    const missing = v.shards?.missing ?? [];
    if (!v.fresh || missing.length === 0 || (before?.[name]?.shards?.missing.length ?? 0) > 0) continue;
    out.push({
      kind: 'operator',
      code: 'shards_missing',
      at,
      text:
        `Место проверки «${name}»: не пришли результаты ${missing.length === 1 ? 'шарда' : 'шардов'} ${missing.join(', ')} из ${v.shards!.count}` +
        (unobserved > 0
          ? ` — ${count(unobserved, 'установка', 'установки', 'установок')} в этом запуске без данных (не «работает» и не «сбой»).`
          : ', их установки проверили другие места.'),
    });
  }
  return out;
}

function heartbeat(input: EngineInput, next: StatusSnapshot, at: string): Heartbeat {
  const { results, config } = input;
  const checks = results.installations.flatMap((i) => Object.values(i.checks));
  let firing = 0;
  for (const file of next.states.values())
    for (const inst of Object.values(file.installations))
      for (const a of Object.values(inst.alerts)) if (a?.state === 'firing') firing++;
  const notes = [...results.notes];
  if (results.icmpUnavailable) notes.push(ICMP_NOTE);
  return {
    schema: STATUS_SCHEMA_VERSION,
    run_id: at,
    started_at: at,
    finished_at: results.finishedAt.toISOString(),
    duration_ms: Math.max(0, results.finishedAt.getTime() - results.startedAt.getTime()),
    vantage:
      input.vantage ??
      (Object.entries(results.vantages ?? {})
        .filter(([, v]) => v.fresh)
        .map(([n]) => n)
        .join(', ') ||
        'local'),
    interval_ms: config.checker.interval,
    network_ok: results.networkOk,
    counts: {
      clients: new Set(results.installations.map((i) => i.client)).size,
      installations: results.installations.length,
      checks: checks.length,
      ok: checks.filter((c) => c?.status === 'ok').length,
      fail: checks.filter((c) => c?.status === 'fail').length,
      unknown: checks.filter((c) => c?.status === 'unknown').length,
      firing,
      ...(results.vantages ? { unobserved: results.installations.filter((i) => i.unobserved).length } : {}),
    },
    notes,
    ...(results.vantages
      ? {
          vantages: vantageReports(results.vantages, input.previous.heartbeat),
          quorum: config.checker.quorum,
        }
      : {}),
  };
}

/** The run's vantage reports, each with when it last delivered fresh results. */
function vantageReports(
  now: NonNullable<EngineInput['results']['vantages']>,
  before: Heartbeat | undefined,
): NonNullable<Heartbeat['vantages']> {
  const out: NonNullable<Heartbeat['vantages']> = {};
  for (const [name, v] of Object.entries(now)) {
    const last = v.fresh ? v.finished_at : before?.vantages?.[name]?.last_seen;
    out[name] = { ...v, ...(last ? { last_seen: last } : {}) };
  }
  return out;
}
