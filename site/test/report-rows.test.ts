/**
 * Issue 13, what a client reads when the server's own sysinfo report shows a problem: `smart check`'s cycle
 * runs against fake Kodeks servers on loopback, the site is built from the status data it wrote, and
 * Chromium reads the client's page. Database errors and an expired database licence show as failing rows,
 * old operups as a row that works with a limitation — and none of the report's own details (database names,
 * file paths, error texts) or the servers' addresses reach the page.
 */
// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text a visitor reads, which is the point of these tests.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../checker/alerts/catalog.ts';
import { runCycle } from '../../checker/check-run/run-cycle.ts';
import { parseConfig } from '../../checker/config/load.ts';
import { createFsStore } from '../../checker/store/fs.ts';
import { type FakeKodeks, startFakeKodeks } from '../../checker/testing/fake-kodeks.ts';
import { healthyReport } from '../../checker/testing/sysinfo-report.ts';
import { type Browser, openBrowser, screenshot } from './browser.ts';
import { buildSite, ROOT } from './build-site.ts';
import { serveStatic } from './static-server.ts';

const DAY = 86_400_000;
const DB_PATH = 'D:\\Kodeks\\Bases\\MedSecret';
const ERROR_TEXT = 'Нет прав на копию MARKER-ERR';
const OPERUP = 'D:\\Kodeks\\operup\\marker-operup.op';
const DB_NAME = 'Кодекс: Медицина MARKER-DB';

let clock = Date.parse('2026-11-28T09:00:00Z');
const now = () => new Date(clock);
let broken: FakeKodeks;
let stale: FakeKodeks;
let tmp: string;
let base: string;
let close: () => Promise<void>;
let browser: Browser;

const yaml = () => `
site: { url: "https://status.test.example" }
checker: { interval: 5m, timeout: 5s, timezone: Europe/Moscow }
clients:
  - id: acme
    title: "ООО «Акме»"
    installations:
      - id: main
        title: "Кодекс — основной сервер"
        url: "http://127.0.0.1:${broken.port}/"
        probes: { http: {}, sysinfo: { every: 0s } }
      - id: branch
        title: "Кодекс — филиал"
        url: "http://127.0.0.1:${stale.port}/"
        probes: { http: {}, sysinfo: { every: 0s } }
`;

beforeAll(async () => {
  broken = await startFakeKodeks({ now });
  stale = await startFakeKodeks({ now });
  tmp = await mkdtemp(join(tmpdir(), 'smart-report-rows-'));
  const docs = join(ROOT, 'docs/errors');
  const catalog = await loadCatalog(docs);
  if (!catalog.ok) throw new Error('catalog');
  const parsed = parseConfig('installations.yaml', yaml());
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics));
  await writeFile(join(tmp, 'installations.yaml'), yaml());
  const run = async () => {
    clock += 300_000;
    await runCycle({
      config: parsed.config,
      catalog: catalog.catalog,
      store: createFsStore(join(tmp, 'status')),
      now,
    });
  };
  await run();
  // The main server: one database's licence ended two days ago, a database error with code 2007.
  const day = (n: number) => new Date(clock + n * DAY).toISOString().slice(0, 10);
  Object.assign(broken.state.report, {
    databases: [
      { name: DB_NAME, end: day(-2) },
      { name: 'Техэксперт: Строительство', end: day(300) },
    ],
    errors: [{ db: DB_PATH, code: 2007, text: ERROR_TEXT }],
  });
  // The branch: its operups were last updated five days ago.
  stale.state.report = {
    ...healthyReport(now()),
    operups: [{ path: OPERUP, date: new Date(clock - 5 * DAY) }],
  };
  await run();
  await run();
  const dist = join(tmp, 'dist');
  const build = await buildSite({
    config: join(tmp, 'installations.yaml'),
    docs,
    status: join(tmp, 'status'),
    now: new Date(clock + 60_000).toISOString(),
    outDir: dist,
  });
  if (build.code !== 0) throw new Error(`build failed:\n${build.stderr}\n${build.stdout.slice(-3000)}`);
  ({ url: base, close } = await serveStatic(dist));
  browser = await openBrowser({ js: false, width: 1280 });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await close?.();
  await broken?.close();
  await stale?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The rows of one installation's section: row title → [state, what the row says]. */
