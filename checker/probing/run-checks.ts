import { createSecureContext } from 'node:tls';
import type { Client, Config, Installation } from '../config/schema.ts';
import { guardLookup, installationPolicy, OPEN_POLICY } from '../probes/address-policy.ts';
import type { CheckTask, PingFn, ProbeContext } from '../probes/context.ts';
import { httpGet } from '../probes/http-get.ts';
import { createHttpPool, type HttpPool } from '../probes/http-pool.ts';
import { createNameLookup, type NameLookup } from '../probes/names.ts';
import { toProbeError } from '../probes/net-errors.ts';
import { icmpUnavailableReason, systemPing } from '../probes/ping-system.ts';
import { PROBES } from '../probes/registry.ts';
import { fail, ok, since, unknown } from '../probes/result.ts';
import { tcpConnect } from '../probes/tcp.ts';
import { CHECK_IDS, type CheckId, PROBE_TYPES, type ProbeCode, type ProbeResult } from '../probes/types.ts';
import { scrub, scrubRecord } from '../secrets/scrub.ts';
import type { ClientState } from '../status/schema.ts';
import { createParsePool, type ParsePool } from '../sysinfo/parse-pool.ts';
import { createLimiter, type Heard } from './limiter.ts';
import type { InstallationResults, RunResults } from './types.ts';

/** What a run talks to; every field has a production default. */
export interface RunDeps {
  /** The clock (default: the system clock). */
  now?: () => Date;
  /** Raw text of agents/<client>/<installation>.json from the store; undefined when absent. Without it,
   * agent checks are `unknown` (SKIPPED). */
  readAgentReport?: ProbeContext['readAgentReport'];
  /** Name resolution for every probe (default: through config.checker.resolvers, cached for the run). */
  lookup?: NameLookup;
  /** The system ping (default: the `ping` package). */
  ping?: PingFn;
  /** Extra trusted CA certificates in PEM, for tests against a local CA. */
  ca?: string[];
  /** HTTP connections (default: a pool made for this run and closed at its end; an injected one is left open). */
  httpPool?: HttpPool;
  /** Worker threads reading sysinfo reports (default: a pool made for this run and closed at its end). */
  reports?: ParsePool;
  /** A client's state file from the status data (the sysinfo check keeps its facts there between runs). */
  readState?: (client: string) => Promise<ClientState | undefined>;
  /**
   * Read every client's state up front (not only those with a sysinfo check), so that servers whose
   * checks timed out in the last run take their turns first (default false: only where reads are free).
   */
  orderByLastRun?: boolean;
  /** Where secrets named in installations.yaml are read from (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Options of one run. */
export interface RunOptions {
  /** Narrow the run to `client` or `client/installation`. */
  only?: string;
  /** Called after each finished check. */
  onProgress?: (done: number, total: number) => void;
}

interface Planned {
  client: Client;
  installation: Installation;
  tasks: CheckTask[];
}

/**
 * Runs every configured check of every installation concurrently through one pool (checker.concurrency,
 * checker.per_host per server; see limiter.ts for why a hanging server holds nobody back), each under a
 * hard timeout (checker.timeout). Canaries run first: when all fail, no client check runs and
 * each is `unknown` (SKIPPED). ICMP is tried once against 127.0.0.1; when it does not work from here, icmp
 * checks are `unknown` (ICMP_UNAVAILABLE). Throws only when `only` matches no installation.
 */
export async function runChecks(
  config: Config,
  deps: RunDeps = {},
  opts: RunOptions = {},
): Promise<RunResults> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const { timeout, concurrency, per_host: perHost, max_body: maxBody } = config.checker;
  const lookup = deps.lookup ?? createNameLookup(config.checker.resolvers, timeout);
  const pingFn = deps.ping ?? systemPing;
  const notes: string[] = [];
  const planned = plan(config, opts.only);
  const wantsIcmp = planned.some((p) => p.tasks.some((t) => t.check === 'icmp' || t.check === 'licman_icmp'));

  const [canaries, icmpReason] = await Promise.all([
    Promise.all(config.checker.canaries.map((c) => runCanary(c, lookup, timeout, maxBody))),
    wantsIcmp ? icmpUnavailableReason(pingFn) : Promise.resolve(undefined),
  ]);
  const networkOk = canaries.length === 0 || canaries.some((c) => c.status === 'ok');
  const total = planned.reduce((n, p) => n + p.tasks.length, 0);

  if (!networkOk) {
    notes.push(
      'Все контрольные точки (canaries) недоступны: у проверяющего нет сети, клиенты не проверялись.',
    );
    const skipped = unknown(0, 'SKIPPED', 'Проверка пропущена: у проверяющего нет сети.');
    opts.onProgress?.(total, total);
    return {
      startedAt,
      finishedAt: now(),
      networkOk,
      canaries,
      notes,
      icmpUnavailable: false,
      installations: planned.map((p) => ({
        client: p.client.id,
        installation: p.installation.id,
        checks: Object.fromEntries(p.tasks.map((t) => [t.check, skipped])),
      })),
    };
  }
  if (icmpReason) {
    notes.push(
      `ICMP недоступен с этого места проверки (${icmpReason}): проверки ping помечены как неизвестные.`,
    );
  }

