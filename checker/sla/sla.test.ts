import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DayAggregate } from '../status/schema.ts';
import { addSegment, emptyDay, segmentInterval } from './accounting.ts';
import { availability, clientMonthSla, lastDays, monthSla, uptime } from './availability.ts';
import { addLatency, mergeHistograms, percentile } from './histogram.ts';
import { dayStart, localDay, localMonth, MINUTE, splitByDay } from './time.ts';

const day = (over: Partial<DayAggregate>): DayAggregate => ({ ...emptyDay(), ...over });

describe('calendar in a time zone', () => {
  it('cuts days at local midnight (Moscow is UTC+3)', () => {
    expect(localDay(Date.parse('2026-11-30T21:30:00Z'), 'Europe/Moscow')).toBe('2026-12-01');
    expect(localMonth(Date.parse('2026-11-30T21:30:00Z'), 'Europe/Moscow')).toBe('2026-12');
    expect(new Date(dayStart('2026-12-01', 'Europe/Moscow')).toISOString()).toBe('2026-11-30T21:00:00.000Z');
  });

  it('knows a DST day has 23 hours', () => {
    const parts = splitByDay(
      dayStart('2026-03-29', 'Europe/Berlin'),
      dayStart('2026-03-30', 'Europe/Berlin'),
      'Europe/Berlin',
    );
    expect(parts).toEqual([{ day: '2026-03-29', ms: 23 * 3_600_000 }]);
  });

  it('splits an interval across midnight', () => {
    const parts = splitByDay(
      Date.parse('2026-11-28T20:50:00Z'),
      Date.parse('2026-11-28T21:10:00Z'),
      'Europe/Moscow',
    );
    expect(parts).toEqual([
      { day: '2026-11-28', ms: 10 * MINUTE },
      { day: '2026-11-29', ms: 10 * MINUTE },
    ]);
  });

  it('lists the last n days, oldest first', () => {
    expect(lastDays(3, 'Europe/Moscow', Date.parse('2026-12-01T00:30:00Z'))).toEqual([
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
    ]);
  });
});

describe('latency histogram', () => {
  it('reports percentiles as bucket upper bounds and merges across days', () => {
    let h: number[] = [];
    for (const ms of [10, 12, 15, 20, 30, 40, 60, 100, 120, 900]) h = addLatency(h, ms);
    expect(percentile(h, 0.5)).toBe(32);
    expect(percentile(h, 0.95)).toBe(1024);
    expect(percentile(mergeHistograms(h, h), 0.5)).toBe(32);
    expect(percentile([], 0.5)).toBeUndefined();
  });

  it('never reports a percentile below the true value nor more than twice it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 2, max: 100_000 }), { minLength: 1, maxLength: 200 }),
        (values) => {
          const h = values.reduce<number[]>((acc, v) => addLatency(acc, v), []);
          const sorted = [...values].sort((a, b) => a - b);
          const truth = sorted[Math.ceil(0.95 * sorted.length) - 1]!;
          const p = percentile(h, 0.95)!;
          expect(p).toBeGreaterThanOrEqual(truth);
          expect(p).toBeLessThan(truth * 2);
        },
      ),
    );
  });
});

describe('accounting', () => {
  it('maintenance wins over down time inside the window', () => {
    const segs = segmentInterval(
      0,
      60 * MINUTE,
      'down',
      ['access'],
      [{ start: 20 * MINUTE, end: 30 * MINUTE }],
    );
    expect(segs.map((s) => [s.kind, (s.end - s.start) / MINUTE])).toEqual([
      ['down', 20],
      ['maintenance', 10],
      ['down', 30],
    ]);
  });

  it('never puts more minutes in a day than it has', () => {
    const agg = emptyDay();
    const start = dayStart('2026-11-28', 'Europe/Moscow');
    addSegment({ start, end: start + 86_400_000, kind: 'down', components: [] }, 'Europe/Moscow', () => agg);
    addSegment(
      { start, end: start + 3_600_000, kind: 'no_data', components: [] },
      'Europe/Moscow',
      () => agg,
    );
    expect(agg.down_min + agg.no_data_min).toBe(1440);
  });
});

