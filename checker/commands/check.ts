/**
 * `smart check`: one run of the checker — probes, diagnosis, alerts, status data, notifications.
 * Exit 0 when the run worked (installations being down is data, not failure); 1 when the checker could not
 * do its job (bad config or alert docs, a corrupt status file, the store unreachable); 2 for bad options.
 * Secrets come from the environment here and are never printed.
 */
import { resolve } from 'node:path';
import type { AlertEvent } from '../alerts/engine/events.ts';
import { type CycleDeps, type CycleResult, runCycle } from '../check-run/run-cycle.ts';
import { type CollectedShards, collectShards, runShard, type ShardRun } from '../check-run/shards.ts';
import type { Config } from '../config/schema.ts';
import { consoleMailer, consoleNotifier, nextConsoleMessageId, printOutbox } from '../notify/console.ts';
import { createMailer, type MailerLike, smtpSecrets } from '../notify/smtp-client.ts';
import { createTelegramClient, DEFAULT_API_ROOT, redact } from '../notify/telegram-client.ts';
import type { TelegramLike } from '../notify/types.ts';
import { formatResultsTable, progressLine } from '../probing/report.ts';
import { parseShardSpec, type ShardSpec } from '../shards/select.ts';
import { StatusFileError } from '../status/format.ts';
import { createFsStore } from '../store/fs.ts';
import { readOutbox } from '../store/read.ts';
import type { StatusStore } from '../store/types.ts';
import { DEFAULT_CONFIG, displayPath, loadInputs } from './inputs.ts';
import { type CommandIo, EXIT, parseOptions, usageError } from './io.ts';

const USAGE = `usage: smart check [--config installations.yaml] [--docs DIR] [--store fs|github]
                   [--status-dir status] [--notify telegram|console|none] [--only CLIENT[/INSTALLATION]]
                   [--dry-run] [--json] [--vantage NAME]
       smart check --shard I/N [--results-dir shard-results] [--run ID] [--vantage NAME] …
       smart check --merge [--results-dir shard-results] [--run ID] …

Runs every probe, advances the alerts, writes the status data and sends the notifications.
  --config FILE     the installations file (default installations.yaml)
  --docs DIR        the alert runbooks (default: docs/errors next to the --config file)
  --store fs        a folder (--status-dir, default status/); github: branch "status" of GITHUB_REPOSITORY
  --notify          telegram (default when TELEGRAM_BOT_TOKEN is set), console (print instead of sending;
                    the default otherwise) or none (no messages at all)
  --only            check one client or one installation
  --dry-run         compute everything, write and send nothing
  --json            print the results and events as JSON instead of the table
  --vantage         where the checks run from (default: SMART_VANTAGE, RUNNER_NAME or "local")
  --shard I/N       check only shard I of N (a stable slice: by a hash of client/installation) and write the
                    results to --results-dir; no alerts, no messages, nothing written to the store
  --merge           read every shard result of this run from --results-dir, merge the vantages (quorum)
                    and run the alerts, the messages and the status commit once
  --run             the workflow run the shards belong to (default: GITHUB_RUN_ID)
  Mails go to managers when SMTP_URL is set (console: printed); --notify none sends no mail either.
Environment: TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT; SMTP_URL; GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL;
SMART_VANTAGE, RUNNER_NAME; GITHUB_RUN_ID.`;

const VANTAGE_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** Test hooks: extra probe dependencies (local CA, resolvers), the clock, GitHub retry pacing. */
export interface CheckHooks {
  runDeps?: CycleDeps['runDeps'];
  now?: () => Date;
  /** Milliseconds per "second" of GitHub retry waits (default 1000). */
  githubRetryUnitMs?: number;
  /** A CA the mail client trusts (tests: the local SMTP server's). */
  mailerCa?: string;
  /** Hard limit of one GitHub request in ms (default GITHUB_TIMEOUT_MS). */
  githubTimeoutMs?: number;
}

