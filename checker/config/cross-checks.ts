/**
 * Checks of installations.yaml that no single field can make: ids and slugs unique, references to hostings,
 * distributors and installations known, settings placed where they apply. They read the data as written (before
 * the schema's defaults), so they also run, and report, when the schema refuses something else.
 */
import { isMassName, isSustained, SUSTAINED } from '../alerts/derived.ts';
import { type PathProblem, suggest } from './diagnostics.ts';

/** Checks that need the whole file: unique ids and slugs, references to hostings and installations. */
export function crossCheck(data: Record<string, unknown>): PathProblem[] {
  const out: PathProblem[] = [];
  const at = (path: (string | number)[], message: string) => out.push({ path, message });

  const hostings = isRecord(data.hostings) ? Object.keys(data.hostings) : [];
  const distributors = isRecord(data.distributors) ? Object.keys(data.distributors) : [];
  const clients = Array.isArray(data.clients) ? data.clients : [];
  const clientIds = new Map<string, number>();
  const slugs = new Map<string, number>();
  const installationKeys = new Set<string>();

  clients.forEach((client, ci) => {
    if (!isRecord(client)) return;
    const cid = typeof client.id === 'string' ? client.id : undefined;
    if (cid !== undefined) {
      const first = clientIds.get(cid);
      if (first !== undefined)
        at(['clients', ci, 'id'], `duplicate client id "${cid}" (first used by clients[${first}])`);
      else clientIds.set(cid, ci);
    }
    const slug = typeof client.slug === 'string' ? client.slug : cid;
    const duplicateId = cid !== undefined && clientIds.get(cid) !== ci;
    if (slug !== undefined && client.visibility !== 'private' && !(duplicateId && !client.slug)) {
      const first = slugs.get(slug);
      if (first !== undefined)
        at(
          ['clients', ci, client.slug ? 'slug' : 'id'],
          `status page slug "${slug}" is already used by clients[${first}]`,
        );
      else slugs.set(slug, ci);
    }
    if (typeof client.distributor === 'string' && !distributors.includes(client.distributor)) {
      const hint = suggest(client.distributor, distributors);
      at(
        ['clients', ci, 'distributor'],
        `unknown distributor "${client.distributor}"${hint ? ` (did you mean "${hint}"?)` : ''}; declare it under distributors:`,
      );
    }
    const insts = Array.isArray(client.installations) ? client.installations : [];
    const instIds = new Map<string, number>();
    insts.forEach((inst, ii) => {
      if (!isRecord(inst)) return;
      const iid = typeof inst.id === 'string' ? inst.id : undefined;
      if (iid !== undefined) {
        const first = instIds.get(iid);
        if (first !== undefined)
          at(
            ['clients', ci, 'installations', ii, 'id'],
            `duplicate installation id "${iid}" in client "${cid}" (first used by installations[${first}])`,
          );
        else instIds.set(iid, ii);
        if (cid) installationKeys.add(`${cid}/${iid}`);
      }
      if (typeof inst.hosting === 'string' && !hostings.includes(inst.hosting)) {
        const hint = suggest(inst.hosting, hostings);
        at(
          ['clients', ci, 'installations', ii, 'hosting'],
          `unknown hosting "${inst.hosting}"${hint ? ` (did you mean "${hint}"?)` : ''}; declare it under hostings:`,
        );
      }
      const overrides = isRecord(inst.alerts) ? inst.alerts : {};
      for (const [name, o] of Object.entries(overrides)) {
        const path = ['clients', ci, 'installations', ii, 'alerts', name];
        if (isMassName(name))
          at(
            path,
            `${name} is a mass alert, counted over the whole fleet: set it under the top-level alerts:`,
          );
        else if (isRecord(o) && o.after !== undefined && !isSustained(name))
          at([...path, 'after'], afterMisplaced(name));
      }
      const probes = isRecord(inst.probes) ? inst.probes : {};
      if (probes.tls !== undefined && typeof inst.url === 'string' && !inst.url.startsWith('https:')) {
        at(['clients', ci, 'installations', ii, 'probes', 'tls'], 'the tls probe needs an https:// url');
      }
    });
  });

  const fleet = isRecord(data.alerts) ? data.alerts : {};
  for (const [name, o] of Object.entries(fleet)) {
    if (!isRecord(o)) continue;
    if (o.count_min !== undefined && !isMassName(name))
      at(
        ['alerts', name, 'count_min'],
        `count_min applies only to a mass alert (its name ends in Count, e.g. ${name}Count)`,
      );
    if (o.after !== undefined && !isSustained(name)) at(['alerts', name, 'after'], afterMisplaced(name));
  }

  const checker = isRecord(data.checker) ? data.checker : {};
  const vantages = Array.isArray(checker.vantages) ? checker.vantages : [];
  const vantageIds = new Map<unknown, number>();
  vantages.forEach((v, vi) => {
    const first = vantageIds.get(v);
    if (first !== undefined)
      at(['checker', 'vantages', vi], `duplicate vantage "${String(v)}" (first at vantages[${first}])`);
    else vantageIds.set(v, vi);
  });
  if (typeof checker.quorum === 'number' && vantages.length > 0 && checker.quorum > vantages.length)
    at(
      ['checker', 'quorum'],
      `quorum ${checker.quorum} is more than the ${vantages.length} vantages listed: no check could ever fail`,
    );

  const maintenance = Array.isArray(data.maintenance) ? data.maintenance : [];
  maintenance.forEach((m, mi) => {
    if (!isRecord(m)) return;
    const refs = Array.isArray(m.installations) ? m.installations : [];
    refs.forEach((ref, ri) => {
      if (typeof ref !== 'string') return;
      const known = ref.includes('/') ? installationKeys.has(ref) : clientIds.has(ref);
      if (!known) {
        const hint = suggest(ref, [...installationKeys, ...clientIds.keys()]);
        at(
          ['maintenance', mi, 'installations', ri],
          `"${ref}" is not a known client or client/installation${hint ? ` (did you mean "${hint}"?)` : ''}`,
        );
      }
    });
    const start = instantMs(m.start);
    const end = instantMs(m.end);
    if (!Number.isNaN(start) && !Number.isNaN(end) && end <= start)
      at(['maintenance', mi, 'end'], 'the window ends before it starts');
  });
  return out;
}

function afterMisplaced(name: string): string {
  return `after applies only to a duration alert (${Object.keys(SUSTAINED).join(', ')}), not to ${name}`;
}

function instantMs(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v !== 'string' || !/(Z|[+-]\d\d:?\d\d)$/.test(v)) return Number.NaN;
  return Date.parse(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
