/**
 * The alert reference as a manager meets it: the site built from the real docs/errors answers every link
 * SMART has ever sent (57 names and the aliases in circulation, each as .md, folder and in lower case), the
 * index groups the alerts by SMART's nine sections and stays readable at 1280 and 390 px, and the Russian
 * search finds an alert by the words of its meaning.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog, type RunbookEntry } from '../../checker/alerts/catalog.ts';
import { SECTIONS } from '../../checker/alerts/names.ts';
import { openBrowser, screenshot } from './browser.ts';
import { buildSite, ROOT } from './build-site.ts';
import { serveStatic } from './static-server.ts';

const DOCS = join(ROOT, 'docs/errors');
const SITE = 'https://status.test.example';

/** Every alert SMART sends (reference §1), written out here on purpose: not read from docs/errors. */
const SMART_NAMES = [
  // Базы данных и оперативные обновления
  'KodeksDBerrorsNoCode',
  'KodeksDBerrorsNoCodeCount',
  'KodeksDBerrorsCode2007',
  'KodeksDBerrorsCode2007Count',
  'KodeksDBerrorsCodeXXX',
  'KodeksDBerrorsCodeXXXCount',
  'KodeksDBOperUpToOld',
  'KodeksDBOperUpToOldCount',
  // Сеть
  'KodeksBehindProxyDown',
  'KodeksHttp200Status',
  'KodeksHttp200StatusCount',
  'KodeksIcmp',
  'KodeksIcmpCount',
  'KodeksTcpStatus',
  'KodeksTcpStatusCount',
  // Онлайн-доступы
  'OnlineBillingDocsLeft150',
  'OnlineBillingDocsLeft50',
  'OnlineBillingDocsLeftZero',
  'OnlineBillingPrintLeft150',
  'OnlineBillingPrintLeft50',
  'OnlineBillingPrintLeftZero',
  'OnlineBillingSearchLeft150',
  'OnlineBillingSearchLeft50',
  'OnlineBillingSearchLeftZero',
  'OnlineBillingUploadLeft150',
  'OnlineBillingUploadLeft50',
  'OnlineBillingUploadLeftZero',
  'OnlineLoginFailed',
  'OnlineUserActivityIsLow10',
  'OnlineUserActivityIsLow20',
  'OnlineUserActivityIsLow30',
  'KodeksSearchIsEmpty',
  // Доступность ПК
  'KodeksMaintenance',
  'KodeksMaintenanceCount',
  'KodeksNeedSupport',
  'KodeksMaintenanceToLong',
  'KodeksMaintenanceToLongCount',
  // Менеджер лицензий
  'LicmanIcmp',
  'LicmanTcpStatus',
  // Ключ SenseLock
  'KodeksOfflineSensLockCheck',
  'KodeksOnlineSensLockCheck',
  'KodeksXmlSensLockStatus',
  // Лицензии
  'KodeksDetectOverUserError',
  'KodeksLicenseExpiring2day',
  'KodeksLicenseExpiring7day',
  'KodeksLicenseExpiring90day',
  'KodeksLimitsUsers',
  'KodeksUnsupportedButUsed',
  // Пользователи
  'KodeksNewUser',
  'KodeksUserActivityIsLow',
  'KodeksUserAInvolvementIsLow',
  'KodeksSearchError',
  // Прочее
  'KodeksAuthNotWork',
  'KodeksSppStatus',
  'KodeksWarning',
  'SmartXMLfileIsToOld',
  'KodeksDBLicensesZero',
] as const;

/** Other spellings in managers' message history (reference §1) → the runbook each must open. */
const ALIASES: Record<string, (typeof SMART_NAMES)[number]> = {
  OnlineBillingSearch150: 'OnlineBillingSearchLeft150',
  OnlineBillingSearch50: 'OnlineBillingSearchLeft50',
  OnlineBillingSearch500: 'OnlineBillingSearchLeft50',
  KodeksDBerrorsNOCodeCount: 'KodeksDBerrorsNoCodeCount',
  KodeksDBerrorsCode1: 'KodeksDBerrorsNoCode',
  KodeksDBerrorsCode1Count: 'KodeksDBerrorsNoCodeCount',
  OnlineUserActivityIsLow0: 'OnlineUserActivityIsLow10',
  KodeksLimitsUser: 'KodeksLimitsUsers',
};

