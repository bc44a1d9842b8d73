/**
 * `smart demo` (also `npm start`): fake Kodeks installations on loopback, several check cycles in which the
 * two real incidents happen and end, the site built from the result and served on 127.0.0.1. Needs no
 * root, no ping, no dnsmasq and no network beyond loopback; says what it skipped.
 */
import { join, resolve } from 'node:path';
import { parseDuration } from '../config/duration.ts';
import { type DemoHandle, runDemo } from '../demo/run-demo.ts';
import { MIN_CYCLES } from '../demo/scenario.ts';
import { SCREENSHOT_CLOCK, takeScreenshots } from '../demo/screenshots.ts';
import { type CommandIo, EXIT, parseOptions, usageError } from './io.ts';

const USAGE = `usage: smart demo [--port 4321] [--cycles 8] [--interval 2s] [--no-serve] [--screenshots DIR] [--now TIME]

Starts fake Kodeks installations on 127.0.0.1 (one healthy, one whose SenseLock key is lost and comes back,
two at «Техэксперт.Облако» whose DNS fails and recovers, one down), a DNS server and a Telegram stand-in;
runs --cycles check cycles --interval apart (the clock of the checks advances 5 minutes per cycle), prints the
Telegram messages and the managers' mails, builds the site and serves it on http://127.0.0.1:PORT until Ctrl-C.
--no-serve: stop after building the site. --screenshots DIR: save PNGs of pages and messages (system Chromium),
on a fixed clock (the last cycle at ${SCREENSHOT_CLOCK}, a 1st of a month) so they come out the same every time.
--now TIME: the time of the last cycle (ISO, with a zone; default: the clock).
Everything else lives in a temporary folder, removed at the end.`;

const ROOT = join(import.meta.dirname, '..', '..');

/** `smart demo`. */
export async function run(argv: string[], io: CommandIo): Promise<number> {
  const opts = parseOptions(
    argv,
    {
      port: { type: 'string', default: '4321' },
      cycles: { type: 'string', default: '8' },
      interval: { type: 'string', default: '2s' },
      'no-serve': { type: 'boolean' },
      screenshots: { type: 'string' },
      now: { type: 'string' },
      help: { type: 'boolean' },
    },
    io,
    USAGE,
  );
  if (!opts.ok) return opts.code;
  const v = opts.values;
  const port = Number(v.port);
  const cycles = Number(v.cycles);
  const intervalMs = v.interval === '0' ? 0 : parseDuration(v.interval!);
  const bad: string[] = [];
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    bad.push(`--port: "${v.port}" is not a port number`);
  if (!Number.isInteger(cycles) || cycles < MIN_CYCLES || cycles > 100)
    bad.push(`--cycles: "${v.cycles}" must be a whole number from ${MIN_CYCLES} to 100`);
  if (intervalMs === undefined || intervalMs > 600_000)
    bad.push(`--interval: "${v.interval}" must be a duration such as 2s or 500ms (at most 10m)`);
  const now = demoNow(v.now, v.screenshots !== undefined);
  if (now === undefined) bad.push(`--now: "${v.now}" is not a time such as 2026-12-01T00:40:00+03:00`);
  if (bad.length) return usageError(io, USAGE, bad);

  const keepServing = !v['no-serve'];
  // Screenshots are taken from the served site, so it is served for them even with --no-serve.
  const serve = keepServing || v.screenshots !== undefined;
  // Ctrl-C at any moment: stop what runs, close the servers, remove the temporary folder.
  const interrupted = new AbortController();
  const onSignal = () => interrupted.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Nobody reads any more (`smart demo | head`): stop the same way, quietly.
  io.outputClosed?.addEventListener('abort', onSignal, { once: true });
  const quiet = () => io.outputClosed?.aborted === true;
  try {
    let demo: DemoHandle;
    try {
      demo = await runDemo({
        cycles,
        intervalMs: intervalMs!,
        port,
        serve,
        ...(now ? { now: () => now } : {}),
        root: ROOT,
        log: io.out,
        signal: interrupted.signal,
      });
    } catch (err) {
      if (interrupted.signal.aborted) {
        if (quiet()) return EXIT.ok;
        io.out('\nДемо прервано: серверы остановлены, временная папка удалена.');
        return EXIT.interrupted;
      }
      io.err(`smart demo: ${(err as Error).message}`);
      return 1;
    }
    if (v.screenshots !== undefined) {
      if (!demo.siteUrl) io.out('Снимки экрана не сделаны: сайт не собран.');
      else {
        const shots = await takeScreenshots(demo.siteUrl, demo.messages, resolve(io.cwd, v.screenshots));
        if (shots.ok) io.out(`Снимки экрана:\n${shots.files.map((f) => `  ${f}`).join('\n')}`);
        else io.out(`Снимки экрана не сделаны: ${shots.reason}`);
      }
    }
    printSummary(demo, io, keepServing);
    if (!keepServing || !demo.siteUrl) {
      await demo.stop();
      io.out('Демо закончено, временная папка удалена.');
      return 0;
    }
    io.out('Остановить: Ctrl-C');
    if (!interrupted.signal.aborted)
      await new Promise((resolve) => interrupted.signal.addEventListener('abort', resolve, { once: true }));
    io.out('\nОстанавливаю серверы…');
    await demo.stop();
    io.out('Демо остановлено, временная папка удалена.');
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    io.outputClosed?.removeEventListener('abort', onSignal);
  }
}

/**
 * The time of the demo's last cycle: `--now`, else the fixed screenshot clock when screenshots are taken
 * (README images are retaken on a 1st of a month, where the SLA figures used to go wrong), else null for
 * the real clock. Undefined when `--now` is not a time with a zone.
 */
export function demoNow(now: string | undefined, screenshots: boolean): Date | null | undefined {
  const text = now ?? (screenshots ? SCREENSHOT_CLOCK : undefined);
  if (text === undefined) return null;
  const ms = /(Z|[+-]\d\d:\d\d)$/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function printSummary(demo: DemoHandle, io: CommandIo, serving: boolean): void {
  io.out('');
  io.out(`Сообщений в Telegram (заглушка): ${demo.messages.length}`);
  io.out(`Писем менеджерам (почтовый сервер на 127.0.0.1): ${demo.mails.length}`);
  for (const s of demo.skipped) io.out(`Пропущено: ${s}`);
  const base = demo.siteUrl;
  if (!base || !serving) return;
  io.out('');
  io.out('Откройте:');
  const pages: [string, string][] = [
    ['/', 'все клиенты'],
    ['/status/acme/', '«Акме»: ключ SenseLock пропадал (кейс 1)'],
    ['/status/vostok-stroy/', '«Восток-Строй»: DNS хостинга (кейс 2)'],
    ['/status/severny-zavod/', '«Северный завод»: DNS хостинга (кейс 2)'],
    ['/status/medcenter/', '«Медцентр»: сервер недоступен'],
    ['/docs/errors/KodeksXmlSensLockStatus.md', 'что делать, когда сервер не видит ключ'],
    ['/docs/errors/KodeksDnsResolve.md', 'что делать, когда не работает DNS'],
    ['/docs/errors/', 'все алерты'],
  ];
  for (const [path, what] of pages) io.out(`  ${`${base}${path}`.padEnd(60)} ${what}`);
}
