import { isIP } from 'node:net';
import { z } from 'zod';
import { ALERT_NAMES } from '../alerts/names.ts';
import { mappingSchema } from '../sysinfo/profile.ts';
import { duration } from './duration.ts';
import { kodeksXmlReplacement } from './migrate.ts';

// Field helpers ---------------------------------------------------------------------------------

const id = () =>
  z
    .string()
    .regex(
      /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/,
      'an id is lowercase letters, digits and dashes ([a-z0-9-])',
    );

const ip = () =>
  z
    .string()
    .refine((v) => isIP(v) !== 0, { error: (i) => `${JSON.stringify(i.input)} is not an IP address` });

const httpUrl = () =>
  z.url({ protocol: /^https?$/, error: (i) => `${JSON.stringify(i.input)} is not an http(s) URL` });

/** The port of `host:port` or `[v6]:port` is 1 … 65535 (a bare IPv6 address has no port). */
const portInRange = (v: string) => {
  const port = /(?:^[^:]*|\])(?::(\d+))$/.exec(v)?.[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
};
const portError = (i: { input: unknown }) =>
  `the port of ${JSON.stringify(i.input)} is out of range: a port is 1 … 65535`;

/** `host:port`, `[v6]:port`, a bare address (port 53) or the word `system` (the OS resolver). */
const resolver = () =>
  z
    .string()
    .regex(
      /^(system|[A-Za-z0-9.-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?|[0-9A-Fa-f:]+)$/,
      'expected "system", an address, or "host:port"',
    )
    .refine(portInRange, { error: portError });

/** True when `entry` is an address or a CIDR range (strict dotted or IPv6 notation), as `allow` accepts. */
export function isAddressRange(entry: string): boolean {
  const [addr = '', bits, extra] = entry.split('/');
  if (extra !== undefined || isIP(addr) === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (isIP(addr) === 4 ? 32 : 128);
}

/** An address or a CIDR range of internal addresses probes may connect to (see probes/address-policy.ts). */
const addressRange = () =>
  z.string().refine(isAddressRange, {
    error: (i) => `${JSON.stringify(i.input)} is not an address or CIDR range such as 10.0.5.0/24`,
  });

const hostPort = () =>
  z
    .string()
    .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected "host:port"')
    .refine(portInRange, { error: portError });

const timezone = () =>
  z.string().refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { error: (i) => `${JSON.stringify(i.input)} is not an IANA time zone such as Europe/Moscow` },
  );

/** A date-time with an explicit offset, e.g. 2026-12-01T20:00+03:00; the yaml library may already give a Date. */
const instant = () =>
  z.union([z.date(), z.string()]).transform((v, ctx) => {
    const text = v instanceof Date ? v.toISOString() : v;
    const ok = v instanceof Date || /(Z|[+-]\d\d:?\d\d)$/.test(text);
    const ms = Date.parse(text);
    if (!ok || Number.isNaN(ms)) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected a date-time with a zone, e.g. 2026-12-01T20:00+03:00',
      });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

const statusList = () => z.array(z.int().min(100).max(599)).min(1);

/** A regular expression (JavaScript syntax), checked by compiling it. */
const pattern = () =>
  z
    .string()
    .min(1)
    .max(500)
    .refine(
      (source) => {
        try {
          new RegExp(source, 'iu');
          return true;
        } catch {
          return false;
        }
      },
      { error: (i) => `${JSON.stringify(i.input)} is not a valid regular expression` },
    );

/** A host name or an address (no scheme, no port). */
const host = () =>
  z
    .string()
    .min(1)
    .max(253)
    .refine(
      (v) => isIP(v.replace(/^\[|\]$/g, '')) !== 0 || /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(v),
      {
        error: (i) => `${JSON.stringify(i.input)} is not a host name or an IP address`,
      },
    );

/** The default text of the PK's «service required» page (see docs/installations.md). */
export const NEED_SUPPORT_DEFAULT = 'Требуется\\s+обслуживание';

// Probes ----------------------------------------------------------------------------------------

/** ICMP echo (the system ping) to the installation's `ip`, or to its domain when there is no ip. */
export const icmpProbeSchema = z.strictObject({
  /** Host to ping instead of the default (ip, else the URL's host name). */
  host: z.string().optional(),
  /** Echo requests per check (default 3); the check fails only when all are lost. */
  count: z.int().min(1).max(10).default(3),
});

/** A TCP connect to one port of the installation (ip, else the domain). */
export const tcpProbeSchema = z.strictObject({
  /** Port to connect to. */
  port: z.int().min(1).max(65535),
  /** Host to connect to instead of the default (ip, else the URL's host name). */
  host: z.string().optional(),
});

/** HTTP(S) request by the installation's URL and, when `ip` is set, the same request sent to the ip. */
export const httpProbeSchema = z.strictObject({
  /** Path requested, relative to the installation's URL (default: the URL's own path). */
  path: z.string().startsWith('/').optional(),
  /** HTTP statuses that count as up (default [200]). */
  expect: statusList().default([200]),
  /** Also request by `ip` with the domain's Host header and TLS name (default true when ip is set). */
  by_ip: z.boolean().default(true),
  /** Redirects followed before giving up (default 5). */
  max_redirects: z.int().min(0).max(20).default(5),
  /**
   * The PK's «service required» message: a case-insensitive regular expression looked for in the page
   * (raises KodeksNeedSupport), or false to not read the page (default `Требуется\s+обслуживание`).
   */
  need_support: z.union([pattern(), z.literal(false)]).default(NEED_SUPPORT_DEFAULT),
});

/** Resolution of the installation's domain through the configured resolvers. */
export const dnsProbeSchema = z.strictObject({
  /** Extra resolvers for this installation, e.g. the hosting's own server ("host:port" allowed). */
  resolvers: z.array(resolver()).optional(),
  /** Record type asked for (default A). */
  type: z.enum(['A', 'AAAA']).default('A'),
});

/** The TLS certificate of the installation's https URL: expiry, host name, chain. */
export const tlsProbeSchema = z.strictObject({
  /** Days before expiry from which the check warns (default 21). */
  warn_days: z.int().min(1).max(365).default(21),
  /** Port (default: the URL's port, else 443). */
  port: z.int().min(1).max(65535).optional(),
});

/**
 * The Kodeks sysinfo report (`POST /sysinfo/si_save_request`, a zip holding XML or XML itself): the SenseLock
 * key, per-database licences, operups, database errors, seats and versions. Pulled by the checker, or pushed
 * from a closed network by `smart agent` (only the derived facts leave the server). The element names of the
 * report are not published: `mapping` adapts the default profile (docs/sysinfo.md) to a real export.
 */
export const sysinfoProbeSchema = z.strictObject({
  /** pull: the checker fetches the report; agent: `smart agent` on the server pushes its facts (closed networks). */
  source: z.enum(['pull', 'agent']).default('pull'),
  /** Path of the report request, relative to the installation's URL (default /sysinfo/si_save_request). */
  path: z.string().startsWith('/').default('/sysinfo/si_save_request'),
  /** The form value `type` sent: zip (a zip holding the XML, as SMART asks) or xml (default zip). */
  type: z.enum(['zip', 'xml']).default('zip'),
  /** POST (the Kodeks server's form) or GET (a report file published by other means); default POST. */
  method: z.enum(['POST', 'GET']).default('POST'),
  /** How often a new report is pulled (default 1h, as SMART does); between pulls the last facts are judged again. */
  every: duration(0).default(3_600_000),
  /** No fresh report for this long raises SmartXMLfileIsToOld (default 2d). */
  max_age: duration(60_000).default(2 * 86_400_000),
  /** An operup file not updated for this long (at the report's time) raises KodeksDBOperUpToOld (default 3d). */
  operup_max_age: duration(3_600_000).default(3 * 86_400_000),
  /** Bytes of the downloaded report at most (default 64 MiB); the XML inside a zip may be up to 256 MiB. */
  max_bytes: z
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(64 * 1024 * 1024),
  /** Overrides of the default mapping profile, field by field (docs/sysinfo.md). */
  mapping: mappingSchema.optional(),
});

/**
 * The Kodeks server's metrics in the Prometheus text format: `/sysinfo/metrics` (no authorisation) and, since
 * PK 6.4.5.127, `/sysmon/metrics` (HTTP Basic auth of a user allowed «Доступ к метрикам»).
 */
export const metricsProbeSchema = z.strictObject({
  /** Which endpoints are read (default [sysinfo]); sysmon needs the password in the environment. */
  endpoints: z
    .array(z.enum(['sysinfo', 'sysmon']))
    .min(1)
    .default(['sysinfo']),
  /** User name for /sysmon/metrics (default smartlogin, as SMART uses). */
  user: z.string().min(1).max(100).default('smartlogin'),
  /** Name of the environment variable holding that user's password (default SMART_METRICS_PASSWORD). */
  password_env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]{0,63}$/, 'expected an environment variable name such as SMART_METRICS_PASSWORD')
    .default('SMART_METRICS_PASSWORD'),
});

