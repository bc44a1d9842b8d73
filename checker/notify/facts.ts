/**
 * One event → one `Notice`: everything a message says (who, what, cause, workaround, links, times), already
 * cut to what its reader may see. Pure. Every channel's renderer takes a Notice and only formats it; no
 * renderer looks at the config, the catalog or the event. Deciding what a reader may see happens here
 * and only here: a client's chat never gets addresses, host names, notes or the manager.
 */
import { isIP } from 'node:net';
import type { AlertEntry, Catalog } from '../alerts/catalog.ts';
import type { ProbeEvidence } from '../alerts/engine/events.ts';
import type { AlertName, Importance } from '../alerts/names.ts';
import type { Client, Config } from '../config/schema.ts';
import type { Diagnosis, OutboxItem } from '../status/schema.ts';
import { clientSideFix } from './client-side.ts';
import { runbookExcerpt } from './markdown.ts';

/**
 * Who reads the message: the team (everything), the chat shared with the client (only the workaround), or
 * the client's own administrator (cause and what to check on their side; nothing internal).
 */
export type Audience = 'team' | 'client' | 'admin';

/** What building a Notice needs besides the event. */
export interface RenderContext {
  config: Config;
  catalog: Catalog;
  now: Date;
}

/** One installation as a message names it. Internal fields are absent for the client audience. */
export interface InstallationFacts {
  client: string;
  installation: string;
  /** Manager's @handle or name (team only). */
  manager?: string;
  /** Host name of the URL and the direct IP (team only). */
  host?: string;
  ip?: string;
  /** Internal notes (team only). */
  notes?: string;
  /** First failed check. */
  since: string;
  /** When it was seen working again (resolved only). */
  at?: string;
  /** Downtime, ms (resolved only). */
  durationMs?: number;
  /** What the failing checks answered (not for the client's chat): codes, a certificate's expiry. */
  evidence?: ProbeEvidence[];
}

/** The alert a message is about, from its runbook. */
export interface AlertFacts {
  name: AlertName;
  /** Russian title (the name when the runbook is missing). */
  title: string;
  importance: Importance;
  /** SMART's priority К1 (1) … К5. */
  priority: number;
  /** One line of Markdown: what it means for users. */
  summary?: string;
  /** A short Markdown excerpt of the runbook («Что делать», else «Что означает»), team only. */
  excerpt?: string;
}

/** The probable cause in words; the client audience gets only the workaround, without addresses. */
export interface CauseFacts {
  cause?: string;
  /** What to check. */
  hint?: string;
  /** What users can do until it is fixed. */
  workaround?: string;
}

/** Links a message offers (its buttons in Telegram). */
export interface LinkFacts {
  /** The runbook page (team only). */
  runbook?: string;
  /** The client's status page (not for private clients, nor for a hosting-wide team message). */
  status?: string;
  /** Base that relative links in the runbook's Markdown resolve against (the runbooks' folder on the site). */
  docs: string;
  /** owner/name of the repository: links to docs the site does not serve go to the file on GitHub. */
  repo?: string;
}

/** Everything one message says, for one audience. */
export interface Notice {
  kind: OutboxItem['kind'];
  audience: Audience;
  /** Absent for messages about the checker itself. */
  alert?: AlertFacts;
  /** A hosting-wide message (the grouped one and its follow-ups). */
  hosting?: { title: string; support?: string };
  /** A mass («…Count») message: many installations with the same alert in one run, whatever their hosting. */
  mass?: { hostings: { title: string; count: number }[] };
  /** The installations it is about: one, or several for a hosting-wide message. */
  installations: InstallationFacts[];
  cause?: CauseFacts;
  /** A message about the checker itself: its code, title and text in Russian. */
  operator?: { code: string; title: string; text: string };
  /** The morning summary: what is still firing and what happened overnight. */
  summary?: SummaryFacts;
  links: LinkFacts;
  /** The event's time (this run). */
  at: string;
  timeZone: string;
  /** When the message is rendered: dates are left out of times on the same day. */
  now: Date;
}

/** One line of the morning summary. */
export interface SummaryLine {
  client: string;
  installation: string;
  alert: AlertName;
  title: string;
  priority: number;
  since: string;
  /** When it recovered (overnight incidents that are over). */
  resolvedAt?: string;
}

/** The morning summary for one manager. */
export interface SummaryFacts {
  /** The manager's name. */
  manager: string;
  /** The start of the working day and of the night it covers. */
  dayStart: string;
  nightStart: string;
  firing: SummaryLine[];
  overnight: SummaryLine[];
}

/** The runbook behind an operator message's link («back online» needs none). */
const OPERATOR_RUNBOOK: Record<string, AlertName> = {
  checker_offline: 'SmartCheckerOffline',
  checker_stale: 'SmartCheckerStale',
  icmp_unavailable: 'KodeksIcmp',
};

