import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, loadCatalog } from '../alerts/catalog.ts';
import { parseConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { createTelegramClient } from '../notify/telegram-client.ts';
import { serialize } from '../status/format.ts';
import type { Heartbeat } from '../status/schema.ts';
import { createFsStore } from '../store/fs.ts';
import { createGithubStore } from '../store/github.ts';
import { startGithubStandIn } from '../testing/github-stand-in.ts';
import { startTelegramStandIn, type TelegramStandIn } from '../testing/telegram-stand-in.ts';
import type { CommandIo } from './io.ts';
import { decideWatchdog, run, watchdogPass } from './watchdog.ts';

const root = join(import.meta.dirname, '..', '..');
const CONFIG = `
site: { url: "https://smart.example" }
checker: { interval: 5m, timezone: Europe/Moscow }
notify: { telegram: { chat: "-1001234567890" } }
clients: []
`;

function heartbeat(finishedAt: string, runId = `run-${finishedAt}`): Heartbeat {
  return {
    schema: 1,
    run_id: runId,
    started_at: finishedAt,
    finished_at: finishedAt,
    duration_ms: 1000,
    vantage: 'test',
    interval_ms: 300_000,
    network_ok: true,
    counts: { clients: 0, installations: 0, checks: 0, ok: 0, fail: 0, unknown: 0, firing: 0 },
    notes: [],
  };
}

const t = (hhmm: string) => new Date(`2026-11-28T${hhmm}:00Z`);

describe('decideWatchdog', () => {
  const hb = heartbeat('2026-11-28T06:00:00Z', 'r1');
  it.each([
    ['no heartbeat yet', undefined, undefined, '06:30', 'no_data', undefined],
    ['on time (10 min < 15 min)', hb, undefined, '06:10', 'fresh', undefined],
    ['exactly 3 × interval is not yet stale', hb, undefined, '06:15', 'fresh', undefined],
    ['late: announce once', hb, undefined, '06:16', 'stale', 'checker_stale'],
    [
      'late and already announced',
      hb,
      { schema: 1 as const, stale_run_id: 'r1' },
      '07:00',
      'stale',
      undefined,
    ],
    [
      'runs came back after an announcement',
      heartbeat('2026-11-28T07:00:00Z', 'r2'),
      { schema: 1 as const, stale_run_id: 'r1' },
      '07:02',
      'fresh',
      'checker_online',
    ],
  ])('%s', (_name, h, memory, now, status, code) => {
    const d = decideWatchdog(h, memory, t(now), 'Europe/Moscow');
    expect(d.status).toBe(status);
    expect(d.event?.code).toBe(code);
  });

  it('says in Russian how long ago the last check was', () => {
    const d = decideWatchdog(hb, undefined, t('06:40'), 'Europe/Moscow');
    expect(d.event?.text).toContain('09:00 МСК — 40 мин назад');
    expect(d.event?.text).toContain('каждые 5 мин');
  });
});

describe('watchdogPass with the fs store and the Telegram stand-in', () => {
  let tg: TelegramStandIn;
  let dir: string;
  let config: Config;
  let catalog: Catalog;
  beforeAll(async () => {
    tg = await startTelegramStandIn();
    dir = mkdtempSync(join(tmpdir(), 'smart-watchdog-'));
    const c = parseConfig('installations.yaml', CONFIG);
    const k = await loadCatalog(join(root, 'docs', 'errors'));
    if (!c.ok || !k.ok) throw new Error('fixture config or catalog invalid');
    config = c.config;
    catalog = k.catalog;
  });
  afterAll(async () => {
    await tg.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says an interval under a minute in seconds, not «каждые меньше минуты»', () => {
    const fast = { ...heartbeat('2026-11-28T06:00:00Z', 'r1'), interval_ms: 30_000 };
    const d = decideWatchdog(fast, undefined, t('06:05'), 'Europe/Moscow');
    expect(d.event?.text).toContain('а должна идти каждые 30 с.');
    expect(d.event?.text).not.toContain('меньше минуты.');
  });

  it('tells once per staleness episode, and once when checks are back', async () => {
    const store = createFsStore(dir);
    const telegram = createTelegramClient(tg.token, tg.apiRoot, 5000);
    const pass = (now: string) =>
      watchdogPass({ store, telegram, now: t(now), config, catalog, log: () => {} });
    writeFileSync(join(dir, 'heartbeat.json'), serialize(heartbeat('2026-11-28T06:00:00Z', 'r1')));

    expect((await pass('06:10')).status).toBe('fresh');
    expect(tg.messages).toHaveLength(0);

    expect((await pass('06:20')).event?.code).toBe('checker_stale');
    expect(tg.messages).toHaveLength(1);
    expect(tg.messages[0]!.plain).toContain('SMART: проверки давно не запускались');
    expect(tg.messages[0]!.chat_id).toBe('-1001234567890');

    await pass('06:30');
    await pass('07:40');
    expect(tg.messages).toHaveLength(1);

    writeFileSync(join(dir, 'heartbeat.json'), serialize(heartbeat('2026-11-28T07:45:00Z', 'r2')));
    expect((await pass('07:47')).event?.code).toBe('checker_online');
    expect(tg.messages).toHaveLength(2);
    expect(tg.messages[1]!.plain).toContain('Проверки снова идут');

    const outbox = JSON.parse(readFileSync(join(dir, 'outbox.json'), 'utf8'));
    expect(outbox.pending).toEqual([]);
    expect(Object.keys(outbox.delivered)).toHaveLength(2);
  });

  it('keeps the message in the outbox for the checker when Telegram fails', async () => {
    const store = createFsStore(dir);
    const telegram = createTelegramClient(tg.token, tg.apiRoot, 5000);
    tg.fail([{ status: 500 }]);
    const before = tg.messages.length;
    await watchdogPass({ store, telegram, now: t('09:00'), config, catalog, log: () => {} });
    expect(tg.messages).toHaveLength(before);
    const outbox = JSON.parse(readFileSync(join(dir, 'outbox.json'), 'utf8'));
    expect(outbox.pending.map((i: { kind: string }) => i.kind)).toEqual(['operator']);
  });
});

describe('smart watchdog (command)', () => {
  it('reads the fs store, prints the verdict, never fails on stale data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smart-watchdog-cmd-'));
    try {
      writeFileSync(join(dir, 'installations.yaml'), CONFIG);
      writeFileSync(join(dir, 'heartbeat.json'), serialize(heartbeat('2020-01-01T00:00:00Z')));
      const out: string[] = [];
      const err: string[] = [];
      const io: CommandIo = {
        out: (l) => out.push(l),
        err: (l) => err.push(l),
        isTty: false,
        env: {},
        cwd: dir,
      };
      const code = await run(
        ['--status-dir', dir, '--notify', 'console', '--docs', join(root, 'docs', 'errors')],
        io,
      );
      expect(err).toEqual([]);
      expect(code).toBe(0);
      expect(out.at(-1)).toMatch(
        /^watchdog \(.*\): проверки не идут, последняя проверка .* назад — сообщение checker_stale показано выше, но не отправлено/,
      );
      expect(out.join('\n')).toContain('проверки давно не запускались');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown --store, naming the allowed ones', async () => {
    const err: string[] = [];
    const io: CommandIo = { out: () => {}, err: (l) => err.push(l), isTty: false, env: {}, cwd: root };
    expect(await run(['--store', 'ftp'], io)).toBe(2);
    expect(err).toEqual([
      'smart watchdog: --store "ftp": expected fs or github; see `smart watchdog --help`',
    ]);
  });
});