/** The report of the on-prem agent (`smart agent`) that looks for the USB key on the Kodeks server. */
export const agentProbeSchema = z.strictObject({
  /** A report older than this is "agent silent" (default 15m). */
  max_age: duration(60_000).default(900_000),
});

/** The installation's licence manager (Licman, which serves the SenseLock key over the network). */
export const licmanProbeSchema = z.strictObject({
  /** Host name or address of the licence manager. */
  host: host(),
  /** Its TCP port (default 8888). */
  port: z.int().min(1).max(65535).default(8888),
  /** Also ping the host (raises LicmanIcmp; default true — turn off where ICMP is closed). */
  icmp: z.boolean().default(true),
});

/** The probes of one installation; each key present turns that probe on. */
export const probesSchema = z.strictObject({
  /** Ping. */
  icmp: icmpProbeSchema.optional(),
  /** TCP connect. */
  tcp: tcpProbeSchema.optional(),
  /** HTTP by domain and by ip. */
  http: httpProbeSchema.optional(),
  /** DNS resolution of the domain. */
  dns: dnsProbeSchema.optional(),
  /** TLS certificate. */
  tls: tlsProbeSchema.optional(),
  /** The Kodeks sysinfo report: key, licences, operups, DB errors, seats. */
  sysinfo: sysinfoProbeSchema.optional(),
  /** /sysinfo/metrics and /sysmon/metrics. */
  metrics: metricsProbeSchema.optional(),
  /** Replaced by `sysinfo`; `smart validate` says what to write instead. */
  kodeks_xml: z
    .unknown()
    .superRefine((v, ctx) => ctx.addIssue({ code: 'custom', message: kodeksXmlReplacement(v) }))
    .optional(),
  /** Freshness and content of the on-prem agent's report. */
  agent: agentProbeSchema.optional(),
  /** The licence manager: ping and port. */
  licman: licmanProbeSchema.optional(),
});

