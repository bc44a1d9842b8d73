import { z } from 'zod';
import { ALERT_NAMES, COMPONENTS, IMPORTANCES, RETIRED_ALERTS } from '../alerts/names.ts';
import { CHECK_IDS, RETIRED_CHECK_IDS } from '../probes/types.ts';
import { sysinfoFactsSchema } from './sysinfo.ts';

/**
 * The status data: what the checker observed, written by the store (`status/` locally, the `status` branch
 * in production) and read by the site. Every file carries `schema: STATUS_SCHEMA_VERSION`; a file with another
 * version stops the run instead of being overwritten. Public-safe fields only reach the site: `evidence`,
 * agent host details and outbox payloads are operator-only.
 */
export const STATUS_SCHEMA_VERSION = 1;

const version = z.literal(STATUS_SCHEMA_VERSION);
const iso = z.iso.datetime({ offset: true });
/** An alert name; one the checker retired is read as the alert that took over (RETIRED_ALERTS). */
const alertName = z.preprocess(
  (v) => (typeof v === 'string' && Object.hasOwn(RETIRED_ALERTS, v) ? RETIRED_ALERTS[v] : v),
  z.enum(ALERT_NAMES),
);

/** Renames the keys of an alert-keyed record that name retired alerts (the newer entry wins). */
function renamedAlertKeys(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!Object.hasOwn(RETIRED_ALERTS, k)) out[k] = x;
  for (const [k, x] of Object.entries(v)) {
    const to = RETIRED_ALERTS[k];
    if (to !== undefined && !(to in out)) out[to] = x;
  }
  return out;
}

/**
 * A component row's status: maintenance when the PK reports its maintenance mode (never a failure); degraded
 * when it works with a limitation users notice (old operups, all seats taken).
 */
export const COMPONENT_STATUSES = ['ok', 'fail', 'unknown', 'maintenance', 'degraded'] as const;

/** Overall state of an installation or client, in Statuspage's vocabulary plus "no data". */
export const OVERALL_STATES = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
  'no_data',
] as const;
export type OverallState = (typeof OVERALL_STATES)[number];

/** The last result of one check of one installation. */
export const checkStateSchema = z.object({
  /** ok / fail / unknown. */
  status: z.enum(['ok', 'fail', 'unknown']),
  /** Machine-readable outcome code, e.g. DNS_NXDOMAIN. */
  code: z.string(),
  /** Russian text for people; never contains addresses. */
  message: z.string(),
  /** Latency of the last check in ms. */
  latency_ms: z.number().nonnegative(),
  /** When this status began (first check with this status in a row). */
  since: iso,
  /** Operator-only details (addresses, raw errors); never shown on the site. */
  evidence: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  /** The sysinfo check's facts (key, licences, operups, DB errors, seats); operator-only. */
  facts: sysinfoFactsSchema.optional(),
});

/** Drops keys of retired check ids (status data written by earlier versions is still read). */
const withoutRetired = (keys: readonly string[]) => (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).filter(([k]) => !keys.includes(k)))
    : v;

/** The probable cause of one alert of one installation, from `checker/diagnose`. */
export const diagnosisSchema = z.object({
  /** Machine-readable id of the case that matched, e.g. dns_down_ip_ok. */
  rule: z.string(),
  /** The alert it explains. */
  alert: alertName,
  /** Russian: the probable cause, e.g. «DNS не отвечает, установка доступна по IP-адресу». */
  cause: z.string(),
  /** Russian: what to check or do first (for managers). */
  hint: z.string(),
  /** Russian: what users can do meanwhile (public), e.g. open the installation by IP address. */
  workaround: z.string().optional(),
});

/** The alert state machine's memory for one installation × alert. */
export const alertStateSchema = z.object({
  /** ok: nothing wrong; pending: failing but below `for`; firing: notified (or suppressed). */
  state: z.enum(['ok', 'pending', 'firing']),
  /** Consecutive failed checks. */
  fails: z.int().nonnegative(),
  /** Consecutive good checks while pending/firing. */
  oks: z.int().nonnegative(),
  /** First failed check of the current problem: downtime counts from here. */
  since: iso.optional(),
  /** When the alert fired. */
  fired_at: iso.optional(),
  /** Last firing or reminder notification. */
  notified_at: iso.optional(),
  /** True while a parent alert fires and this one is held back. */
  suppressed: z.boolean().default(false),
  /** Id of the open incident in incidents/<YYYY-MM>.json. */
  incident: z.string().optional(),
  /** This alert's own probable cause, from the latest run in which it failed. */
  diagnosis: diagnosisSchema.optional(),
});

