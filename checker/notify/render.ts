/**
 * `renderEvents`: the alert engine's events → outbox items. Pure. The way is straight: `planEvents` decides
 * which messages a run sends (one per event and chat; a hosting-wide problem and the follow-ups that come
 * together are one per chat), `facts.ts` builds each message's Notice for its reader, and the channel's
 * renderer (`render-telegram.ts`) formats it. A resolved message's `reply_to` is the id its firing (or
 * grouped) message got in the same chat.
 */
import type { AlertEvent } from '../alerts/engine/events.ts';
import type { Client } from '../config/schema.ts';
import type { MailItem, OutboxItem } from '../status/schema.ts';
import {
  type AlertInput,
  type Audience,
  alertNotice,
  findClient,
  type Notice,
  operatorNotice,
  type RenderContext,
  type Target,
} from './facts.ts';
import { clientHours, isWorkingTime } from './hours.ts';
import { emailParts, mailFrom, messageIdFor } from './render-email.ts';
import { telegramButtons, telegramText } from './render-telegram.ts';
import {
  audiences,
  type ChatRoute,
  type MailRoute,
  outboxId,
  type Route,
  routeKey,
  teamRoute,
} from './route.ts';

export type { RenderContext } from './facts.ts';
export { outboxId, type Route, teamRoute } from './route.ts';

/** One message a run sends: its facts, where it goes, its stable id and what it replies to. */
export interface Planned {
  id: string;
  kind: OutboxItem['kind'];
  createdAt: string;
  route: Route;
  notice: Notice;
  /** Outbox id of the message this one replies to (a mail: follows in the thread). */
  replyTo?: string;
  /** Telegram: sent without sound (outside every involved client's working hours, not critical). */
  silent?: boolean;
}

/** The outbox items of one run's events, per channel. */
export interface Rendered {
  telegram: OutboxItem[];
  mail: MailItem[];
}

/** Turns one run's events into Telegram outbox items (what `renderOutbox` gives for Telegram). */
export function renderEvents(events: AlertEvent[], ctx: RenderContext): OutboxItem[] {
  return renderOutbox(events, ctx).telegram;
}

/** Turns one run's events into outbox items for every channel. */
export function renderOutbox(events: AlertEvent[], ctx: RenderContext): Rendered {
  return renderPlanned(planEvents(events, ctx), ctx);
}

/** Planned messages rendered by their channel's renderer. */
export function renderPlanned(planned: Planned[], ctx: RenderContext): Rendered {
  const out: Rendered = { telegram: [], mail: [] };
  for (const p of planned) {
    if ('email' in p.route) out.mail.push(mailItem(p, p.route, ctx));
    else out.telegram.push(telegramItem(p, p.route));
  }
  return out;
}

function telegramItem(p: Planned, route: ChatRoute): OutboxItem {
  return {
    id: p.id,
    kind: p.kind,
    created_at: p.createdAt,
    attempts: 0,
    chat: route.chat,
    ...(route.thread ? { thread: route.thread } : {}),
    ...(p.replyTo ? { reply_to: p.replyTo } : {}),
    text: telegramText(p.notice),
    buttons: telegramButtons(p.notice),
    ...(p.silent ? { silent: true } : {}),
  };
}

function mailItem(p: Planned, route: MailRoute, ctx: RenderContext): MailItem {
  return {
    id: p.id,
    kind: p.kind,
    created_at: p.createdAt,
    attempts: 0,
    to: route.email,
    ...emailParts(p.notice, ctx.config),
    message_id: messageIdFor(p.id, mailFrom(ctx.config)),
    ...(p.replyTo ? { reply_to: p.replyTo } : {}),
  };
}

/**
 * Telegram rings only in working hours or for critical alerts: silent when the alert is not critical and
 * every client involved has working hours that `at` is outside of.
 */
