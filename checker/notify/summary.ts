/**
 * The morning summary: at the start of a client's working day each manager gets one message — what of
 * their clients is still not working, and what happened overnight and is over. Pure. One summary per
 * manager, day and working-hours start (clients with the same hours share it); its id names the day, so
 * every run of that working day renders the same id and the outbox sends it once. Clients without
 * working hours have no night, so they are not in a summary.
 */
import type { Catalog } from '../alerts/catalog.ts';
import type { Client } from '../config/schema.ts';
import type { Incident } from '../status/schema.ts';
import { docLinks, type Notice, priorityOf, type RenderContext, type SummaryLine } from './facts.ts';
import { clientHours, type Hours, workingDay } from './hours.ts';
import type { Planned } from './render.ts';
import { teamMail, teamRoute } from './route.ts';

interface Group {
  manager: string;
  hours: Hours;
  clients: Client[];
}

function line(inc: Incident, client: Client, catalog: Catalog): SummaryLine {
  const entry = catalog.get(inc.alert);
  return {
    client: client.title,
    installation: client.installations.find((i) => i.id === inc.installation)?.title ?? inc.installation,
    alert: inc.alert,
    title: entry?.title ?? inc.alert,
    priority: priorityOf(entry),
    since: inc.started_at,
    ...(inc.resolved_at ? { resolvedAt: inc.resolved_at } : {}),
  };
}

/** The summaries due at `ctx.now`, given every incident the run knows (the open ones and the recent months). */
export function morningSummaries(incidents: Incident[], ctx: RenderContext): Planned[] {
  const groups = new Map<string, Group>();
  for (const client of ctx.config.clients) {
    const hours = clientHours(ctx.config, client);
    if (!hours || !client.manager) continue;
    const manager = client.manager.email ?? client.manager.name;
    const key = `${manager}|${hours.timezone}|${hours.from}|${hours.to}|${hours.days.join(',')}`;
    const g = groups.get(key) ?? { manager: client.manager.name, hours, clients: [] };
    g.clients.push(client);
    groups.set(key, g);
  }
  const out: Planned[] = [];
  for (const [key, g] of groups) {
    const day = workingDay(g.hours, ctx.now);
    if (!day) continue;
    const night = { from: day.previousEnd.getTime(), to: day.start.getTime() };
    const firing: SummaryLine[] = [];
    const overnight: SummaryLine[] = [];
    for (const client of g.clients)
      for (const inc of incidents) {
        if (inc.client !== client.id || inc.suppressed || inc.maintenance || !inc.fired_at) continue;
        const ended = inc.resolved_at ? Date.parse(inc.resolved_at) : undefined;
        if (ended === undefined) firing.push(line(inc, client, ctx.catalog));
        else if (ended !== undefined && ended >= night.from && ended < night.to)
          overnight.push(line(inc, client, ctx.catalog));
      }
    if (firing.length === 0 && overnight.length === 0) continue;
    const byTime = (a: SummaryLine, b: SummaryLine) => a.since.localeCompare(b.since);
    const notice: Notice = {
      kind: 'summary',
      audience: 'team',
      installations: [],
      summary: {
        manager: g.manager,
        dayStart: day.start.toISOString(),
        nightStart: day.previousEnd.toISOString(),
        firing: firing.sort(byTime),
        overnight: overnight.sort(byTime),
      },
      links: docLinks(ctx.config),
      at: day.start.toISOString(),
      timeZone: g.hours.timezone,
      now: ctx.now,
    };
    const id = `summary|${day.date}|${key}`;
    const mails = teamMail(ctx.config, g.clients[0]).slice(0, 1);
    const createdAt = ctx.now.toISOString();
    if (mails[0]) out.push({ id: `${id}|mail`, kind: 'summary', createdAt, route: mails[0], notice });
    else {
      // A manager without e-mail gets the summary in the team chat instead.
      const chat = teamRoute(ctx.config, g.clients[0]);
      if (chat) out.push({ id: `${id}|chat`, kind: 'summary', createdAt, route: chat, notice });
    }
  }
  return out;
}
