/**
 * `smart watchdog`: who watches the checker. Reads heartbeat.json from the status data and, when the last
 * run finished more than 3 × interval ago, sends one SmartCheckerStale message (and one when runs come
 * back). The episode is remembered in `watchdog.json` next to the heartbeat, so a long outage gives one
 * message, not one per watchdog run. Messages go through the outbox: if Telegram cannot be reached now,
 * the next checker run delivers them. `--notify console` and `none` only look: they print (or not) what
 * would be sent and change nothing, so a preview never swallows or queues the real announcement.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { AlertEvent } from '../alerts/engine/events.ts';
import { describeFsError } from '../config/diagnostics.ts';
import { renderPlain } from '../notify/console.ts';
import { deliverOutbox } from '../notify/deliver.ts';
import { emptyOutbox, enqueue } from '../notify/outbox.ts';
import { renderEvents } from '../notify/render.ts';
import { createTelegramClient, DEFAULT_API_ROOT } from '../notify/telegram-client.ts';
import { formatClock, formatDuration } from '../notify/time.ts';
import type { TelegramLike } from '../notify/types.ts';
import { serialize, statusPaths } from '../status/format.ts';
import type { Heartbeat, Outbox } from '../status/schema.ts';
import { createFsStore } from '../store/fs.ts';
import { createGithubStore } from '../store/github.ts';
import { readHeartbeat, readOutbox } from '../store/read.ts';
import type { StatusStore } from '../store/types.ts';
import { DEFAULT_CONFIG, displayPath, loadInputs } from './inputs.ts';
import { type CommandIo, EXIT, parseOptions } from './io.ts';

const USAGE = `usage: smart watchdog [--store fs|github] [--status-dir status] [--notify telegram|console|none]
                      [--config installations.yaml] [--docs DIR]

Tells the managers' Telegram chat once (SmartCheckerStale) when no check has run for more than
3 × checker.interval, and once more when checks run again. Run it on a schedule of its own.
  --notify telegram  send now; needs TELEGRAM_BOT_TOKEN and notify.telegram in the --config file
  --notify console   print what would be sent, queue and remember nothing (the default)
  --notify none      print only the verdict
  --status-dir DIR   the folder of the fs store (default status); it must exist
Exit 0 when it did its job, stale checks included (the message is the alarm); 1 when it could not read
the status data or, with telegram, could not send (the message stays queued for the next check).
Environment: TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT; with --store github: GITHUB_TOKEN, GITHUB_REPOSITORY.`;

/** Where the watchdog remembers the staleness episode it already announced. */
export const WATCHDOG_FILE = 'watchdog.json';

/** watchdog.json: the episode the watchdog announced (absent = none). */
export const watchdogMemorySchema = z.object({
  schema: z.literal(1),
  /** run_id of the last run seen before the checker went quiet; identifies the episode. */
  stale_run_id: z.string().optional(),
  /** When the staleness was announced. */
  announced_at: z.iso.datetime({ offset: true }).optional(),
});
export type WatchdogMemory = z.output<typeof watchdogMemorySchema>;

/** What one watchdog pass decided. */
export interface WatchdogDecision {
  /** stale: older than 3 × interval; fresh: runs are on time; no_data: no heartbeat at all yet. */
  status: 'stale' | 'fresh' | 'no_data';
  /** Age of the last run in ms (undefined without a heartbeat). */
  ageMs?: number;
  /** The operator event to send, when the episode starts or ends. */
  event?: Extract<AlertEvent, { kind: 'operator' }>;
  /** The memory to write (undefined: unchanged). */
  memory?: WatchdogMemory;
}

/** The staleness threshold: 3 × the interval the checker announced in its heartbeat. */
export const STALE_FACTOR = 3;

