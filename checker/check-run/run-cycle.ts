/**
 * One `smart check` run end to end: probes → diagnosis → alert engine → status data written in one store
 * update (state, history, incidents, heartbeat and the new messages in the outbox) → pending messages
 * delivered → a second update that records what was delivered. With `dryRun` nothing is written or sent.
 * Messages are queued in the same update as the state that caused them, so a run that dies before delivery
 * loses nothing: the next run sends them.
 */
import type { Catalog } from '../alerts/catalog.ts';
import { advance } from '../alerts/engine/advance.ts';
import type { AlertEvent } from '../alerts/engine/events.ts';
import type { EngineOutput, EngineRules } from '../alerts/engine/types.ts';
import type { Config } from '../config/schema.ts';
import { alertSignals, componentStatuses, diagnose } from '../diagnose/index.ts';
import { deliverOutbox } from '../notify/deliver.ts';
import { emptyOutbox, enqueue } from '../notify/outbox.ts';
import { planEvents, renderPlanned } from '../notify/render.ts';
import { mailFrom } from '../notify/render-email.ts';
import { teamRoute } from '../notify/route.ts';
import type { MailerLike } from '../notify/smtp-client.ts';
import { morningSummaries } from '../notify/summary.ts';
import type { TelegramLike } from '../notify/types.ts';
import { type RunDeps, runChecks } from '../probing/run-checks.ts';
import type { RunResults } from '../probing/types.ts';
import { serialize, statusPaths } from '../status/format.ts';
import { revealPrivate, sealPrivate } from '../status/redact.ts';
import type { MailItem, Outbox, OutboxItem } from '../status/schema.ts';
import { readClientState, readOutbox } from '../store/read.ts';
import type { StatusStore, StoreView } from '../store/types.ts';
import { wholeRunVantage } from '../vantages/merge.ts';
import { loadSnapshot, snapshotChanges } from './snapshot.ts';

/** The diagnosis rules of checker/diagnose. */
export const DIAGNOSE_RULES: EngineRules = { alertSignals, diagnose, componentStatuses };

/** What a cycle needs; clients and clock are passed in. */
export interface CycleDeps {
  config: Config;
  catalog: Catalog;
  store: StatusStore;
  /** Where messages go; undefined (and no mailer): they are not queued at all (`--notify none`). */
  telegram?: TelegramLike;
  /** Where mails go (SMTP_URL); undefined: mails are queued only when `queueMail` is set. */
  mailer?: MailerLike;
  /** Queue mails even without a mailer (SMTP_URL missing): they wait in the outbox. */
  queueMail?: boolean;
  /** Wall-clock budget of delivery (default notify.budget). */
  budgetMs?: number;
  /** Queue messages but do not send them (e.g. Telegram configured but no token). */
  queueOnly?: boolean;
  now?: () => Date;
  /** Narrow to `client` or `client/installation`. */
  only?: string;
  dryRun?: boolean;
  /** heartbeat.vantage: where the checks ran from (a merge of shards names its vantages itself). */
  vantage?: string;
  /** Extra dependencies of the probes (tests: CA, resolvers, ping). */
  runDeps?: Omit<RunDeps, 'now' | 'readAgentReport' | 'readState'>;
  /** The probes (default runChecks); tests may pass recorded results. */
  checks?: (
    config: Config,
    deps: RunDeps,
    opts: { only?: string; onProgress?: (d: number, t: number) => void },
  ) => Promise<RunResults>;
  rules?: EngineRules;
  onProgress?: (done: number, total: number) => void;
  /** Delivery log lines. */
  log?: (line: string) => void;
}

/** What a cycle did. */
export interface CycleResult {
  results: RunResults;
  events: AlertEvent[];
  /** Messages this run put in the outbox. */
  queued: OutboxItem[];
  /** Mails this run put in the outbox. */
  queuedMail: MailItem[];
  /** Files the first update wrote. */
  changed: number;
  /** The run was already recorded (same run time): nothing changed. */
  replay: boolean;
  delivery?: { sent: number; failed: number; pending: number; rejected: number; outOfTime: boolean };
  firing: number;
}

