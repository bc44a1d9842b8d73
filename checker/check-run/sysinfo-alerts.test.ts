// smart check's cycle against a fake Kodeks server on loopback (issue 13, «done when»): each alert the sysinfo
// report and the metrics decide fires at its threshold, then resolves when the server reports the problem gone;
// the metrics password never reaches the status data.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../alerts/catalog.ts';
import { parseConfig } from '../config/load.ts';
import type { ClientState } from '../status/schema.ts';
import { createFsStore } from '../store/fs.ts';
import { docsCatalog } from '../testing/catalog.ts';
import { type FakeKodeks, startFakeKodeks } from '../testing/fake-kodeks.ts';
import { healthyReport } from '../testing/sysinfo-report.ts';
import { runCycle } from './run-cycle.ts';

const SECRET = 'sysmon-pass-9f3';
let kodeks: FakeKodeks;
let catalog: Catalog;
let dir: string;
let clock = Date.parse('2026-11-28T09:00:00Z');
const now = () => new Date(clock);

beforeAll(async () => {
  kodeks = await startFakeKodeks({ now });
  kodeks.state.sysmon.password = SECRET;
  catalog = await docsCatalog();
  dir = await mkdtemp(join(tmpdir(), 'smart-sysinfo-'));
});
afterAll(async () => {
  await kodeks?.close();
  await rm(dir, { recursive: true, force: true });
});

function config() {
  const yaml = `
site: { url: "https://status.example" }
checker: { interval: 5m, timeout: 5s }
clients:
  - id: acme
    title: Акме
    installations:
      - id: main
        title: Кодекс
        url: "http://127.0.0.1:${kodeks.port}/"
        probes:
          sysinfo: { every: 0s }
          metrics: { endpoints: [sysinfo, sysmon], password_env: KODEKS_SYSMON }
`;
  const r = parseConfig('installations.yaml', yaml);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.config;
}

const store = () => createFsStore(dir);

async function run() {
  clock += 300_000;
  await runCycle({
    config: config(),
    catalog,
    store: store(),
    now,
    runDeps: { env: { KODEKS_SYSMON: SECRET } },
  });
  const text = await store().read('state/acme.json');
  return JSON.parse(text!) as ClientState;
}

const firing = (s: ClientState) =>
  Object.entries(s.installations.main!.alerts)
    .filter(([, a]) => a?.state === 'firing')
    .map(([n]) => n)
    .sort();

const day = 86_400_000;
const endIn = (days: number) => new Date(clock + days * day + 3 * 3_600_000).toISOString().slice(0, 10);

describe('each sysinfo and metrics alert fires at its threshold and resolves', () => {
  const healthy = () => {
    kodeks.state.key = 'present';
    kodeks.state.report = healthyReport(now());
    kodeks.state.reportTime = undefined;
    kodeks.state.catalogs = [{ path: '/docs' }];
  };

  const st = () => kodeks.state;
  const cases: [string, () => void, string[]][] = [
    ['key missing', () => Object.assign(st(), { key: 'absent' }), ['KodeksXmlSensLockStatus']],
    [
      'licence ends in 60 days',
      () => Object.assign(st().report, { databases: [{ name: 'Кодекс: Медицина', end: endIn(60) }] }),
      ['KodeksLicenseExpiring90day'],
    ],
    [
      'licence ends in 5 days',
      () => Object.assign(st().report, { databases: [{ name: 'Кодекс: Медицина', end: endIn(5) }] }),
      ['KodeksLicenseExpiring7day'],
    ],
    [
      'licence ends tomorrow',
      () => Object.assign(st().report, { databases: [{ name: 'Кодекс: Медицина', end: endIn(1) }] }),
      ['KodeksLicenseExpiring2day'],
    ],
    ['an empty licence block', () => Object.assign(st().report, { databases: [] }), ['KodeksDBLicensesZero']],
    [
      'an operup 4 days old',
      () =>
        Object.assign(st().report, {
          operups: [{ path: 'D:\\Kodeks\\operup\\a.op', date: new Date(clock - 4 * day) }],
        }),
      ['KodeksDBOperUpToOld'],
    ],
    [
      'DB error 2007',
      () =>
        Object.assign(st().report, { errors: [{ db: 'Кодекс: Медицина', code: 2007, text: 'Нет прав' }] }),
      ['KodeksDBerrorsCode2007'],
    ],
    [
      'DB error 613',
      () => Object.assign(st().report, { errors: [{ db: 'Кодекс: Медицина', code: 613, text: 'Том' }] }),
      ['KodeksDBerrorsCodeXXX'],
    ],
    [
      'DB error without a code',
      () => Object.assign(st().report, { errors: [{ db: 'Кодекс: Медицина', text: 'Том уже подключён' }] }),
      ['KodeksDBerrorsNoCode'],
    ],
    [
      'all seats taken',
      () => Object.assign(st().report, { seats: { used: 50, limit: 50 } }),
      ['KodeksLimitsUsers'],
    ],
    [
      'a report made 3 days ago',
      () => Object.assign(st(), { reportTime: new Date(clock - 3 * day) }),
      ['SmartXMLfileIsToOld'],
    ],
    [
      'kserver_product_control = 1',
      () => Object.assign(st(), { catalogs: [{ path: '/docs', productControl: 1, status: 'update DB' }] }),
      ['KodeksWarning'],
    ],
  ];

  it.each(cases)(
    '%s',
    async (_name, breakIt, alerts) => {
      healthy();
      expect(firing(await run())).toEqual([]);
      breakIt();
      // Two runs: the longest `for` of these alerts is 2.
      await run();
      const broken = await run();
      expect(firing(broken)).toEqual(alerts);
      healthy();
      expect(firing(await run())).toEqual([]);
    },
    60_000,
  );

  it('the metrics password is nowhere in the status data', async () => {
    for (const f of await readdir(dir, { recursive: true })) {
      const path = join(dir, String(f));
      const text = await readFile(path, 'utf8').catch(() => '');
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(Buffer.from(`smartlogin:${SECRET}`).toString('base64'));
    }
  });
});