/** Pure: from the heartbeat, the memory and the clock, decide what to say. */
export function decideWatchdog(
  heartbeat: Heartbeat | undefined,
  memory: WatchdogMemory | undefined,
  now: Date,
  timeZone: string,
): WatchdogDecision {
  if (!heartbeat) return { status: 'no_data' };
  const last = new Date(heartbeat.finished_at);
  const ageMs = Math.max(0, now.getTime() - last.getTime());
  const stale = ageMs > STALE_FACTOR * heartbeat.interval_ms;
  const at = now.toISOString();
  const announced = memory?.stale_run_id !== undefined;
  if (stale && memory?.stale_run_id !== heartbeat.run_id) {
    const text =
      `Последняя проверка закончилась ${formatClock(last, timeZone, now)} — ${formatDuration(ageMs)} назад, ` +
      `а должна идти ${cadence(heartbeat.interval_ms)}. Статусы на сайте устаревают, алерты о ` +
      'клиентах не приходят. Проверьте запуски workflow check в GitHub Actions (или раннер).';
    return {
      status: 'stale',
      ageMs,
      event: { kind: 'operator', code: 'checker_stale', at, text },
      memory: { schema: 1, stale_run_id: heartbeat.run_id, announced_at: at },
    };
  }
  if (!stale && announced) {
    const text = `Проверки снова идут: последняя закончилась ${formatClock(last, timeZone, now)}.`;
    return {
      status: 'fresh',
      ageMs,
      event: { kind: 'operator', code: 'checker_online', at, text },
      memory: { schema: 1 },
    };
  }
  return { status: stale ? 'stale' : 'fresh', ageMs };
}

/** «каждые 5 мин», «каждые 30 с»: an interval under a minute (or not of whole minutes) in seconds. */
function cadence(ms: number): string {
  return ms % 60_000 === 0 ? `каждые ${formatDuration(ms)}` : `каждые ${Math.round(ms / 1000)} с`;
}

/** What a watchdog pass needs from outside. */
export interface WatchdogDeps {
  store: StatusStore;
  /** Sends now (the message is queued first, so a failed send is delivered by the next checker run). */
  telegram?: TelegramLike;
  /** Only look (console, none): log the message as plain text, queue nothing, remember nothing. */
  preview?: boolean;
  now: Date;
  /** For the message route and texts. */
  config: import('../config/schema.ts').Config;
  catalog: import('../alerts/catalog.ts').Catalog;
  log: (line: string) => void;
}

/** A pass's decision and whether its message reached Telegram (undefined: nothing was sent). */
export type WatchdogOutcome = WatchdogDecision & { delivered?: boolean };

/** One watchdog pass: read, decide, queue in the outbox, deliver, save. Returns the decision. */
export async function watchdogPass(deps: WatchdogDeps): Promise<WatchdogOutcome> {
  const { store, now, config } = deps;
  const tz = config.checker.timezone;
  const memory = await readMemory(store);
  const decision = decideWatchdog(await readHeartbeat(store), memory, now, tz);
  if (!decision.event || !decision.memory) return decision;
  const items = renderEvents([decision.event], { config, catalog: deps.catalog, now });
  if (deps.preview) {
    for (const item of items) deps.log(renderPlain(item));
    return decision;
  }
  const nextMemory = decision.memory;
  await store.update(`watchdog: ${decision.event.code}`, async (view) => {
    const outbox = enqueue((await readOutbox(view)) ?? emptyOutbox(), items);
    return new Map([
      [statusPaths.outbox, serialize(outbox)],
      [WATCHDOG_FILE, serialize(nextMemory)],
    ]);
  });
  if (!deps.telegram || items.length === 0) return decision;
  // Deliver only this pass's items; the checker's own messages stay for the checker.
  const ids = new Set(items.map((i) => i.id));
  const mine: Outbox = { ...emptyOutbox(), pending: items };
  const result = await deliverOutbox(mine, { telegram: deps.telegram, now, timeZone: tz });
  for (const line of result.lines) deps.log(line);
  const delivered = Object.entries(result.outbox.delivered).filter(([id]) => ids.has(id));
  if (delivered.length === 0) return { ...decision, delivered: false };
  await store.update('watchdog: delivered', async (view) => {
    const outbox = (await readOutbox(view)) ?? emptyOutbox();
    const done = new Map(delivered);
    return new Map([
      [
        statusPaths.outbox,
        serialize({
          ...outbox,
          pending: outbox.pending.filter((i) => !done.has(i.id)),
          delivered: { ...outbox.delivered, ...Object.fromEntries(delivered) },
        }),
      ],
    ]);
  });
  return { ...decision, delivered: delivered.length === ids.size };
}