function silentAt(ctx: RenderContext, clients: string[], importance: string, at: string): boolean {
  if (importance === 'critical') return false;
  return clients.every((id) => {
    const hours = clientHours(ctx.config, findClient(ctx.config, id));
    return hours !== undefined && !isWorkingTime(hours, new Date(at));
  });
}

type FollowUp = Extract<AlertEvent, { kind: 'resolved' | 'reminder' }>;

/** The messages of one run's events, without duplicates (same id once). */
export function planEvents(events: AlertEvent[], ctx: RenderContext): Planned[] {
  const out: Planned[] = [];
  const seen = new Set<string>();
  const push = (p: Planned) => {
    if (seen.has(p.id)) return;
    seen.add(p.id);
    out.push(p);
  };
  // Follow-ups of a hosting-wide problem that arrive together (reminders, recoveries) become one message
  // per chat, as the grouped firing message was: one problem, one thread, not N messages.
  const followUpKey = (ev: AlertEvent) =>
    (ev.kind === 'resolved' || ev.kind === 'reminder') && ev.group
      ? `${ev.kind}|${ev.group}|${ev.alert}`
      : '';
  const followUps = new Map<string, FollowUp[]>();
  for (const ev of events) {
    const key = followUpKey(ev);
    if (key) followUps.set(key, [...(followUps.get(key) ?? []), ev as FollowUp]);
  }
  for (const ev of events) {
    const key = followUpKey(ev);
    const bucket = key ? followUps.get(key) : undefined;
    if (bucket && bucket.length >= 2) {
      if (bucket[0] === ev) for (const p of planHostingFollowUp(bucket, ctx)) push(p);
      continue;
    }
    for (const p of planEvent(ev, ctx)) push(p);
  }
  return out;
}

function planEvent(ev: AlertEvent, ctx: RenderContext): Planned[] {
  if (ev.kind === 'operator') {
    const route = teamRoute(ctx.config);
    if (!route) return [];
    const id = outboxId('operator', ev.code, 'team', route, ev.at);
    return [{ id, kind: 'operator', createdAt: ev.at, route, notice: operatorNotice(ev, ctx) }];
  }
  if (ev.kind === 'grouped') return planGrouped(ev, ctx);
  if (ev.kind === 'count') return planMass(ev, ctx);
  const client = findClient(ctx.config, ev.client);
  const input: AlertInput = {
    kind: ev.kind,
    alert: ev.alert,
    importance: ev.importance,
    at: ev.at,
    ...('diagnosis' in ev && ev.diagnosis ? { diagnosis: ev.diagnosis } : {}),
    targets: [
      {
        client: ev.client,
        installation: ev.installation,
        since: ev.since,
        ...(ev.kind === 'resolved' ? { at: ev.at, durationMs: ev.durationMs } : {}),
        ...(ev.kind !== 'resolved' && ev.evidence ? { evidence: ev.evidence } : {}),
      },
    ],
  };
  const out: Planned[] = [];
  const silent = silentAt(ctx, [ev.client], ev.importance, ev.at);
  for (const [audience, route] of audiences(ctx.config, ctx.catalog, client, ev.alert, ev.installation)) {
    if (ev.kind === 'reminder' && audience !== 'team') continue; // clients are not reminded; their page shows the state
    const notice = alertNotice(input, audience, ctx);
    const quiet = silent && !('email' in route) ? { silent: true } : {};
    if (ev.kind === 'resolved') {
      const replyTo = firingId(ev, audience, route);
      out.push({
        id: outboxId(ev.incident, 'resolved', audience, route),
        kind: 'resolved',
        createdAt: ev.at,
        route,
        notice,
        replyTo,
        ...quiet,
      });
    } else {
      const id =
        ev.kind === 'reminder'
          ? outboxId(ev.incident, 'reminder', audience, route, ev.at)
          : outboxId(ev.incident, 'firing', audience, route);
      // A reminder mail follows the firing mail in its thread; in Telegram it stands alone.
      const thread =
        ev.kind === 'reminder' && 'email' in route ? { replyTo: firingId(ev, audience, route) } : {};
      out.push({ id, kind: ev.kind, createdAt: ev.at, route, notice, ...thread, ...quiet });
    }
  }
  return out;
}