const OPERATOR_TITLE: Record<string, string> = {
  checker_offline: 'SMART: у проверяющего нет сети',
  checker_online: 'SMART: проверяющий снова на связи',
  icmp_unavailable: 'SMART: ICMP недоступен с этого раннера',
  checker_stale: 'SMART: проверки давно не запускались',
  vantage_silent: 'SMART: место проверки молчит',
  vantage_back: 'SMART: место проверки снова на связи',
  shards_missing: 'SMART: часть проверки не прислала результатов',
};

/** An installation an event names, with its own times. */
export interface Target {
  client: string;
  installation: string;
  since: string;
  at?: string;
  durationMs?: number;
  evidence?: ProbeEvidence[];
}

/** What a Notice about an alert is built from: one event, or the events of a hosting-wide problem. */
export interface AlertInput {
  kind: Exclude<OutboxItem['kind'], 'operator'>;
  alert: AlertName;
  importance: Importance;
  at: string;
  diagnosis?: Diagnosis;
  /** Set for a hosting-wide message: the hosting's id. */
  hosting?: string;
  /** Set for a mass message (`alert` is then the «…Count» alert). */
  mass?: boolean;
  targets: Target[];
}

export function siteUrl(config: Config): string {
  return config.site.url.replace(/\/+$/, '');
}

export function findClient(config: Config, id: string): Client | undefined {
  return config.clients.find((c) => c.id === id);
}

/** The Notice of an alert message for one audience. */
export function alertNotice(input: AlertInput, audience: Audience, ctx: RenderContext): Notice {
  const site = siteUrl(ctx.config);
  const entry = ctx.catalog.get(input.alert);
  const hosting = input.hosting !== undefined ? hostingFacts(ctx.config, input.hosting, audience) : undefined;
  const mass = input.mass ? massFacts(ctx.config, input.targets) : undefined;
  // A single-installation message links the client's page; a wide one only in a client's own chat.
  const client =
    (hosting === undefined && mass === undefined) || audience !== 'team'
      ? findClient(ctx.config, input.targets[0]?.client ?? '')
      : undefined;
  const first = findClient(ctx.config, input.targets[0]?.client ?? '');
  const fix =
    audience === 'admin'
      ? clientSideFix(
          input.alert,
          first?.installations.find((i) => i.id === input.targets[0]?.installation),
        )
      : undefined;
  const cause = causeFacts(input.diagnosis, audience, fix?.check);
  return {
    kind: input.kind,
    audience,
    alert: alertFacts(input.alert, input.importance, entry, audience, hosting || mass ? 300 : 400),
    ...(hosting ? { hosting } : {}),
    ...(mass ? { mass } : {}),
    installations: input.targets.map((t) => installationFacts(ctx.config, t, audience)),
    ...(cause ? { cause } : {}),
    links: {
      ...(audience === 'team' ? { runbook: runbookUrl(site, input.alert) } : {}),
      ...(client && client.visibility !== 'private'
        ? { status: `${site}/status/${client.slug ?? client.id}/` }
        : {}),
      ...docLinks(ctx.config),
    },
    at: input.at,
    timeZone: ctx.config.checker.timezone,
    now: ctx.now,
  };
}

/** The Notice of a message about the checker itself (always for the team). */
export function operatorNotice(ev: { code: string; text: string; at: string }, ctx: RenderContext): Notice {
  const site = siteUrl(ctx.config);
  const runbook = OPERATOR_RUNBOOK[ev.code];
  return {
    kind: 'operator',
    audience: 'team',
    installations: [],
    operator: { code: ev.code, title: OPERATOR_TITLE[ev.code] ?? `SMART: ${ev.code}`, text: ev.text },
    links: {
      ...(runbook ? { runbook: runbookUrl(site, runbook) } : {}),
      ...docLinks(ctx.config),
    },
    at: ev.at,
    timeZone: ctx.config.checker.timezone,
    now: ctx.now,
  };
}

/** Where relative links of runbooks resolve (the site's runbook folder, the repository for other docs). */
export function docLinks(config: Config): Pick<LinkFacts, 'docs' | 'repo'> {
  return {
    docs: `${siteUrl(config)}/docs/errors/`,
    ...(config.site.repo ? { repo: config.site.repo } : {}),
  };
}

/** The runbook page, as the links managers already hold spell it (the site serves `<Alert>.md`). */
export function runbookUrl(site: string, alert: string): string {
  return `${site}/docs/errors/${alert}.md`;
}

/** SMART's priority from the runbook's front matter (К1 when the runbook has none). */
export function priorityOf(entry: AlertEntry | undefined): number {
  return entry?.priority ?? 1;
}

