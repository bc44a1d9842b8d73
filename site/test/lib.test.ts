import { describe, expect, it } from 'vitest';
import type { DayAggregate } from '../../checker/status/schema.ts';
import { elapsedMinutes, lastDays, localDay, monthLength } from '../src/lib/calendar.ts';
import { type DayContext, readDay, toRuns } from '../src/lib/day-runs.ts';
import { minutesText, percent, plural, zoneLabel } from '../src/lib/format.ts';
import { humps } from '../src/lib/humps.ts';
import { headingSlug, renderRunbook, siteHref } from '../src/lib/markdown.ts';
import { runbookAliases } from '../src/lib/runbooks.ts';
import { isStale, serverFact, worst } from '../src/lib/view.ts';

const TZ = 'Europe/Moscow';
const NOW = Date.parse('2026-11-28T09:25:00+03:00');
const agg = (down: number, noData = 0, maintenance = 0): DayAggregate => ({
  checks: 288,
  failures: 0,
  down_min: down,
  maintenance_min: maintenance,
  no_data_min: noData,
});

describe('daily bars', () => {
  const ctx: DayContext = {
    firstDay: '2026-09-01',
    today: '2026-11-28',
    fresh: true,
    firstClock: '23:11 МСК',
  };

  it('a day without an aggregate is a day without data, and so is every day before watching began', () => {
    expect(readDay('2026-11-20', undefined, 1440, ctx)).toEqual({ level: 'none', what: 'нет данных' });
    expect(readDay('2026-08-31', agg(0), 1440, ctx)).toEqual({ level: 'none', what: 'нет данных' });
  });

  it('minutes are clamped to the part of the day that has passed', () => {
    expect(readDay('2026-11-28', agg(700), 565, ctx)).toEqual({ level: 'major', what: 'простой 9 ч 25 мин' });
  });

  // Issue 17: a watched, working installation's first day was grey, «без данных».
  it('the first day counts from the first check: before it nobody was watching, it is not a gap', () => {
    const first = { ...ctx, firstDay: '2026-11-28' };
    expect(readDay('2026-11-28', agg(0, 551), 565, first)).toEqual({
      level: 'ok',
      what: 'без сбоев, данные с 23:11 МСК',
    });
    // A later day mostly without data is still grey: the checker was not looking.
    expect(readDay('2026-11-27', agg(0, 800), 1440, ctx).level).toBe('none');
  });

  it('today before its first check is the state of the last check while the data is fresh', () => {
    expect(readDay('2026-11-28', undefined, 3, ctx)).toEqual({ level: 'ok', what: 'без сбоев' });
    expect(readDay('2026-11-28', undefined, 3, { ...ctx, fresh: false }).level).toBe('none');
  });

  // Issue 17: a day under announced maintenance was not shown as maintenance.
  it('a day of announced maintenance is maintenance, even with hours without data', () => {
    expect(readDay('2026-11-27', agg(0, 900, 120), 1440, ctx)).toEqual({
      level: 'maint',
      what: 'плановые работы 2 ч, без данных 15 ч',
    });
    expect(readDay('2026-11-27', agg(5, 0, 120), 1440, ctx).level).toBe('minor');
  });

  it('quiet days and days without data merge into runs; a day with news stands alone', () => {
    const days = [
      { day: '2026-11-20', level: 'none' as const, what: 'нет данных' },
      { day: '2026-11-21', level: 'none' as const, what: 'нет данных' },
      { day: '2026-11-22', level: 'ok' as const, what: 'без сбоев' },
      { day: '2026-11-23', level: 'ok' as const, what: 'без сбоев' },
      { day: '2026-11-24', level: 'minor' as const, what: 'простой 5 мин' },
      { day: '2026-11-25', level: 'minor' as const, what: 'простой 5 мин' },
      { day: '2026-11-26', level: 'ok' as const, what: 'без сбоев' },
    ];
    expect(toRuns(days).map((r) => `${r.label} (${r.days}): ${r.what}`)).toEqual([
      '20–21 ноября (2): нет данных',
      '22–23 ноября (2): без сбоев',
      '24 ноября (1): простой 5 мин',
      '25 ноября (1): простой 5 мин',
      '26 ноября (1): без сбоев',
    ]);
  });

  it('today counts only the minutes that have passed (09:25 МСК → 565)', () => {
    expect(elapsedMinutes('2026-11-28', NOW, TZ)).toBe(565);
    expect(elapsedMinutes('2026-11-27', NOW, TZ)).toBe(1440);
    expect(elapsedMinutes('2026-11-29', NOW, TZ)).toBe(0);
  });
});

