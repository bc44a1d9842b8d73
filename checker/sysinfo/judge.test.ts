import { describe, expect, it } from 'vitest';
import { SYSINFO_FACTS_VERSION, type SysinfoFacts } from '../status/sysinfo.ts';
import { type JudgeSettings, judgeFacts, judgeNoReport } from './judge.ts';

const NOW = new Date('2026-11-28T09:00:00Z'); // 12:00 in Moscow
const DAY = 86_400_000;
const S: JudgeSettings = {
  source: 'pull',
  maxAgeMs: 2 * DAY,
  operupMaxAgeMs: 3 * DAY,
  timezone: 'Europe/Moscow',
};

function facts(over: Partial<SysinfoFacts> = {}): SysinfoFacts {
  return {
    version: SYSINFO_FACTS_VERSION,
    profile: 'default',
    report_at: '2026-11-28T08:55:00.000Z',
    fetched_at: '2026-11-28T08:55:00.000Z',
    key: { state: 'ok', value: 'ok' },
    licenses: 'present',
    databases: [
      { name: 'Кодекс: Законодательство', license_end: '2027-06-30' },
      { name: 'Техэксперт: Строительство', license_end: '2027-09-30' },
    ],
    operups_known: true,
    operups: [{ file: 'kodeks6.op', updated_at: '2026-11-28T00:10:00.000Z' }],
    db_errors_known: true,
    db_errors: [],
    seats: { used: 12, limit: 50 },
    ...over,
  };
}

const verdicts = (f: SysinfoFacts, s = S) =>
  Object.fromEntries(judgeFacts(f, s, NOW).map((x) => [x.alert, x.status]));
const message = (f: SysinfoFacts, alert: string, s = S) =>
  judgeFacts(f, s, NOW).find((x) => x.alert === alert)?.message;
const ends = (days: number) =>
  new Date(NOW.getTime() + days * DAY + 3 * 3_600_000).toISOString().slice(0, 10);