function firingId(
  ev: { incident: string; group?: string; client: string; mass?: string },
  audience: Audience,
  route: Route,
): string {
  // Outside the team, a mass incident was announced by the installation's own firing message.
  return ev.group && !(ev.mass && audience !== 'team')
    ? outboxId(ev.group, 'grouped', audience, route, audience !== 'team' ? ev.client : undefined)
    : outboxId(ev.incident, 'firing', audience, route);
}

interface Share<T> {
  audience: Audience;
  route: Route;
  client?: Client;
  items: T[];
}

/**
 * Splits a hosting-wide problem's installations by chat: one share per team chat involved, and in a
 * client's own chat one share per client with only its installations.
 */
function byChat<T extends { client: string; installation: string }>(
  items: T[],
  ctx: RenderContext,
  alert: AlertInput['alert'],
  skipClient = false,
): Share<T>[] {
  const shares = new Map<string, Share<T>>();
  for (const it of items) {
    const client = findClient(ctx.config, it.client);
    for (const [audience, route] of audiences(ctx.config, ctx.catalog, client, alert, it.installation)) {
      if (skipClient && audience !== 'team') continue;
      const key = `${routeKey(audience, route)}${audience !== 'team' ? `#${it.client}` : ''}`;
      const share = shares.get(key) ?? {
        audience,
        route,
        ...(audience !== 'team' && client ? { client } : {}),
        items: [],
      };
      share.items.push(it);
      shares.set(key, share);
    }
  }
  return [...shares.values()];
}

/** One message per team chat involved; in a client's own chat, one message with only its installations. */
function planGrouped(ev: Extract<AlertEvent, { kind: 'grouped' }>, ctx: RenderContext): Planned[] {
  return byChat(ev.items, ctx, ev.alert).map(({ audience, route, client, items }) => {
    const input: AlertInput = {
      kind: 'grouped',
      alert: ev.alert,
      importance: ev.importance,
      at: ev.at,
      hosting: ev.hosting,
      ...(ev.diagnosis ? { diagnosis: ev.diagnosis } : {}),
      targets: items.map((it) => ({
        client: it.client,
        installation: it.installation,
        since: it.since,
        ...(it.evidence ? { evidence: it.evidence } : {}),
      })),
    };
    const id = outboxId(ev.group, 'grouped', audience, route, audience !== 'team' ? client?.id : undefined);
    return groupedPlanned(id, { audience, route, items }, input, ctx);
  });
}

/** The one message of a share of installations; quiet at night where it goes to Telegram. */
function groupedPlanned(
  id: string,
  share: Share<{ client: string }>,
  input: AlertInput,
  ctx: RenderContext,
): Planned {
  const { audience, route, items } = share;
  const silent =
    !('email' in route) &&
    silentAt(
      ctx,
      items.map((i) => i.client),
      input.importance,
      input.at,
    );
  return {
    id,
    kind: 'grouped',
    createdAt: input.at,
    route,
    notice: alertNotice(input, audience, ctx),
    ...(silent ? { silent } : {}),
  };
}

/**
 * A mass («…Count») event: one message per team chat involved, whatever the hostings. A client's own chat
 * is not told about other clients: it gets the single alert's message for each of its installations, as it
 * would have without the mass message.
 */