describe('smart watchdog --store github --notify telegram (as watchdog.yml runs it)', () => {
  it('reads the heartbeat from the status branch, tells Telegram once, commits its memory, prints no secret', async () => {
    const gh = await startGithubStandIn({ token: 'gh-secret-token' });
    const tg = await startTelegramStandIn({ token: '999:tg-secret-token' });
    const dir = mkdtempSync(join(tmpdir(), 'smart-watchdog-gh-'));
    try {
      const repository = `${gh.owner}/${gh.repo}`;
      const store = createGithubStore({ token: 'gh-secret-token', repository, apiUrl: gh.url });
      await store.update(
        'seed',
        async () => new Map([['heartbeat.json', serialize(heartbeat('2020-01-01T00:00:00Z'))]]),
      );
      writeFileSync(join(dir, 'installations.yaml'), CONFIG);
      const out: string[] = [];
      const io: CommandIo = {
        out: (l) => out.push(l),
        err: (l) => out.push(l),
        isTty: false,
        cwd: dir,
        env: {
          GITHUB_TOKEN: 'gh-secret-token',
          GITHUB_REPOSITORY: repository,
          GITHUB_API_URL: gh.url,
          TELEGRAM_BOT_TOKEN: tg.token,
          TELEGRAM_API_ROOT: tg.apiRoot,
        },
      };
      const argv = ['--store', 'github', '--notify', 'telegram', '--docs', join(root, 'docs', 'errors')];
      expect(await run(argv, io)).toBe(0);
      expect(await run(argv, io)).toBe(0);
      expect(tg.messages).toHaveLength(1);
      expect(tg.messages[0]!.plain).toContain('проверки давно не запускались');
      const memory = execFileSync('git', ['--git-dir', gh.repoDir, 'show', 'status:watchdog.json'], {
        encoding: 'utf8',
      });
      expect(JSON.parse(memory).stale_run_id).toBe('run-2020-01-01T00:00:00Z');
      expect(out.join('\n')).not.toMatch(/secret-token/);
    } finally {
      await Promise.all([gh.close(), tg.close()]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('smart watchdog as a user runs it (issue 18.4)', () => {
  let dir: string;
  const docs = join(root, 'docs', 'errors');
  /** `node checker/cli.ts watchdog …` in `dir`, with only PATH and `env` in the environment. */
  function watchdog(args: string[], env: Record<string, string> = {}) {
    return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        [join(root, 'checker', 'cli.ts'), 'watchdog', '--docs', docs, ...args],
        { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 90_000 },
        (err, stdout, stderr) =>
          done({ code: err ? Number((err as { code?: unknown }).code) : 0, stdout, stderr }),
      );
    });
  }
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'smart-watchdog-cli-'));
    writeFileSync(join(dir, 'installations.yaml'), CONFIG);
    mkdirSync(join(dir, 'status'));
    writeFileSync(join(dir, 'status', 'heartbeat.json'), serialize(heartbeat('2020-01-01T00:00:00Z')));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--notify console prints the message as text and queues nothing for the next check', async () => {
    const first = await watchdog(['--notify', 'console']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const lines = first.stdout.split('\n');
    expect(lines[0]).toBe('[operator → -1001234567890]');
    expect(lines[1]).toMatch(/SMART: проверки давно не запускались/);
    expect(first.stdout).not.toMatch(/<\/?(b|i|a|code)\b/);
    expect(first.stdout).toMatch(
      /^watchdog \(status\/\): проверки не идут, последняя проверка .+ назад — сообщение checker_stale показано выше, но не отправлено \(--notify console ничего не записывает\)$/m,
    );
    // Nothing for `smart check` to send later, and nothing remembered: the real announcement still comes.
    expect(readdirSync(join(dir, 'status'))).toEqual(['heartbeat.json']);
    const again = await watchdog(['--notify', 'console']);
    expect(again.stdout).toBe(first.stdout);
  });

  it('--notify none prints only the verdict and writes nothing', async () => {
    const r = await watchdog(['--notify', 'none']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(
      /^watchdog \(status\/\): проверки не идут, .+ — сообщение checker_stale не отправлено \(--notify none\)\n$/,
    );
    expect(readdirSync(join(dir, 'status'))).toEqual(['heartbeat.json']);
  });

  it('--notify telegram without TELEGRAM_BOT_TOKEN fails with one line instead of looking green', async () => {
    expect(await watchdog(['--notify', 'telegram'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'smart watchdog: --notify telegram needs TELEGRAM_BOT_TOKEN: without it nobody would be told\n',
    });
  });

  it('--notify telegram without notify.telegram in the config fails too', async () => {
    writeFileSync(join(dir, 'silent.yaml'), CONFIG.replace(/^notify:.*$/m, ''));
    expect(
      await watchdog(['--notify', 'telegram', '--config', 'silent.yaml'], { TELEGRAM_BOT_TOKEN: '1:x' }),
    ).toEqual({
      code: 1,
      stdout: '',
      stderr: 'smart watchdog: silent.yaml has no notify.telegram: the watchdog would tell nobody\n',
    });
  });

  it('a --status-dir that does not exist is said, not read as «проверок ещё не было»', async () => {
    expect(await watchdog(['--status-dir', 'statsu'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'smart watchdog: the status folder statsu does not exist (--status-dir)\n',
    });
  });

  it('a message Telegram does not take is exit 1 and stays queued for the next check', async () => {
    const tg = await startTelegramStandIn({ token: '7:tg-token' });
    try {
      tg.fail([{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }]);
      const r = await watchdog(['--notify', 'telegram'], {
        TELEGRAM_BOT_TOKEN: '7:tg-token',
        TELEGRAM_API_ROOT: tg.apiRoot,
      });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /— сообщение checker_stale не доставлено: оно в очереди, его отправит следующий запуск\n$/,
      );
      const outbox = JSON.parse(readFileSync(join(dir, 'status', 'outbox.json'), 'utf8'));
      expect(outbox.pending.map((i: { kind: string }) => i.kind)).toEqual(['operator']);
    } finally {
      await tg.close();
    }
  });
});
