/**
 * `renderEvents`: the alert engine's events → outbox items (rendered, routed, with stable ids). Pure.
 *
 * Routing: the team chat is `client.notify.telegram`, else `notify.telegram`; a client's own chat
 * (`client.notify.client_telegram`) gets only client_visible alerts and no internal details. Ids are
 * `<incident|group|operator>|<kind>|<audience>:<chat>[/<thread>]` (+`|<at>` for reminders and operator
 * messages), so rendering the same event again gives the same id and nothing is queued twice; a resolved
 * message's `reply_to` is the id its firing (or grouped) message got for the same chat.
 */
import type { AlertEvent } from '../alerts/engine/events.ts';
import type { AlertName } from '../alerts/names.ts';
import type { OutboxItem } from '../status/schema.ts';
import { firingText, operatorText, reminderText, resolvedText } from './messages.ts';
import { type FollowUp, renderGrouped, renderGroupFollowUp } from './render-group.ts';
import {
  audiences,
  buttons,
  facts,
  findClient,
  item,
  messageFacts,
  outboxId,
  type RenderContext,
  teamRoute,
} from './render-parts.ts';

export { outboxId, type RenderContext, type Route, teamRoute } from './render-parts.ts';

/** The runbook behind an operator message's «Что делать» button («back online» needs none). */
const OPERATOR_RUNBOOK: Record<string, AlertName> = {
  checker_offline: 'SmartCheckerOffline',
  checker_stale: 'SmartCheckerStale',
  icmp_unavailable: 'KodeksIcmp',
};

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