/** This checker's own alerts that were retired into one of SMART's: their links in messages already sent. */
const RETIRED: Record<string, (typeof SMART_NAMES)[number]> = {
  KodeksDirectDown: 'KodeksTcpStatus',
};

/** SMART's section titles (catalog contract), in SMART's order. */
const SECTION_TITLES: Record<(typeof SECTIONS)[number], string> = {
  db: 'Базы данных и оперативные обновления',
  network: 'Сеть',
  online: 'Онлайн-доступы',
  availability: 'Доступность ПК',
  licman: 'Менеджер лицензий',
  senselock: 'Ключ SenseLock',
  license: 'Лицензии',
  users: 'Пользователи',
  other: 'Прочее',
};

/** The four URL forms of one spelling: the .md link SMART sends, the folder, and both in lower case. */
function urlsOf(name: string): string[] {
  const low = name.toLowerCase();
  return [
    `/docs/errors/${name}.md`,
    `/docs/errors/${name}/`,
    `/docs/errors/${low}.md`,
    `/docs/errors/${low}/`,
  ];
}

let tmp: string;
let base: string;
let close: () => Promise<void>;
let runbooks: RunbookEntry[];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'smart-catalog-site-'));
  await mkdir(join(tmp, 'status'));
  const result = await buildSite({
    config: join(ROOT, 'site/test/fixtures/installations.yaml'),
    docs: DOCS,
    status: join(tmp, 'status'),
    now: '2026-11-28T09:25:00+03:00',
    outDir: join(tmp, 'dist'),
  });
  if (result.code !== 0) throw new Error(`build failed:\n${result.stderr}\n${result.stdout.slice(-3000)}`);
  ({ url: base, close } = await serveStatic(join(tmp, 'dist')));
  const catalog = await loadCatalog(DOCS);
  if (!catalog.ok) throw new Error(catalog.diagnostics.map((d) => d.message).join('\n'));
  runbooks = [...catalog.runbooks.values()];
}, 300_000);

