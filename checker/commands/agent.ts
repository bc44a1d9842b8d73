import { hostname as osHostname } from 'node:os';
import { resolve } from 'node:path';
import { collectReport } from '../agent/collect.ts';
import { writeReportToDir, writeReportToStore } from '../agent/publish.ts';
import { agentReportPath, serializeReport } from '../agent/report.ts';
import type { UsbLister } from '../agent/types.ts';
import { DEFAULT_USB_IDS, formatUsbId, parseUsbIds } from '../agent/usb-ids.ts';
import { createNativeUsbLister } from '../agent/usb-native.ts';
import { AGENT_VERSION } from '../agent/version.ts';
import { suggest } from '../config/diagnostics.ts';
import { parseDuration } from '../config/duration.ts';
import { loadConfig } from '../config/load.ts';
import type { AgentReport } from '../status/schema.ts';
import type { StatusStore } from '../store/types.ts';
import { createParsePool } from '../sysinfo/parse-pool.ts';
import { displayPath, printDiagnostics } from './inputs.ts';
import { type CommandIo, parseOptions, usageError } from './io.ts';

const USAGE = `usage: smart agent --installation CLIENT/ID [--config installations.yaml]
                   (--out DIR | --store github | --dry-run) [--usb-ids 0471:485d,…]
                   [--local-port N] [--once] [--interval 5m]

Runs on the Kodeks server itself: looks for the SenseLock USB key, asks the local Kodeks web port and
XML status, and writes agents/CLIENT/ID.json — into DIR (--out), or to the branch \`status\` of
GITHUB_REPOSITORY through the GitHub API (--store github; token in GITHUB_TOKEN, API in GITHUB_API_URL).
--dry-run prints the report and every USB device seen, and writes nothing.
Without --once it repeats every --interval (default 5m) until stopped (Ctrl-C, SIGTERM); under a timer
(cron, a systemd timer, Task Scheduler) run it with --once.`;

/** What the command reaches outside itself; tests replace the lister, the clock and the store. */
export interface AgentCommandDeps {
  lister: UsbLister;
  now: () => Date;
  hostname: () => string;
  /** Opens the GitHub store for `--store github` (env already checked). */
  openGithubStore: (opts: { token: string; repository: string; apiUrl: string }) => Promise<StatusStore>;
  /** Waits between rounds without --once; resolves early when stopped. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Ends the repeating mode (besides SIGINT/SIGTERM); tests use it. */
  stop?: AbortSignal;
}

function defaultDeps(): AgentCommandDeps {
  return {
    lister: createNativeUsbLister(),
    now: () => new Date(),
    hostname: osHostname,
    openGithubStore: openGithubStoreModule,
    sleep: (ms, signal) =>
      new Promise((done) => {
        if (signal.aborted) return done();
        const t = setTimeout(done, ms);
        signal.addEventListener('abort', () => {
          clearTimeout(t);
          done();
        });
      }),
  };
}

async function openGithubStoreModule(opts: {
  token: string;
  repository: string;
  apiUrl: string;
}): Promise<StatusStore> {
  // Loaded only for --store github, so --out and --dry-run never load Octokit.
  const { createGithubStore } = await import('../store/github.ts');
  return createGithubStore(opts);
}