/** One installation's current state. */
export const installationStateSchema = z.object({
  /** Overall state shown on the status page. */
  overall: z.enum(OVERALL_STATES),
  /** Last run that checked it. */
  checked_at: iso,
  /** Per component (network, access, dns, tls, license, agent): worst status of its checks. */
  components: z.partialRecord(
    z.enum(COMPONENTS),
    z.object({ status: z.enum(COMPONENT_STATUSES), since: iso, message: z.string() }),
  ),
  /** Last result per check. */
  checks: z.preprocess(
    withoutRetired(RETIRED_CHECK_IDS),
    z.partialRecord(z.enum(CHECK_IDS), checkStateSchema),
  ),
  /** Alert state machines (each with its own probable cause). */
  alerts: z.preprocess(renamedAlertKeys, z.partialRecord(z.enum(ALERT_NAMES), alertStateSchema)),
  /**
   * Present while no fresh vantage could observe the installation (its shard's results did not arrive, or
   * every vantage that checks it had no network): alerts, checks and components are held as last seen, the
   * overall state is no_data and the time from this run on counts as no data — never as up.
   */
  unobserved: z
    .object({
      /** The first run without data. */
      since: iso,
      /** The last run that observed it. */
      last_seen: iso,
      /** Russian, for operators: why, e.g. «шард 3 из 10 (github-hosted): результаты не пришли». */
      reason: z.string(),
    })
    .optional(),
});

/** state/<client>.json: current component and alert states of one client's installations. */
export const clientStateSchema = z.object({
  schema: version,
  /** Client id. */
  client: z.string(),
  /** Last run that wrote this file. */
  updated_at: iso,
  /** By installation id. */
  installations: z.record(z.string(), installationStateSchema),
});

/**
 * What one vantage (a place the checks run from: a GitHub-hosted runner, a self-hosted one) contributed to a
 * run. Only vantage names, times and counts: the heartbeat is public.
 */
export const vantageReportSchema = z.object({
  /** Results of this run arrived in time; a vantage that is not fresh does not vote. */
  fresh: z.boolean(),
  /** Its canaries passed in every part that arrived (a part whose canaries failed does not vote). */
  network_ok: z.boolean(),
  /** When its checks of this run began and ended (absent when nothing fresh arrived). */
  started_at: iso.optional(),
  finished_at: iso.optional(),
  /** The end of the last run it delivered fresh results for (kept while it is silent). */
  last_seen: iso.optional(),
  /** Its shards (`smart check --shard I/N`): how many, and which did not arrive or had no network. */
  shards: z
    .object({
      count: z.int().positive(),
      missing: z.array(z.int().positive()),
      blind: z.array(z.int().positive()).default([]),
    })
    .optional(),
  /** Installations it observed in this run (canaries passing). */
  installations: z.int().nonnegative(),
  /** ICMP could not be used from there. */
  icmp_unavailable: z.boolean().default(false),
  /** Why results it sent were not used, e.g. «результаты старше интервала». */
  refused: z.string().optional(),
});
export type VantageReport = z.output<typeof vantageReportSchema>;

/** heartbeat.json: the last run of the checker. */
export const heartbeatSchema = z.object({
  schema: version,
  /** Unique id of the run. */
  run_id: z.string(),
  started_at: iso,
  finished_at: iso,
  duration_ms: z.number().nonnegative(),
  /** Where the checks ran from, e.g. "github-hosted" or a runner name. */
  vantage: z.string(),
  /** Expected interval between runs in ms (from installations.yaml). */
  interval_ms: z.number().positive(),
  /** False when the canaries failed: the checker could not see the network, client states were kept. */
  network_ok: z.boolean(),
  counts: z.object({
    clients: z.int().nonnegative(),
    installations: z.int().nonnegative(),
    checks: z.int().nonnegative(),
    ok: z.int().nonnegative(),
    fail: z.int().nonnegative(),
    unknown: z.int().nonnegative(),
    firing: z.int().nonnegative(),
    /** Installations no fresh vantage observed in this run (absent in files written before vantages). */
    unobserved: z.int().nonnegative().optional(),
  }),
  /** Operator notes of this run, e.g. "ICMP недоступен с этого раннера". */
  notes: z.array(z.string()).default([]),
  /** Per vantage name: what it contributed (absent in files written before vantages). */
  vantages: z.record(z.string(), vantageReportSchema).optional(),
  /** How many vantages had to agree that a check failed, as configured (checker.quorum). */
  quorum: z.union([z.enum(['majority', 'all']), z.int().positive()]).optional(),
});

