/**
 * Where messages go and the ids they get. The team chat is `client.notify.telegram`, else `notify.telegram`;
 * a client's own chat (`client.notify.client_telegram`) gets only client_visible alerts. Ids are
 * `<incident|group|operator>|<kind>|<audience>:<chat>[/<thread>]` (+`|<at>` for reminders and operator
 * messages), so rendering the same event again gives the same id and nothing is queued twice.
 */
import type { Catalog } from '../alerts/catalog.ts';
import type { AlertName } from '../alerts/names.ts';
import type { Client, Config } from '../config/schema.ts';
import type { Audience } from './facts.ts';

/** A chat and forum topic. */
export interface Route {
  chat: string;
  thread?: number;
}

/** The team chat for a client (its override, else the default), or undefined when none is configured. */
export function teamRoute(config: Config, client?: Client): Route | undefined {
  const t = client?.notify?.telegram ?? config.notify.telegram;
  return t ? { chat: t.chat, ...(t.thread ? { thread: t.thread } : {}) } : undefined;
}

/** The chat shared with the client, if it has one. */
export function clientRoute(client?: Client): Route | undefined {
  const t = client?.notify?.client_telegram;
  return t ? { chat: t.chat, ...(t.thread ? { thread: t.thread } : {}) } : undefined;
}

/** `<audience>:<chat>[/<thread>]`: one key per reader and chat. */
export function routeKey(audience: Audience, r: Route): string {
  return `${audience}:${r.chat}${r.thread ? `/${r.thread}` : ''}`;
}

/** The outbox id of a message; `resolved` uses it to find the firing message it replies to. */
export function outboxId(base: string, kind: string, audience: Audience, route: Route, at?: string): string {
  return [base, kind, routeKey(audience, route), ...(at ? [at] : [])].join('|');
}

/** Audiences of an installation's alert: the team always (when routed), the client when visible. */
export function audiences(
  config: Config,
  catalog: Catalog,
  client: Client | undefined,
  alert: AlertName,
): [Audience, Route][] {
  const out: [Audience, Route][] = [];
  const team = teamRoute(config, client);
  if (team) out.push(['team', team]);
  const own = clientRoute(client);
  if (own && catalog.get(alert)?.client_visible === true) out.push(['client', own]);
  return out;
}