describe('judgeFacts: every derived alert at its threshold', () => {
  it('a healthy report clears every alert', () => {
    expect(new Set(Object.values(verdicts(facts())))).toEqual(new Set(['ok']));
  });

  it.each([
    ['pull: key missing', 'pull', { state: 'missing', value: 'absent' }, 'KodeksXmlSensLockStatus', 'fail'],
    [
      'agent: key missing',
      'agent',
      { state: 'missing', value: 'absent' },
      'KodeksOfflineSensLockCheck',
      'fail',
    ],
    [
      'no key record: unknown, never missing',
      'pull',
      { state: 'unknown', reason: 'нет записи' },
      'KodeksXmlSensLockStatus',
      'unknown',
    ],
    ['key works', 'agent', { state: 'ok' }, 'KodeksOfflineSensLockCheck', 'ok'],
  ] as const)('%s', (_n, source, key, alert, status) => {
    const v = verdicts(facts({ key }), { ...S, source });
    expect(v[alert]).toBe(status);
    // Only one of the two key alerts speaks for an installation.
    expect(
      alert === 'KodeksXmlSensLockStatus' ? v.KodeksOfflineSensLockCheck : v.KodeksXmlSensLockStatus,
    ).toBeUndefined();
  });

  it.each([
    // days left of the tightest database → [2day, 7day, 90day]
    [120, ['ok', 'ok', 'ok']],
    [90, ['ok', 'ok', 'ok']],
    [89, ['ok', 'ok', 'fail']],
    [7, ['ok', 'ok', 'fail']],
    [6, ['ok', 'fail', 'unknown']],
    [2, ['ok', 'fail', 'unknown']],
    [1, ['fail', 'unknown', 'unknown']],
    [0, ['fail', 'unknown', 'unknown']],
    [-3, ['fail', 'unknown', 'unknown']],
  ])('licence ends in %i days → %o', (days, [d2, d7, d90]) => {
    const f = facts({
      databases: [
        { name: 'Кодекс: Законодательство', license_end: ends(400) },
        { name: 'Кодекс: Медицина', license_end: ends(days) },
      ],
    });
    const v = verdicts(f);
    expect([v.KodeksLicenseExpiring2day, v.KodeksLicenseExpiring7day, v.KodeksLicenseExpiring90day]).toEqual([
      d2,
      d7,
      d90,
    ]);
    // The message names the database with the smallest remainder.
    expect(message(f, 'KodeksLicenseExpiring90day')).toContain('«Кодекс: Медицина»');
  });

  it('licence messages say the days in Russian', () => {
    const one = (d: number) =>
      message(facts({ databases: [{ name: 'X', license_end: ends(d) }] }), 'KodeksLicenseExpiring2day');
    expect(one(1)).toMatch(/заканчивается через 1 день \(\d\d\.\d\d\.\d{4}\)/);
    expect(one(0)).toContain('заканчивается сегодня');
    expect(one(-5)).toContain('истекла 5 дней назад');
    expect(
      message(facts({ databases: [{ name: 'X', license_end: ends(3) }] }), 'KodeksLicenseExpiring7day'),
    ).toContain('через 3 дня');
  });

  it.each([
    ['empty licence block', 'empty', 'fail'],
    ['no licence block', 'unknown', 'unknown'],
  ] as const)('KodeksDBLicensesZero: %s', (_n, licenses, status) => {
    const f = facts({ licenses, databases: [] });
    expect(verdicts(f).KodeksDBLicensesZero).toBe(status);
    expect(verdicts(f).KodeksLicenseExpiring2day).toBe('unknown');
  });

  it.each([
    ['updated 2 days before the report', 2 * DAY, 'ok'],
    ['updated 3 days and 1 hour before the report', 3 * DAY + 3_600_000, 'fail'],
  ])('KodeksDBOperUpToOld: %s', (_n, age, status) => {
    const report = Date.parse('2026-11-28T08:55:00Z');
    const f = facts({ operups: [{ file: 'stroy.op', updated_at: new Date(report - age).toISOString() }] });
    expect(verdicts(f).KodeksDBOperUpToOld).toBe(status);
    if (status === 'fail')
      expect(message(f, 'KodeksDBOperUpToOld')).toBe(
        'Оперативное обновление «stroy.op» не обновлялось 3 дн. 1 ч (допустимо 3 дн.).',
      );
  });

  it('the operup threshold comes from the installation', () => {
    const f = facts({ operups: [{ file: 'a.op', updated_at: '2026-11-27T06:00:00.000Z' }] });
    expect(verdicts(f, { ...S, operupMaxAgeMs: DAY }).KodeksDBOperUpToOld).toBe('fail');
    expect(verdicts(facts({ operups_known: false, operups: [] })).KodeksDBOperUpToOld).toBe('unknown');
  });

  it('database errors: 2007 (and 4103), other codes, no code — each message says what the code means', () => {
    const f = facts({
      db_errors: [
        { db: 'Техэксперт: Строительство', code: 4103 },
        { db: 'Кодекс: Медицина', code: 613 },
        { db: 'Кодекс: Медицина', code: 99999 },
        { db: 'Кодекс: Медицина', text: 'Том уже подключён' },
      ],
    });
    expect(verdicts(f)).toMatchObject({
      KodeksDBerrorsCode2007: 'fail',
      KodeksDBerrorsCodeXXX: 'fail',
      KodeksDBerrorsNoCode: 'fail',
    });
    expect(message(f, 'KodeksDBerrorsCode2007')).toContain(
      'база «Техэксперт: Строительство»: ошибка 4103 — нет прав на эту копию базы',
    );
    expect(message(f, 'KodeksDBerrorsCodeXXX')).toContain(
      'ошибка 613 — том собран для другой версии ПК (тома базы)',
    );
    expect(message(f, 'KodeksDBerrorsCodeXXX')).toContain(
      'ошибка 99999 — код не из справочника ошибок Кодекса',
    );
    expect(message(f, 'KodeksDBerrorsNoCode')).toContain('ошибка без кода «Том уже подключён»');
    expect(verdicts(facts({ db_errors_known: false })).KodeksDBerrorsNoCode).toBe('unknown');
  });

  it.each([
    [49, 50, 'ok'],
    [50, 50, 'fail'],
    [51, 50, 'fail'],
  ])('KodeksLimitsUsers: %i of %i seats → %s', (used, limit, status) => {
    expect(verdicts(facts({ seats: { used, limit } })).KodeksLimitsUsers).toBe(status);
  });

  it('seats without a limit are unknown', () => {
    expect(verdicts(facts({ seats: { used: 3 } })).KodeksLimitsUsers).toBe('unknown');
  });

  it.each([
    ['made an hour ago', '2026-11-28T08:00:00.000Z', 'ok'],
    ['made 2 days and 1 hour ago', '2026-11-26T08:00:00.000Z', 'fail'],
  ])('SmartXMLfileIsToOld: a report %s', (_n, at, status) => {
    expect(verdicts(facts({ report_at: at })).SmartXMLfileIsToOld).toBe(status);
  });
});

describe('judgeNoReport', () => {
  it('holds every fact alert and judges only the age of the last report', () => {
    const v = Object.fromEntries(
      judgeNoReport(Date.parse('2026-11-25T09:00:00Z'), S, NOW, 'сервер ответил кодом 500').map((f) => [
        f.alert,
        f.status,
      ]),
    );
    expect(v.SmartXMLfileIsToOld).toBe('fail');
    expect(
      Object.entries(v)
        .filter(([a]) => a !== 'SmartXMLfileIsToOld')
        .every(([, s]) => s === 'unknown'),
    ).toBe(true);
  });

  it('with no report ever, the age is unknown', () => {
    const f = judgeNoReport(undefined, S, NOW, 'нет ответа');
    expect(f.find((x) => x.alert === 'SmartXMLfileIsToOld')?.status).toBe('unknown');
  });
});