/** Runs one check cycle. Throws (StatusFileError, store errors) when the checker cannot do its job. */
export async function runCycle(deps: CycleDeps): Promise<CycleResult> {
  const { config, catalog, store } = deps;
  const now = deps.now ?? (() => new Date());
  const rules = deps.rules ?? DIAGNOSE_RULES;
  const checks = deps.checks ?? runChecks;
  const notify = deps.telegram !== undefined || deps.queueOnly === true;
  const mail = deps.mailer !== undefined || deps.queueMail === true;

  const observed = await checks(
    config,
    {
      ...deps.runDeps,
      now,
      readAgentReport: (c, i, maxBytes) => store.read(statusPaths.agent(c, i), { maxBytes }),
      readState: (c) => readClientState(store, c),
      // Every client's last state only where reads are free: on GitHub a failing read would be repeated.
      orderByLastRun: store.local === true,
    },
    { only: deps.only, onProgress: deps.onProgress },
  );
  // A run from one place is one vantage; a merge of shards (check-run/shards.ts) brings its own reports.
  const results: RunResults =
    observed.vantages || deps.vantage === undefined
      ? observed
      : { ...observed, vantages: wholeRunVantage(deps.vantage, observed) };

  let out: EngineOutput | undefined;
  let queued: OutboxItem[] = [];
  let queuedMail: MailItem[] = [];
  const compute = async (view: StoreView) => {
    const previous = await loadSnapshot(view, config, results.startedAt);
    out = advance({ config, catalog, results, rules, previous, vantage: deps.vantage });
    const changes = snapshotChanges(out, config);
    queued = [];
    queuedMail = [];
    if (notify || mail) {
      const ctx = { config, catalog, now: now() };
      const incidents = [...out.next.incidents.values()].flatMap((m) => m.incidents);
      const planned = [
        ...planEvents(out.events, ctx),
        ...(out.replay ? [] : morningSummaries(incidents, ctx)),
      ];
      const rendered = renderPlanned(planned, ctx);
      queued = notify ? rendered.telegram : [];
      queuedMail = mail ? rendered.mail : [];
    }
    const outbox = (await readOutbox(view)) ?? emptyOutbox();
    if (queued.length > 0 || queuedMail.length > 0) {
      // What waits in the outbox is sealed: private values only come back when a message is sent.
      const next = enqueue(
        outbox,
        queued.map((i) => ({ ...i, text: sealPrivate(i.text, config) })),
        queuedMail.map((i) => ({
          ...i,
          to: sealPrivate(i.to, config),
          subject: sealPrivate(i.subject, config),
          html: sealPrivate(i.html, config),
          text: sealPrivate(i.text, config),
        })),
      );
      // A summary already sent today renders the same id again: nothing new, nothing written.
      if (
        next.pending.length !== outbox.pending.length ||
        (next.mail?.length ?? 0) !== (outbox.mail?.length ?? 0)
      )
        changes.set(statusPaths.outbox, serialize(next));
    }
    return changes;
  };

  let changed = 0;
  if (deps.dryRun) changed = (await compute(store)).size;
  else changed = (await store.update(`check ${results.startedAt.toISOString()}`, compute)).changed;
  const engine = out!;

  let delivery: CycleResult['delivery'];
  if (!deps.dryRun && (deps.telegram || deps.mailer))
    delivery = await deliver(store, revealing(deps, config), config, now(), deps.log);

  let firing = 0;
  for (const file of engine.next.states.values())
    for (const inst of Object.values(file.installations))
      for (const a of Object.values(inst.alerts)) if (a?.state === 'firing') firing++;
  return {
    results,
    events: engine.events,
    queued,
    queuedMail,
    changed,
    replay: engine.replay,
    delivery,
    firing,
  };
}