/** `smart check`. */
export async function run(argv: string[], io: CommandIo, hooks: CheckHooks = {}): Promise<number> {
  const opts = parseOptions(
    argv,
    {
      config: { type: 'string', default: DEFAULT_CONFIG },
      docs: { type: 'string' },
      store: { type: 'string', default: 'fs', choices: ['fs', 'github'] },
      'status-dir': { type: 'string', default: 'status' },
      notify: { type: 'string', choices: ['telegram', 'console', 'none'] },
      only: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      vantage: { type: 'string' },
      shard: { type: 'string' },
      merge: { type: 'boolean', default: false },
      'results-dir': { type: 'string', default: 'shard-results' },
      run: { type: 'string' },
      help: { type: 'boolean' },
    },
    io,
    USAGE,
    { hint: (arg) => `(to check one client or installation: --only ${arg})` },
  );
  if (!opts.ok) return opts.code;
  const v = opts.values;
  const notify = v.notify ?? (io.env.TELEGRAM_BOT_TOKEN ? 'telegram' : 'console');
  if (v.only !== undefined && !/^[a-z0-9-]+(\/[a-z0-9-]+)?$/.test(v.only))
    return usageError(io, USAGE, `--only expects CLIENT or CLIENT/INSTALLATION, got "${v.only}"`);
  const shard = v.shard === undefined ? undefined : parseShardSpec(v.shard);
  if (typeof shard === 'string') return usageError(io, USAGE, shard);
  if ((shard || v.merge) && v.only !== undefined)
    return usageError(
      io,
      USAGE,
      '--only checks one client or installation; it does not go with --shard or --merge',
    );
  if (shard && v.merge)
    return usageError(io, USAGE, '--shard probes one slice, --merge merges the slices: one of them per run');
  if (shard && v.notify !== undefined)
    return usageError(
      io,
      USAGE,
      'a shard sends nothing (--notify belongs to the merge: smart check --merge)',
    );
  const vantage = v.vantage ?? (io.env.SMART_VANTAGE || io.env.RUNNER_NAME || 'local');
  if (v.vantage !== undefined && !VANTAGE_ID.test(vantage))
    return usageError(io, USAGE, `--vantage is a name of [a-z0-9-], got "${vantage}"`);
  const runId = v.run ?? (io.env.GITHUB_RUN_ID || null);

  const inputs = await loadInputs(io, 'smart check', v.config, v.docs);
  if (!inputs.ok) {
    io.err(`${inputs.problems} problem${inputs.problems === 1 ? '' : 's'} found: nothing was checked`);
    return EXIT.failed;
  }
  if (v.only) {
    const [c, i] = v.only.split('/');
    const client = inputs.config.clients.find((x) => x.id === c);
    if (!client || (i && !client.installations.some((x) => x.id === i))) {
      io.err(
        `smart check: --only ${v.only}: no such client or installation in ${displayPath(v.config, io.cwd)}`,
      );
      return 1;
    }
  }

  const listed = inputs.config.checker.vantages;
  if (shard && listed.length > 0 && !listed.includes(vantage)) {
    io.err(
      `smart check: vantage "${vantage}" is not in checker.vantages of ${displayPath(v.config, io.cwd)} (${listed.join(', ')}): ` +
        'the merge would refuse its results; pass --vantage or SMART_VANTAGE',
    );
    return EXIT.usage;
  }

  let store: StatusStore;
  const secrets: string[] = [];
  try {
    if (v.store === 'github') {
      const token = io.env.GITHUB_TOKEN;
      const repository = io.env.GITHUB_REPOSITORY;
      if (!token || !repository) {
        io.err('smart check: --store github needs GITHUB_TOKEN and GITHUB_REPOSITORY (owner/name)');
        return 1;
      }
      secrets.push(token);
      const apiUrl = io.env.GITHUB_API_URL || undefined;
      // Octokit and its plugins load only for this store: an fs run never needs them.
      const [{ createGithubStore }, { createGithubClient }] = await Promise.all([
        import('../store/github.ts'),
        import('../store/github-client.ts'),
      ]);
      store = createGithubStore({
        token,
        repository,
        apiUrl,
        // One tarball request per run instead of one request per status file: GITHUB_TOKEN allows 1,000 an hour.
        reads: 'tarball',
        ...(hooks.githubRetryUnitMs !== undefined || hooks.githubTimeoutMs !== undefined
          ? {
              octokit: createGithubClient({
                token,
                apiUrl,
                retryUnitMs: hooks.githubRetryUnitMs,
                timeoutMs: hooks.githubTimeoutMs,
              }),
              ...(hooks.githubRetryUnitMs !== undefined && { backoffMs: hooks.githubRetryUnitMs }),
            }
          : {}),
      });
    } else {
      store = createFsStore(resolve(io.cwd, v['status-dir']!));
    }
  } catch (err) {
    io.err(`smart check: ${(err as Error).message}`);
    return 1;
  }

  if (shard) {
    if (!VANTAGE_ID.test(vantage)) {
      io.err(
        `smart check: the vantage name "${vantage}" is not of [a-z0-9-]: pass --vantage or SMART_VANTAGE`,
      );
      return EXIT.usage;
    }
    return runShardCommand(io, v, { config: inputs.config, shard, vantage, run: runId, store, hooks });
  }
  let merged: CollectedShards['results'] | undefined;
  if (v.merge) {
    const dir = resolve(io.cwd, v['results-dir']!);
    const got = await collectShards(inputs.config, dir, {
      run: runId,
      now: (hooks.now ?? (() => new Date()))(),
    });
    for (const p of got.problems) io.err(`smart check: ${v['results-dir']}/${p}`);
    for (const r of got.refused)
      io.err(
        `smart check: ${r.vantage}${r.shard ? ` ${r.shard.index}/${r.shard.count}` : ''}: не учтено — ${r.reason}`,
      );
    if (!got.results) {
      io.err(
        `smart check: no shard result of this run in ${v['results-dir']}${runId ? ` (run ${runId})` : ''}: ` +
          'nothing was merged or written (the watchdog tells when no run lands for 3 × interval)',
      );
      return 1;
    }
    merged = got.results;
  }

  let telegram: TelegramLike | undefined;
  if (notify === 'telegram') {
    const token = io.env.TELEGRAM_BOT_TOKEN;
    if (!token) {
      io.err('smart check: --notify telegram needs TELEGRAM_BOT_TOKEN in the environment');
      return 1;
    }
    secrets.push(token);
    telegram = createTelegramClient(token, io.env.TELEGRAM_API_ROOT || DEFAULT_API_ROOT);
  } else if (notify === 'console') {
    // Message numbers go on from the ids the outbox remembers, so «ответ на № 7» names a message printed
    // by an earlier run. A status file that cannot be read is reported by the run itself, below.
    const remembered = await readOutbox(store).catch(() => undefined);
    telegram = consoleNotifier((t) => io.out(t), nextConsoleMessageId(remembered));
  }
  let mailer: MailerLike | undefined;
  const smtpUrl = io.env.SMTP_URL;
  if (notify === 'console') mailer = consoleMailer((t) => io.out(t));
  else if (notify === 'telegram' && smtpUrl) {
    secrets.push(...smtpSecrets(smtpUrl));
    mailer = createMailer(smtpUrl, hooks.mailerCa ? { ca: hooks.mailerCa } : {});
  }

  const hide = (text: string) => secrets.reduce((t, s) => redact(t, s), text);
  let progressShown = false;
  let result: CycleResult;
  try {
    result = await runCycle({
      config: inputs.config,
      catalog: inputs.catalog,
      store,
      telegram,
      mailer,
      only: v.only,
      dryRun: v['dry-run'],
      // A merge names the vantages whose results it merged.
      ...(merged ? { checks: async () => merged } : { vantage }),
      now: hooks.now,
      runDeps: hooks.runDeps,
      onProgress:
        io.isTty && !v.json
          ? (done, total) => {
              progressShown = true;
              process.stdout.write(`\r${progressLine(done, total)}`);
            }
          : undefined,
      log: (line) => (v.json ? undefined : io.out(hide(line))),
    });
  } catch (err) {
    if (progressShown) process.stdout.write('\n');
    // A status file's path is relative to the store: say which store (status/… or owner/repo@status:…).
    const label = v.store === 'fs' ? `${v['status-dir']!.replace(/\/+$/, '')}/` : `${store.name}:`;
    const where = err instanceof StatusFileError ? label : '';
    io.err(`smart check: ${where}${hide((err as Error).message)}`);
    io.err('the run stopped: no status file was changed by it');
    return 1;
  }
  if (progressShown) process.stdout.write('\n');

  if (v.json) {
    io.out(
      JSON.stringify(
        {
          results: result.results,
          events: result.events,
          queued: result.queued.map((i) => i.id),
          delivery: result.delivery ?? null,
          changed: result.changed,
          firing: result.firing,
          dryRun: v['dry-run'],
        },
        null,
        2,
      ),
    );
    return 0;
  }
  if (v['dry-run'] && result.queued.length > 0) {
    io.out('Сообщения, которые были бы поставлены в очередь:\n');
    printOutbox(result.queued, (t) => io.out(hide(t)));
  }
  io.out(formatResultsTable(result.results));
  io.out(summary(result, store.name, v['dry-run']!, notify));
  return 0;
}

