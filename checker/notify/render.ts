/**
 * `renderEvents`: the alert engine's events → outbox items (rendered, routed, with stable ids). Pure.
 *
 * Routing: the team chat is `client.notify.telegram`, else `notify.telegram`; a client's own chat
 * (`client.notify.client_telegram`) gets only client_visible alerts and no internal details. Ids are
 * `<incident|group|operator>|<kind>|<audience>:<chat>[/<thread>]` (+`|<at>` for reminders and operator
 * messages), so rendering the same event again gives the same id and nothing is queued twice; a resolved
 * message's `reply_to` is the id its firing (or grouped) message got for the same chat.
 */
import type { Catalog } from '../alerts/catalog.ts';
import type { AlertEvent } from '../alerts/events.ts';
import type { AlertName } from '../alerts/names.ts';
import type { Client, Config } from '../config/schema.ts';
import type { OutboxItem } from '../store/schema.ts';
import {
  type Audience,
  firingText,
  groupedReminderText,
  groupedResolvedText,
  groupedText,
  type InstallationFacts,
  type MessageFacts,
  operatorText,
  reminderText,
  resolvedText,
} from './messages.ts';
import type { UrlButton } from './types.ts';

/** What rendering needs besides the events. */
export interface RenderContext {
  config: Config;
  catalog: Catalog;
  now: Date;
}

/** A chat and forum topic. */
export interface Route {
  chat: string;
  thread?: number;
}

/** The runbook behind an operator message's «Что делать» button («back online» needs none). */
const OPERATOR_RUNBOOK: Record<string, AlertName> = {
  checker_offline: 'SmartCheckerOffline',
  checker_stale: 'SmartCheckerStale',
  icmp_unavailable: 'KodeksIcmp',
};

/** The team chat for a client (its override, else the default), or undefined when none is configured. */
export function teamRoute(config: Config, client?: Client): Route | undefined {
  const t = client?.notify?.telegram ?? config.notify.telegram;
  return t ? { chat: t.chat, ...(t.thread ? { thread: t.thread } : {}) } : undefined;
}

function clientRoute(client?: Client): Route | undefined {
  const t = client?.notify?.client_telegram;
  return t ? { chat: t.chat, ...(t.thread ? { thread: t.thread } : {}) } : undefined;
}

function routeKey(audience: Audience, r: Route): string {
  return `${audience}:${r.chat}${r.thread ? `/${r.thread}` : ''}`;
}

/** The outbox id of a message; `resolved` uses it to find the firing message it replies to. */
export function outboxId(base: string, kind: string, audience: Audience, route: Route, at?: string): string {
  return [base, kind, routeKey(audience, route), ...(at ? [at] : [])].join('|');
}

/** Turns one run's events into outbox items. */
export function renderEvents(events: AlertEvent[], ctx: RenderContext): OutboxItem[] {
  const out: OutboxItem[] = [];
  const seen = new Set<string>();
  const push = (item: OutboxItem) => {
    if (seen.has(item.id)) return;
    seen.add(item.id);
    out.push(item);
  };
  // Follow-ups of a hosting-wide problem that arrive together (reminders, recoveries) become one message
  // per chat, as the grouped firing message was: one problem, one thread, not N messages.
  const followUps = new Map<string, FollowUp[]>();
  for (const ev of events) {
    if ((ev.kind === 'resolved' || ev.kind === 'reminder') && ev.group) {
      const key = `${ev.kind}|${ev.group}|${ev.alert}`;
      followUps.set(key, [...(followUps.get(key) ?? []), ev]);
    }
  }
  for (const ev of events) {
    const key =
      (ev.kind === 'resolved' || ev.kind === 'reminder') && ev.group
        ? `${ev.kind}|${ev.group}|${ev.alert}`
        : '';
    const bucket = key ? followUps.get(key) : undefined;
    if (bucket && bucket.length >= 2) {
      if (bucket[0] === ev) for (const item of renderGroupFollowUp(bucket, ctx)) push(item);
      continue;
    }
    for (const item of renderEvent(ev, ctx)) push(item);
  }
  return out;
}

type FollowUp = Extract<AlertEvent, { kind: 'resolved' | 'reminder' }>;

