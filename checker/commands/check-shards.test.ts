// Scale-out end to end: `smart check --shard 1/2` and `--shard 2/2` against loopback servers (an HTTP
// Kodeks, the hosting's DNS server), then `smart check --merge` with the fs store and the Telegram Bot API
// stand-in, on a fake clock. One grouped message across both shards, a shard that does not arrive, a second
// vantage, results of another run.

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { shardOf } from '../shards/select.ts';
import { captureIo } from '../testing/capture-io.ts';
import { startDnsServer, type TestDnsServer } from '../testing/dns-server.ts';
import { type LocalServer, startHttpServer } from '../testing/http-server.ts';
import { startTelegramStandIn, type TelegramStandIn } from '../testing/telegram-stand-in.ts';
import { type CheckHooks, run } from './check.ts';

const DOCS = new URL('../../docs/errors', import.meta.url).pathname;
const CLIENTS = ['alfa', 'bravo', 'charlie', 'foxtrot'];
const NAMES: Record<string, string> = {
  alfa: 'ООО «Альфа»',
  bravo: 'АО «Браво»',
  charlie: 'ООО «Чарли»',
  foxtrot: 'ЗАО «Фокстрот»',
};
let dir: string;
let kodeks: LocalServer;
let dns: TestDnsServer;
let tg: TelegramStandIn;
/** When set, alfa's server answers 502. */
let alfaBroken = false;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smart-shards-'));
  kodeks = await startHttpServer((req, res) => {
    res.writeHead(alfaBroken && req.headers.host?.startsWith('alfa.') ? 502 : 200, {
      'content-type': 'text/html',
    });
    res.end('<html>Кодекс</html>');
  });
  dns = await startDnsServer(Object.fromEntries(CLIENTS.map((c) => [`${c}.cloud.test`, ['127.0.0.1']])));
  tg = await startTelegramStandIn();
  const config = {
    site: { url: 'https://status.test' },
    checker: {
      interval: '5m',
      timeout: '2s',
      timezone: 'Europe/Moscow',
      resolvers: [dns.address],
      canaries: [{ tcp: `127.0.0.1:${kodeks.port}` }],
      vantages: ['github-hosted', 'self-hosted'],
    },
    notify: { telegram: { chat: '-1001234567890', remind_every: '4h' } },
    hostings: { cloud: { title: 'Техэксперт.Облако' } },
    clients: CLIENTS.map((c) => ({
      id: c,
      title: NAMES[c],
      installations: [
        {
          id: 'kodeks',
          title: `Кодекс ${c}`,
          hosting: 'cloud',
          url: `http://${c}.cloud.test:${kodeks.port}/`,
          ip: '127.0.0.1',
          probes: { http: {}, dns: {} },
        },
      ],
    })),
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
/** Run n's clock; the merge runs 40 s after the shards began. */
const clock = (n: number, lagMs = 0): CheckHooks => ({ now: () => new Date(START + n * 300_000 + lagMs) });
const common = ['--docs', DOCS, '--status-dir', 'status'];
const json = async (path: string) => JSON.parse(await readFile(join(dir, 'status', path), 'utf8'));
const results = (n: number) => `results-${n}`;

/** One shard of run n; returns the exit status and the output. */
async function shard(n: number, spec: string, vantage = 'github-hosted', runId = `run-${n}`) {
  const r = io();
  const code = await run(
    [...common, '--shard', spec, '--vantage', vantage, '--run', runId, '--results-dir', results(n)],
    r.value,
    clock(n),
  );
  return { code, ...r };
}

async function merge(n: number, runId = `run-${n}`) {
  const r = io();
  const code = await run(
    [...common, '--merge', '--run', runId, '--results-dir', results(n)],
    r.value,
    clock(n, 40_000),
  );
  return { code, ...r };
}

const stateOf = async (c: string) => (await json(`state/${c}.json`)).installations.kodeks;

describe('smart check --shard I/N and --merge', () => {
  it('the four installations fall in both shards', () => {
    expect(CLIENTS.map((c) => shardOf(c, 'kodeks', 2))).toEqual([1, 1, 2, 2]);
  });

  it('each shard probes its slice and writes a redacted shard result, nothing else', async () => {
    const one = await shard(0, '1/2');
    expect(one.code, one.err.join('\n')).toBe(0);
    expect(one.out.join('\n')).toMatch(/Итого: 2 установки,/);
    expect(one.out.join('\n')).toContain(
      'шард 1 из 2 (github-hosted), записан results-0/github-hosted-1-of-2.json',
    );
    const two = await shard(0, '2/2');
    expect(two.code, two.err.join('\n')).toBe(0);

    expect((await readdir(join(dir, results(0)))).sort()).toEqual([
      'github-hosted-1-of-2.json',
      'github-hosted-2-of-2.json',
    ]);
    const text = await readFile(join(dir, results(0), 'github-hosted-1-of-2.json'), 'utf8');
    const file = JSON.parse(text);
    expect(file).toMatchObject({
      kind: 'smart-shard-result',
      run: 'run-0',
      vantage: 'github-hosted',
      shard: { index: 1, count: 2 },
      started_at: '2026-11-28T03:00:00.000Z',
      network_ok: true,
    });
    expect(file.installations.map((i: { client: string }) => i.client)).toEqual(['alfa', 'bravo']);
    expect(file.installations[0].checks.http).toMatchObject({ status: 'ok', code: 'OK' });
    // A public artifact: no host name, URL or address of installations.yaml.
    for (const secret of ['alfa.cloud.test', 'bravo.cloud.test', '127.0.0.1', 'http://'])
      expect(text).not.toContain(secret);
    // No status data and no message yet.
    await expect(readdir(join(dir, 'status'))).rejects.toThrow(/ENOENT/);
    expect(tg.messages).toHaveLength(0);
  });

  it('the merge runs the engine, the outbox and the status commit once for the whole fleet', async () => {
    const m = await merge(0);
    expect(m.code, m.err.join('\n')).toBe(0);
    expect(m.out.join('\n')).toMatch(/Итого: 4 установки, проверок 12: работает 12/);
    for (const c of CLIENTS) expect((await stateOf(c)).overall).toBe('operational');
    const hb = await json('heartbeat.json');
    expect(hb).toMatchObject({
      vantage: 'github-hosted',
      network_ok: true,
      started_at: '2026-11-28T03:00:00.000Z',
      counts: { installations: 4, checks: 12, ok: 12, unobserved: 0 },
      vantages: {
        'github-hosted': {
          fresh: true,
          network_ok: true,
          installations: 4,
          shards: { count: 2, missing: [] },
        },
        'self-hosted': { fresh: false, installations: 0 },
      },
    });
    // self-hosted is listed but sent nothing: the operator hears it once.
    expect(tg.messages.map((t) => t.plain)).toEqual([
      expect.stringContaining('Место проверки «self-hosted» не прислало результатов этого запуска'),
    ]);
  });

  it('a hosting-wide DNS outage seen by two shards is one grouped message', async () => {
    dns.modes.set('*', 'servfail');
    for (const n of [1, 2]) {
      for (const s of ['1/2', '2/2']) expect((await shard(n, s)).code).toBe(0);
      const m = await merge(n);
      expect(m.code, m.err.join('\n')).toBe(0);
    }
    dns.modes.clear();
    expect(tg.messages).toHaveLength(2);
    const grouped = tg.messages[1]!.plain;
    expect(grouped).toContain('Техэксперт.Облако');
    for (const c of CLIENTS) expect(grouped).toContain(NAMES[c]!);
    for (const c of CLIENTS) expect((await stateOf(c)).alerts.KodeksDnsResolve.state).toBe('firing');
  });

  it('a shard that does not arrive: its installations have no data — never «up» — and the operator is told', async () => {
    // Run 3: DNS is back, but shard 2 never ran.
    expect((await shard(3, '1/2')).code).toBe(0);
    const m = await merge(3);
    expect(m.code, m.err.join('\n')).toBe(0);
    for (const c of ['alfa', 'bravo']) expect((await stateOf(c)).overall).toBe('operational');
    for (const c of ['charlie', 'foxtrot']) {
      const s = await stateOf(c);
      expect(s.overall).toBe('no_data');
      expect(s.alerts.KodeksDnsResolve.state).toBe('firing');
      expect(s.unobserved).toMatchObject({
        since: '2026-11-28T03:15:00.000Z',
        last_seen: '2026-11-28T03:10:00.000Z',
        reason:
          'github-hosted (шард 2 из 2): результаты не пришли; self-hosted: результаты этого запуска не пришли',
      });
    }
    const texts = tg.messages.slice(2).map((t) => t.plain);
    expect(texts).toHaveLength(2);
    // The recovery of the two that were seen (a reply to the grouped message), and the missing shard.
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'Место проверки «github-hosted»: не пришли результаты шарда 2 из 2 — 2 установки в этом запуске без данных',
        ),
        expect.stringMatching(/Восстановлено установок: 2/),
      ]),
    );
    const recovery = texts.find((t) => /Восстановлено/.test(t))!;
    expect(recovery).toContain(NAMES.alfa!);
    expect(recovery).not.toContain(NAMES.charlie!);
    expect((await json('heartbeat.json')).vantages['github-hosted'].shards).toEqual({
      count: 2,
      missing: [2],
      blind: [],
    });

    // Run 4: both shards again; charlie and foxtrot resolve now, and their run 3 → 4 counts as no data.
    for (const s of ['1/2', '2/2']) expect((await shard(4, s)).code).toBe(0);
    expect((await merge(4)).code).toBe(0);
    for (const c of ['charlie', 'foxtrot']) {
      const s = await stateOf(c);
      expect(s.overall).toBe('operational');
      expect(s.unobserved).toBeUndefined();
    }
    expect(tg.messages.slice(4).map((t) => t.plain)).toEqual([
      expect.stringMatching(/Восстановлено установок: 2/),
    ]);
    const day = (await json('history/charlie/2026-11.json')).installations.kodeks['2026-11-28'];
    const seen = (await json('history/alfa/2026-11.json')).installations.kodeks['2026-11-28'];
    expect(day.no_data_min - seen.no_data_min).toBe(5);
  });

  it('a second vantage votes: a failure only one vantage sees is not an outage (majority of two)', async () => {
    const sent = tg.messages.length;
    // Runs 5–6: from github-hosted alfa answers 502; by the time the self-hosted runner looks it answers 200.
    for (const n of [5, 6]) {
      alfaBroken = true;
      for (const s of ['1/2', '2/2']) expect((await shard(n, s)).code).toBe(0);
      alfaBroken = false;
      expect((await shard(n, '1/1', 'self-hosted')).code).toBe(0);
      const m = await merge(n);
      expect(m.code, m.err.join('\n')).toBe(0);
    }
    const alfa = await stateOf('alfa');
    expect(alfa.overall).toBe('operational');
    expect(alfa.alerts.KodeksBehindProxyDown).toBeUndefined();
    expect(alfa.checks.http).toMatchObject({
      status: 'ok',
      evidence: { votes: 'github-hosted=fail:HTTP_STATUS self-hosted=ok:OK', quorum: '1/2 (2)' },
    });
    expect(tg.messages.slice(sent).map((t) => t.plain)).toEqual([
      expect.stringContaining('Место проверки «self-hosted» снова присылает результаты'),
    ]);

    // Runs 7–8: both see it: it fires, as it would from one checker.
    alfaBroken = true;
    for (const n of [7, 8]) {
      for (const s of ['1/2', '2/2']) expect((await shard(n, s)).code).toBe(0);
      expect((await shard(n, '1/1', 'self-hosted')).code).toBe(0);
      expect((await merge(n)).code).toBe(0);
    }
    alfaBroken = false;
    expect((await stateOf('alfa')).alerts.KodeksBehindProxyDown.state).toBe('firing');
    const fired = tg.messages.slice(sent + 1).map((t) => t.plain);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toContain(NAMES.alfa!);
    expect(fired[0]).toContain('502');
  });

  it('results of another run or with no result at all: refused, and an empty merge writes nothing', async () => {
    expect((await shard(9, '1/2', 'github-hosted', 'run-other')).code).toBe(0);
    const before = await readFile(join(dir, 'status', 'heartbeat.json'), 'utf8');
    const m = await merge(9);
    expect(m.code).toBe(1);
    expect(m.err.join('\n')).toContain(
      'github-hosted 1/2: не учтено — результаты другого запуска (run-other)',
    );
    expect(m.err.join('\n')).toMatch(
      /no shard result of this run in results-9 \(run run-9\): nothing was merged/,
    );
    expect(await readFile(join(dir, 'status', 'heartbeat.json'), 'utf8')).toBe(before);
    await writeFile(join(dir, results(9), 'junk.json'), '{"kind": "smart-shard-result", "schema": 1}');
    const again = await merge(9);
    expect(again.code).toBe(1);
    expect(again.err.join('\n')).toMatch(/results-9\/junk\.json: /);
  });

  it('refuses options that do not go together, and a vantage the config does not list', async () => {
    for (const argv of [
      ['--shard', '3/2'],
      ['--shard', '1/2', '--merge'],
      ['--shard', '1/2', '--only', 'alfa'],
      ['--shard', '1/2', '--notify', 'telegram'],
      ['--shard', '1/2', '--vantage', 'office'],
    ]) {
      const r = io();
      expect(await run([...common, ...argv], r.value, clock(10)), argv.join(' ')).toBe(2);
      expect(r.err.join('\n')).toMatch(/^smart check: /);
    }
  });
});
