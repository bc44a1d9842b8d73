import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../alerts/engine/events.ts';
import { parseTelegramHtml } from '../testing/telegram-stand-in.ts';
import { escapeHtml, fitHtml, htmlToPlain } from './html.ts';
import { markdownInlineToTelegram, markdownToTelegram, runbookExcerpt } from './markdown.ts';
import { renderEvents } from './render.ts';
import { testCatalog, testConfig } from './testdata/fixtures.ts';
import { formatClock, formatDuration, zoneLabel } from './time.ts';

describe('Telegram HTML', () => {
  it('escaped text survives the round trip through Telegram literally', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        const parsed = parseTelegramHtml(`<b>${escapeHtml(s)}</b>`);
        expect(parsed).toEqual({ ok: true, plain: s });
        expect(htmlToPlain(`<b>${escapeHtml(s)}</b>`)).toBe(s);
      }),
    );
  });

  it('fitHtml never cuts inside a tag or an entity and closes what it opened', () => {
    const html = `<b>Жирный &amp; длинный</b> <a href="https://x.ru/?a=1&amp;b=2">ссылка</a> ${'<i>курсив &lt;</i> '.repeat(50)}`;
    for (let max = 10; max < html.length; max += 7) {
      const cut = fitHtml(html, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(parseTelegramHtml(cut).ok, cut).toBe(true);
      expect(cut.endsWith('…') || /…(<\/[a-z]+>)+$/.test(cut)).toBe(true);
    }
    expect(fitHtml('<b>коротко</b>', 100)).toBe('<b>коротко</b>');
  });

  it('any client and installation names give valid messages within the limit', () => {
    const catalog = testCatalog();
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 300 }),
        fc.string({ minLength: 1, maxLength: 300 }),
        fc.string({ minLength: 1, maxLength: 2000 }),
        (client, installation, cause) => {
          const yaml = `site: { url: "https://s.example" }
notify: { telegram: { chat: "-100" } }
clients:
  - id: c
    title: ${JSON.stringify(client)}
    notes: x
    installations:
      - { id: i, title: ${JSON.stringify(installation)}, url: "https://k.example/", notes: ${JSON.stringify(cause)}, probes: { http: {} } }`;
          const config = testConfig(yaml);
          const ev: AlertEvent = {
            kind: 'firing',
            client: 'c',
            installation: 'i',
            alert: 'KodeksDnsResolve',
            importance: 'critical',
            since: '2026-11-28T03:00:00Z',
            at: '2026-11-28T03:05:00Z',
            incident: 'x',
            diagnosis: { rule: 'r', alert: 'KodeksDnsResolve', cause, hint: cause, workaround: cause },
          };
          for (const item of renderEvents([ev], { config, catalog, now: new Date('2026-11-28T03:05:00Z') })) {
            expect(item.text.length).toBeLessThanOrEqual(4096);
            const parsed = parseTelegramHtml(item.text);
            expect(parsed.ok).toBe(true);
            if (parsed.ok && item.text.length < 3900)
              expect(parsed.plain).toContain(client.trim() ? client : '');
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('Markdown to Telegram HTML', () => {
  it('keeps only the tags Telegram knows and shows raw HTML as text', () => {
    const html = markdownToTelegram(
      '# Заголовок\n\n**жирно** _курсив_ `код` <script>alert(1)</script> [док](/docs/errors/X.md) [js](javascript:alert(1))\n\n- раз\n- два\n\n> цитата\n\n```\ndig @ns1 <host>\n```',
      'https://s.example',
    );
    expect(html).toBe(
      [
        '<b>Заголовок</b>',
        '<b>жирно</b> <i>курсив</i> <code>код</code> &lt;script&gt;alert(1)&lt;/script&gt; <a href="https://s.example/docs/errors/X.md">док</a> [js](javascript:alert(1))',
        '• раз',
        '• два',
        '<blockquote>цитата</blockquote>',
        '<pre>dig @ns1 &lt;host&gt;</pre>',
      ].join('\n'),
    );
    expect(parseTelegramHtml(html).ok).toBe(true);
    expect(markdownInlineToTelegram('Ключ **не найден** & <b>')).toBe(
      'Ключ <b>не найден</b> &amp; &lt;b&gt;',
    );
  });

  it('takes the first block of «Что делать», else of «Что означает», shortened at a sentence', () => {
    const body = '## Что означает\n\nПервое. Второе.\n\nТретье.\n\n## Влияние\n\nх';
    expect(runbookExcerpt(body, ['Что делать', 'Что означает'])).toBe('Первое. Второе.');
    expect(
      runbookExcerpt(`## Что делать\n\n${'Длинное предложение про сеть. '.repeat(40)}`, ['Что делать'], 100),
    ).toBe('Длинное предложение про сеть. Длинное предложение про сеть. Длинное предложение про сеть.');
    expect(runbookExcerpt('нет разделов', ['Что делать'])).toBeUndefined();
  });
});

describe('times and durations', () => {
  it.each([
    [0, '0 мин'],
    [59_000, 'меньше минуты'],
    // Issue 17: the same 1 min 34 s the status page shows as «1 мин».
    [94_000, '1 мин'],
    [40 * 60_000, '40 мин'],
    [4 * 3_600_000, '4 ч'],
    [(4 * 60 + 40) * 60_000, '4 ч 40 мин'],
    [(51 * 60 + 5) * 60_000, '2 д 3 ч'],
  ])('%i ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('shows the zone, and the date only when it is another day', () => {
    const now = new Date('2026-11-28T07:00:00Z');
    expect(formatClock(new Date('2026-11-28T03:00:00Z'), 'Europe/Moscow', now)).toBe('06:00 МСК');
    expect(formatClock(new Date('2026-11-27T18:00:00Z'), 'Europe/Moscow', now)).toBe('27.11 21:00 МСК');
    expect(formatClock(new Date('2026-11-28T03:00:00Z'), 'Asia/Yekaterinburg', now)).toBe('08:00 UTC+5');
    expect(zoneLabel('UTC', now)).toBe('UTC');
  });
});
