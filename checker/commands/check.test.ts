// `smart check` end to end: a config pointing at loopback servers (an HTTP Kodeks, a DNS server for the
// hosting), the fs store in a temporary folder, the Telegram Bot API stand-in, several runs on a fake clock.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { captureIo } from '../testing/capture-io.ts';
import { startDnsServer, type TestDnsServer } from '../testing/dns-server.ts';
import { closedPort, type LocalServer, startHttpServer } from '../testing/http-server.ts';
import { startTelegramStandIn, type TelegramStandIn } from '../testing/telegram-stand-in.ts';
import { type CheckHooks, run } from './check.ts';

const DOCS = new URL('../../docs/errors', import.meta.url).pathname;
let dir: string;
let kodeks: LocalServer;
let dns: TestDnsServer;
let tg: TelegramStandIn;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smart-check-'));
  kodeks = await startHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>Кодекс</html>');
  });
  dns = await startDnsServer({ 'alfa.cloud.test': ['127.0.0.1'], 'bravo.cloud.test': ['127.0.0.1'] });
  tg = await startTelegramStandIn();
  const inst = (name: string) => ({
    id: 'kodeks',
    title: `Кодекс ${name}`,
    hosting: 'cloud',
    url: `http://${name}.cloud.test:${kodeks.port}/`,
    ip: '127.0.0.1',
    probes: { http: {}, dns: {} },
  });
  const config = {
    site: { url: 'https://status.test' },
    checker: {
      interval: '5m',
      timeout: '2s',
      timezone: 'Europe/Moscow',
      resolvers: [dns.address],
      canaries: [{ tcp: `127.0.0.1:${kodeks.port}` }],
    },
    notify: { telegram: { chat: '-1001234567890', remind_every: '4h' } },
    hostings: { cloud: { title: 'Техэксперт.Облако' } },
    clients: [
      { id: 'alfa', title: 'ООО «Альфа»', sla: { availability: 99 }, installations: [inst('alfa')] },
      { id: 'bravo', title: 'АО «Браво»', installations: [inst('bravo')] },
    ],
  };
  await writeFile(join(dir, 'installations.yaml'), stringify(config));
});
afterAll(async () => {
  await Promise.all([kodeks?.close(), dns?.close(), tg?.close()]);
  await rm(dir, { recursive: true, force: true });
});

function io(env: Record<string, string> = {}) {
  return captureIo(dir, { TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, ...env });
}

const START = Date.parse('2026-11-28T03:00:00Z'); // 06:00 in Moscow
const clock = (run: number): CheckHooks => ({ now: () => new Date(START + run * 5 * 60_000) });
const args = ['--docs', DOCS, '--status-dir', 'status'];
const json = async (path: string) => JSON.parse(await readFile(join(dir, 'status', path), 'utf8'));

