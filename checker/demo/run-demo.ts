/**
 * `smart demo` end to end: the fake world on loopback, installations.yaml written into a temporary folder,
 * several check cycles through the real cycle (probes → diagnosis → alert engine → fs store → outbox →
 * Telegram stand-in) on a fake clock that advances 5 minutes per cycle, then the site built from the
 * resulting status data and served on 127.0.0.1. `stop()` closes every server and removes the folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Catalog, loadCatalog } from '../alerts/catalog.ts';
import { type CycleResult, runCycle } from '../check-run/run-cycle.ts';
import { formatDiagnostic } from '../config/diagnostics.ts';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { createMailer } from '../notify/smtp-client.ts';
import { createTelegramClient } from '../notify/telegram-client.ts';
import { formatClock } from '../notify/time.ts';
import { serialize, statusPaths } from '../status/format.ts';
import { createFsStore } from '../store/fs.ts';
import type { ReceivedMail } from '../testing/smtp-server.ts';
import type { SentMessage } from '../testing/telegram-stand-in.ts';
import { seedQuietHistory } from './history-seed.ts';
import { acmeAgentReport, cycleTime, demoConfigYaml, MIN_CYCLES, planCycle } from './scenario.ts';
import { buildSite, siteMissing } from './site-build.ts';
import { type StaticServer, startStaticServer } from './static-server.ts';
import { type DemoWorld, startWorld } from './world.ts';

/** How to run the demo. */
export interface DemoOptions {
  /** Check cycles (at least MIN_CYCLES). */
  cycles: number;
  /** Real pause between cycles in ms (the fake clock still advances 5 minutes). */
  intervalMs: number;
  /** Port of the site on 127.0.0.1 (also the base of the links in the messages). */
  port: number;
  /** Serve the built site (false: build only, e.g. in tests). */
  serve: boolean;
  /** Build the site (default true). */
  build?: boolean;
  /** The repository root: site/, docs/errors and node_modules/ are read from there. */
  root: string;
  /** Where the demo writes its lines. */
  log: (line: string) => void;
  /** The real clock (the last cycle happens at this time). */
  now?: () => Date;
  /** Ctrl-C: stops between cycles or during the build; everything started is closed and removed. */
  signal?: AbortSignal;
}

/** One cycle as the demo saw it. */
export interface DemoCycle {
  at: Date;
  result: CycleResult;
}

/** A finished demo, still running its servers until `stop()`. */
export interface DemoHandle {
  /** The temporary folder with installations.yaml, status/ and the built site. */
  dir: string;
  configFile: string;
  statusDir: string;
  /** Built site, when it was built. */
  siteDir?: string;
  /** Where the site is served, when it is. */
  siteUrl?: string;
  cycles: DemoCycle[];
  /** Messages the Telegram stand-in accepted, in order. */
  messages: SentMessage[];
  /** Mails the SMTP server accepted, in order. */
  mails: ReceivedMail[];
  /** What the demo could not do here, in Russian (ICMP, the site …). */
  skipped: string[];
  stop(): Promise<void>;
}