/** Sends what is pending and records the result, merged with anything queued meanwhile. */
async function deliver(
  store: StatusStore,
  deps: CycleDeps,
  config: Config,
  now: Date,
  log?: (line: string) => void,
): Promise<NonNullable<CycleResult['delivery']>> {
  const before = (await readOutbox(store)) ?? emptyOutbox();
  if (before.pending.length === 0 && (before.mail ?? []).length === 0)
    return { sent: 0, failed: 0, pending: 0, rejected: 0, outOfTime: false };
  const report = teamRoute(config);
  const result = await deliverOutbox(before, {
    ...(deps.telegram ? { telegram: deps.telegram } : {}),
    ...(deps.mailer ? { mailer: deps.mailer } : {}),
    from: mailFrom(config),
    ...(report ? { reportTo: report } : {}),
    now,
    budgetMs: deps.budgetMs ?? config.notify.budget,
    timeZone: config.checker.timezone,
  });
  for (const line of result.lines) log?.(line);
  let pending = 0;
  await store.update('check: delivery', async (view) => {
    const current = (await readOutbox(view)) ?? emptyOutbox();
    const merged = mergeDelivery(before, result.outbox, current);
    pending = merged.pending.length + (merged.mail ?? []).length;
    return new Map([[statusPaths.outbox, serialize(merged)]]);
  });
  return {
    sent: result.sent,
    failed: result.failed,
    pending,
    rejected: result.rejected,
    outOfTime: result.outOfTime,
  };
}

/**
 * Applies a delivery (made from `before`, giving `after`) to the outbox as it is now (`current`, which may
 * hold items another writer queued meanwhile): delivered items leave pending, failed ones keep their new
 * attempt count and next try, new ones stay as they are.
 */
export function mergeDelivery(before: Outbox, after: Outbox, current: Outbox): Outbox {
  const attempted = new Map(after.pending.map((i) => [i.id, i]));
  // Items the delivery added (a report of a refused mail) are new to `current` too.
  const known = new Set(current.pending.map((i) => i.id));
  const added = after.pending.filter((i) => !before.pending.some((b) => b.id === i.id) && !known.has(i.id));
  const pending = [...current.pending, ...added]
    .filter((i) => !(i.id in after.delivered))
    .map((i) => attempted.get(i.id) ?? i);
  const mailAfter = after.mail_delivered ?? {};
  const mailAttempted = new Map((after.mail ?? []).map((i) => [i.id, i]));
  const mail = (current.mail ?? [])
    .filter((i) => !(i.id in mailAfter))
    .map((i) => mailAttempted.get(i.id) ?? i);
  const mailPruned = new Set(Object.keys(before.mail_delivered ?? {}).filter((id) => !(id in mailAfter)));
  const mailDelivered = Object.fromEntries(
    Object.entries({ ...(current.mail_delivered ?? {}), ...mailAfter }).filter(([id]) => !mailPruned.has(id)),
  );
  const mailPart =
    current.mail !== undefined || after.mail !== undefined ? { mail, mail_delivered: mailDelivered } : {};
  const pruned = new Set(Object.keys(before.delivered).filter((id) => !(id in after.delivered)));
  const delivered = Object.fromEntries(
    Object.entries({ ...current.delivered, ...after.delivered }).filter(([id]) => !pruned.has(id)),
  );
  return { ...current, pending, delivered, ...mailPart };
}

/** The channels with the private values put back into a sealed outbox item just before it is sent. */
function revealing(deps: CycleDeps, config: Config): CycleDeps {
  const { telegram, mailer } = deps;
  const reveal = (t: string) => revealPrivate(t, config);
  const tg: TelegramLike | undefined = telegram && {
    sendMessage: (req) => telegram.sendMessage({ ...req, text: reveal(req.text) }),
    getMe: () => telegram.getMe(),
    getChat: (chatId) => telegram.getChat(chatId),
  };
  const mail: MailerLike | undefined = mailer && {
    label: mailer.label,
    send: (m, signal) =>
      mailer.send(
        { ...m, to: reveal(m.to), subject: reveal(m.subject), html: reveal(m.html), text: reveal(m.text) },
        signal,
      ),
    verify: (signal) => mailer.verify(signal),
  };
  return { ...deps, telegram: tg, mailer: mail };
}