/** `smart check --shard I/N`: probe one slice, write its shard result, nothing else. */
async function runShardCommand(
  io: CommandIo,
  v: { 'results-dir'?: string; 'dry-run'?: boolean; json?: boolean },
  s: {
    config: Config;
    shard: ShardSpec;
    vantage: string;
    run: string | null;
    store: StatusStore;
    hooks: CheckHooks;
  },
): Promise<number> {
  const dir = resolve(io.cwd, v['results-dir']!);
  const label = `шард ${s.shard.index} из ${s.shard.count} (${s.vantage})`;
  let done: ShardRun;
  try {
    done = await runShard({
      config: s.config,
      shard: s.shard,
      vantage: s.vantage,
      run: s.run,
      store: s.store,
      resultsDir: dir,
      now: s.hooks.now,
      runDeps: s.hooks.runDeps,
      write: !v['dry-run'],
    });
  } catch (err) {
    io.err(`smart check: ${label}: ${(err as Error).message}`);
    io.err('no shard result was written: the merge counts this shard as missing');
    return 1;
  }
  if (v.json) {
    io.out(
      JSON.stringify({ shard: s.shard, vantage: s.vantage, run: s.run, results: done.results }, null, 2),
    );
    return 0;
  }
  io.out(formatResultsTable(done.results));
  const where = v['dry-run']
    ? 'пробный запуск: файл не записан'
    : `записан ${relativeTo(io.cwd, done.file)} (${done.bytes} байт)`;
  io.out(
    `Результаты: ${label}, ${where}. Алерты, сообщения и данные статуса — при слиянии (smart check --merge).`,
  );
  return 0;
}

function relativeTo(cwd: string, file: string): string {
  return file.startsWith(`${cwd}/`) ? file.slice(cwd.length + 1) : file;
}

function summary(r: CycleResult, where: string, dryRun: boolean, notify: string): string {
  const parts = [
    `Алерты: активных ${r.firing}, событий ${r.events.length}${r.events.length ? ` (${describe(r.events)})` : ''}`,
  ];
  if (r.replay) parts.push('этот запуск уже был учтён — ничего не изменено');
  if (dryRun) parts.push(`пробный запуск: в ${where} ничего не записано, сообщения не отправлены`);
  else parts.push(`записано файлов в ${where}: ${r.changed}`);
  if (notify === 'none') parts.push('уведомления выключены');
  else if (r.delivery)
    parts.push(
      `сообщений: отправлено ${r.delivery.sent}, не доставлено ${r.delivery.failed}, в очереди ${r.delivery.pending}`,
    );
  return `${parts.join('; ')}.`;
}

function describe(events: AlertEvent[]): string {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
}