afterAll(async () => {
  await close?.();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The runbook page a URL ends on (after GitHub Pages' folder redirect), or its status. */
async function open(path: string): Promise<{ status: number; canonical?: string; h1?: string }> {
  const res = await fetch(base + path);
  const text = await res.text();
  return {
    status: res.status,
    canonical: /<link rel="canonical" href="([^"]+)"/.exec(text)?.[1],
    h1: /<h1>([^<]+)<\/h1>/.exec(text)?.[1],
  };
}

describe('every link a manager already has opens its runbook', () => {
  it('the lists in this test are SMART’s 57 names and 8 aliases', () => {
    expect(new Set(SMART_NAMES).size).toBe(57);
    expect(Object.keys(ALIASES)).toHaveLength(8);
  });

  describe.each(SMART_NAMES.map((n) => [n]))('%s', (name) => {
    it('answers at .md, folder and lower case', async () => {
      const title = runbooks.find((r) => r.alert === name)?.title;
      expect(title, `docs/errors/${name}.md`).toBeDefined();
      for (const url of urlsOf(name))
        expect(await open(url), url).toEqual({
          status: 200,
          canonical: `${SITE}/docs/errors/${name}/`,
          h1: title,
        });
    });
  });

  describe.each(Object.entries({ ...ALIASES, ...RETIRED }))('alias %s', (alias, name) => {
    it(`opens ${name} at .md, folder and lower case`, async () => {
      const entry = runbooks.find((r) => r.alert === name);
      expect(entry?.aliases, `aliases of ${name}`).toContain(alias);
      for (const url of urlsOf(alias)) {
        const page = await open(url);
        expect(page, url).toEqual({
          status: 200,
          canonical: `${SITE}/docs/errors/${name}/`,
          h1: entry!.title,
        });
      }
      const text = await (await fetch(`${base}/docs/errors/${alias}.md`)).text();
      expect(text.replace(/<wbr>/g, '')).toContain(`Ссылка была на <code class="name">${alias}</code>`);
    });
  });

  it('a name nobody sent still gets the 404 that explains how to add a runbook', async () => {
    expect((await open('/docs/errors/KodeksNoSuchAlert.md')).status).toBe(404);
  });
});

describe('runbooks link their neighbours by name', () => {
  /** The links inside a runbook's body (its rendered Markdown), href → text. */
  async function bodyLinks(name: string): Promise<[string, string][]> {
    const html = await (await fetch(`${base}/docs/errors/${name}/`)).text();
    const body = /<div class="md">([\s\S]*?)<\/div>\s*(?:<section|<\/article)/.exec(html)?.[1] ?? '';
    expect(body.length, `body of ${name}`).toBeGreaterThan(500);
    return [...body.matchAll(/<a href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => [
      m[1]!,
      m[2]!.replace(/<[^>]+>/g, ''),
    ]);
  }

  it('`KodeksWarning` in KodeksAuthNotWork opens KodeksWarning; `LoginPasswordError` in OnlineLoginFailed is no link', async () => {
    expect(await bodyLinks('KodeksAuthNotWork')).toContainEqual([
      '/docs/errors/KodeksWarning/',
      'KodeksWarning',
    ]);
    const login = await bodyLinks('OnlineLoginFailed');
    expect(login.map(([, text]) => text)).not.toContain('LoginPasswordError');
    // A neighbour of another section (licences, from the users' section).
    expect(await bodyLinks('KodeksDetectOverUserError')).toContainEqual([
      '/docs/errors/KodeksLimitsUsers/',
      'KodeksLimitsUsers',
    ]);
    // The page's own name and its alias (`KodeksLimitsUser`) are not links to itself.
    expect((await bodyLinks('KodeksLimitsUsers')).map(([href]) => href)).not.toContain(
      '/docs/errors/KodeksLimitsUsers/',
    );
  });

  it('every link inside every runbook body resolves on the built site', async () => {
    const broken: string[] = [];
    const seen = new Set<string>();
    for (const r of runbooks)
      for (const [href] of await bodyLinks(r.alert)) {
        if (!href.startsWith('/') || seen.has(href)) continue;
        seen.add(href);
        const res = await fetch(base + href.split('#')[0]);
        await res.arrayBuffer();
        if (res.status !== 200) broken.push(`${r.alert} → ${href} (${res.status})`);
      }
    expect(broken).toEqual([]);
    expect(seen.size).toBeGreaterThan(10);
  });
});

describe('the index /docs/errors/', () => {
  it('groups the alerts by SMART’s sections, in SMART’s order, with priority, importance and who raises each', async () => {
    const b = await openBrowser({ js: false, width: 1280 });
    try {
      const page = await b.context.newPage();
      await page.goto(`${base}/docs/errors/`);
      // What a reader sees: each section's heading and, per row, the link target and the three cells.
      const seen = await page.locator('main section').evaluateAll((sections) =>
        sections.map((s) => ({
          id: s.querySelector('h2')?.id,
          title: s.querySelector('h2')?.textContent,
          rows: [...s.querySelectorAll('tbody tr')].map((tr) => [
            tr.querySelector('a')?.getAttribute('href'),
            ...[...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent?.trim()),
          ]),
        })),
      );
      const present = SECTIONS.filter((key) => runbooks.some((r) => r.sections.includes(key)));
      expect(seen.map((s) => s.id)).toEqual(present);
      expect(seen.map((s) => s.title)).toEqual(present.map((key) => SECTION_TITLES[key]));
      for (const section of seen) {
        const expected = runbooks
          .filter((r) => r.sections.includes(section.id as (typeof SECTIONS)[number]))
          .map((e) => [
            `/docs/errors/${e.alert}/`,
            `К${e.priority}`,
            e.importance === 'critical' ? 'критичная' : 'информационная',
            e.raised_by === 'checker' ? 'наш проверяющий' : 'SMART',
          ]);
        expect([...section.rows].sort(), section.id).toEqual(expected.sort());
      }
    } finally {
      await b.close();
    }
  }, 120_000);

  it('lists KodeksSearchIsEmpty under both of its sections', async () => {
    const html = await (await fetch(`${base}/docs/errors/`)).text();
    // The section each link sits in: the last <h2 id> before it.
    const sectionAt = (index: number) => [...html.slice(0, index).matchAll(/<h2 id="(\w+)">/g)].pop()?.[1];
    const rows = [...html.matchAll(/href="\/docs\/errors\/KodeksSearchIsEmpty\/"/g)].map((m) => m.index);
    expect(rows.map(sectionAt)).toEqual(['online', 'users']);
  });

  it.each([1280, 390])(
    'at %i px: nothing overflows sideways and no alert name breaks inside a word',
    async (width) => {
      const b = await openBrowser({ js: false, width });
      try {
        const page = await b.context.newPage();
        await page.goto(`${base}/docs/errors/`);
        await screenshot(page, `errors-index-${width}`);
        expect
          .soft(await page.evaluate<number>('document.documentElement.scrollWidth'))
          .toBeLessThanOrEqual(width);
        // Each hump of a name (the text between two <wbr>) must sit on one line: a text node that wraps
        // inside itself has more than one client rect.
        const broken = await page.locator('code.name').evaluateAll((codes) => {
          const out: string[] = [];
          for (const code of codes) {
            for (const node of code.childNodes) {
              if (node.nodeType !== 3 || !node.textContent) continue;
              const range = code.ownerDocument.createRange();
              range.selectNodeContents(node);
              const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
              if (lines.size > 1) out.push(`${code.textContent}: «${node.textContent}»`);
            }
          }
          return out;
        });
        expect(broken).toEqual([]);
        const names = await page.locator('code.name').count();
        expect(names).toBeGreaterThanOrEqual(runbooks.length);
      } finally {
        await b.close();
      }
    },
    120_000,
  );
});

describe('search in Russian', () => {
  /** Words a manager types → the runbook that must be among the results shown. */
  const SEARCHES: [string, string][] = [
    ['ключ', 'KodeksXmlSensLockStatus'],
    ['лицензия истекает', 'KodeksLicenseExpiring7day'],
    ['порт не принимает соединения', 'KodeksTcpStatus'],
    ['режим обслуживания', 'KodeksMaintenance'],
    ['сертификат', 'KodeksTlsCertExpiring'],
    ['OnlineBillingSearch150', 'OnlineBillingSearchLeft150'],
  ];

  for (const [words, alert] of SEARCHES)
    it(`«${words}» finds ${alert}`, async () => {
      const b = await openBrowser({ js: true, width: 1280 });
      try {
        const page = await b.context.newPage();
        await page.goto(`${base}/docs/errors/`);
        await page.locator('.pagefind-ui__search-input').fill(words);
        await page.locator('.pagefind-ui__result-link').first().waitFor({ timeout: 15_000 });
        const hrefs = await page
          .locator('.pagefind-ui__result-link')
          .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
        expect(hrefs.map((h) => h.replace(/^\/docs\/errors\/([^/]+)\/.*$/, '$1'))).toContain(alert);
        await screenshot(page, `errors-search-${alert}`);
      } finally {
        await b.close();
      }
    }, 60_000);
});

describe('sizes', () => {
  it('the index stays small enough for a phone: under 100 KiB of HTML', async () => {
    const html = await readFile(join(tmp, 'dist/docs/errors/index.html'));
    expect(html.byteLength).toBeLessThan(100 * 1024);
  });
});