/** Runs the demo; the returned handle keeps the servers up until `stop()`. */
export async function runDemo(opts: DemoOptions): Promise<DemoHandle> {
  if (opts.cycles < MIN_CYCLES)
    throw new Error(
      `--cycles: нужно не меньше ${MIN_CYCLES}: сбой длится два цикла, и ещё один нужен, чтобы он закончился`,
    );
  const log = opts.log;
  const realNow = opts.now ?? (() => new Date());
  const dir = mkdtempSync(join(tmpdir(), 'smart-demo-'));
  const statusDir = join(dir, 'status');
  const configFile = join(dir, 'installations.yaml');
  const docs = join(opts.root, 'docs', 'errors');
  const messages: SentMessage[] = [];
  const mails: ReceivedMail[] = [];
  const skipped: string[] = [];
  let world: DemoWorld | undefined;
  let site: StaticServer | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.allSettled([site?.close(), world?.close()]);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    log(
      'Запускаю поддельные установки Кодекса на 127.0.0.1, DNS-сервер, заглушку Telegram и почтовый сервер…',
    );
    world = await startWorld(
      (m) => {
        messages.push(m);
        printMessage(m, log);
      },
      realNow(),
      (m) => {
        mails.push(m);
        printMail(m, log);
      },
    );
    if (opts.serve) {
      try {
        site = await startStaticServer(join(dir, 'site'), opts.port);
      } catch (err) {
        const busy = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        throw new Error(
          busy
            ? `порт ${opts.port} занят; запустите с другим: smart demo --port ${opts.port + 1}`
            : (err as Error).message,
        );
      }
    }
    const sitePort = site?.port ?? opts.port;
    if (world.icmpUnavailable) skipped.push(`ICMP (ping): ${world.icmpUnavailable} — пробы icmp не включены`);
    writeFileSync(
      configFile,
      demoConfigYaml({ ...world.ports, site: sitePort }, { icmp: !world.icmpUnavailable }),
    );

    const [config, catalog] = await loadInputs(configFile, docs);
    const store = createFsStore(statusDir);
    const telegram = createTelegramClient(world.telegram.token, world.telegram.apiRoot, 5000);
    const mailer = createMailer(world.smtp.url, { ca: world.smtp.caPem, timeoutMs: 5000 });
    const tz = config.checker.timezone;
    log(`Демо SMART: папка ${dir}`);
    log(
      `  DNS 127.0.0.1:${world.ports.dns} · Telegram (заглушка) ${world.telegram.apiRoot} · почта 127.0.0.1:${world.smtp.port} · установки на 127.0.0.1`,
    );
    for (const s of skipped) log(`  пропущено: ${s}`);
    log('');

    const end = realNow();
    const seeded = await seedQuietHistory(store, config, end);
    log(
      `  история: ${seeded} спокойных дней до сегодняшнего сгенерированы, чтобы страницы выглядели как после месяцев работы`,
    );
    log('');
    const cycles: DemoCycle[] = [];
    for (let i = 0; i < opts.cycles; i++) {
      opts.signal?.throwIfAborted();
      if (i > 0 && opts.intervalMs > 0) await sleep(opts.intervalMs, undefined, { signal: opts.signal });
      const plan = planCycle(i, opts.cycles);
      const at = cycleTime(i, opts.cycles, end);
      world.apply(plan);
      await writeAgentReport(store, plan.keyPresent, at);
      log(
        `── Цикл ${i + 1}/${opts.cycles} · ${formatClock(at, tz, at)}${plan.story ? ` · ${plan.story}` : ''}`,
      );
      const started = Date.now();
      const fakeNow = () => new Date(at.getTime() + (Date.now() - started));
      const result = await runCycle({
        config,
        catalog,
        store,
        telegram,
        mailer,
        now: fakeNow,
        vantage: 'demo',
        runDeps: { ca: [world.caPem] },
      });
      cycles.push({ at, result });
      log(`   ${summary(result)}`);
    }
    log('');
    opts.signal?.throwIfAborted();

    let siteDir: string | undefined;
    const missing = opts.build === false ? 'сборка сайта отключена' : siteMissing(opts.root);
    if (missing) {
      skipped.push(`сайт: ${missing}`);
      log(`Сайт не собран: ${missing}.`);
    } else {
      log('Собираю сайт (astro build)…');
      const out = join(dir, 'site');
      const built = await buildSite({
        root: opts.root,
        config: configFile,
        docs,
        status: statusDir,
        outDir: out,
        now: cycles.at(-1)?.at,
      });
      if (built.code === 0) {
        siteDir = out;
        log(`Сайт собран: ${out}`);
      } else {
        skipped.push('сайт: сборка не удалась');
        log(`Сайт не собрался (код ${built.code}):\n${built.output.split('\n').slice(-15).join('\n')}`);
      }
    }
    if (!siteDir && site) {
      await site.close();
      site = undefined;
    }
    return {
      dir,
      configFile,
      statusDir,
      ...(siteDir ? { siteDir } : {}),
      ...(site ? { siteUrl: site.url } : {}),
      cycles,
      messages,
      mails,
      skipped,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function loadInputs(configFile: string, docs: string): Promise<[Config, Catalog]> {
  const [config, catalog] = await Promise.all([loadConfig(configFile), loadCatalog(docs)]);
  const problems = [...(config.ok ? [] : config.diagnostics), ...(catalog.ok ? [] : catalog.diagnostics)];
  if (!config.ok || !catalog.ok) throw new Error(problems.map(formatDiagnostic).join('\n'));
  return [config.config, catalog.catalog];
}

/** The on-prem agent at «Акме» reports before each cycle, as `smart agent` would every few minutes. */
async function writeAgentReport(store: ReturnType<typeof createFsStore>, keyPresent: boolean, at: Date) {
  await store.update(
    'demo: agent report',
    async () => new Map([[statusPaths.agent('acme', 'main'), serialize(acmeAgentReport(keyPresent, at))]]),
  );
}

function summary(r: CycleResult): string {
  const counts = { ok: 0, fail: 0, unknown: 0 };
  for (const inst of r.results.installations)
    for (const c of Object.values(inst.checks)) if (c) counts[c.status]++;
  const events = r.events.length ? `; событий: ${r.events.map((e) => e.kind).join(', ')}` : '';
  return `проверок ${counts.ok + counts.fail + counts.unknown}: ок ${counts.ok}, сбой ${counts.fail}, неизвестно ${counts.unknown}; горит алертов: ${r.firing}${events}`;
}

function printMail(m: ReceivedMail, log: (line: string) => void): void {
  log(`   ✉ Письмо → ${m.envelopeTo.join(', ')}${m.inReplyTo ? ' (ответ в цепочке)' : ''}`);
  log(`   │ Тема: ${m.subject}`);
  for (const line of m.text.split('\n')) log(`   │ ${line}`);
}

function printMessage(m: SentMessage, log: (line: string) => void): void {
  log(
    `   ✉ Telegram → ${m.chat_id}${m.reply_to_message_id ? ` (ответ на сообщение ${m.reply_to_message_id})` : ''}`,
  );
  for (const line of m.plain.split('\n')) log(`   │ ${line}`);
  for (const b of m.buttons) log(`   │ [${b.text}] ${b.url}`);
}
