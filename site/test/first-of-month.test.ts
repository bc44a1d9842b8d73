/**
 * Issue 17, what a client reads: the site built from status data the real alert engine wrote, on a fixed
 * clock late on the 1st of a month (engine-fixture.ts: a client watched for months, one added today, one
 * under announced maintenance, one with ten installations), read in Chromium as a visitor reads it.
 */
// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text a visitor reads, which is the point of these tests.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../checker/alerts/catalog.ts';
import { AXE_FILE, AXE_URL_PATH, axeSerious, type Browser, openBrowser, screenshot } from './browser.ts';
import { buildSite, ROOT } from './build-site.ts';
import { CONFIG_YAML, NOW, writeEngineFixture } from './engine-fixture.ts';
import { serveStatic } from './static-server.ts';

const DOCS = join(ROOT, 'site/test/fixtures/docs/errors');
const PAGES = ['old', 'upd', 'new', 'ten'];

let tmp: string;
let dist: string;
let base: string;
let close: () => Promise<void>;
let build: { code: number; stdout: string; stderr: string };
let noJs: Browser;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'smart-site-1st-'));
  const catalog = await loadCatalog(DOCS);
  if (!catalog.ok) throw new Error('fixture catalog');
  await writeEngineFixture(join(tmp, 'status'), catalog.catalog);
  await writeFile(join(tmp, 'installations.yaml'), CONFIG_YAML);
  dist = join(tmp, 'dist');
  build = await buildSite({
    config: join(tmp, 'installations.yaml'),
    docs: DOCS,
    status: join(tmp, 'status'),
    now: NOW,
    outDir: dist,
  });
  if (build.code !== 0) throw new Error(`build failed:\n${build.stderr}\n${build.stdout.slice(-3000)}`);
  ({ url: base, close } = await serveStatic(dist, { [AXE_URL_PATH]: AXE_FILE }));
  noJs = await openBrowser({ js: false, width: 1280 });
}, 180_000);

