/**
 * SLA arithmetic over the daily aggregates of history files. Pure and free of node: imports: the site
 * imports this module through Vite to show uptime and the contract SLA.
 *
 * Availability = (T − N − M − D) / (T − N − M), where T is the elapsed time of the period, D the downtime,
 * M announced maintenance and N the time with no data. The contract formula is (T − M − D)/(T − M); we also
 * take no-data time out of T because a minute nobody observed is neither up nor down ("no data, never up").
 * Only days that have a record count: a day the checker never saw is no data as a whole.
 */
import type { DayAggregate } from '../status/schema.ts';
import { DAY, dayStart, daysOfMonth, localDay, MINUTE, nextDay, previousDay } from './time.ts';

/** Minutes of a period, split by what they were. */
export interface Tally {
  /** Elapsed minutes of recorded days (today only up to now). */
  totalMin: number;
  downMin: number;
  maintenanceMin: number;
  noDataMin: number;
}

/** One installation's days, YYYY-MM-DD → aggregate (merge the months you need first). */
export type Days = Readonly<Record<string, DayAggregate>>;

const EMPTY: Tally = { totalMin: 0, downMin: 0, maintenanceMin: 0, noDataMin: 0 };

/** Adds up the recorded days from `from` to `to` inclusive; today counts only up to `now`. */
export function tallyDays(days: Days, from: string, to: string, tz: string, now: number): Tally {
  const out = { ...EMPTY };
  for (const [day, agg] of Object.entries(days)) {
    if (day < from || day > to) continue;
    const start = dayStart(day, tz);
    const end = Math.min(dayStart(nextDay(day), tz), now);
    if (end <= start) continue;
    out.totalMin += (end - start) / MINUTE;
    out.downMin += agg.down_min;
    out.maintenanceMin += agg.maintenance_min;
    out.noDataMin += agg.no_data_min;
  }
  return out;
}

/** Sums tallies, e.g. a client's installations. */
export function combine(tallies: readonly Tally[]): Tally {
  return tallies.reduce(
    (a, t) => ({
      totalMin: a.totalMin + t.totalMin,
      downMin: a.downMin + t.downMin,
      maintenanceMin: a.maintenanceMin + t.maintenanceMin,
      noDataMin: a.noDataMin + t.noDataMin,
    }),
    EMPTY,
  );
}

/** Availability in percent, or undefined when nothing was observed. */
export function availability(t: Tally): number | undefined {
  const observed = t.totalMin - t.noDataMin - t.maintenanceMin;
  if (observed <= 0) return undefined;
  return (Math.max(0, observed - t.downMin) / observed) * 100;
}

/** Uptime over the last `n` local days including today. */
export function uptime(days: Days, n: number, tz: string, now: number): Tally & { availability?: number } {
  const to = localDay(now, tz);
  let from = to;
  for (let i = 1; i < n; i++) from = previousDay(from);
  const t = tallyDays(days, from, to, tz, now);
  return { ...t, availability: availability(t) };
}

/** A calendar month against the contract: availability and the downtime budget left. */
export interface MonthSla extends Tally {
  month: string;
  availability?: number;
  /** Present when a target is given: downtime the contract allows this month and what is left of it. */
  budget?: { targetPercent: number; allowedMin: number; usedMin: number; remainingMin: number };
}

/** Availability of a calendar month (YYYY-MM) in `tz` up to `now`, and the budget against `target` %. */
export function monthSla(days: Days, month: string, tz: string, now: number, target?: number): MonthSla {
  const all = daysOfMonth(month);
  const t = tallyDays(days, all[0]!, all[all.length - 1]!, tz, now);
  const out: MonthSla = { month, ...t, availability: availability(t) };
  if (target !== undefined) {
    // The budget is for the whole month, whatever part of it has passed.
    const monthMin = (dayStart(nextDay(all[all.length - 1]!), tz) - dayStart(all[0]!, tz)) / MINUTE;
    out.budget = budget(target, ((100 - target) / 100) * Math.max(0, monthMin - t.maintenanceMin), t.downMin);
  }
  return out;
}

/** The month's downtime budget: allowed by the contract, used so far, and what is left. */
function budget(targetPercent: number, allowedMin: number, usedMin: number): NonNullable<MonthSla['budget']> {
  return { targetPercent, allowedMin, usedMin, remainingMin: Math.max(0, allowedMin - usedMin) };
}

/** Merges several history months' days of one installation into one Days map. */
export function mergeDays(...months: (Days | undefined)[]): Record<string, DayAggregate> {
  return Object.assign({}, ...months.filter(Boolean));
}

/** Local days from `n - 1` days before `now` to today, oldest first (for the 90 daily bars). */
export function lastDays(n: number, tz: string, now: number): string[] {
  const out: string[] = [];
  let day = localDay(now, tz);
  for (let i = 0; i < n; i++) {
    out.unshift(day);
    day = localDay(dayStart(day, tz) - DAY / 2, tz);
  }
  return out;
}

/**
 * A client's calendar month: its installations' minutes added up (so availability is weighted by observed
 * time) and the budgets summed — a client with two installations may be down twice as many
 * installation-minutes as one with one.
 */
export function clientMonthSla(
  installations: readonly Days[],
  month: string,
  tz: string,
  now: number,
  target?: number,
): MonthSla {
  const each = installations.map((d) => monthSla(d, month, tz, now, target));
  const t = combine(each);
  const out: MonthSla = { month, ...t, availability: availability(t) };
  if (target !== undefined) {
    out.budget = budget(
      target,
      each.reduce((a, m) => a + (m.budget?.allowedMin ?? 0), 0),
      t.downMin,
    );
  }
  return out;
}
