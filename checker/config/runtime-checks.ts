/**
 * Checks of settings that are each valid but would fail, or mislead, at run time — caught by `smart validate`
 * instead of showing up as false alerts (issue 18.1). They read the typed config (defaults applied), so a
 * default counts as much as a written value: `interval: 10s` alone clashes with the default `timeout: 10s`.
 */
import { isIP } from 'node:net';
import { formatPath, type PathProblem } from './diagnostics.ts';
import { formatDuration } from './duration.ts';
import type { Config } from './schema.ts';

/** A host name or an address, as ping and a TCP connect accept it. */
export function isHostName(host: string): boolean {
  if (isIP(host) !== 0) return true;
  return /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(
    host,
  );
}

/** Every check below, in the order of the file. */
export function runtimeChecks(config: Config): PathProblem[] {
  return [
    ...checkerTiming(config),
    ...installations(config),
    ...chatsShared(config),
    ...workingHours(config),
  ];
}

/** A run lasts up to about one probe timeout; when that is not shorter than the interval, runs pile up. */
function checkerTiming(config: Config): PathProblem[] {
  const { timeout, interval } = config.checker;
  if (timeout < interval) return [];
  return [
    {
      path: ['checker', 'timeout'],
      message: `a run takes up to about one timeout (${formatDuration(timeout)}), which is not shorter than checker.interval (${formatDuration(interval)}): runs would overlap and the gaps count as no data; make the timeout shorter than the interval`,
    },
  ];
}

function installations(config: Config): PathProblem[] {
  const out: PathProblem[] = [];
  config.clients.forEach((client, ci) => {
    client.installations.forEach((inst, ii) => {
      const at = (...path: (string | number)[]) => ['clients', ci, 'installations', ii, ...path];
      const probes = inst.probes;
      if (Object.values(probes).every((p) => p === undefined)) {
        out.push({
          path: at('probes'),
          message: 'no probe is turned on, so nothing would be checked: add at least http: {}',
        });
        return;
      }
      const host = new URL(inst.url).hostname.replace(/^\[|\]$/g, '');
      if (probes.dns && isIP(host) !== 0) {
        out.push({
          path: at('probes', 'dns'),
          message: `the url's host is an IP address (${host}): there is no name to resolve; remove the dns probe`,
        });
      }
      for (const kind of ['icmp', 'tcp'] as const) {
        const target = probes[kind]?.host;
        if (target !== undefined && !isHostName(target))
          out.push({
            path: at('probes', kind, 'host'),
            message: `${JSON.stringify(target)} is not a host name or an IP address`,
          });
      }
      const sysinfo = probes.sysinfo;
      if (sysinfo && sysinfo.source === 'pull' && sysinfo.every >= sysinfo.max_age) {
        out.push({
          path: at('probes', 'sysinfo', 'every'),
          message: `a report pulled every ${formatDuration(sysinfo.every)} is always older than max_age (${formatDuration(sysinfo.max_age)}) before the next pull, so SmartXMLfileIsToOld would fire between pulls; make every shorter than max_age`,
        });
      }
    });
  });
  return out;
}

/**
 * A chat shared with a client (client_telegram, the administrator's) gets only what the client may read. If
 * it is also a managers' chat, or another client's, the client would read internal details or another
 * company's alerts. Forum topics do not separate readers: the chat id alone decides.
 */
function chatsShared(config: Config): PathProblem[] {
  const team = new Map<string, string>();
  const addTeam = (chat: string | undefined, where: string) => {
    if (chat !== undefined && !team.has(chat)) team.set(chat, where);
  };
  addTeam(config.notify.telegram?.chat, 'notify.telegram');
  for (const [id, d] of Object.entries(config.distributors))
    addTeam(d.telegram?.chat, `distributors.${id}.telegram`);
  config.clients.forEach((c, ci) => {
    addTeam(c.notify?.telegram?.chat, `clients[${ci}].notify.telegram`);
  });

  const out: PathProblem[] = [];
  const clientChats = new Map<string, { client: string; where: string }>();
  config.clients.forEach((c, ci) => {
    const own: [(string | number)[], string | undefined][] = [
      [['clients', ci, 'notify', 'client_telegram', 'chat'], c.notify?.client_telegram?.chat],
      [['clients', ci, 'administrator', 'telegram', 'chat'], c.administrator?.telegram?.chat],
    ];
    for (const [path, chat] of own) {
      if (chat === undefined) continue;
      const teamWhere = team.get(chat);
      const other = clientChats.get(chat);
      if (teamWhere)
        out.push({
          path,
          message: `chat ${chat} is also the managers' chat (${teamWhere}): the client would read internal details meant for managers`,
        });
      else if (other && other.client !== c.id)
        out.push({
          path,
          message: `chat ${chat} is already the chat of client "${other.client}" (${other.where}): each client would read the other's alerts`,
        });
      else if (!other) clientChats.set(chat, { client: c.id, where: formatPath(path.slice(0, -1)) });
    }
  });
  return out;
}

/** Working hours that end before they start are never inside: every message would be silent. */
function workingHours(config: Config): PathProblem[] {
  const out: PathProblem[] = [];
  config.clients.forEach((c, ci) => {
    const h = c.notify?.working_hours;
    if (h && h.to <= h.from)
      out.push({
        path: ['clients', ci, 'notify', 'working_hours', 'to'],
        message: `the working day ends (${h.to}) before it starts (${h.from}), so no moment is inside it and every message would be silent; hours past midnight are not supported`,
      });
  });
  return out;
}
