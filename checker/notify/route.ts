/**
 * Where messages go and the ids they get. The team chat is `client.notify.telegram`, else `notify.telegram`;
 * a client's own chat (`client.notify.client_telegram`) gets only client_visible alerts. Ids are
 * `<incident|group|operator>|<kind>|<audience>:<chat>[/<thread>]` (+`|<at>` for reminders and operator
 * messages), so rendering the same event again gives the same id and nothing is queued twice.
 */
import type { Catalog } from '../alerts/catalog.ts';
import type { AlertName } from '../alerts/names.ts';
import type { Client, Config } from '../config/schema.ts';
import { clientSideFix } from './client-side.ts';
import { type Audience, priorityOf } from './facts.ts';

/** A Telegram chat and forum topic. */
export interface ChatRoute {
  chat: string;
  thread?: number;
}

/** One mailbox. */
export interface MailRoute {
  email: string;
}

/** Where one message goes. */
export type Route = ChatRoute | MailRoute;

/** The managers' chat setting for a client: its own, else its distributor's channel, else notify.telegram. */
function teamTarget(config: Config, client?: Client) {
  const distributor = client?.distributor ? config.distributors[client.distributor] : undefined;
  return client?.notify?.telegram ?? distributor?.telegram ?? config.notify.telegram;
}

/** The team chat for a client, or undefined when none is configured. */
export function teamRoute(config: Config, client?: Client): ChatRoute | undefined {
  const t = teamTarget(config, client);
  return t ? { chat: t.chat, ...(t.thread ? { thread: t.thread } : {}) } : undefined;
}

/** Priorities К1 … К<this> of a client's alerts go to Telegram (default 3); e-mail gets every one. */
export function telegramMaxPriority(config: Config, client?: Client): number {
  return teamTarget(config, client)?.max_priority ?? config.notify.telegram?.max_priority ?? 3;
}

/** The team's mailboxes for a client: the manager, the client's extra addresses, the distributor's. */
export function teamMail(config: Config, client?: Client): MailRoute[] {
  const distributor = client?.distributor ? config.distributors[client.distributor] : undefined;
  const all = [
    ...(client?.manager?.email ? [client.manager.email] : []),
    ...(client?.notify?.email ?? []),
    ...(distributor?.email ?? []),
  ];
  return [...new Set(all.map((a) => a.toLowerCase()))].map((email) => ({ email }));
}

/** The chat shared with the client, if it has one. */
export function clientRoute(client?: Client): ChatRoute | undefined {
  const t = client?.notify?.client_telegram;
  return t ? { chat: t.chat, ...(t.thread ? { thread: t.thread } : {}) } : undefined;
}

/** `<audience>:<chat>[/<thread>]` or `<audience>:mail:<address>`: one key per reader and destination. */
export function routeKey(audience: Audience, r: Route): string {
  if ('email' in r) return `${audience}:mail:${r.email}`;
  return `${audience}:${r.chat}${r.thread ? `/${r.thread}` : ''}`;
}

/** The outbox id of a message; `resolved` uses it to find the firing message it replies to. */
export function outboxId(base: string, kind: string, audience: Audience, route: Route, at?: string): string {
  return [base, kind, routeKey(audience, route), ...(at ? [at] : [])].join('|');
}

/**
 * Readers and destinations of an installation's alert: the team's chat for high priorities, the chat
 * shared with the client for client-visible ones, the team's mailboxes always, and the client's own
 * administrator (chat and mail) when the fix is on the client's side (`client-side.ts`).
 */
export function audiences(
  config: Config,
  catalog: Catalog,
  client: Client | undefined,
  alert: AlertName,
  installation?: string,
): [Audience, Route][] {
  const out: [Audience, Route][] = [];
  const entry = catalog.get(alert);
  const toTelegram = priorityOf(entry) <= telegramMaxPriority(config, client);
  const team = teamRoute(config, client);
  if (team && toTelegram) out.push(['team', team]);
  const own = clientRoute(client);
  if (own && toTelegram && entry?.client_visible === true) out.push(['client', own]);
  for (const mail of teamMail(config, client)) out.push(['team', mail]);
  const admin = client?.administrator;
  const inst = client?.installations.find((i) => i.id === installation);
  if (admin && clientSideFix(alert, inst)) {
    if (admin.telegram)
      out.push([
        'admin',
        { chat: admin.telegram.chat, ...(admin.telegram.thread ? { thread: admin.telegram.thread } : {}) },
      ]);
    if (admin.email) out.push(['admin', { email: admin.email.toLowerCase() }]);
  }
  return out;
}