const alertOverrideSchema = z.strictObject({
  /** Consecutive failed checks before this alert fires for this installation. */
  for: z.int().min(1).max(100).optional(),
  /** Consecutive good checks before it resolves for this installation. */
  resolve_after: z.int().min(1).max(100).optional(),
  /** Turn the alert off for this installation. */
  disabled: z.boolean().optional(),
  /** Only for a duration alert (KodeksMaintenanceToLong): how long its source must last, e.g. 4h. */
  after: duration(60_000, 30 * 86_400_000).optional(),
});

/** Fleet-wide settings of one alert (top-level `alerts:`): only what a runbook's front matter cannot say per run. */
const fleetAlertSchema = z.strictObject({
  /** Only for a mass («…Count») alert: installations firing its single alert in one run that make one message. */
  count_min: z.int().min(2).max(100_000).optional(),
  /** Only for a duration alert (KodeksMaintenanceToLong): how long its source must last (default 3h). */
  after: duration(60_000, 30 * 86_400_000).optional(),
  /** Turn the alert off everywhere (a mass alert: never aggregate, always send the single messages). */
  disabled: z.boolean().optional(),
});

// Entities --------------------------------------------------------------------------------------

/** One Kodeks installation of a client. */
export const installationSchema = z.strictObject({
  /** Identifier, unique within the client ([a-z0-9-]). */
  id: id(),
  /** Russian name shown on the status page and in alerts. */
  title: z.string().min(1),
  /** Id of a hosting from `hostings`; omitted = on-premise. */
  hosting: id().optional(),
  /** What users open: the domain, usually through a proxy. Never published on the site. */
  url: httpUrl(),
  /** Direct address of the server: probed, never published. */
  ip: ip().optional(),
  /** Time zone for this installation's days (default: checker.timezone). */
  timezone: timezone().optional(),
  /** Internal notes for managers; never published. */
  notes: z.string().optional(),
  /**
   * Internal addresses (loopback, private, link-local …) or CIDR ranges this installation's probes may
   * connect to besides its own `ip`; redirects and DNS answers pointing elsewhere inside are refused.
   */
  allow: z.array(addressRange()).optional(),
  /** Per-alert overrides of the thresholds in docs/errors (keyed by alert name). */
  alerts: z.partialRecord(z.enum(ALERT_NAMES), alertOverrideSchema).optional(),
  /** Which probes run against this installation. */
  probes: probesSchema,
});

