import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
        /^watchdog \(.*\): проверки не идут, последняя проверка .* назад — сообщение checker_stale/,
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