/** `smart agent`: exit 0 when the report was made (a missing key is data), 1 when it could not be, 2 on usage. */
export async function run(
  argv: string[],
  io: CommandIo,
  deps: Partial<AgentCommandDeps> = {},
): Promise<number> {
  const d = { ...defaultDeps(), ...deps };
  const opts = parseOptions(
    argv,
    {
      installation: { type: 'string' },
      config: { type: 'string', default: 'installations.yaml' },
      out: { type: 'string' },
      store: { type: 'string', choices: ['github'] },
      'usb-ids': { type: 'string' },
      'local-port': { type: 'string' },
      once: { type: 'boolean' },
      interval: { type: 'string', default: '5m' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    io,
    USAGE,
  );
  if (!opts.ok) return opts.code;
  const v = opts.values;
  const fail = (msg: string, code = 1): number => {
    io.err(`smart agent: ${msg}`);
    return code;
  };

  if (!v.installation) return usageError(io, USAGE, '--installation CLIENT/ID is required');
  const dryRun = Boolean(v['dry-run']);
  if (v.out !== undefined && v.store !== undefined)
    return usageError(io, USAGE, 'use either --out DIR or --store github, not both');
  if (!dryRun && v.out === undefined && v.store === undefined)
    return usageError(io, USAGE, 'say where the report goes: --out DIR or --store github (or --dry-run)');

  const m = /^([^/]+)\/([^/]+)$/.exec(v.installation);
  const idRe = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
  if (!m || !idRe.test(m[1]!) || !idRe.test(m[2]!)) {
    return usageError(
      io,
      USAGE,
      `--installation: "${v.installation}" is not CLIENT/ID (ids are lowercase letters, digits and dashes, e.g. acme/main)`,
    );
  }
  const clientId = m[1]!;
  const instId = m[2]!;

  let usbIds = DEFAULT_USB_IDS;
  if (v['usb-ids'] !== undefined) {
    const parsed = parseUsbIds(v['usb-ids']);
    if (!parsed.ok) return usageError(io, USAGE, parsed.error);
    usbIds = parsed.ids;
  }
  let localPort: number | undefined;
  if (v['local-port'] !== undefined) {
    localPort = Number(v['local-port']);
    if (!/^\d{1,5}$/.test(v['local-port']) || localPort < 1 || localPort > 65535)
      return usageError(io, USAGE, `--local-port: "${v['local-port']}" is not a port number (1–65535)`);
  }
  const interval = parseDuration(v.interval!);
  if (interval === undefined || interval < 60_000)
    return usageError(io, USAGE, `--interval: "${v.interval}" is not a duration of at least 1m, e.g. 5m`);

  const configFile = resolve(io.cwd, v.config!);
  const loaded = await loadConfig(configFile);
  if (!loaded.ok) {
    printDiagnostics(io, loaded.diagnostics);
    return fail(`${displayPath(v.config!, io.cwd)} has problems; run \`smart validate\``);
  }
  const config = loaded.config;
  const client = config.clients.find((c) => c.id === clientId);
  if (!client) {
    const hint = suggest(
      clientId,
      config.clients.map((c) => c.id),
    );
    return fail(`no client "${clientId}" in ${v.config}${hint ? ` (did you mean "${hint}"?)` : ''}`);
  }
  const installation = client.installations.find((i) => i.id === instId);
  if (!installation) {
    const known = client.installations.map((i) => i.id);
    const hint = suggest(instId, known);
    return fail(
      `client "${clientId}" has no installation "${instId}" in ${v.config}${hint ? ` (did you mean "${hint}"?)` : ''}; known: ${known.join(', ')}`,
    );
  }
  const path = agentReportPath(clientId, instId);
  if (!installation.probes.agent) {
    io.err(
      `smart agent: warning: ${clientId}/${instId} has no \`agent\` probe in ${v.config}: the checker will not read this report`,
    );
  }

  let store: StatusStore | undefined;
  let token = '';
  if (v.store === 'github' && !dryRun) {
    token = io.env.GITHUB_TOKEN ?? '';
    const repository = io.env.GITHUB_REPOSITORY ?? '';
    const apiUrl = io.env.GITHUB_API_URL || 'https://api.github.com';
    if (!token)
      return fail('GITHUB_TOKEN is not set (a fine-grained token with contents:write on this repository)');
    if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) return fail('GITHUB_REPOSITORY must be owner/name');
    try {
      store = await d.openGithubStore({ token, repository, apiUrl });
    } catch (err) {
      return fail(`cannot open the GitHub store: ${redact((err as Error).message, token)}`);
    }
  }

  // The sysinfo report (closed networks) is read bounded in time and memory (checker/sysinfo).
  const reports =
    installation.probes.sysinfo?.source === 'agent' ? createParsePool({ concurrency: 1 }) : undefined;
  const once = async (): Promise<boolean> => {
    let report: AgentReport;
    try {
      report = await collectReport({
        client: clientId,
        installation,
        usbIds,
        lister: d.lister,
        now: d.now,
        agentVersion: AGENT_VERSION,
        // The host name stays on the server: the status branch holds no host names (docs/decisions.md).
        localPort,
        timeoutMs: config.checker.timeout,
        timezone: installation.timezone ?? config.checker.timezone,
        reports,
      });
    } catch (err) {
      io.err(`smart agent: the report was not made: ${(err as Error).message}`);
      return false;
    }
    const summary = describe(report);
    if (dryRun) {
      io.out(serializeReport(report).trimEnd());
      io.out(`host: ${d.hostname()} (not written to the report)`);
      await printAllDevices(d.lister, io);
      io.out(`${path}: ${summary} (dry run, nothing written)`);
      return true;
    }
    try {
      if (store) {
        const res = await writeReportToStore(store, report);
        io.out(`${path}: ${summary} → ${store.name}${res.commit ? ` ${res.commit.slice(0, 7)}` : ''}`);
      } else {
        const file = await writeReportToDir(resolve(io.cwd, v.out!), report);
        io.out(`${file}: ${summary}`);
      }
      return true;
    } catch (err) {
      io.err(`smart agent: the report was not saved: ${redact((err as Error).message, token)}`);
      return false;
    }
  };

  if (v.once || dryRun) {
    try {
      return (await once()) ? 0 : 1;
    } finally {
      await reports?.close();
    }
  }

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  d.stop?.addEventListener('abort', onSignal);
  if (d.stop?.aborted) stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  io.out(
    `smart agent: repeating every ${v.interval} until stopped (Ctrl-C or SIGTERM); under a timer use --once`,
  );
  try {
    while (!stop.signal.aborted) {
      await once(); // a failed save is retried next round; the checker sees staleness if it persists
      if (stop.signal.aborted) break;
      const next = new Date(d.now().getTime() + interval);
      io.out(`next report at ${next.toISOString()} (in ${v.interval}); stop with Ctrl-C or SIGTERM`);
      await d.sleep(interval, stop.signal);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    d.stop?.removeEventListener('abort', onSignal);
    await reports?.close();
  }
  return 0;
}

/** One line for logs: key state, local checks. */
function describe(report: {
  usb: { status: string; reason?: string; devices: { id: string; matched: boolean }[] };
  local: { http?: { code: string }; sysinfo?: { code: string } };
  sysinfo?: { databases: unknown[]; key: { state: string } };
}): string {
  const usb =
    report.usb.status === 'unavailable'
      ? `usb unavailable (${report.usb.reason})`
      : `usb ${report.usb.status}${report.usb.devices.length ? ` [${report.usb.devices.map((x) => x.id).join(', ')}]` : ''}`;
  const parts = [usb];
  if (report.local.http) parts.push(`http ${report.local.http.code}`);
  if (report.local.sysinfo) parts.push(`sysinfo ${report.local.sysinfo.code}`);
  if (report.sysinfo) parts.push(`key ${report.sysinfo.key.state}, ${report.sysinfo.databases.length} db`);
  return parts.join(', ');
}

/** For tuning --usb-ids: every device the OS lists, with its strings. */
async function printAllDevices(lister: UsbLister, io: CommandIo): Promise<void> {
  const listing = await lister.list().catch((err: Error) => ({ ok: false as const, reason: err.message }));
  if (!listing.ok) {
    io.out(`USB: не видно (${listing.reason})`);
    return;
  }
  io.out(`USB-устройств: ${listing.devices.length}`);
  for (const dev of listing.devices) {
    const names = [dev.manufacturer, dev.product].filter(Boolean).join(' / ');
    io.out(`  ${formatUsbId(dev.vendorId, dev.productId)}${names ? `  ${names}` : ''}`);
  }
}

function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join('***') : text;
}
