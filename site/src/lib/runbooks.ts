/** Runbook routes: the clean URL, the `.md` URL sent in alerts, and lowercase aliases of both. */
import type { RunbookEntry } from '../../../checker/alerts/catalog.ts';
import { inputs } from './inputs.ts';
import type { AlertLinks } from './markdown.ts';
import { publicCause } from './view.ts';

export interface RunbookIncident {
  started: number;
  minutes?: number;
  /** Public clients only: their title, status page and the probable cause; others stay anonymous. */
  client?: { title: string; slug: string; installation: string };
  cause?: string;
  maintenance: boolean;
}

/** Path segments a spelling is served at: as written and in lower case, each with and without `.md`. */
export function urlSegments(name: string): string[] {
  return [...new Set([name, `${name}.md`, name.toLowerCase(), `${name.toLowerCase()}.md`])];
}

/** Path segments that open the runbook of `entry`: its name first, then every alias, each in all forms. */
export function runbookAliases(
  entry: Pick<RunbookEntry, 'alert' | 'aliases'>,
): { segment: string; via?: string }[] {
  const out = new Map<string, string | undefined>();
  for (const segment of urlSegments(entry.alert)) out.set(segment, undefined);
  for (const alias of entry.aliases)
    for (const segment of urlSegments(alias)) if (!out.has(segment)) out.set(segment, alias);
  return [...out].map(([segment, via]) => (via ? { segment, via } : { segment }));
}

/** Incidents of one alert (or announced by one mass alert) as the public runbook page may show them, newest first. */
export async function runbookIncidents(alert: string, limit = 50): Promise<RunbookIncident[]> {
  const { config, status, now, catalog } = await inputs();
  const clients = new Map(config.clients.map((c) => [c.id, c]));
  return (
    status.incidents
      // A mass alert's page lists the incidents its messages announced.
      .filter((i) => i.alert === alert || i.mass === alert)
      .reverse()
      .slice(0, limit)
      .map((i) => {
        const started = Date.parse(i.started_at);
        const out: RunbookIncident = { started, maintenance: i.maintenance };
        const end = i.resolved_at ? Date.parse(i.resolved_at) : now;
        out.minutes = (end - started) / 60_000;
        const c = clients.get(i.client);
        if (c && c.visibility === 'public') {
          const inst = c.installations.find((x) => x.id === i.installation);
          out.client = { title: c.title, slug: c.slug ?? c.id, installation: inst?.title ?? i.installation };
          const cause = publicCause(i, catalog);
          if (cause) out.cause = cause;
        }
        if (!i.resolved_at) delete out.minutes;
        return out;
      })
  );
}

/**
 * Astro getStaticPaths for /docs/errors/[alert]/: every URL segment of every runbook renders the whole
 * runbook (canonical to the clean URL); `via` is the alias the visitor's link used, if any.
 */
export async function runbookPaths() {
  const { runbooks } = await inputs();
  return [...runbooks.values()].flatMap((entry: RunbookEntry) =>
    runbookAliases(entry).map(({ segment, via }) => ({
      params: { alert: segment },
      props: { entry, canonical: segment === entry.alert, via },
    })),
  );
}

/** Every spelling with a runbook (each name and alias, as written) → the alert's own name. */
export function alertSpellings(
  runbooks: Iterable<Pick<RunbookEntry, 'alert' | 'aliases'>>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of runbooks) out.set(e.alert, e.alert);
  for (const e of runbooks) for (const a of e.aliases) if (!out.has(a)) out.set(a, e.alert);
  return out;
}

/** The neighbours the runbook of `alert` may link to by name (not itself). */
export async function alertLinks(alert: string): Promise<AlertLinks> {
  const { runbooks } = await inputs();
  return { names: alertSpellings(runbooks.values()), self: alert };
}
