import { describe, expect, it } from 'vitest';
import { htmlToPlain } from './html.ts';
import { planEvents } from './render.ts';
import { telegramButtons, telegramText } from './render-telegram.ts';
import { plainText } from './render-text.ts';
import { KEY_LOST_DIAGNOSIS, keyLostFiring, testCatalog, testConfig } from './testdata/fixtures.ts';

const ctx = { config: testConfig(), catalog: testCatalog(), now: new Date('2026-11-28T03:10:00Z') };

const firing = keyLostFiring({
  diagnosis: {
    ...KEY_LOST_DIAGNOSIS,
    hint: 'Проверьте ПО проброса USB',
    workaround: 'Подключитесь к резервному серверу 203.0.113.11',
  },
});

describe('one event → one Notice per reader', () => {
  it('the team Notice has who, what, cause, links and times; the client one has no internals', () => {
    const [team, client] = planEvents([firing], ctx).map((p) => p.notice);
    expect(team).toMatchObject({
      kind: 'firing',
      audience: 'team',
      alert: {
        name: 'KodeksXmlSensLockStatus',
        title: 'Сервер не видит ключ SenseLock',
        importance: 'critical',
      },
      installations: [
        {
          client: 'ООО «Акме»',
          installation: 'Кодекс — основной сервер',
          host: 'kodeks.acme.example',
          ip: '203.0.113.10',
          manager: '@ipetrov',
          since: '2026-11-27T18:00:00Z',
        },
      ],
      cause: { cause: 'Ключ SenseLock пропал с USB сервера', hint: 'Проверьте ПО проброса USB' },
      links: {
        runbook: 'https://smart.example.ru/docs/errors/KodeksXmlSensLockStatus.md',
        status: 'https://smart.example.ru/status/acme/',
      },
      at: '2026-11-27T18:05:00Z',
      timeZone: 'Europe/Moscow',
    });
    expect(team!.alert!.excerpt).toContain('TestSlKey');
    expect(client).toEqual({
      ...team,
      audience: 'client',
      alert: { ...team!.alert, excerpt: undefined },
      installations: [
        { client: 'ООО «Акме»', installation: 'Кодекс — основной сервер', since: '2026-11-27T18:00:00Z' },
      ],
      cause: { workaround: 'Подключитесь к резервному серверу (адрес сообщит менеджер)' },
      links: {
        status: 'https://smart.example.ru/status/acme/',
        docs: 'https://smart.example.ru/docs/errors/',
      },
    });
  });

  it('the Telegram and text renderers format the same Notice: same words, links written out', () => {
    for (const { notice } of planEvents([firing], ctx)) {
      const text = plainText(notice);
      expect(text.startsWith(htmlToPlain(telegramText(notice)))).toBe(true);
      for (const b of telegramButtons(notice)) expect(text).toContain(`${b.text}: ${b.url}`);
    }
  });
});