async function rows(page: Page, heading: string): Promise<Record<string, [string, string]>> {
  const out: Record<string, [string, string]> = {};
  for (const li of await page.locator(`section:has(h2:text-is("${heading}")) ul.comp li`).all()) {
    const why = li.locator('.why');
    const message = (await why.count()) > 0 ? (await why.innerText()).trim() : '';
    const label = (await li.locator('> span').first().innerText()).replace(message, '').trim();
    out[label] = [(await li.locator('.state').innerText()).replace(/\s+/g, ' ').trim(), message];
  }
  return out;
}

describe('rows from the sysinfo report on the client page', () => {
  it('database errors and an expired licence fail their rows, and the headline agrees', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${base}/status/acme/`);
    await screenshot(page, 'report-rows-1280');
    const main = await rows(page, 'Кодекс — основной сервер');
    expect(main['Базы данных']).toEqual([
      '✖ Сбой',
      'Сервер ПК сообщает об ошибках баз данных: часть документов может быть недоступна.',
    ]);
    expect(main['Лицензии и ключ SenseLock']).toEqual([
      '✖ Сбой',
      'Истёк срок лицензии одной из баз: её документы недоступны до продления.',
    ]);
    expect(main['Доступ по адресу']?.[0]).toBe('✔ Работает');
    const section = await page.locator('section:has(h2:text-is("Кодекс — основной сервер"))').innerText();
    expect(section).toContain('Частичный сбой');
    // The open incident of the client-visible database alert, with the runbook's public summary as its cause.
    const incidents = await page.locator('article.card').allInnerTexts();
    const db = incidents.find((t) => t.includes('KodeksDBerrorsCode2007'));
    expect(db).toContain('Сервер ПК отказывает в доступе к базе (ошибка 2007 / 4103)');
  });

  it('old operups: the database row works with a limitation', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${base}/status/acme/`);
    const branch = await rows(page, 'Кодекс — филиал');
    expect(branch['Базы данных']).toEqual([
      '▲ С ограничениями',
      'Оперативные обновления баз давно не устанавливались: новые документы могут не появляться.',
    ]);
    expect(branch['Лицензии и ключ SenseLock']?.[0]).toBe('✔ Работает');
    const section = await page.locator('section:has(h2:text-is("Кодекс — филиал"))').innerText();
    expect(section).toContain('Снижение качества');
  });

  it("the report's own details and the servers' addresses stay off the page, the summary and the feed", async () => {
    const pages = [
      '/status/acme/',
      '/status/acme/summary.json',
      '/status/acme/feed.xml',
      // The runbook lists the incidents of public clients, with their cause.
      '/docs/errors/KodeksDBerrorsCode2007/',
      '/docs/errors/KodeksDBOperUpToOld/',
      '/docs/errors/KodeksLicenseExpiring2day/',
    ];
    for (const path of pages) {
      const text = await (await fetch(`${base}${path}`)).text();
      // (Runbooks have their own example paths and addresses in their commands.)
      const secrets = ['MARKER', 'MedSecret', 'marker-operup'];
      if (path.startsWith('/status/')) secrets.push('D:\\', '127.0.0.1', 'Медицина');
      for (const secret of secrets) expect(text, `${path} shows ${secret}`).not.toContain(secret);
    }
    // The runbook's history names the client and says the runbook's summary as the cause.
    const runbook = await (await fetch(`${base}/docs/errors/KodeksDBerrorsCode2007/`)).text();
    expect(runbook).toContain('ООО «Акме»');
    expect(runbook).toContain('Сервер ПК отказывает в доступе к базе');
    // The status data itself keeps them for the manager (operator-only facts), which is why the page must not.
    const state = await readFile(join(tmp, 'status/state/acme.json'), 'utf8');
    expect(state).toContain('MARKER-DB');
  });
});
