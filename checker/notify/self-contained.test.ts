// Issue 17.7: a message is enough on its own. The probe's answer (and a certificate's expiry) is in it when
// the runbook branches on them; a «шаг 2» it quotes says where that step is; every link leads to a page the
// site serves; numbers agree with their nouns.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, findRunbook, loadCatalog, type Runbooks } from '../alerts/catalog.ts';
import type { AlertEvent } from '../alerts/engine/events.ts';
import { ALERT_NAMES } from '../alerts/names.ts';
import { count } from '../text/words.ts';
import { htmlToPlain } from './html.ts';
import { renderEvents } from './render.ts';
import { CONFIG_YAML, keyLostFiring, testCatalog, testConfig } from './testdata/fixtures.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const now = new Date('2026-11-28T03:10:00Z');

const { diagnosis: _none, ...firing } = keyLostFiring({
  since: '2026-11-28T03:00:00Z',
  at: '2026-11-28T03:05:00Z',
  incident: 'i-1',
});

describe('the probe answer is in the message', () => {
  it('the codes of the failing checks and the certificate expiry (golden)', async () => {
    const ctx = { config: testConfig(), catalog: testCatalog(), now };
    const ev: AlertEvent = {
      ...firing,
      alert: 'KodeksDnsResolve',
      evidence: [
        { check: 'http', code: 'HTTP_STATUS', http_status: 502 },
        { check: 'tls', code: 'TLS_EXPIRING', valid_to: '2026-12-10T12:00:00.000Z' },
      ],
    };
    const [team, client] = renderEvents([ev], ctx);
    await expect(team!.text).toMatchFileSnapshot('testdata/firing-evidence-team.txt');
    const plain = htmlToPlain(team!.text);
    expect(plain).toContain('🧪 Проверка: http — HTTP_STATUS (ответ 502); tls — TLS_EXPIRING');
    expect(plain).toContain('📅 Сертификат действует до 10.12.2026');
    expect(client!.text).not.toContain('HTTP_STATUS'); // the client's chat gets the workaround only
  });
});

describe('every runbook quoted in a message', () => {
  let catalog: Catalog;
  let runbooks: Runbooks;
  beforeAll(async () => {
    const loaded = await loadCatalog(`${ROOT}docs/errors`);
    if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
    catalog = loaded.catalog;
    runbooks = loaded.runbooks;
  });

  const messages = (repo?: string) => {
    const yaml = repo
      ? CONFIG_YAML.replace(
          'site: { url: "https://smart.example.ru/" }',
          `site: { url: "https://smart.example.ru/", repo: ${repo} }`,
        )
      : CONFIG_YAML;
    const ctx = { config: testConfig(yaml), catalog, now };
    return ALERT_NAMES.flatMap((alert) => renderEvents([{ ...firing, alert, incident: `i-${alert}` }], ctx));
  };

  it('links only to pages the site serves, or to the file on GitHub', () => {
    for (const repo of [undefined, 'uniclass/smart-status']) {
      for (const item of messages(repo)) {
        for (const [, href] of item.text.matchAll(/<a href="([^"]+)"/g)) {
          const url = href!.replace(/&amp;/g, '&');
          const page = /^https:\/\/smart\.example\.ru\/docs\/errors\/([^/#.]*)(?:\.md|\/)?(?:#.*)?$/.exec(
            url,
          );
          const github =
            /^https:\/\/github\.com\/uniclass\/smart-status\/blob\/main\/docs\/([^#]+)(?:#.*)?$/.exec(url);
          const served = page ? page[1] === '' || findRunbook(runbooks, page[1]!) !== undefined : false;
          const file = github ? existsSync(`${ROOT}docs/${github[1]}`) : false;
          expect(served || file || url.startsWith('https://support.'), `${item.id}: ${url}`).toBe(true);
        }
      }
    }
  });

  it('a quoted «шаг N» says it is a step of the runbook’s diagnosis', () => {
    for (const item of messages()) {
      const plain = htmlToPlain(item.text);
      for (const m of plain.matchAll(/(?<![\p{L}])(шаг\p{L}*)\s+(\d+)(?![\d\s–—и-]*диагностики)/giu))
        expect.fail(`${item.id}: «${m[0]}» refers to a step the message does not contain`);
    }
    const proxy = messages().find((i) => i.id.startsWith('i-KodeksBehindProxyDown|'))!;
    expect(htmlToPlain(proxy.text)).toContain(
      'Если шаг 1 диагностики (кнопка «Что делать») показал сбой DNS',
    );
  });
});

describe('Russian plurals', () => {
  it.each([
    [1, '1 установка'],
    [2, '2 установки'],
    [4, '4 установки'],
    [5, '5 установок'],
    [11, '11 установок'],
    [21, '21 установка'],
    [22, '22 установки'],
    [112, '112 установок'],
  ])('%i → %s', (n, text) => {
    expect(count(n, 'установка', 'установки', 'установок')).toBe(text);
  });
});