/** Daily aggregate for one installation (and per component) in history files. */
export const dayAggregateSchema = z.object({
  /** Checks run that day. */
  checks: z.int().nonnegative(),
  /** Failed checks (of the installation's availability). */
  failures: z.int().nonnegative(),
  /** Minutes down (from the first failed check), maintenance excluded. */
  down_min: z.number().nonnegative(),
  /** Minutes inside announced maintenance. */
  maintenance_min: z.number().nonnegative(),
  /** Minutes with no data (gaps longer than 3 × interval, checker offline). */
  no_data_min: z.number().nonnegative(),
  /** Median and 95th percentile latency of the HTTP check that day, ms. */
  p50_ms: z.number().nonnegative().optional(),
  p95_ms: z.number().nonnegative().optional(),
  /** Log-scale latency histogram used to merge percentiles across runs (bucket i = up to 2^i ms). */
  hist: z.array(z.int().nonnegative()).optional(),
  /** Minutes down per component. */
  components: z
    .partialRecord(
      z.enum(COMPONENTS),
      z.object({ down_min: z.number().nonnegative(), failures: z.int().nonnegative() }),
    )
    .optional(),
});
export type DayAggregate = z.output<typeof dayAggregateSchema>;

/** history/<client>/<YYYY-MM>.json: daily aggregates of one client for one calendar month. */
export const historyMonthSchema = z.object({
  schema: version,
  client: z.string(),
  /** YYYY-MM in the configured time zone. */
  month: z.string().regex(/^\d{4}-\d{2}$/),
  /** IANA time zone the days are cut in. */
  timezone: z.string(),
  /** installation id → YYYY-MM-DD → aggregate. */
  installations: z.record(z.string(), z.record(z.string().regex(/^\d{4}-\d{2}-\d{2}$/), dayAggregateSchema)),
});

/**
 * Incidents written before the catalog's front matter v2 carry `severity` (critical | warning | info)
 * instead of `importance`; they read as critical or info so that old months stay readable.
 */
function legacySeverity(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || 'importance' in input || !('severity' in input))
    return input;
  const { severity, ...rest } = input as { severity: unknown } & Record<string, unknown>;
  return { ...rest, importance: severity === 'critical' ? 'critical' : 'info' };
}

/** One incident: an alert that fired, from its first failed check to its resolution. */
export const incidentSchema = z.preprocess(
  legacySeverity,
  z.object({
    /** Stable id, e.g. 2026-11-28T06:00Z-acme-main-KodeksDnsResolve. */
    id: z.string(),
    client: z.string(),
    installation: z.string(),
    alert: alertName,
    /** The alert's importance when it fired (from its runbook): critical or info. */
    importance: z.enum(IMPORTANCES),
    /** First failed check. */
    started_at: iso,
    /** When the alert fired (notified). */
    fired_at: iso.optional(),
    /** When it resolved; absent while open. */
    resolved_at: iso.optional(),
    /** The hosting, when several installations there failed together (grouped notification). */
    hosting: z.string().optional(),
    /** Id shared by incidents that were announced in one grouped message. */
    group: z.string().optional(),
    /** The mass («…Count») alert whose one message announced this incident with the others of its group. */
    mass: alertName.optional(),
    /** This alert's probable cause: the latest one while the incident was open. */
    diagnosis: diagnosisSchema.optional(),
    /** Whether the alert may be shown on the client's status page. */
    client_visible: z.boolean(),
    /** True when the alert was held back by a parent alert (never notified on its own). */
    suppressed: z.boolean().default(false),
    /** Inside a maintenance window: not notified, not counted in SLA. */
    maintenance: z.boolean().default(false),
  }),
);
export type Incident = z.output<typeof incidentSchema>;

/** incidents/<YYYY-MM>.json: incidents that started in that month (UTC month of started_at). */
export const incidentMonthSchema = z.object({
  schema: version,
  month: z.string().regex(/^\d{4}-\d{2}$/),
  incidents: z.array(incidentSchema),
});

/** A notification waiting to be delivered (or remembered after delivery, for replies). */
export const outboxItemSchema = z.object({
  /** Unique, stable id: re-queuing the same event gives the same id, so nothing is sent twice. */
  id: z.string(),
  kind: z.enum(['firing', 'grouped', 'reminder', 'resolved', 'operator', 'summary']),
  /** When the event happened (messages delivered much later are marked as delayed). */
  created_at: iso,
  /** Delivery attempts so far. */
  attempts: z.int().nonnegative().default(0),
  /** Earliest time of the next attempt (429 retry_after, backoff). */
  not_before: iso.optional(),
  /** Last delivery error, in words. */
  last_error: z.string().optional(),
  /** Target chat and topic. */
  chat: z.string(),
  thread: z.int().optional(),
  /** Id of the firing message this one replies to (resolved → firing), as another outbox item id. */
  reply_to: z.string().optional(),
  /** Telegram HTML text (already rendered and escaped). */
  text: z.string(),
  /** URL buttons. */
  buttons: z.array(z.object({ text: z.string(), url: z.string() })).default([]),
  /** Sent without sound (outside the client's working hours, not critical). */
  silent: z.boolean().optional(),
});
export type OutboxItem = z.output<typeof outboxItemSchema>;