  const patienceMs = patienceFor(timeout);
  const limiter = createLimiter({ total: concurrency, perKey: perHost, patienceMs });
  const secureContext = createSecureContext(deps.ca ? { ca: deps.ca } : {});
  const httpPool = deps.httpPool ?? createHttpPool({ lookup, timeoutMs: timeout, secureContext });
  const readAgentReport =
    deps.readAgentReport ?? (async () => Promise.reject(new Error('no agent report reader in this run')));
  const reports = deps.reports ?? createParsePool();
  const env = deps.env ?? process.env;
  const secret = (name: string) => env[name];
  // The last run's states, read once, up front: the sysinfo check judges the facts it kept there, and
  // checks that heard nothing last time take their turns first (see limiter.ts).
  const states = new Map<string, ClientState | undefined>();
  if (deps.readState) {
    const readState = deps.readState;
    const wanted = new Set(
      planned
        .filter((p) => deps.orderByLastRun || p.tasks.some((t) => t.check === 'sysinfo'))
        .map((p) => p.client.id),
    );
    await Promise.all(
      [...wanted].map(async (id) => states.set(id, await readState(id).catch(() => undefined))),
    );
  }
  let done = 0;
  let installations: InstallationResults[];
  try {
    installations = await Promise.all(
      planned.map(async (p): Promise<InstallationResults> => {
        const policy = installationPolicy(config, p.installation);
        const base = {
          config,
          client: p.client,
          installation: p.installation,
          timeoutMs: timeout,
          maxBody,
          lookup: guardLookup(lookup, policy),
          policy,
          ca: deps.ca,
          secureContext,
          httpPool,
          ping: pingFn,
          icmpAvailable: !icmpReason,
          readAgentReport,
          now,
          reports,
          secret,
          previous: (check: CheckId) =>
            states.get(p.client.id)?.installations[p.installation.id]?.checks[check],
        };
        const results = await Promise.all(
          p.tasks.map(async (task) => {
            const result =
              task.check === 'agent' && !deps.readAgentReport
                ? unknown(0, 'SKIPPED', 'Отчёты агента в этом запуске не читаются.')
                : await limiter.run(
                    await serverKey(task, lookup, patienceMs),
                    () => runWithTimeout(task, base, timeout),
                    heardFrom,
                    wasSilent(base.previous(task.check)),
                  );
            done++;
            opts.onProgress?.(done, total);
            return [task.check, result] as const;
          }),
        );
        results.sort((a, b) => CHECK_IDS.indexOf(a[0]) - CHECK_IDS.indexOf(b[0]));
        return {
          client: p.client.id,
          installation: p.installation.id,
          checks: Object.fromEntries(results) as Partial<Record<CheckId, ProbeResult>>,
        };
      }),
    );
  } finally {
    // Closing waits for nothing: sockets are destroyed, never drained.
    if (!deps.httpPool) httpPool.close().catch(() => {});
    if (!deps.reports) reports.close().catch(() => {});
  }
  return {
    startedAt,
    finishedAt: now(),
    networkOk,
    canaries,
    installations,
    notes,
    icmpUnavailable: Boolean(icmpReason),
    pool: limiter.stats(),
  };
}

/**
 * How long a check may wait for a server before it stops holding a slot of the pool: a twentieth of the
 * timeout (500 ms at the default 10 s), at least 250 ms (no answer in a quarter second is unusual even on a
 * loaded machine), at most 1 s and half the timeout.
 */
export function patienceFor(timeoutMs: number): number {
  return Math.min(Math.max(timeoutMs / 20, 250), 1000, timeoutMs / 2);
}

/**
 * The server a check loads, as the pool counts it: the address its host resolves to (through the run's
 * cached lookup, waiting at most `waitMs`; the name itself when it does not resolve by then) and the port,
 * or "icmp". Two installations behind one proxy are one server; one machine's web and licence ports are two.
 */
export async function serverKey(
  task: CheckTask,
  lookup: NameLookup,
  waitMs: number,
): Promise<string | undefined> {
  if (!task.host) return undefined;
  const host = task.host.toLowerCase().replace(/^\[|\]$/g, '');
  let address = host;
  try {
    const [first] = await lookup(host, AbortSignal.timeout(waitMs));
    if (first) address = first.address;
  } catch {
    // Keyed by name: the check itself will report why the name does not resolve.
  }
  return `${address} ${task.port ?? 'icmp'}`;
}