/** One reminder or recovery message per chat for installations of one grouped incident. */
function renderGroupFollowUp(events: FollowUp[], ctx: RenderContext): OutboxItem[] {
  const first = events[0]!;
  const group = first.group!;
  const hostingId =
    first.hosting ??
    findClient(ctx, first.client)?.installations.find((i) => i.id === first.installation)?.hosting ??
    '';
  const hosting = { title: ctx.config.hostings[hostingId]?.title ?? (hostingId || 'Хостинг') };
  const byRoute = new Map<
    string,
    { audience: Audience; route: Route; client?: Client; events: FollowUp[] }
  >();
  for (const ev of events) {
    const client = findClient(ctx, ev.client);
    for (const [audience, route] of audiences(ctx, client, ev.alert)) {
      if (audience === 'client' && ev.kind === 'reminder') continue; // clients are not reminded
      const key = `${routeKey(audience, route)}${audience === 'client' ? `#${ev.client}` : ''}`;
      const entry = byRoute.get(key) ?? {
        audience,
        route,
        ...(audience === 'client' && client ? { client } : {}),
        events: [],
      };
      entry.events.push(ev);
      byRoute.set(key, entry);
    }
  }
  const out: OutboxItem[] = [];
  for (const { audience, route, client, events: evs } of byRoute.values()) {
    const f = messageFacts(ctx, first, audience);
    const perClient = audience === 'client' ? client?.id : undefined;
    const btns = buttons(ctx, first.alert, client, audience);
    if (first.kind === 'reminder') {
      const list = evs.map((e) => ({ ...facts(ctx, e.client, e.installation, audience), since: e.since }));
      out.push(
        item(
          outboxId(group, 'reminder', audience, route, first.at),
          'reminder',
          first.at,
          route,
          groupedReminderText(f, hosting, list, first.at),
          btns,
        ),
      );
    } else {
      const list = evs.map((e) => ({
        ...facts(ctx, e.client, e.installation, audience),
        since: e.since,
        at: e.at,
        durationMs: e.kind === 'resolved' ? e.durationMs : 0,
      }));
      out.push(
        item(
          outboxId(group, 'resolved', audience, route, perClient),
          'resolved',
          first.at,
          route,
          groupedResolvedText(f, hosting, list),
          btns,
          outboxId(group, 'grouped', audience, route, perClient),
        ),
      );
    }
  }
  return out;
}

function site(ctx: RenderContext): string {
  return ctx.config.site.url.replace(/\/+$/, '');
}

function findClient(ctx: RenderContext, id: string): Client | undefined {
  return ctx.config.clients.find((c) => c.id === id);
}

function facts(
  ctx: RenderContext,
  clientId: string,
  installationId: string,
  audience: Audience,
): InstallationFacts {
  const client = findClient(ctx, clientId);
  const inst = client?.installations.find((i) => i.id === installationId);
  const hostingId = inst?.hosting;
  const base: InstallationFacts = {
    client: client?.title ?? clientId,
    installation: inst?.title ?? installationId,
    ...(hostingId ? { hosting: ctx.config.hostings[hostingId]?.title ?? hostingId } : {}),
  };
  if (audience === 'client') return base;
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
  };
}

function buttons(
  ctx: RenderContext,
  alert: AlertName | undefined,
  client: Client | undefined,
  audience: Audience,
): UrlButton[] {
  const out: UrlButton[] = [];
  if (alert && audience === 'team')
    out.push({ text: 'Что делать', url: `${site(ctx)}/docs/errors/${alert}.md` });
  if (client && client.visibility !== 'private')
    out.push({ text: 'Статус', url: `${site(ctx)}/status/${client.slug ?? client.id}/` });
  return out;
}

function messageFacts(
  ctx: RenderContext,
  ev: { alert: AlertName; severity: MessageFacts['severity']; diagnosis?: MessageFacts['diagnosis'] },
  audience: Audience,
): MessageFacts {
  return {
    audience,
    alert: ev.alert,
    severity: ev.severity,
    entry: ctx.catalog.get(ev.alert),
    timeZone: ctx.config.checker.timezone,
    now: ctx.now,
    siteUrl: site(ctx),
    ...(ev.diagnosis ? { diagnosis: ev.diagnosis } : {}),
  };
}

/** Audiences of an installation's alert: the team always (when routed), the client when visible. */
function audiences(ctx: RenderContext, client: Client | undefined, alert: AlertName): [Audience, Route][] {
  const out: [Audience, Route][] = [];
  const team = teamRoute(ctx.config, client);
  if (team) out.push(['team', team]);
  const own = clientRoute(client);
  if (own && ctx.catalog.get(alert)?.client_visible === true) out.push(['client', own]);
  return out;
}