describe('SLA: one definition, availability = (A − D)/A with A = T − M − N', () => {
  const tz = 'Europe/Moscow';
  it('availability = (T − M − D)/(T − M), no-data time taken out of T', () => {
    expect(availability({ totalMin: 1440, downMin: 144, maintenanceMin: 0, noDataMin: 0 })).toBeCloseTo(90);
    expect(availability({ totalMin: 1440, downMin: 144, maintenanceMin: 720, noDataMin: 0 })).toBeCloseTo(80);
    expect(availability({ totalMin: 1440, downMin: 0, maintenanceMin: 0, noDataMin: 1440 })).toBeUndefined();
  });

  it('accounts the month whole: the minutes to come count, so the figure and the budget agree', () => {
    const days = { '2026-11-01': day({ down_min: 60 }), '2026-11-02': day({ maintenance_min: 120 }) };
    const now = dayStart('2026-11-03', tz);
    const sla = monthSla(days, '2026-11', tz, now, 99.5);
    expect(sla.totalMin).toBe(43_200);
    expect(sla.availability).toBeCloseTo(((43_200 - 120 - 60) / (43_200 - 120)) * 100);
    expect(sla.budget?.allowedMin).toBeCloseTo((43_200 - 120) * 0.005);
    expect(sla.budget?.remainingMin).toBeCloseTo((43_200 - 120) * 0.005 - 60);
    expect(sla.since).toBeUndefined();
  });

  // Issue 17: «в этом месяце 0,00 %» next to «запас простоя 14 ч 18 мин из 14 ч 53 мин» at 00:40 on the 1st.
  it('on the 1st of a month, 35 minutes down in the first 40 is not «0,00 %»', () => {
    const now = Date.parse('2026-12-01T00:40:00+03:00');
    const days = {
      '2026-11-30': day({}),
      '2026-12-01': day({ down_min: 35, no_data_min: 5 }),
    };
    const sla = monthSla(days, '2026-12', tz, now, 98);
    const accountable = 31 * 1440 - 5;
    expect(sla.availability).toBeCloseTo((1 - 35 / accountable) * 100, 6);
    expect(sla.budget?.allowedMin).toBeCloseTo(0.02 * accountable, 6);
    expect(sla.budget?.remainingMin).toBeCloseTo(0.02 * accountable - 35, 6);
    // Below the target exactly when the budget is overspent, whatever the downtime.
    for (const down of [0, 35, 892, 893, 2000]) {
      const s = monthSla({ '2026-12-01': day({ down_min: down }) }, '2026-12', tz, now, 98);
      expect(s.availability! >= 98, `${down} min`).toBe(s.budget!.usedMin <= s.budget!.allowedMin);
    }
  });

  it('a client added today: figures say since when, and the month is counted from then', () => {
    const now = Date.parse('2026-12-01T23:40:00+03:00');
    // First check at 23:11: the engine recorded 00:00–23:11 as no data; 20 min down since.
    const days = { '2026-12-01': day({ down_min: 20, no_data_min: 23 * 60 + 11 }) };
    const u30 = uptime(days, 30, tz, now);
    expect(u30.availability).toBeCloseTo((9 / 29) * 100, 6);
    expect(new Date(u30.since!).toISOString()).toBe('2026-12-01T20:11:00.000Z');
    const month = monthSla(days, '2026-12', tz, now, 99.5);
    const accountable = 31 * 1440 - (23 * 60 + 11);
    expect(month.availability).toBeCloseTo((1 - 20 / accountable) * 100, 6);
    expect(month.since).toBe(u30.since);
    expect(month.budget?.allowedMin).toBeCloseTo(0.005 * accountable, 6);
  });

  it('announced maintenance still to come is not part of the budget', () => {
    const now = Date.parse('2026-12-10T12:00:00+03:00');
    const days = { '2026-12-01': day({}) };
    const windows = [
      { start: Date.parse('2026-12-20T20:00:00+03:00'), end: Date.parse('2026-12-20T22:00:00+03:00') },
      { start: Date.parse('2026-12-20T21:00:00+03:00'), end: Date.parse('2026-12-20T23:00:00+03:00') },
      { start: Date.parse('2026-12-31T23:00:00+03:00'), end: Date.parse('2027-01-01T05:00:00+03:00') },
    ];
    const sla = monthSla(days, '2026-12', tz, now, 99, windows);
    expect(sla.maintenanceMin).toBe(180 + 60);
  });

  it('never watched: no figure and no budget, not a month of assumed uptime', () => {
    const now = Date.parse('2026-12-01T10:00:00+03:00');
    const sla = monthSla({}, '2026-12', tz, now, 99.5);
    expect(sla.availability).toBeUndefined();
    expect(sla.budget).toBeUndefined();
    expect(uptime({}, 30, tz, now).availability).toBeUndefined();
  });

  it("adds a client's installations up", () => {
    const now = dayStart('2026-11-02', tz);
    const a = { '2026-11-01': day({ down_min: 144 }) };
    const b = { '2026-11-01': day({}) };
    const sla = clientMonthSla([{ days: a }, { days: b }], '2026-11', tz, now, 99);
    expect(sla.availability).toBeCloseTo((1 - 144 / (2 * 43_200)) * 100);
    expect(sla.budget?.allowedMin).toBeCloseTo(2 * 432);
    expect(sla.budget?.remainingMin).toBeCloseTo(2 * 432 - 144);
  });

  it('uptime over 30 days uses recorded days only; today counts up to now', () => {
    const days = { '2026-11-20': day({}), '2026-11-28': day({ down_min: 30 }) };
    const now = dayStart('2026-11-28', tz) + 300 * MINUTE;
    const u = uptime(days, 30, tz, now);
    expect(u.totalMin).toBe(1440 + 300);
    expect(u.availability).toBeCloseTo((1 - 30 / 1740) * 100);
    expect(new Date(u.since!).toISOString()).toBe('2026-11-19T21:00:00.000Z');
  });
});