describe('calendar and words', () => {
  it('cuts days in the configured zone', () => {
    expect(localDay(Date.parse('2026-11-27T22:30:00Z'), TZ)).toBe('2026-11-28');
    expect(lastDays('2026-03-01', 3)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
    expect(monthLength('2028-02')).toBe(29);
  });

  it('writes the zone as people do', () => {
    expect(zoneLabel(TZ, NOW)).toBe('МСК');
    expect(zoneLabel('Asia/Yekaterinburg', NOW)).toBe('UTC+5');
    expect(zoneLabel('UTC', NOW)).toBe('UTC');
  });

  it.each([
    [0, '0 мин'],
    [0.4, 'меньше минуты'],
    [40, '40 мин'],
    [280, '4 ч 40 мин'],
    [3060, '2 д 3 ч'],
  ])('%s minutes → %s', (m, text) => expect(minutesText(m)).toBe(text));

  it('percent never rounds a broken contract up', () => {
    expect(percent(99.499)).toBe('99,49 %');
    expect(percent(100)).toBe('100 %');
    expect(percent(undefined)).toBe('нет данных');
  });

  it('Russian plurals', () => {
    expect([1, 2, 5, 11, 21, 22].map((n) => plural(n, ['день', 'дня', 'дней']))).toEqual([
      'день',
      'дня',
      'дней',
      'дней',
      'день',
      'дня',
    ]);
  });
});

describe('overall state', () => {
  it('is the worst of the installations, no data only when nothing is known', () => {
    expect(worst(['operational', 'major_outage', 'degraded_performance'])).toBe('major_outage');
    expect(worst(['operational', 'no_data'])).toBe('operational');
    expect(worst(['no_data'])).toBe('no_data');
    expect(worst(['under_maintenance', 'operational'])).toBe('under_maintenance');
    expect(worst([])).toBe('no_data');
  });

  it('data older than 3 × interval is stale', () => {
    expect(isStale(NOW - 15 * 60_000, NOW, 300_000)).toBe(false);
    expect(isStale(NOW - 15 * 60_000 - 1, NOW, 300_000)).toBe(true);
    expect(isStale(undefined, NOW, 300_000)).toBe(true);
  });
});

describe('runbook bodies', () => {
  it('drop the leading h1, keep shell comments in code', () => {
    const html = renderRunbook(
      '# KodeksIcmp: title\n\n## Что делать\n\n```sh\n# a comment\nping host\n```\n\n# Late h1\n',
    );
    expect(html).not.toContain('<h1>');
    expect(html).not.toContain('KodeksIcmp: title');
    expect(html).toContain('<h2 id="что-делать">Что делать</h2>');
    expect(html).toContain('# a comment');
    expect(html).toContain('<h2 id="late-h1">Late h1</h2>');
  });

  it('render no raw HTML from a runbook', () => {
    expect(renderRunbook('<script>alert(1)</script>')).not.toContain('<script>');
  });
});

describe('links between docs', () => {
  it.each([
    ['./KodeksDnsResolve.md', '/docs/errors/KodeksDnsResolve/'],
    ['KodeksIcmp.md#что-делать', '/docs/errors/KodeksIcmp/#что-делать'],
    ['./README.md', '/docs/errors/'],
    ['../agent.md#неполадки', 'https://github.com/uniclass/smart-status/blob/main/docs/agent.md#неполадки'],
    ['https://example.com/x.md', 'https://example.com/x.md'],
    ['#диагностика', '#диагностика'],
  ])('%s → %s', (href, expected) => {
    expect(siteHref(href, { repo: 'uniclass/smart-status' })).toBe(expected);
  });

  it('rewrites runbook links inside the rendered body', () => {
    const html = renderRunbook('См. [KodeksIcmp](./KodeksIcmp.md) и [агент](../agent.md).', {});
    expect(html).toContain('href="/docs/errors/KodeksIcmp/"');
    expect(html).toContain('href="../agent.md"');
  });
});

describe('alert names in backticks', () => {
  const links = {
    names: new Map([
      ['KodeksIcmp', 'KodeksIcmp'],
      ['KodeksLimitsUsers', 'KodeksLimitsUsers'],
      ['KodeksLimitsUser', 'KodeksLimitsUsers'],
    ]),
    self: 'KodeksLimitsUsers',
  };

  it('a known name links to its runbook; an unknown word, the page itself and code in a link stay plain', () => {
    const html = renderRunbook(
      'Сначала `KodeksIcmp`, потом `LoginPasswordError`; это `KodeksLimitsUsers` (или `KodeksLimitsUser`). ' +
        'См. [`KodeksIcmp`](./KodeksIcmp.md).\n\n```sh\nKodeksIcmp\n```\n',
      {},
      links,
    );
    expect(html).toContain('Сначала <a href="/docs/errors/KodeksIcmp/"><code>KodeksIcmp</code></a>, потом');
    expect(html).toContain('<code>LoginPasswordError</code>;');
    expect(html).not.toContain('href="/docs/errors/KodeksLimitsUsers/"');
    expect(html.match(/<a /g)).toHaveLength(2);
    expect(html).toContain('<a href="/docs/errors/KodeksIcmp/"><code>KodeksIcmp</code></a>.</p>');
    expect(html).toContain('<pre><code class="language-sh">KodeksIcmp\n</code></pre>');
  });

  it('an alias links to the runbook of the alert it names', () => {
    const html = renderRunbook(
      'Старое имя `KodeksLimitsUser`.',
      {},
      { names: links.names, self: 'KodeksIcmp' },
    );
    expect(html).toContain('<a href="/docs/errors/KodeksLimitsUsers/"><code>KodeksLimitsUser</code></a>');
  });
});

describe('heading anchors', () => {
  it.each([
    ['Что делать', 'что-делать'],
    ['Случаи из практики', 'случаи-из-практики'],
    [
      'Токен GitHub: только свой репозиторий, только contents',
      'токен-github-только-свой-репозиторий-только-contents',
    ],
  ])('%s → %s', (text, slug) => expect(headingSlug(text)).toBe(slug));

  it('headings in a rendered runbook carry the anchors other runbooks link to', () => {
    expect(renderRunbook('# KodeksIcmp: заголовок\n\n## Что делать\n\nТекст.')).toContain(
      '<h2 id="что-делать">',
    );
  });
});

describe('alert names in narrow columns', () => {
  it.each([
    ['KodeksBehindProxyDown', ['Kodeks', 'Behind', 'Proxy', 'Down']],
    ['KodeksDBerrorsCode2007Count', ['Kodeks', 'DBerrors', 'Code2007', 'Count']],
    ['SmartXMLfileIsToOld', ['Smart', 'XMLfile', 'Is', 'To', 'Old']],
    ['OnlineBillingSearchLeft150', ['Online', 'Billing', 'Search', 'Left150']],
  ])('%s breaks only at its humps', (name, parts) => {
    expect(humps(name)).toEqual(parts);
    expect(humps(name).join('')).toBe(name);
  });
});

describe('runbook URLs', () => {
  it('serve the name and each alias as written and in lower case, with and without .md, once each', () => {
    const got = runbookAliases({
      alert: 'KodeksDBerrorsNoCodeCount',
      aliases: ['KodeksDBerrorsNOCodeCount', 'KodeksDBerrorsCode1Count'],
    });
    expect(got).toEqual([
      { segment: 'KodeksDBerrorsNoCodeCount' },
      { segment: 'KodeksDBerrorsNoCodeCount.md' },
      { segment: 'kodeksdberrorsnocodecount' },
      { segment: 'kodeksdberrorsnocodecount.md' },
      { segment: 'KodeksDBerrorsNOCodeCount', via: 'KodeksDBerrorsNOCodeCount' },
      { segment: 'KodeksDBerrorsNOCodeCount.md', via: 'KodeksDBerrorsNOCodeCount' },
      { segment: 'KodeksDBerrorsCode1Count', via: 'KodeksDBerrorsCode1Count' },
      { segment: 'KodeksDBerrorsCode1Count.md', via: 'KodeksDBerrorsCode1Count' },
      { segment: 'kodeksdberrorscode1count', via: 'KodeksDBerrorsCode1Count' },
      { segment: 'kodeksdberrorscode1count.md', via: 'KodeksDBerrorsCode1Count' },
    ]);
  });
});

describe('is it the server or the PK (issue 17.6)', () => {
  const check = (status: 'ok' | 'fail', code: string, since = '2026-12-01T20:06:00Z') => ({
    status,
    code,
    message: '',
    latency_ms: 1,
    since,
  });
  const state = (checks: Record<string, ReturnType<typeof check>>) =>
    ({ checked_at: '2026-12-01T20:36:00Z', checks }) as unknown as Parameters<typeof serverFact>[0];
  const since = Date.parse('2026-12-01T20:06:00Z');

  it('a silent server is silent; a refusal or a wrong answer proves the machine is up and only the PK fails', () => {
    expect(serverFact(state({ http: check('fail', 'CONN_TIMEOUT') }))).toEqual({
      silentSince: since,
      hostUp: false,
    });
    expect(serverFact(state({ http: check('fail', 'CONN_REFUSED') }))).toEqual({
      silentSince: since,
      hostUp: true,
    });
    expect(serverFact(state({ http: check('fail', 'HTTP_STATUS') }))).toEqual({
      silentSince: since,
      hostUp: true,
    });
    expect(serverFact(state({ icmp: check('ok', 'OK'), http: check('fail', 'CONN_TIMEOUT') }))).toEqual({
      silentSince: since,
      hostUp: true,
    });
    expect(serverFact(state({ http: check('ok', 'OK') }))).toEqual({
      answered: Date.parse('2026-12-01T20:36:00Z'),
    });
  });
});
