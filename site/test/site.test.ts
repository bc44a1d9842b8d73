/**
 * Builds the site once from fixture data covering every state, serves dist/ like GitHub Pages and checks
 * what visitors and crawlers get: texts, privacy, links, aliases, feeds, size, valid HTML, and real
 * Chromium with JavaScript on and off (screenshots in test-output/site/, axe-core).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../checker/alerts/catalog.ts';
import { parseConfig } from '../../checker/config/load.ts';
import { htmlToPlain } from '../../checker/notify/html.ts';
import { renderEvents } from '../../checker/notify/render.ts';
import { AXE_FILE, AXE_URL_PATH, axeSerious, openBrowser, screenshot } from './browser.ts';
import { buildSite, ROOT } from './build-site.ts';
import { serveStatic } from './static-server.ts';
import { blipStart, writeStatusFixture } from './status-fixture.ts';

const NOW = '2026-11-28T09:25:00+03:00';
const FIXTURES = join(ROOT, 'site/test/fixtures');

let tmp: string;
let dist: string;
let base: string;
let close: () => Promise<void>;
let files: string[];

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

async function get(path: string): Promise<{ status: number; text: string; url: string }> {
  const res = await fetch(base + path);
  return { status: res.status, text: await res.text(), url: res.url };
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'smart-site-'));
  await writeStatusFixture(join(tmp, 'status'), Date.parse(NOW));
  dist = join(tmp, 'dist');
  const result = await buildSite({
    config: join(FIXTURES, 'installations.yaml'),
    docs: join(FIXTURES, 'docs/errors'),
    status: join(tmp, 'status'),
    now: NOW,
    outDir: dist,
  });
  if (result.code !== 0) throw new Error(`build failed:\n${result.stderr}\n${result.stdout.slice(-3000)}`);
  files = await walk(dist);
  ({ url: base, close } = await serveStatic(dist, { [AXE_URL_PATH]: AXE_FILE }));
});

afterAll(async () => {
  await close?.();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('privacy', () => {
  const MARKERS = [
    'MARKER-',
    'marker-',
    '@marker_tg',
    '203.0.113.',
    'MARKER-PRIVATE-TITLE',
    'secret', // the private client's id
  ];

  it('no private field or private client appears in any file under dist/', async () => {
    const leaks: string[] = [];
    for (const f of files) {
      if (f.includes(`${join(dist, 'pagefind')}/`) && !/\.(json|js|css|html)$/.test(f)) {
        // Pagefind's fragments are compressed: check the runbook pages they are built from instead.
        continue;
      }
      const text = await readFile(f, 'latin1').then((b) => Buffer.from(b, 'latin1').toString('utf8'));
      for (const m of MARKERS) if (text.includes(m)) leaks.push(`${relative(dist, f)}: ${m}`);
    }
    expect(leaks).toEqual([]);
  });

  it('the unlisted client has a noindex page that nothing else links to', async () => {
    const slug = 'u-9f8e7d6c5b';
    const page = await get(`/status/${slug}/`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<meta name="robots" content="noindex, nofollow">');
    // The unguessable slug must not travel in a Referer header either.
    expect(page.text).toContain('<meta name="referrer" content="no-referrer">');
    expect(page.text).toContain('ЗАО «Скрытое»');
    const mentions: string[] = [];
    for (const f of files) {
      if (f.startsWith(join(dist, 'status', slug))) continue;
      const text = await readFile(f, 'utf8');
      if (text.includes(slug) || text.includes('Скрытое')) mentions.push(relative(dist, f));
    }
    expect(mentions).toEqual([]);
  });

  it('the private client has no page at all', async () => {
    expect((await get('/status/secret/')).status).toBe(404);
    expect(files.some((f) => f.includes('/status/secret'))).toBe(false);
  });
});

describe('home page', () => {
  it('lists the public clients with glyph and state text, not the unlisted or private ones', async () => {
    const { text } = await get('/');
    for (const t of ['ООО «Норма»', 'АО «Медленный сервер»', 'ПАО «Северный завод»', 'Клиника «Медцентр»'])
      expect(text).toContain(t);
    expect(text).toMatch(/aria-hidden="true">✖<\/span>Серьёзный сбой/);
    expect(text).toContain('Последняя проверка: 09:23 МСК');
    expect(text).not.toContain('Скрытое');
  });
});

describe('client pages', () => {
  const cases: [string, string, string[]][] = [
    ['norma', 'Работает штатно', ['Проверено 09:23 МСК', 'Кодекс — резервный сервер', 'Замена сервера']],
    [
      'degraded',
      'Снижение качества',
      [
        'Сертификат TLS',
        'Сертификат истекает через 9 дней',
        'Текущие инциденты',
        'Сертификат TLS скоро истечёт',
      ],
    ],
    [
      'outage',
      'Серьёзный сбой',
      [
        'DNS не отвечает, установка доступна по IP-адресу',
        'откройте ПК по IP-адресу из письма вашего менеджера',
        'href="/docs/errors/KodeksDnsResolve/"',
        'размещение: Техэксперт.Облако',
        'Текущие инциденты',
      ],
    ],
    ['maint', 'Плановые работы', ['Идут сейчас', 'Обновление ПК до новой версии']],
    ['stale', 'Нет данных', ['Данные устарели', 'Последнее известное состояние: работает штатно']],
    ['fresh', 'Нет данных', ['Данных пока нет']],
  ];

  it.each(cases)('/status/%s/ says «%s»', async (slug, state, texts) => {
    const { status, text } = await get(`/status/${slug}/`);
    expect(status).toBe(200);
    expect(text).toContain(`</span>${state}</span>`);
    for (const t of texts) expect(text).toContain(t);
  });

  it('a suppressed child incident and a non-client-visible alert stay off the page', async () => {
    expect((await get('/status/outage/')).text).not.toContain('KodeksBehindProxyDown');
    expect((await get('/status/degraded/')).text).not.toContain('KodeksAgentSilent');
  });

  it('shows 90 daily bars per installation, each day with date, minutes down and without data', async () => {
    const { text } = await get('/status/norma/');
    const strips = text.match(/<ol class="bars"[^>]*>.*?<\/ol>/g) ?? [];
    expect(strips).toHaveLength(2);
    for (const strip of strips) {
      const days = [...strip.matchAll(/<li class="l-[a-z]+"(?: style="--n:(\d+)")?/g)];
      expect(days.reduce((a, m) => a + Number(m[1] ?? 1), 0)).toBe(90);
    }
    expect(text).toContain('<th scope="row">25 ноября</th><td>простой 1 ч 5 мин</td>');
    expect(text).not.toContain('простой 1 ч 5 мин, без данных');
    expect(text).toContain('<th scope="row">16 ноября</th><td>без данных 6 ч 40 мин</td>');
    expect(text).toMatch(/<th scope="row">\d+ [а-я]+ — \d+ ноября<\/th><td>без сбоев<\/td>/);
  });

  it('shows uptime 30/90 days and this month against the contract with the budget left', async () => {
    const { text } = await get('/status/norma/');
    expect(text).toContain('Доступность за 30 дней');
    expect(text).toContain('договор 99,50 %');
    // November so far: 65 min down; 0.5 % of 30 days = 216 min allowed.
    expect(text).toContain('2 ч 31 мин из 3 ч 36 мин');
    expect(text).toMatch(/Время указано в часовом поясе Europe\/Moscow/);
  });

  it('incident history tells the SenseLock key case with its duration', async () => {
    const { text } = await get('/status/norma/');
    expect(text).toContain('Сервер не видит ключ SenseLock');
    expect(text).toContain('25 ноября 2026, 21:00 МСК');
    expect(text).toContain('1 ч 5 мин');
  });

  // Issue 17.2: Telegram said «простой 1 мин», the page «2 мин» for the same 1 min 34 s.
  it('a 1 min 34 s incident reads «1 мин» on the page and in the Telegram message', async () => {
    const { text } = await get('/status/norma/');
    const start = blipStart(Date.parse(NOW));
    expect(text).toMatch(
      />Кодекс — резервный сервер · с 23 ноября 2026, 09:25 МСК до 09:26 МСК · длительность 1 мин</,
    );
    // The fixture's installations.yaml, with a managers' chat to send the message to.
    const yaml = await readFile(join(FIXTURES, 'installations.yaml'), 'utf8');
    const config = parseConfig('installations.yaml', `${yaml}\nnotify:\n  telegram: { chat: "-100123" }\n`);
    const catalog = await loadCatalog(join(FIXTURES, 'docs/errors'));
    if (!config.ok || !catalog.ok) throw new Error('fixture inputs');
    const [message] = renderEvents(
      [
        {
          kind: 'resolved',
          client: 'norma',
          installation: 'reserve',
          alert: 'KodeksBehindProxyDown',
          importance: 'critical',
          since: new Date(start).toISOString(),
          at: new Date(start + 94_000).toISOString(),
          durationMs: 94_000,
          incident: 'blip-norma',
        },
      ],
      { config: config.config, catalog: catalog.catalog, now: new Date(start + 94_000) },
    );
    expect(htmlToPlain(message!.text)).toContain('Простой 1 мин');
  });

  it('every client page is under 50 KB of HTML and CSS and loads no script', async () => {
    for (const f of files.filter((x) => /\/status\/[^/]+\/index\.html$/.test(x))) {
      const html = await readFile(f, 'utf8');
      expect(Buffer.byteLength(html), relative(dist, f)).toBeLessThan(50 * 1024);
      expect(html).not.toMatch(/<script|<link rel="stylesheet"/);
    }
  });
});

describe('feed, summary, badge', () => {
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });

  it('feed.xml is Atom with the open and past incidents', async () => {
    const { status, text } = await get('/status/outage/feed.xml');
    expect(status).toBe(200);
    const feed = xml.parse(text).feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    const entries = [feed.entry].flat();
    expect(entries[0].title).toBe('Идёт: Доменное имя установки не разрешается — Кодекс: Документация');
    expect(entries[0].content['#text']).toContain('Вероятная причина: DNS не отвечает');
    expect(feed.link[0]['@href']).toBe('https://status.test.example/status/outage/');
  });

  it('summary.json follows the Statuspage v2 shape', async () => {
    const s = JSON.parse((await get('/status/outage/summary.json')).text);
    expect(s.status).toEqual({ indicator: 'critical', description: 'Серьёзный сбой' });
    expect(s.page.url).toBe('https://status.test.example/status/outage/');
    expect(s.components.find((c: { id: string }) => c.id === 'cloud.dns').status).toBe('major_outage');
    expect(s.incidents).toHaveLength(1);
    expect(s.incidents[0].status).toBe('investigating');
    const maint = JSON.parse((await get('/status/maint/summary.json')).text);
    expect(maint.status.indicator).toBe('maintenance');
    expect(maint.scheduled_maintenances[0].status).toBe('in_progress');
  });

  it('badge.svg is an SVG that says the state in words', async () => {
    const { text } = await get('/status/degraded/badge.svg');
    const svg = xml.parse(text).svg;
    expect(svg['@aria-label']).toBe('статус: снижение качества');
  });
});

describe('runbooks', () => {
  it('/docs/errors/ lists every alert with importance, title and summary, plus the search box', async () => {
    const { text } = await get('/docs/errors/');
    const runbooks = (await readdir(join(FIXTURES, 'docs/errors'))).filter((n) => n.endsWith('.md'));
    expect(text.match(/<code class="name">/g)).toHaveLength(runbooks.length);
    expect(text).toContain('Сервер не видит ключ SenseLock');
    expect(text).toContain('Комплекты не собираются');
    expect(text).toContain('/pagefind/pagefind-ui.js');
  });

  it('the link an alert carries (.md) opens the runbook, canonical to the clean URL', async () => {
    const res = await get('/docs/errors/KodeksXmlSensLockStatus.md');
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${base}/docs/errors/KodeksXmlSensLockStatus.md/`);
    expect(res.text).toContain('<h1>Сервер не видит ключ SenseLock</h1>');
    expect(res.text).toContain(
      '<link rel="canonical" href="https://status.test.example/docs/errors/KodeksXmlSensLockStatus/">',
    );
  });

  it.each(['kodeksxmlsenslockstatus', 'kodeksxmlsenslockstatus.md', 'KodeksXmlSensLockStatus'])(
    '/docs/errors/%s/ opens the same runbook',
    async (alias) => {
      const res = await get(`/docs/errors/${alias}/`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('<h1>Сервер не видит ключ SenseLock</h1>');
    },
  );

  it('shows the front matter, the body, the history of firings and the edit link', async () => {
    const { text } = await get('/docs/errors/KodeksXmlSensLockStatus/');
    expect(text).toMatch(/<dt[^>]*>Приоритет<\/dt>\s*<dd[^>]*>К1<\/dd>/);
    expect(text).toContain('критичная (<code>critical</code>)');
    expect(text).toMatch(/<dt[^>]*>Кто поднимает<\/dt>\s*<dd[^>]*>наш проверяющий<\/dd>/);
    expect(text).toContain('после 2 неудачных проверок подряд');
    expect(text).toContain(
      '<a href="/docs/errors/KodeksXmlStatusUnavailable/">KodeksXmlStatusUnavailable</a>',
    );
    expect(text).toContain('<h2 id="что-делать">Что делать</h2>');
    expect(text).toContain('История срабатываний');
    expect(text).toContain('<a href="/status/norma/">ООО «Норма»</a>, Кодекс — основной сервер');
    expect(text).toContain('клиент не публикуется');
    expect(text).toContain(
      'href="https://github.com/uniclass/smart-status/edit/main/docs/errors/KodeksXmlSensLockStatus.md"',
    );
  });

  it('a missing runbook gets a 404 that explains how to add one', async () => {
    const res = await get('/docs/errors/KodeksNoSuchAlert.md');
    expect(res.status).toBe(404);
    expect(res.text).toContain('нет runbook');
    expect(res.text).toContain('docs/errors/&lt;ИмяАлерта&gt;.md');
    expect(res.text).toContain('https://github.com/uniclass/smart-status/new/main/docs/errors');
  });
});

describe('HTML', () => {
  // HTML Tidy (Debian package `tidy`) is the validator; .ci/run is asked to install it. Without it the
  // check is reported as skipped rather than passed.
  const hasTidy = spawnSync('tidy', ['-v']).error === undefined;
  it.skipIf(!hasTidy)('every page is valid HTML as HTML Tidy reads it (no errors, no warnings)', async () => {
    // Runbook aliases (.md, lowercase) are the same template as the canonical page: check canonical ones.
    const pages = files.filter(
      (x) => x.endsWith('.html') && !/\/docs\/errors\/(?!index\.html$)([a-z]|[^/]+\.md\/)/.test(x),
    );
    const problems = await Promise.all(
      pages.map(
        (f) =>
          new Promise<string>((resolve, reject) =>
            // Empty elements are valid HTML (the day bars are drawn by CSS); tidy would only clean them up.
            execFile('tidy', ['-q', '-e', '-utf8', '--drop-empty-elements', 'no', f], (err, _out, stderr) => {
              if (err && 'code' in err && err.code === 'ENOENT')
                reject(new Error('HTML Tidy is needed for this test: apt-get install -y tidy'));
              else resolve(stderr.trim() ? `${relative(dist, f)}:\n${stderr.trim()}` : '');
            }),
          ),
      ),
    );
    expect(pages.length).toBeGreaterThan(20);
    expect(problems.filter(Boolean)).toEqual([]);
  });
});

describe('links', () => {
  it('every internal link and asset in every page resolves', async () => {
    const seen = new Set<string>();
    const broken: string[] = [];
    for (const f of files.filter((x) => x.endsWith('.html'))) {
      const html = await readFile(f, 'utf8');
      for (const m of html.matchAll(/(?:href|src)="(\/[^"]*)"/g)) {
        const target = m[1]!.split('#')[0]!;
        if (seen.has(target)) continue;
        seen.add(target);
        const res = await fetch(base + target);
        await res.arrayBuffer();
        if (res.status !== 200) broken.push(`${relative(dist, f)} → ${target} (${res.status})`);
      }
    }
    expect(broken).toEqual([]);
    expect(seen.size).toBeGreaterThan(20);
  });
});

describe('in Chromium', () => {
  const PAGES: [string, string][] = [
    ['index', '/'],
    ['ok', '/status/norma/'],
    ['degraded', '/status/degraded/'],
    ['outage', '/status/outage/'],
    ['maintenance', '/status/maint/'],
    ['stale', '/status/stale/'],
    ['nodata', '/status/fresh/'],
    ['runbooks', '/docs/errors/'],
    ['runbook', '/docs/errors/KodeksXmlSensLockStatus.md'],
    ['404', '/docs/errors/KodeksNoSuchAlert.md'],
  ];

  it('with JavaScript on, light and dark: no serious or critical axe-core violations', async () => {
    for (const dark of [false, true]) {
      const b = await openBrowser({ js: true, width: 1024, dark });
      try {
        const page = await b.context.newPage();
        const problems: string[] = [];
        // axe is slow on a busy machine: one page of each layout in light mode (the state pages share
        // one template; all of them are screenshotted without JS below), and the two richest in dark mode.
        const light = ['index', 'ok', 'outage', 'stale', 'runbooks', 'runbook', '404'];
        const pages = PAGES.filter(([n]) => (dark ? ['outage', 'runbook'] : light).includes(n));
        for (const [name, path] of pages) {
          await page.goto(base + path);
          await screenshot(page, `${name}-js-${dark ? 'dark' : 'light'}-1024`);
          for (const v of await axeSerious(page, base))
            problems.push(
              `${path} ${dark ? 'dark' : 'light'}: ${v.id} (${v.impact}) ${v.help} ${JSON.stringify(v.nodes.slice(0, 3))}`,
            );
        }
        expect(problems).toEqual([]);
      } finally {
        await b.close();
      }
    }
  }, 180_000);

  it('with JavaScript off at 360 px: pages render, nothing overflows sideways', async () => {
    const b = await openBrowser({ js: false, width: 360 });
    try {
      const page = await b.context.newPage();
      const wide: string[] = [];
      for (const [name, path] of PAGES) {
        await page.goto(base + path);
        await screenshot(page, `${name}-nojs-360`);
        const width = await page.evaluate<number>('document.documentElement.scrollWidth');
        if (width > 360) wide.push(`${path}: ${width}px`);
        expect(await page.locator('h1').count(), path).toBe(1);
      }
      expect(wide).toEqual([]);
      await page.goto(`${base}/status/outage/`);
      await expect(page.locator('.hero').textContent()).resolves.toContain('Серьёзный сбой');
    } finally {
      await b.close();
    }
  }, 120_000);

  // Issue 17.10: on a phone the state of a component with a description wrapped under it, zig-zagging.
  it('at 390 px every component state stays in the right-hand column, on the first line of its row', async () => {
    const b = await openBrowser({ js: false, width: 390 });
    try {
      const page = await b.context.newPage();
      const misplaced: string[] = [];
      let rows = 0;
      for (const [name, path] of PAGES.filter(([, p]) => p.startsWith('/status/'))) {
        await page.goto(base + path);
        await screenshot(page, `${name}-nojs-390`);
        const found = await page.locator('.comp li').evaluateAll((lis) =>
          lis.map((li) => {
            const row = li.getBoundingClientRect();
            const name = li.firstElementChild!.getBoundingClientRect();
            const state = li.querySelector('.state')!.getBoundingClientRect();
            const ok = Math.abs(state.right - row.right) <= 1 && state.top < name.top + 8;
            return ok
              ? ''
              : `${li.textContent}: state at ${Math.round(state.left)}–${Math.round(state.right)}, row ends ${Math.round(row.right)}`;
          }),
        );
        rows += found.length;
        misplaced.push(...found.filter(Boolean).map((f) => `${path} ${f}`));
      }
      expect(rows).toBeGreaterThan(20);
      expect(misplaced).toEqual([]);
    } finally {
      await b.close();
    }
  }, 120_000);

  // Issue 17.10: /docs/errors/ at 1280 px broke «KodeksBehindProxyD|own».
  it('no table breaks a word in the middle: /docs/errors/ at 1280 px, every page at 390 px', async () => {
    const broken: string[] = [];
    for (const width of [1280, 390]) {
      const b = await openBrowser({ js: false, width });
      try {
        const page = await b.context.newPage();
        for (const [, path] of width === 1280 ? [['', '/docs/errors/']] : PAGES) {
          await page.goto(base + path);
          // In the page: every word of every table cell whose letters lie on more than one line.
          const words = await page.evaluate<string[]>(`(() => {
            const out = [];
            for (const cell of document.querySelectorAll('td, th')) {
              const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
              for (let n = walk.nextNode(); n; n = walk.nextNode())
                for (const m of n.data.matchAll(/[^\\s\\-–—/]+/g)) {
                  const r = document.createRange();
                  r.setStart(n, m.index);
                  r.setEnd(n, m.index + m[0].length);
                  if (new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1) out.push(m[0]);
                }
            }
            return out;
          })()`);
          broken.push(...words.map((w) => `${width}px ${path}: ${w}`));
        }
      } finally {
        await b.close();
      }
    }
    expect(broken).toEqual([]);
  }, 120_000);

  // Issue 17.12: the public 404 spoke of runbooks to a client who mistyped a link.
  it('the 404 speaks to a client who mistyped a link; the runbook hint only under /docs/errors/', async () => {
    // Rendered text only: the hidden half of the page must not count.
    const visible = async (page: import('playwright-core').Page) =>
      // biome-ignore lint/performance/useDomNodeTextContent: what the visitor sees, hidden parts excluded.
      (await page.locator('main').innerText()).replace(/\s+/g, ' ');
    const on = await openBrowser({ js: true, width: 1024 });
    try {
      const page = await on.context.newPage();
      const res = await page.goto(`${base}/status/norm/`);
      expect(res?.status()).toBe(404);
      await screenshot(page, '404-client');
      const text = await visible(page);
      expect(text).toContain('По этой ссылке ничего нет');
      expect(text).toContain('Возможно, вы имели в виду /status/norma/.');
      expect(text).not.toMatch(/runbook/i);
      // An unlisted client is never suggested, however close the typo.
      await page.goto(`${base}/status/u-9f8e7d6c5/`);
      expect(await visible(page)).not.toContain('Возможно, вы имели в виду');
      await page.goto(`${base}/docs/errors/KodeksNoSuchAlert.md`);
      await screenshot(page, '404-runbook');
      const runbook = await visible(page);
      expect(runbook).toContain("значит для этого алерта ещё нет runbook'а");
      expect(runbook).toContain('Runbook для «KodeksNoSuchAlert» не найден.');
      expect(runbook).not.toContain('По этой ссылке ничего нет');
    } finally {
      await on.close();
    }
    const off = await openBrowser({ js: false, width: 390 });
    try {
      const page = await off.context.newPage();
      await page.goto(`${base}/status/norm/`);
      const text = await visible(page);
      expect(text).toContain('По этой ссылке ничего нет');
      expect(text).not.toMatch(/runbook/i);
    } finally {
      await off.close();
    }
  }, 120_000);

  it('every page has a favicon, and the browser asks for no /favicon.ico', async () => {
    const pages = files.filter((f) => f.endsWith('.html'));
    const without: string[] = [];
    for (const f of pages)
      if (!(await readFile(f, 'utf8')).includes('<link rel="icon" href="/favicon.svg" type="image/svg+xml">'))
        without.push(relative(dist, f));
    expect(without).toEqual([]);
    const icon = await fetch(`${base}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(await icon.text()).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const b = await openBrowser({ js: true, width: 1024 });
    try {
      const page = await b.context.newPage();
      const asked: string[] = [];
      page.on('request', (r) => asked.push(new URL(r.url()).pathname));
      await page.goto(`${base}/status/norma/`);
      await page.waitForLoadState('networkidle');
      expect(asked).not.toContain('/favicon.ico');
    } finally {
      await b.close();
    }
  }, 60_000);

  it('the alert link opens the runbook in the browser, and search finds it in Russian', async () => {
    const b = await openBrowser({ js: true, width: 1024 });
    try {
      const page = await b.context.newPage();
      const res = await page.goto(`${base}/docs/errors/KodeksXmlSensLockStatus.md`);
      expect(res?.status()).toBe(200);
      expect(await page.locator('h1').textContent()).toBe('Сервер не видит ключ SenseLock');
      await page.goto(`${base}/docs/errors/`);
      await page.locator('.pagefind-ui__search-input').fill('ключа');
      const first = page.locator('.pagefind-ui__result-link').first();
      await first.waitFor({ timeout: 10_000 });
      const hrefs = await page
        .locator('.pagefind-ui__result-link')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(hrefs.some((h) => h?.includes('/docs/errors/KodeksXmlSensLockStatus'))).toBe(true);
      await screenshot(page, 'runbooks-search');
      await page.goto(`${base}/docs/errors/kodeksnosuchalert/`);
      await page.goto(`${base}/docs/errors/kodeksxmlsenslockstatu.md`);
      expect(await page.locator('#alert-guess').textContent()).toContain('не найден');
    } finally {
      await b.close();
    }
  }, 120_000);
});
