/** Hosting-wide messages: the grouped firing message and its reminders and recoveries (one per chat). */
import type { AlertEvent } from '../alerts/engine/events.ts';
import type { Client } from '../config/schema.ts';
import type { OutboxItem } from '../status/schema.ts';
import { type Audience, groupedReminderText, groupedResolvedText, groupedText } from './messages.ts';
import {
  audiences,
  buttons,
  facts,
  findClient,
  item,
  messageFacts,
  outboxId,
  type RenderContext,
  type Route,
  routeKey,
} from './render-parts.ts';

/** A reminder or recovery that may belong to a grouped incident. */
export type FollowUp = Extract<AlertEvent, { kind: 'resolved' | 'reminder' }>;

/** One reminder or recovery message per chat for installations of one grouped incident. */
export function renderGroupFollowUp(events: FollowUp[], ctx: RenderContext): OutboxItem[] {
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

/** One message per team chat involved; in a client's own chat, one message with only its installations. */
export function renderGrouped(
  ev: Extract<AlertEvent, { kind: 'grouped' }>,
  ctx: RenderContext,
): OutboxItem[] {
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