/** The person responsible for a client. Private: never published. */
export const managerSchema = z.strictObject({
  /** Full name. */
  name: z.string().min(1),
  /** Telegram handle, e.g. @ipetrov, mentioned in alerts. */
  telegram: z
    .string()
    .regex(/^@[A-Za-z0-9_]{4,32}$/, 'expected a Telegram handle such as @ipetrov')
    .optional(),
  /** E-mail. */
  email: z.email().optional(),
  /** Phone. */
  phone: z.string().optional(),
});

/** Telegram routing: a chat id (or @channel) and an optional forum topic. */
export const telegramTargetSchema = z.strictObject({
  /** Chat id such as -1001234567890, or @channelname. */
  chat: z
    .union([z.string().regex(/^(-?\d+|@[A-Za-z0-9_]{5,32})$/, 'expected a chat id or @channel'), z.int()])
    .transform(String),
  /** Forum topic (message_thread_id) inside the chat. */
  thread: z.int().positive().optional(),
});

// Notifications: e-mail, priorities, distributors, working hours, the client's administrator ---------

const priority = () => z.int().min(1).max(5);

/** A chat of managers (the default one, a client's override, a distributor's channel) and what it gets. */
export const teamTelegramSchema = telegramTargetSchema.extend({
  /** Alerts of priority К1 … К<max_priority> are posted here; the others go by e-mail only (default 3). */
  max_priority: priority().optional(),
});