/** A mail waiting to be delivered: one recipient, rendered subject and parts, its own Message-ID. */
export const mailItemSchema = z.object({
  /** Unique, stable id (as for Telegram items). */
  id: z.string(),
  kind: outboxItemSchema.shape.kind,
  created_at: iso,
  attempts: z.int().nonnegative().default(0),
  not_before: iso.optional(),
  last_error: z.string().optional(),
  /** The recipient's address (private: operator-only data). */
  to: z.string(),
  subject: z.string(),
  /** The HTML part (already rendered and escaped) and the plain-text part. */
  html: z.string(),
  text: z.string(),
  /** Message-ID header, `<…@…>`, derived from the id: a resend is the same mail. */
  message_id: z.string(),
  /** Id of the mail this one follows in the thread (resolved and reminders → firing). */
  reply_to: z.string().optional(),
});
export type MailItem = z.output<typeof mailItemSchema>;

/** outbox.json: undelivered notifications, and recently delivered ones' Telegram message ids. */
export const outboxSchema = z.object({
  schema: version,
  pending: z.array(outboxItemSchema),
  /** outbox item id → where it was delivered (kept for replies; pruned after 30 days). */
  delivered: z.record(z.string(), z.object({ chat: z.string(), message_id: z.int(), at: iso })),
  /** Mails not yet delivered (absent in files written before e-mail existed). */
  mail: z.array(mailItemSchema).optional(),
  /**
   * mail id → its Message-ID and subject once the server accepted it (replies thread under it), or the
   * permanent rejection it got (reported once, never retried). Pruned after 30 days.
   */
  mail_delivered: z
    .record(
      z.string(),
      z.object({ message_id: z.string(), subject: z.string(), at: iso, rejected: z.string().optional() }),
    )
    .optional(),
});

/** agents/<client>/<installation>.json: the on-prem agent's last report. Operator-only. */
export const agentReportSchema = z.object({
  schema: version,
  client: z.string(),
  installation: z.string(),
  /** When the agent made the report (must not be in the future). */
  reported_at: iso,
  /** Version of `smart agent`. */
  agent_version: z.string(),
  /** Host name of the Kodeks server (private). */
  hostname: z.string().max(255).optional(),
  usb: z.object({
    /** present: a known key is attached; absent: USB visible, no key; unavailable: USB cannot be seen. */
    status: z.enum(['present', 'absent', 'unavailable']),
    /** Why USB is unavailable, in words. */
    reason: z.string().max(500).optional(),
    /** Devices that look like keys (vendor:product, manufacturer and product strings). */
    devices: z
      .array(
        z.object({
          id: z.string().regex(/^[0-9a-f]{4}:[0-9a-f]{4}$/),
          manufacturer: z.string().max(200).optional(),
          product: z.string().max(200).optional(),
          matched: z.boolean(),
        }),
      )
      .max(64)
      .default([]),
  }),
  /** The local Kodeks web port and XML status as seen from the server itself. */
  local: z
    .object({
      http: z
        .object({ status: z.enum(['ok', 'fail', 'unknown']), code: z.string(), message: z.string().max(500) })
        .optional(),
      sysinfo: z
        .object({ status: z.enum(['ok', 'fail', 'unknown']), code: z.string(), message: z.string().max(500) })
        .optional(),
    })
    .default({}),
  /**
   * Facts of the sysinfo report the agent read on the server (closed networks: probes.sysinfo.source agent).
   * Only these derived facts leave the server — no user names, search queries or addresses.
   */
  sysinfo: sysinfoFactsSchema.optional(),
});
export type AgentReport = z.output<typeof agentReportSchema>;

export type Heartbeat = z.output<typeof heartbeatSchema>;
export type ClientState = z.output<typeof clientStateSchema>;
export type InstallationState = z.output<typeof installationStateSchema>;
export type AlertState = z.output<typeof alertStateSchema>;
export type CheckState = z.output<typeof checkStateSchema>;
export type Diagnosis = z.output<typeof diagnosisSchema>;
export type HistoryMonth = z.output<typeof historyMonthSchema>;
export type IncidentMonth = z.output<typeof incidentMonthSchema>;
export type Outbox = z.output<typeof outboxSchema>;