function planMass(ev: Extract<AlertEvent, { kind: 'count' }>, ctx: RenderContext): Planned[] {
  const team = byChat(ev.items, ctx, ev.alert, true).map(({ audience, route, items }) => {
    const input: AlertInput = {
      kind: 'grouped',
      alert: ev.alert,
      importance: ev.importance,
      at: ev.at,
      mass: true,
      ...(ev.diagnosis ? { diagnosis: ev.diagnosis } : {}),
      targets: items.map((it) => ({ client: it.client, installation: it.installation, since: it.since })),
    };
    return groupedPlanned(
      outboxId(ev.group, 'grouped', audience, route),
      { audience, route, items },
      input,
      ctx,
    );
  });
  const own = ev.items.flatMap((it) =>
    planEvent(
      {
        kind: 'firing',
        ...it,
        alert: ev.of,
        importance: ctx.catalog.get(ev.of)?.importance ?? ev.importance,
        at: ev.at,
      },
      ctx,
    ).filter((p) => p.notice.audience !== 'team'),
  );
  return [...team, ...own];
}

/** One reminder or recovery message per chat for installations of one grouped incident. */
function planHostingFollowUp(events: FollowUp[], ctx: RenderContext): Planned[] {
  const first = events[0]!;
  if (first.mass) return planMassFollowUp(events, first.mass, ctx);
  const hosting =
    first.hosting ??
    findClient(ctx.config, first.client)?.installations.find((i) => i.id === first.installation)?.hosting ??
    '';
  // Clients are not reminded.
  return byChat(events, ctx, first.alert, first.kind === 'reminder').map((share) =>
    followUpPlanned(events, share, { alert: first.alert, importance: first.importance, hosting }, ctx),
  );
}

/**
 * The reminder or recovery of one share of a grouped or mass incident: it replies to the share's grouped
 * message, and is quiet at night where the share's firing was.
 */
function followUpPlanned(
  events: FollowUp[],
  share: Share<FollowUp>,
  what: Pick<AlertInput, 'alert' | 'importance' | 'hosting' | 'mass'>,
  ctx: RenderContext,
): Planned {
  const first = events[0]!;
  const group = first.group!;
  const { audience, route, client, items } = share;
  const perClient = audience !== 'team' ? client?.id : undefined;
  const silent =
    !('email' in route) &&
    silentAt(
      ctx,
      items.map((i) => i.client),
      first.importance,
      first.at,
    );
  const quiet = silent ? { silent } : {};
  const input: AlertInput = {
    kind: first.kind,
    ...what,
    at: first.at,
    ...(first.kind === 'reminder' && first.diagnosis ? { diagnosis: first.diagnosis } : {}),
    targets: items.map(
      (e): Target => ({
        client: e.client,
        installation: e.installation,
        since: e.since,
        ...(e.kind === 'resolved' ? { at: e.at, durationMs: e.durationMs } : {}),
      }),
    ),
  };
  const notice = alertNotice(input, audience, ctx);
  if (first.kind === 'reminder')
    return {
      id: outboxId(group, 'reminder', audience, route, first.at),
      kind: 'reminder',
      createdAt: first.at,
      route,
      notice,
      ...('email' in route ? { replyTo: outboxId(group, 'grouped', audience, route) } : {}),
      ...quiet,
    };
  // The run's time is part of the id: installations of one group that recover in different runs (or whose
  // shard came late) are each told, not taken for a message already sent.
  return {
    id: outboxId(group, 'resolved', audience, route, perClient ? `${perClient}|${first.at}` : first.at),
    kind: 'resolved',
    createdAt: first.at,
    route,
    notice,
    replyTo: outboxId(group, 'grouped', audience, route, perClient),
    ...quiet,
  };
}

/**
 * Reminders or recoveries of a mass incident that come together: one message per team chat, replying to
 * the mass message; clients' own chats get theirs one by one, as their firing messages were.
 */
function planMassFollowUp(events: FollowUp[], mass: AlertInput['alert'], ctx: RenderContext): Planned[] {
  const first = events[0]!;
  const importance = ctx.catalog.get(mass)?.importance ?? first.importance;
  const team = byChat(events, ctx, mass, true).map((share) =>
    followUpPlanned(events, share, { alert: mass, importance, mass: true }, ctx),
  );
  const own = events.flatMap((ev) => planEvent(ev, ctx).filter((p) => p.notice.audience !== 'team'));
  return [...team, ...own];
}