/** E-mail: who the mails are from; the server and its login come from SMTP_URL in the environment. */
export const emailNotifySchema = z.strictObject({
  /** Sender: an address or "Name <address>" (default: SMART <alert@ the host of site.url>). */
  from: z
    .string()
    .regex(
      /^(?:[^<>\r\n]+<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
      'expected an address or "Name <address>"',
    )
    .optional(),
});

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const clockTime = () => z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time such as 09:00');

/** A client's working hours in its time zone: outside them only critical alerts ring in Telegram. */
export const workingHoursSchema = z.strictObject({
  /** Working days (default mon … fri). */
  days: z.array(z.enum(WEEKDAYS)).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
  /** Start of the working day, HH:MM (default 09:00); the morning summary is sent then. */
  from: clockTime().default('09:00'),
  /** End of the working day, HH:MM (default 18:00). */
  to: clockTime().default('18:00'),
  /** The client's time zone (default checker.timezone). */
  timezone: timezone().optional(),
});

/** The client's own administrator: told directly about what only the client can fix. Private. */
export const administratorSchema = z
  .strictObject({
    /** Name, for the greeting. */
    name: z.string().min(1).optional(),
    /** E-mail. */
    email: z.email().optional(),
    /** A Telegram chat with the administrator (a private chat with the bot or a group). */
    telegram: telegramTargetSchema.optional(),
  })
  .refine((a) => a.email !== undefined || a.telegram !== undefined, {
    error: 'an administrator needs an email or a telegram chat',
  });

/** A distributor (partner) serving several clients, with its own Telegram channel «СМАРТ.<partner>». */
export const distributorSchema = z.strictObject({
  /** Name, e.g. «Кодекс-Партнёр». */
  title: z.string().min(1),
  /** The distributor's channel: its clients' high-priority alerts go there unless a client names its own chat. */
  telegram: teamTelegramSchema.optional(),
  /** Addresses that get every mail about the distributor's clients (besides each client's manager). */
  email: z.array(z.email()).optional(),
});

/** One client company. */
export const clientSchema = z.strictObject({
  /** Identifier, unique ([a-z0-9-]); used in file names of the status data. */
  id: id(),
  /** Russian name of the company, shown on its status page. */
  title: z.string().min(1),
  /** public: listed on the home page; unlisted: own page, not listed, noindex; private: no page. */
  visibility: z.enum(['public', 'unlisted', 'private']).default('public'),
  /** URL segment of the status page (default: the id); make it unguessable for unlisted clients. */
  slug: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,80}$/, 'a slug is lowercase letters, digits and dashes')
    .optional(),
  /** The responsible manager (private). */
  manager: managerSchema.optional(),
  /** Id of the distributor from `distributors` that serves this client. */
  distributor: id().optional(),
  /** The client's own administrator (private): gets what only the client can fix. */
  administrator: administratorSchema.optional(),
  /** Contract: availability in % per calendar month, announced maintenance excluded. */
  sla: z.strictObject({ availability: z.number().min(50).max(100) }).optional(),
  /** Overrides of alert routing for this client. */
  notify: z
    .strictObject({
      /** Where this client's alerts go instead of the distributor's channel or notify.telegram. */
      telegram: teamTelegramSchema.optional(),
      /** A chat shared with the client: receives only client-visible alerts, without internal details. */
      client_telegram: telegramTargetSchema.optional(),
      /** More addresses (private) that get every mail about this client, like its manager. */
      email: z.array(z.email()).optional(),
      /** Working hours: outside them non-critical Telegram messages are silent, then a morning summary. */
      working_hours: workingHoursSchema.optional(),
    })
    .optional(),
  /** Internal notes (private). */
  notes: z.string().optional(),
  /** The client's installations. */
  installations: z.array(installationSchema).min(1),
});

/** A hosting that runs installations of several clients (outages there are grouped into one message). */
export const hostingSchema = z.strictObject({
  /** Russian name, e.g. «Техэксперт.Облако». */
  title: z.string().min(1),
  /** Where to file a ticket with the hosting's support. */
  support: z.string().optional(),
  /** The hosting's own DNS servers, asked in addition to checker.resolvers for its installations. */
  resolvers: z.array(resolver()).optional(),
});

/** An announced maintenance window: no alerts, excluded from SLA. */
export const maintenanceSchema = z.strictObject({
  /** `client` (all its installations) or `client/installation`. */
  installations: z
    .array(z.string().regex(/^[a-z0-9-]+(\/[a-z0-9-]+)?$/, 'expected "client" or "client/installation"'))
    .min(1),
  /** Start, with a zone. */
  start: instant(),
  /** End, with a zone. */
  end: instant(),
  /** Russian reason shown on the status page. */
  reason: z.string().min(1),
});

/** Canary: a target that proves the checker's own network works. */
export const canarySchema = z.union([
  z.strictObject({ /** TCP connect to host:port. */ tcp: hostPort() }),
  z.strictObject({ /** HTTP GET of a URL that must answer. */ http: httpUrl() }),
]);