afterAll(async () => {
  await noJs?.close();
  await close?.();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The text of each installation's section of a client page, by its heading, as the browser lays it out. */
async function sections(page: Page, slug: string): Promise<Map<string, string>> {
  await page.goto(`${base}/status/${slug}/`);
  const out = new Map<string, string>();
  for (const s of await page.locator('section:has(.nums)').all())
    out.set((await s.locator('h2').innerText()).trim(), (await s.innerText()).replace(/\s+/g, ' '));
  return out;
}

/** The figures block of a section, label → value. */
async function figures(page: Page, heading: string): Promise<Map<string, string>> {
  const items = page.locator(`section:has(h2:text-is("${heading}")) .nums li`);
  const out = new Map<string, string>();
  for (const li of await items.all()) {
    const label = (await li.locator('span').innerText()).trim();
    out.set(label, (await li.locator('strong').innerText()).trim());
    if ((await li.locator('small').count()) > 0) out.set(`${label} ·`, await li.locator('small').innerText());
  }
  return out;
}

describe('1. figures that agree', () => {
  it('a client watched for months, on the 1st: the month and its budget tell the same story', async () => {
    const page = await noJs.context.newPage();
    await page.goto(`${base}/status/old/`);
    await screenshot(page, 'first-of-month-old-1280');
    // 20 minutes down just after midnight: against December's 44 640 minutes, not against 31 watched.
    expect(Object.fromEntries(await figures(page, 'Кодекс — основной сервер'))).toEqual({
      'Доступность за 30 дней': '99,95 %',
      'За 90 дней': '99,98 %',
      'В декабре (договор 99,50 %)': '99,95 %',
      'Запас простоя до конца месяца': '3 ч 23 мин из 3 ч 43 мин',
    });
    await page.close();
  });

  it('a client added today at 23:11: «по данным с 1 декабря, 23:11», and no «0,00 %» or «42,85 %»', async () => {
    const page = await noJs.context.newPage();
    await page.goto(`${base}/status/new/`);
    await screenshot(page, 'first-of-month-new-1280');
    expect(Object.fromEntries(await figures(page, 'Техэксперт — второй сервер'))).toEqual({
      // The 29 minutes watched so far, 20 of them down: said as what they are.
      'Доступность с 1 декабря, 23:11': '31,03 %',
      'В декабре (договор 99,50 %)': '99,95 %',
      'В декабре (договор 99,50 %) ·': 'по данным с 1 декабря, 23:11',
      'Запас простоя до конца месяца': '3 ч 16 мин из 3 ч 36 мин',
    });
    expect(Object.fromEntries(await figures(page, 'Кодекс — основной сервер'))).toMatchObject({
      'Доступность с 1 декабря, 23:11': '100 %',
      'В декабре (договор 99,50 %)': '100 %',
      'Запас простоя до конца месяца': '3 ч 36 мин из 3 ч 36 мин',
    });
    await page.close();
  });

  it('on every page the month is below its target exactly when the budget is overspent', async () => {
    const page = await noJs.context.newPage();
    let checked = 0;
    for (const slug of PAGES) {
      await page.goto(`${base}/status/${slug}/`);
      for (const h of await page.locator('section:has(.nums) h2').allInnerTexts()) {
        const f = await figures(page, h.trim());
        const [label, value] = [...f].find(([k]) => k.includes('(договор') && !k.endsWith('·')) ?? ['', ''];
        const target = Number(/договор ([\d,]+) %/.exec(label)![1]!.replace(',', '.'));
        const month = Number(value.replace(' %', '').replace(',', '.'));
        const budget = f.get('Запас простоя до конца месяца')!;
        expect(month >= target, `${slug} ${h}: ${value} vs «${budget}»`).toBe(!budget.startsWith('превышен'));
        expect(value, `${slug} ${h}`).not.toBe('0,00 %');
        checked++;
      }
    }
    expect(checked).toBe(14);
    await page.close();
  });
});

describe('3. day bars', () => {
  it("a watched, working installation's first day is green, not «без данных»", async () => {
    const page = await noJs.context.newPage();
    await page.goto(`${base}/status/new/`);
    const today = page.locator('section:has(h2:text-is("Кодекс — основной сервер")) .bars li').last();
    expect(await today.getAttribute('class')).toBe('l-ok');
    expect(await today.getAttribute('title')).toBe('1 декабря: без сбоев, данные с 23:11 МСК');
    await page.close();
  });

  it('a day under announced maintenance is shown as maintenance, not as downtime', async () => {
    const page = await noJs.context.newPage();
    await page.goto(`${base}/status/old/`);
    const bars = page.locator('.bars li');
    const titles = await bars.evaluateAll((els) =>
      els.map((e) => `${e.className} ${e.getAttribute('title')}`),
    );
    // 20:00–21:00 announced; the server was back at the check at 21:01.
    expect(titles.at(-2)).toBe('l-maint 30 ноября: плановые работы 1 ч 1 мин');
    expect(titles.at(-1)).toBe('l-minor 1 декабря: простой 20 мин');
    await page.close();
  });
});

describe('8. announced maintenance', () => {
  it('the installation is not under «Текущие инциденты» with a troubleshooting cause', async () => {
    const page = await noJs.context.newPage();
    await page.goto(`${base}/status/upd/`);
    await screenshot(page, 'first-of-month-upd-1280');
    const text = await page.locator('main').innerText();
    expect(text).toContain('Идут сейчас: Переезд на новый сервер');
    expect(await page.locator('.hero').innerText()).toContain('Плановые работы');
    expect(text).not.toContain('Текущие инциденты');
    expect(text).not.toContain('Вероятная причина');
    const summary = JSON.parse(await (await fetch(`${base}/status/upd/summary.json`)).text());
    expect(summary.incidents).toEqual([]);
    expect(await (await fetch(`${base}/status/upd/feed.xml`)).text()).not.toContain('Идёт:');
    await page.close();
  });
});

describe('9. is it us or you', () => {
  it('without JavaScript each installation says when the server last answered and since when no incident', async () => {
    const got = new Map<string, string>();
    const page = await noJs.context.newPage();
    for (const slug of ['old', 'upd', 'new'])
      for (const [h, text] of await sections(page, slug)) {
        const facts =
          /(Сервер (?:ответил|не отвечает|в сети, ПК не работает)[^·]*?МСК).*?((?:Без инцидентов|Инцидент идёт) [^А-ЯЁ]*?[а-я\d,: ]+?)(?= (?:Доступ|Сеть))/.exec(
            text,
          );
        got.set(`${slug}: ${h}`, facts ? `${facts[1]} | ${facts[2]}` : text);
      }
    expect(Object.fromEntries(got)).toEqual({
      'old: Кодекс — основной сервер': 'Сервер ответил в 23:36 МСК | Без инцидентов 23 ч 9 мин',
      'upd: Кодекс: Медицина':
        'Сервер в сети, ПК не работает с 23:06 МСК | Без инцидентов с 30 ноября, 00:00',
      'new: Кодекс — основной сервер': 'Сервер ответил в 23:36 МСК | Без инцидентов с 1 декабря, 23:11',
      'new: Техэксперт — второй сервер': 'Сервер ответил в 23:36 МСК | Без инцидентов 4 мин',
    });
    await page.close();
  });
});

describe('11. size and accessible day bars', () => {
  it('a client with ten installations is at most 50 KB of HTML; one installation is a fraction of it', async () => {
    const ten = Buffer.byteLength(await readFile(join(dist, 'status/ten/index.html')));
    const one = Buffer.byteLength(await readFile(join(dist, 'status/old/index.html')));
    console.log(
      `client page: 1 installation ${(one / 1024).toFixed(1)} KB, 10 installations ${(ten / 1024).toFixed(1)} KB`,
    );
    expect(ten).toBeLessThanOrEqual(50 * 1024);
    expect(one).toBeLessThan(12 * 1024);
  });

  it('each day can be read with the keyboard and a screen reader, and axe finds nothing serious', async () => {
    const b = await openBrowser({ js: true, width: 1280 });
    try {
      const page = await b.context.newPage();
      await page.goto(`${base}/status/old/`);
      // Keyboard only: Tab to the first installation's «По дням» and open it with Enter.
      const summary = page.locator('details.days summary').first();
      const focused = () => summary.evaluate((e) => e === e.ownerDocument.activeElement);
      for (let i = 0; i < 20 && !(await focused()); i++) await page.keyboard.press('Tab');
      await expect(focused()).resolves.toBe(true);
      await page.keyboard.press('Enter');
      const row = page.getByRole('row', { name: '30 ноября плановые работы 1 ч 1 мин' });
      await expect(row.isVisible()).resolves.toBe(true);
      // What a screen reader gets: the summary, then every day (quiet days as ranges).
      const tree = await page.locator('details.days').first().ariaSnapshot();
      expect(tree).toContain('По дням за 90 дней: простой — 1 день, плановые работы — 1 день');
      expect(tree).toMatch(/rowheader "3 сентября — 29 ноября"[\s\S]*cell "без сбоев"/);
      expect(tree).toContain('rowheader "1 декабря"');
      // The bars themselves are decoration for sighted mouse users; they are hidden from the tree.
      expect(await page.locator('.bars').first().getAttribute('aria-hidden')).toBe('true');
      await screenshot(page, 'first-of-month-old-days-open');
      const problems: string[] = [];
      for (const slug of PAGES) {
        await page.goto(`${base}/status/${slug}/`);
        for (const v of await axeSerious(page, base)) problems.push(`${slug}: ${v.id} ${v.help}`);
      }
      expect(problems).toEqual([]);
    } finally {
      await b.close();
    }
  }, 120_000);
});

describe('7. the Atom feed', () => {
  it('has no «..» where a cause already ends with a full stop', async () => {
    const feeds = await Promise.all(
      PAGES.map(async (s) => (await fetch(`${base}/status/${s}/feed.xml`)).text()),
    );
    // The causes the engine wrote end with a full stop of their own; the feed quotes them with no second one.
    const incidents = JSON.parse(await readFile(join(tmp, 'status/incidents/2026-11.json'), 'utf8'));
    const causes: string[] = incidents.incidents.map(
      (i: { diagnosis?: { cause: string } }) => i.diagnosis?.cause,
    );
    const cause = causes.find((c) => c?.endsWith('.'));
    expect(cause).toBeDefined();
    const all = feeds.join('\n');
    const quoted = `Вероятная причина: ${cause}`;
    expect(all).toContain(quoted);
    expect(all[all.indexOf(quoted) + quoted.length]).not.toBe('.');
    expect(feeds.filter((f) => /[^.]\.\.(?!\.)/.test(f))).toEqual([]);
  });
});

describe('13. status data for clients the config does not know', () => {
  it('`npm run build` warns and names them', () => {
    expect(build.stderr).toMatch(/warning: status data for 1 client not in \S*installations\.yaml: ghost/);
    expect(build.stderr).toContain('SMART_CONFIG');
    expect(build.stderr.match(/warning: status data/g)).toHaveLength(1);
  });
});
