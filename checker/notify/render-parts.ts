/** Pieces shared by the renderers of single-installation and grouped messages: routing, ids, facts. */
import type { Catalog } from '../alerts/catalog.ts';
import type { AlertName } from '../alerts/names.ts';
import type { Client, Config } from '../config/schema.ts';
import type { OutboxItem } from '../status/schema.ts';
import type { Audience, InstallationFacts, MessageFacts } from './messages.ts';
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

/** The team chat for a client (its override, else the default), or undefined when none is configured. */
export function teamRoute(config: Config, client?: Client): Route | undefined {
  const t = client?.notify?.telegram ?? config.notify.telegram;
  return t ? { chat: t.chat, ...(t.thread ? { thread: t.thread } : {}) } : undefined;
}

export function clientRoute(client?: Client): Route | undefined {
  const t = client?.notify?.client_telegram;
  return t ? { chat: t.chat, ...(t.thread ? { thread: t.thread } : {}) } : undefined;
}

export function routeKey(audience: Audience, r: Route): string {
  return `${audience}:${r.chat}${r.thread ? `/${r.thread}` : ''}`;
}

/** The outbox id of a message; `resolved` uses it to find the firing message it replies to. */
export function outboxId(base: string, kind: string, audience: Audience, route: Route, at?: string): string {
  return [base, kind, routeKey(audience, route), ...(at ? [at] : [])].join('|');
}

export function site(ctx: RenderContext): string {
  return ctx.config.site.url.replace(/\/+$/, '');
}

export function findClient(ctx: RenderContext, id: string): Client | undefined {
  return ctx.config.clients.find((c) => c.id === id);
}

export function facts(
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

export function buttons(
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

export function messageFacts(
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
export function audiences(
  ctx: RenderContext,
  client: Client | undefined,
  alert: AlertName,
): [Audience, Route][] {
  const out: [Audience, Route][] = [];
  const team = teamRoute(ctx.config, client);
  if (team) out.push(['team', team]);
  const own = clientRoute(client);
  if (own && ctx.catalog.get(alert)?.client_visible === true) out.push(['client', own]);
  return out;
}

export function item(
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
