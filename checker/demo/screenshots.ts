/**
 * `smart demo --screenshots DIR`: PNGs of what the demo produced, for the README and for showing people —
 * a client's status page with an open incident, a runbook, and Telegram messages drawn as chat bubbles
 * (the stand-in received real Bot API HTML; it is shown as Telegram would, without contacting Telegram).
 * Uses the system Chromium through playwright-core; skipped, with the reason, when there is none.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { escapeHtml } from '../notify/html.ts';
import type { SentMessage } from '../testing/telegram-stand-in.ts';

/**
 * The demo's clock for screenshots: 40 minutes into the 1st of a month (Moscow), so the README shows the
 * month's figures where they once said «0,00 %», and every retake looks the same.
 */
export const SCREENSHOT_CLOCK = '2026-12-01T00:40:00+03:00';

/** Where the system Chromium is looked for. */
export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** What was written, or why nothing was. */
export type ScreenshotResult = { ok: true; files: string[] } | { ok: false; reason: string };

/** The Telegram-like page for some messages: bubbles with the message HTML and the URL buttons. */
export function telegramPage(messages: SentMessage[]): string {
  const bubbles = messages
    .map((m) => {
      // parse_mode HTML: the text is Telegram's HTML subset, already checked by the stand-in.
      const body = m.parse_mode === 'HTML' ? m.text : escapeHtml(m.text);
      const buttons = m.buttons.map((b) => `<span class="btn">${escapeHtml(b.text)} ↗</span>`).join('');
      return `<div class="msg"><div class="from">SMART</div><div class="text">${body}</div>${buttons ? `<div class="btns">${buttons}</div>` : ''}</div>`;
    })
    .join('\n');
  return `<!doctype html><meta charset="utf-8"><style>
body{margin:0;padding:16px;background:#dfe7d6;font:15px/1.4 system-ui,sans-serif;width:520px}
.msg{background:#fff;border-radius:12px;padding:8px 12px;margin:0 0 12px;box-shadow:0 1px 1px #0002;white-space:pre-wrap}
.from{color:#2f8fd0;font-weight:600;margin-bottom:2px}.text a{color:#2f8fd0}
code,pre{font-family:ui-monospace,monospace;font-size:13px}
blockquote{margin:4px 0;padding:0 0 0 8px;border-left:3px solid #2f8fd0}
.btns{display:flex;gap:6px;margin-top:8px}.btn{flex:1;text-align:center;background:#eef4fa;color:#2f8fd0;border-radius:8px;padding:6px}
</style><body>${bubbles}</body>`;
}

/** Takes the screenshots from the served site at `siteUrl` and the messages; never throws. */
export async function takeScreenshots(
  siteUrl: string,
  messages: SentMessage[],
  outDir: string,
): Promise<ScreenshotResult> {
  const executablePath = CHROMIUM_PATHS.find((p) => existsSync(p));
  if (!executablePath) return { ok: false, reason: `нет Chromium (${CHROMIUM_PATHS.join(', ')})` };
  const profile = await mkdtemp(join(tmpdir(), 'smart-demo-chromium-'));
  try {
    await mkdir(outDir, { recursive: true });
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      viewport: { width: 1280, height: 800 },
      locale: 'ru-RU',
    });
    const files: string[] = [];
    try {
      const page = await context.newPage();
      const shots: [string, string][] = [
        ['status-page.png', '/status/medcenter/'],
        ['status-page-resolved.png', '/status/vostok-stroy/'],
        ['home.png', '/'],
        ['runbook.png', '/docs/errors/KodeksXmlSensLockStatus.md'],
      ];
      for (const [name, path] of shots) {
        await page.goto(`${siteUrl}${path}`, { waitUntil: 'load' });
        const file = join(outDir, name);
        await page.screenshot({ path: file, fullPage: name !== 'runbook.png' });
        files.push(file);
      }
      // The status pages as a phone shows them (390 px).
      await page.setViewportSize({ width: 390, height: 844 });
      for (const [name, path] of shots.filter(([n]) => n.startsWith('status-page'))) {
        await page.goto(`${siteUrl}${path}`, { waitUntil: 'load' });
        const file = join(outDir, name.replace('.png', '-390.png'));
        await page.screenshot({ path: file, fullPage: true });
        files.push(file);
      }
      const firing = messages.filter((m) => !m.reply_to_message_id);
      const grouped = firing.filter((m) => m.plain.includes('Техэксперт.Облако'));
      const key = firing.filter((m) => m.buttons.some((b) => b.url.endsWith('KodeksXmlSensLockStatus.md')));
      const replies = (m: SentMessage | undefined) =>
        messages.filter((r) => m && r.reply_to_message_id === m.message_id);
      for (const [name, list] of [
        ['telegram-grouped.png', grouped],
        ['telegram-senselock.png', [...key, ...replies(key[0])]],
      ] as const) {
        if (list.length === 0) continue;
        await page.setViewportSize({ width: 560, height: 400 });
        await page.setContent(telegramPage([...list]));
        const file = join(outDir, name);
        await page.screenshot({ path: file, fullPage: true });
        files.push(file);
      }
    } finally {
      await context.close();
    }
    return { ok: true, files };
  } catch (err) {
    return { ok: false, reason: (err as Error).message.split('\n')[0] ?? 'Chromium не запустился' };
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}