async function readMemory(store: StatusStore): Promise<WatchdogMemory | undefined> {
  const text = await store.read(WATCHDOG_FILE);
  if (text === undefined) return undefined;
  try {
    const parsed = watchdogMemorySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // A damaged memory only risks one repeated message; it is rewritten on the next announcement.
    return undefined;
  }
}

/** `smart watchdog`. */
export async function run(argv: string[], io: CommandIo): Promise<number> {
  const opts = parseOptions(
    argv,
    {
      store: { type: 'string', default: 'fs', choices: ['fs', 'github'] },
      'status-dir': { type: 'string', default: 'status' },
      notify: { type: 'string', default: 'console', choices: ['telegram', 'console', 'none'] },
      config: { type: 'string', default: DEFAULT_CONFIG },
      docs: { type: 'string' },
      help: { type: 'boolean' },
    },
    io,
    USAGE,
  );
  if (!opts.ok) return opts.code;
  const v = opts.values;
  const inputs = await loadInputs(io, 'smart watchdog', v.config, v.docs);
  if (!inputs.ok) return EXIT.failed;
  // Said before anything is read: a scheduled watchdog that can tell nobody must not look green.
  let telegram: TelegramLike | undefined;
  if (v.notify === 'telegram') {
    const token = io.env.TELEGRAM_BOT_TOKEN;
    if (!token) {
      io.err('smart watchdog: --notify telegram needs TELEGRAM_BOT_TOKEN: without it nobody would be told');
      return EXIT.failed;
    }
    if (!inputs.config.notify.telegram) {
      io.err(
        `smart watchdog: ${displayPath(v.config, io.cwd)} has no notify.telegram: the watchdog would tell nobody`,
      );
      return EXIT.failed;
    }
    telegram = createTelegramClient(token, io.env.TELEGRAM_API_ROOT || DEFAULT_API_ROOT);
  }
  let store: StatusStore;
  let label: string;
  if (v.store === 'github') {
    const token = io.env.GITHUB_TOKEN;
    const repository = io.env.GITHUB_REPOSITORY;
    if (!token || !repository) {
      io.err('smart watchdog: --store github needs GITHUB_TOKEN and GITHUB_REPOSITORY (owner/name)');
      return EXIT.failed;
    }
    store = createGithubStore({ token, repository, apiUrl: io.env.GITHUB_API_URL });
    label = store.name;
  } else {
    // A mistyped folder is not "no checks yet": say so, or a schedule would stay green reading nothing.
    const dir = resolve(io.cwd, v['status-dir']);
    const problem = await stat(dir).then(
      (s) => (s.isDirectory() ? undefined : 'is not a folder'),
      (err: unknown) => describeFsError(err),
    );
    if (problem) {
      io.err(`smart watchdog: the status folder ${displayPath(dir, io.cwd)} ${problem} (--status-dir)`);
      return EXIT.failed;
    }
    store = createFsStore(dir);
    label = `${displayPath(dir, io.cwd)}/`;
  }
  try {
    const d = await watchdogPass({
      store,
      telegram,
      preview: v.notify !== 'telegram',
      now: new Date(),
      config: inputs.config,
      catalog: inputs.catalog,
      log: (l) => (v.notify === 'none' ? undefined : io.out(l)),
    });
    const age = d.ageMs === undefined ? '' : `, последняя проверка ${formatDuration(d.ageMs)} назад`;
    const what = { stale: 'проверки не идут', fresh: 'проверки идут', no_data: 'проверок ещё не было' }[
      d.status
    ];
    const code = d.event?.code;
    const said = !code
      ? ''
      : v.notify === 'console'
        ? ` — сообщение ${code} показано выше, но не отправлено (--notify console ничего не записывает)`
        : v.notify === 'none'
          ? ` — сообщение ${code} не отправлено (--notify none)`
          : d.delivered
            ? ` — сообщение ${code} отправлено в Telegram`
            : ` — сообщение ${code} не доставлено: оно в очереди, его отправит следующий запуск`;
    io.out(`watchdog (${label}): ${what}${age}${said}`);
    return code && v.notify === 'telegram' && !d.delivered ? EXIT.failed : EXIT.ok;
  } catch (err) {
    io.err(`smart watchdog: ${(err as Error).message}`);
    return 1;
  }
}
