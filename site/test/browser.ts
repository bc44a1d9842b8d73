/** Debian's Chromium through playwright-core, with a fresh profile per context, and axe-core injected. */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { ROOT } from './build-site.ts';

export const SCREENSHOTS = join(ROOT, 'test-output/site');
/** axe-core from node_modules; the test server publishes it at AXE_URL_PATH. */
export const AXE_FILE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
export const AXE_URL_PATH = '/__test/axe.min.js';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close: () => Promise<void>;
}

/** Opens Chromium with its own fresh --user-data-dir; `js: false` turns JavaScript off. */
export async function openBrowser(opts: { js: boolean; width: number; dark?: boolean }): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'smart-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: ARGS,
    headless: true,
    javaScriptEnabled: opts.js,
    viewport: { width: opts.width, height: 800 },
    colorScheme: opts.dark ? 'dark' : 'light',
    locale: 'ru-RU',
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot under test-output/site/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core on the page; returns the serious and critical violations. axe is loaded by URL from the
 * test server (`base` + AXE_URL_PATH) so Chromium's code cache saves compiling 500 KB on every page.
 */
export async function axeSerious(page: Page, base: string): Promise<AxeViolation[]> {
  await page.addScriptTag({ url: base + AXE_URL_PATH });
  const violations = (await page.evaluate(async () => {
    // @ts-expect-error axe is injected above
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations;
  })) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
}