/** How many of a mass message's installations are at each hosting (most first). */
function massFacts(config: Config, targets: Target[]): NonNullable<Notice['mass']> {
  const counts = new Map<string, number>();
  for (const t of targets) {
    const id = findClient(config, t.client)?.installations.find((i) => i.id === t.installation)?.hosting;
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const hostings = [...counts]
    .map(([id, count]) => ({ title: config.hostings[id]?.title ?? id, count }))
    .sort((a, b) => b.count - a.count || a.title.localeCompare(b.title, 'ru'));
  return { hostings };
}

function hostingFacts(config: Config, id: string, audience: Audience): Notice['hosting'] {
  const h = config.hostings[id];
  return {
    title: h?.title ?? (id || 'Хостинг'),
    ...(audience === 'team' && h?.support ? { support: h.support } : {}),
  };
}

/** Runbook excerpts by entry and size: a run renders the same runbook for many installations. */
const excerpts = new WeakMap<AlertEntry, Map<number, string | undefined>>();

function excerptOf(entry: AlertEntry, max: number): string | undefined {
  const cache = excerpts.get(entry) ?? new Map<number, string | undefined>();
  excerpts.set(entry, cache);
  if (!cache.has(max)) {
    const excerpt = runbookExcerpt(entry.body, ['Что делать', 'Что означает'], max);
    cache.set(max, excerpt === undefined ? undefined : pointStepsAtRunbook(excerpt));
  }
  return cache.get(max);
}

const STEP =
  /(^|[^\p{L}])(шаг|шага|шагу|шагом|шаге|шаги|шагов|шагах)\s+(\d+(?:\s*(?:[–—-]|и)\s*\d+)?)(?![\d\s–—и-]*диагностики)/giu;

/**
 * The excerpt comes from «Что делать»; its «шаг 2» means a step of «Диагностика», which the message does not
 * contain. Say so, and where it is: the «Что делать» button opens the whole runbook.
 */
export function pointStepsAtRunbook(markdown: string): string {
  return markdown.replace(
    STEP,
    (_m, before: string, word: string, n: string) =>
      `${before}${word} ${n} диагностики (кнопка «Что делать»)`,
  );
}

function alertFacts(
  name: AlertName,
  importance: Importance,
  entry: AlertEntry | undefined,
  audience: Audience,
  excerptMax: number,
): AlertFacts {
  const excerpt = entry && audience === 'team' ? excerptOf(entry, excerptMax) : undefined;
  return {
    name,
    title: entry?.title ?? name,
    importance,
    priority: priorityOf(entry),
    ...(entry ? { summary: entry.summary } : {}),
    ...(excerpt ? { excerpt } : {}),
  };
}

function causeFacts(d: Diagnosis | undefined, audience: Audience, check?: string): CauseFacts | undefined {
  if (audience === 'admin') {
    const out: CauseFacts = {
      ...(d ? { cause: withoutAddresses(d.cause) } : {}),
      ...(check ? { hint: check } : {}),
      ...(d?.workaround ? { workaround: withoutAddresses(d.workaround) } : {}),
    };
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (!d) return undefined;
  if (audience === 'client') return d.workaround ? { workaround: withoutAddresses(d.workaround) } : undefined;
  return {
    cause: d.cause,
    ...(d.hint ? { hint: d.hint } : {}),
    ...(d.workaround ? { workaround: d.workaround } : {}),
  };
}

function installationFacts(config: Config, t: Target, audience: Audience): InstallationFacts {
  const client = findClient(config, t.client);
  const inst = client?.installations.find((i) => i.id === t.installation);
  const times = {
    since: t.since,
    ...(t.at !== undefined ? { at: t.at } : {}),
    ...(t.durationMs !== undefined ? { durationMs: t.durationMs } : {}),
  };
  const base = { client: client?.title ?? t.client, installation: inst?.title ?? t.installation };
  if (audience === 'client') return { ...base, ...times };
  const evidence = t.evidence?.length ? { evidence: t.evidence } : {};
  if (audience === 'admin') return { ...base, ...times, ...evidence };
  const manager = client?.manager?.telegram ?? client?.manager?.name;
  let host: string | undefined;
  try {
    host = inst ? new URL(inst.url).host : undefined;
  } catch {
    host = undefined;
  }
  return {
    ...base,
    ...(manager ? { manager } : {}),
    ...(host ? { host } : {}),
    ...(inst?.ip ? { ip: inst.ip } : {}),
    ...(inst?.notes ? { notes: inst.notes } : {}),
    ...times,
    ...evidence,
  };
}

const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g;
const IPV6_LIKE = /\[?[0-9a-f]*:[0-9a-f:.]*:[0-9a-f.]*\]?/gi;

/** Client chats never see addresses, even when a diagnosis text names one. */
export function withoutAddresses(text: string): string {
  const hidden = '(адрес сообщит менеджер)';
  return text
    .replace(IPV4, hidden)
    .replace(IPV6_LIKE, (m) => (isIP(m.replace(/^\[|\]$/g, '')) === 6 ? hidden : m));
}