/** Outcomes that mean the server was reached but said nothing in time. */
const SILENCE = new Set<ProbeCode>(['TIMEOUT', 'CONN_TIMEOUT', 'ICMP_LOSS']);
/** Outcomes decided before or without reaching the server (names, policy, our own side, other hops). */
const NOT_REACHED = new Set<ProbeCode>([
  'DNS_NXDOMAIN',
  'DNS_SERVFAIL',
  'DNS_REFUSED',
  'DNS_TIMEOUT',
  'DNS_NODATA',
  'DNS_ERROR',
  'ADDRESS_REFUSED',
  'BAD_TARGET',
  'HOST_UNREACHABLE',
  'CONN_ERROR',
  'NO_CREDENTIALS',
  'ICMP_UNAVAILABLE',
  'SKIPPED',
  'INTERNAL',
]);

/** True when a check's last result says its server heard nothing (a timeout), so it should go first. */
export function wasSilent(last: { code: string } | undefined): boolean {
  return last !== undefined && SILENCE.has(last.code as ProbeCode);
}

/** What a check's result says about its server, for the pool (a sysinfo check that reused kept facts: nothing). */
export function heardFrom(result: ProbeResult): Heard {
  if (result.evidence?.reused === true) return 'none';
  if (SILENCE.has(result.code)) return 'silence';
  if (NOT_REACHED.has(result.code)) return 'none';
  return 'answer';
}

/** The installations selected by `only` with their checks; throws when `only` matches nothing. */
function plan(config: Config, only: string | undefined): Planned[] {
  const [onlyClient, onlyInst] = only ? only.split('/', 2) : [];
  const out: Planned[] = [];
  for (const client of config.clients) {
    if (onlyClient && client.id !== onlyClient) continue;
    for (const installation of client.installations) {
      if (onlyInst && installation.id !== onlyInst) continue;
      const tasks: CheckTask[] = [];
      for (const type of PROBE_TYPES) {
        const settings = installation.probes[type];
        if (settings === undefined) continue;
        // The registry is typed per key; TypeScript cannot correlate `type` with `settings` in a loop.
        const probe = PROBES[type] as { plan: (i: Installation, s: typeof settings) => CheckTask[] };
        tasks.push(...probe.plan(installation, settings));
      }
      out.push({ client, installation, tasks });
    }
  }
  if (only && out.length === 0) throw new Error(`--only "${only}" matches no client or installation`);
  return out;
}

/**
 * Runs one check with a hard stop: the probe's signal aborts at `timeoutMs`, and if the probe still has not
 * returned shortly after, the check ends as TIMEOUT regardless of what the probe is doing.
 */
export async function runWithTimeout(
  task: CheckTask,
  base: Omit<ProbeContext, 'signal'>,
  timeoutMs: number,
): Promise<ProbeResult> {
  const start = performance.now();
  const ac = new AbortController();
  const soft = setTimeout(() => ac.abort(), timeoutMs);
  let hard: NodeJS.Timeout | undefined;
  const stop = new Promise<ProbeResult>((resolve) => {
    hard = setTimeout(
      () => resolve(fail(since(start), 'TIMEOUT', 'Проверка не уложилась в отведённое время.')),
      timeoutMs + Math.min(500, timeoutMs / 4),
    );
  });
  try {
    const result = await Promise.race([
      task.run({ ...base, signal: ac.signal }).catch((err: unknown) =>
        unknown(since(start), 'INTERNAL', 'Внутренняя ошибка проверки.', {
          error: String((err as Error)?.message ?? err).slice(0, 300),
        }),
      ),
      stop,
    ]);
    // A server's answer may echo a credential a probe sent: no secret reaches a message or evidence.
    return {
      ...result,
      message: scrub(result.message),
      ...(result.evidence && { evidence: scrubRecord(result.evidence) }),
    };
  } finally {
    clearTimeout(soft);
    clearTimeout(hard);
  }
}

type Canary = Config['checker']['canaries'][number];

async function runCanary(canary: Canary, lookup: NameLookup, timeoutMs: number, maxBody: number) {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const start = performance.now();
  try {
    if ('tcp' in canary) {
      const i = canary.tcp.lastIndexOf(':');
      const host = canary.tcp.slice(0, i).replace(/^\[|\]$/g, '');
      return await tcpConnect({ lookup, signal: ac.signal }, host, Number(canary.tcp.slice(i + 1)));
    }
    const res = await httpGet({
      url: canary.http,
      lookup,
      // Canaries are the operator's own targets: no address policy.
      policy: OPEN_POLICY,
      signal: ac.signal,
      timeoutMs,
      maxBody,
      readBody: false,
      accept: [],
      // Not followed: any answer, a redirect included, proves the network works.
      maxRedirects: 0,
    });
    return ok(since(start), 'Контрольная точка отвечает.', { url: canary.http, http_status: res.status });
  } catch (err) {
    const e = toProbeError(err, 'exchange', ac.signal.aborted);
    return fail(since(start), e.code, e.message, {
      canary: 'tcp' in canary ? canary.tcp : canary.http,
      ...e.evidence,
    });
  } finally {
    clearTimeout(timer);
  }
}