function item(
  id: string,
  kind: OutboxItem['kind'],
  createdAt: string,
  route: Route,
  text: string,
  btns: UrlButton[],
  replyTo?: string,
): OutboxItem {
  return {
    id,
    kind,
    created_at: createdAt,
    attempts: 0,
    chat: route.chat,
    ...(route.thread ? { thread: route.thread } : {}),
    ...(replyTo ? { reply_to: replyTo } : {}),
    text,
    buttons: btns,
  };
}

function renderEvent(ev: AlertEvent, ctx: RenderContext): OutboxItem[] {
  if (ev.kind === 'operator') {
    const route = teamRoute(ctx.config);
    if (!route) return [];
    const alert = OPERATOR_RUNBOOK[ev.code];
    return [
      item(
        outboxId('operator', ev.code, 'team', route, ev.at),
        'operator',
        ev.at,
        route,
        operatorText(ev.code, ev.text, ev.at, ctx.config.checker.timezone, ctx.now),
        alert ? buttons(ctx, alert, undefined, 'team') : [],
      ),
    ];
  }
  if (ev.kind === 'grouped') return renderGrouped(ev, ctx);
  const client = findClient(ctx, ev.client);
  const out: OutboxItem[] = [];
  for (const [audience, route] of audiences(ctx, client, ev.alert)) {
    const i = facts(ctx, ev.client, ev.installation, audience);
    const btns = buttons(ctx, ev.alert, client, audience);
    if (ev.kind === 'firing') {
      const f = messageFacts(ctx, ev, audience);
      out.push(
        item(
          outboxId(ev.incident, 'firing', audience, route),
          'firing',
          ev.at,
          route,
          firingText(f, i, ev.since),
          btns,
        ),
      );
    } else if (ev.kind === 'reminder') {
      if (audience === 'client') continue; // clients are not reminded; their page shows the state
      const f = messageFacts(ctx, ev, audience);
      out.push(
        item(
          outboxId(ev.incident, 'reminder', audience, route, ev.at),
          'reminder',
          ev.at,
          route,
          reminderText(f, i, ev.since, ev.at),
          btns,
        ),
      );
    } else {
      const f = messageFacts(ctx, ev, audience);
      const replyTo = ev.group
        ? outboxId(ev.group, 'grouped', audience, route, audience === 'client' ? ev.client : undefined)
        : outboxId(ev.incident, 'firing', audience, route);
      out.push(
        item(
          outboxId(ev.incident, 'resolved', audience, route),
          'resolved',
          ev.at,
          route,
          resolvedText(f, i, ev.since, ev.at, ev.durationMs),
          btns,
          replyTo,
        ),
      );
    }
  }
  return out;
}

/** One message per team chat involved; in a client's own chat, one message with only its installations. */
function renderGrouped(ev: Extract<AlertEvent, { kind: 'grouped' }>, ctx: RenderContext): OutboxItem[] {
  const hosting = ctx.config.hostings[ev.hosting];
  const hostingFacts = {
    title: hosting?.title ?? ev.hosting,
    ...(hosting?.support ? { support: hosting.support } : {}),
  };
  const byRoute = new Map<
    string,
    { audience: Audience; route: Route; client?: Client; items: typeof ev.items }
  >();
  for (const it of ev.items) {
    const client = findClient(ctx, it.client);
    for (const [audience, route] of audiences(ctx, client, ev.alert)) {
      const key = `${routeKey(audience, route)}${audience === 'client' ? `#${it.client}` : ''}`;
      const group = byRoute.get(key) ?? {
        audience,
        route,
        ...(audience === 'client' && client ? { client } : {}),
        items: [],
      };
      group.items.push(it);
      byRoute.set(key, group);
    }
  }
  const out: OutboxItem[] = [];
  for (const { audience, route, client, items } of byRoute.values()) {
    const f = messageFacts(ctx, ev, audience);
    const list = items.map((it) => ({
      ...facts(ctx, it.client, it.installation, audience),
      since: it.since,
    }));
    const id = outboxId(ev.group, 'grouped', audience, route, audience === 'client' ? client?.id : undefined);
    out.push(
      item(
        id,
        'grouped',
        ev.at,
        route,
        groupedText(f, hostingFacts, list),
        buttons(ctx, ev.alert, client, audience),
      ),
    );
  }
  return out;
}