describe('smart check', () => {
  it('runs, writes the status files and notifies once per problem across several runs', async () => {
    // Run 0: everything works.
    let r = io();
    expect(await run(args, r.value, clock(0)), r.err.join('\n')).toBe(0);
    expect(r.out.join('\n')).toMatch(/Итого: 2 установки,/);
    expect((await json('state/alfa.json')).installations.kodeks.overall).toBe('operational');

    // Runs 1–2: the hosting's DNS server fails; the installations still answer by IP.
    dns.modes.set('*', 'servfail');
    for (const n of [1, 2]) {
      r = io();
      expect(await run(args, r.value, clock(n)), r.err.join('\n')).toBe(0);
    }
    const state = (await json('state/alfa.json')).installations.kodeks;
    expect(state.overall).toBe('partial_outage');
    expect(state.alerts.KodeksDnsResolve).toMatchObject({
      state: 'firing',
      since: '2026-11-28T03:05:00.000Z',
    });
    expect(state.alerts.KodeksBehindProxyDown).toMatchObject({ state: 'firing', suppressed: true });
    expect(state.checks.http_ip.status).toBe('ok');
    expect(tg.messages).toHaveLength(1);
    expect(tg.messages[0]!.plain).toContain('Техэксперт.Облако');

    // Run 3: DNS is back.
    dns.modes.clear();
    r = io();
    expect(await run(args, r.value, clock(3)), r.err.join('\n')).toBe(0);
    // One recovery for the hosting, as one alert went out: a reply to the grouped message.
    expect(tg.messages).toHaveLength(2);
    expect(tg.messages[1]!.reply_to_message_id).toBe(tg.messages[0]!.message_id);
    expect(tg.messages[1]!.plain).toContain('Восстановлено установок: 2');
    expect(r.out.join('\n')).toMatch(/отправлено 1/);

    const incidents = (await json('incidents/2026-11.json')).incidents;
    const dnsIncidents = incidents.filter((i: { alert: string }) => i.alert === 'KodeksDnsResolve');
    expect(dnsIncidents).toHaveLength(2);
    expect(new Set(dnsIncidents.map((i: { group: string }) => i.group)).size).toBe(1);
    expect(
      dnsIncidents.every((i: { resolved_at: string }) => i.resolved_at === '2026-11-28T03:15:00.000Z'),
    ).toBe(true);
    const day = (await json('history/alfa/2026-11.json')).installations.kodeks['2026-11-28'];
    expect(day).toMatchObject({ checks: 4, failures: 2, down_min: 10 });
    const heartbeat = await json('heartbeat.json');
    expect(heartbeat).toMatchObject({ network_ok: true, started_at: '2026-11-28T03:15:00.000Z' });
    const outbox = await json('outbox.json');
    expect(outbox.pending).toEqual([]);
    expect(Object.keys(outbox.delivered)).toHaveLength(2);
    // The bot token never reaches the output.
    expect([...r.out, ...r.err].join('\n')).not.toContain(tg.token);
  });

  it('running the same moment again changes nothing and sends nothing', async () => {
    const before = await readFile(join(dir, 'status', 'state/alfa.json'), 'utf8');
    const r = io();
    expect(await run(args, r.value, clock(3))).toBe(0);
    expect(r.out.join('\n')).toMatch(/уже был учтён/);
    expect(await readFile(join(dir, 'status', 'state/alfa.json'), 'utf8')).toBe(before);
    expect(tg.messages).toHaveLength(2);
  });

  it('--dry-run --json computes everything and writes nothing', async () => {
    dns.modes.set('*', 'servfail');
    const before = await readFile(join(dir, 'status', 'history/alfa/2026-11.json'), 'utf8');
    const r = io();
    expect(await run([...args, '--dry-run', '--json', '--only', 'alfa'], r.value, clock(4))).toBe(0);
    dns.modes.clear();
    const out = JSON.parse(r.out.join('\n'));
    expect(out.results.installations.map((i: { client: string }) => i.client)).toEqual(['alfa']);
    expect(out.dryRun).toBe(true);
    expect(await readFile(join(dir, 'status', 'history/alfa/2026-11.json'), 'utf8')).toBe(before);
    expect((await json('heartbeat.json')).started_at).toBe('2026-11-28T03:15:00.000Z');
  });

  it('--notify console prints the messages instead of sending them', async () => {
    dns.modes.set('*', 'servfail');
    for (const n of [5, 6]) {
      const r = io();
      expect(await run([...args, '--notify', 'console'], r.value, clock(n))).toBe(0);
      if (n === 6) expect(r.out.join('\n')).toMatch(/Техэксперт\.Облако/);
    }
    dns.modes.clear();
    expect(tg.messages).toHaveLength(2);
  });

  it('stops with exit 1 and leaves a corrupt status file untouched', async () => {
    const file = join(dir, 'status', 'state', 'bravo.json');
    await writeFile(file, '{"schema": 1, "client": "bravo", "installations": {');
    const r = io();
    expect(await run([...args, '--notify', 'none'], r.value, clock(7))).toBe(1);
    expect(r.err.join('\n')).toMatch(/^smart check: status\/state\/bravo\.json: not valid JSON/);
    expect(await readFile(file, 'utf8')).toBe('{"schema": 1, "client": "bravo", "installations": {');
    expect((await json('heartbeat.json')).started_at).not.toBe(new Date(START + 35 * 60_000).toISOString());

    await writeFile(file, JSON.stringify({ schema: 2, client: 'bravo' }));
    const r2 = io();
    expect(await run([...args, '--notify', 'none'], r2.value, clock(7))).toBe(1);
    expect(r2.err.join('\n')).toMatch(/state\/bravo\.json: schema version 2/);
    await rm(file);
  });

  it('bad config, bad options and a missing token are the checker failing, not data', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'site: { url: nope }\nclients: []\n');
    let r = io();
    expect(await run([...args, '--config', 'bad.yaml'], r.value)).toBe(1);
    expect(r.err.join('\n')).toMatch(/bad\.yaml:1:\d+ site\.url/);
    r = io();
    expect(await run([...args, '--store', 'ftp'], r.value)).toBe(2);
    r = io({ TELEGRAM_BOT_TOKEN: '' });
    expect(await run([...args, '--notify', 'telegram'], r.value)).toBe(1);
    expect(r.err.join('\n')).toMatch(/TELEGRAM_BOT_TOKEN/);
    r = io();
    expect(await run([...args, '--only', 'nobody'], r.value)).toBe(1);
  });

  it('an unreachable store is the checker failing: exit 1, token not printed', async () => {
    const port = await closedPort();
    const secret = 'ghs_never-print-me-0123456789';
    const r = io({
      GITHUB_TOKEN: secret,
      GITHUB_REPOSITORY: 'smart/status',
      GITHUB_API_URL: `http://127.0.0.1:${port}`,
    });
    const hooks = { ...clock(8), githubRetryUnitMs: 5 };
    expect(await run([...args, '--store', 'github', '--notify', 'none'], r.value, hooks)).toBe(1);
    expect(r.err.join('\n')).toMatch(/^smart check: /);
    expect([...r.out, ...r.err].join('\n')).not.toContain(secret);
  });
});