/** The whole installations.yaml. */
export const configSchema = z.strictObject({
  /** The published site. */
  site: z.strictObject({
    /** Base URL of the site; every link in alerts starts with it. */
    url: httpUrl(),
    /** Site title (default "SMART status"). */
    title: z.string().min(1).default('SMART status'),
    /** GitHub repository owner/name, for "edit on GitHub" links. */
    repo: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name')
      .optional(),
  }),
  /** How the checker runs. */
  checker: z
    .strictObject({
      /** Expected cadence of runs; a gap longer than 3 × interval is "no data", never "up" (default 5m). */
      interval: duration(10_000, 86_400_000).default(300_000),
      /** Time zone of days, months and times shown (default Europe/Moscow). */
      timezone: timezone().default('Europe/Moscow'),
      /** Checks connecting or awaiting an answer at once (default 64); one a silent server keeps waiting stops counting. */
      concurrency: z.int().min(1).max(1024).default(64),
      /** Of those, for one server, an address and port (default 4; one until the server first answers). */
      per_host: z.int().min(1).max(64).default(4),
      /** Hard limit for one check (default 10s). */
      timeout: duration(100, 120_000).default(10_000),
      /** Bytes read from one response at most (default 1 MiB). */
      max_body: z
        .int()
        .min(1024)
        .max(64 * 1024 * 1024)
        .default(1024 * 1024),
      /** Targets that prove the checker's own network works; if all fail, no client is blamed. */
      canaries: z.array(canarySchema).default([]),
      /** DNS servers every probe resolves names through: "system" or "host:port" (default ["system"]). */
      resolvers: z.array(resolver()).min(1).default(['system']),
      /** Internal addresses or CIDR ranges every installation's probes may connect to (default none). */
      allow: z.array(addressRange()).default([]),
      /**
       * Places the checks run from (`--vantage`, SMART_VANTAGE), e.g. github-hosted and self-hosted: results
       * are recorded per vantage and `smart check --merge` refuses results of a vantage not listed (default:
       * none listed, any name is accepted).
       */
      vantages: z.array(id()).max(16).default([]),
      /**
       * Fresh vantages (results of this run, canaries passing) that must see a check fail before it counts as
       * failed: majority (more than half of those that observed it, the default), all, or a number (at most
       * as many as observed it). A vantage that could not observe a check (unknown) does not vote.
       */
      quorum: z.union([z.enum(['majority', 'all']), z.int().min(1).max(16)]).default('majority'),
    })
    .prefault({}),
  /** Where alerts go. */
  notify: z
    .strictObject({
      /** The managers' Telegram chat. */
      telegram: telegramTargetSchema
        .extend({
          /** Reminder period while an alert keeps firing (default 4h). */
          remind_every: duration(60_000).default(4 * 3_600_000),
          /** Alerts of priority К1 … К<max_priority> go to Telegram; the others by e-mail only (default 3). */
          max_priority: priority().default(3),
        })
        .optional(),
      /** E-mail to managers (every alert event); the server comes from SMTP_URL. */
      email: emailNotifySchema.optional(),
      /** Time one run may spend delivering, whatever hangs (default 20s); what is left waits for the next run. */
      budget: duration(1000, 300_000).default(20_000),
    })
    .prefault({}),
  /** Hostings by id. */
  hostings: z.record(id(), hostingSchema).default({}),
  /** Distributors (partners) by id; a client names its own with `distributor`. */
  distributors: z.record(id(), distributorSchema).default({}),
  /** Client companies. */
  clients: z.array(clientSchema).default([]),
  /** Announced maintenance windows. */
  maintenance: z.array(maintenanceSchema).default([]),
  /** Fleet-wide alert settings by alert name: mass thresholds (`count_min`) and durations (`after`). */
  alerts: z.partialRecord(z.enum(ALERT_NAMES), fleetAlertSchema).default({}),
});

/** installations.yaml after validation, defaults applied and durations in milliseconds. */
export type Config = z.output<typeof configSchema>;
export type Client = Config['clients'][number];
export type Installation = Client['installations'][number];
export type Probes = Installation['probes'];
export type Maintenance = Config['maintenance'][number];
