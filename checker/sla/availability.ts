/**
 * SLA arithmetic over the daily aggregates of history files. Pure and free of node: imports: the site
 * imports this module through Vite to show uptime and the contract SLA.
 *
 * One definition for every figure (docs/decisions.md, "Alert engine and SLA"):
 *   availability = (A − D) / A, A = the period's accountable minutes = T − M − N,
 * T the minutes of the period, D downtime, M announced maintenance, N minutes nobody watched (gaps, and the
 * time before the installation was first checked: a day never recorded is unwatched as a whole).
 * - The 30- and 90-day windows end now: T is their elapsed minutes.
 * - A calendar month is the contract's period and is accounted whole: its minutes still to come count in T
 *   (minus the maintenance already announced for them), so the month's figure is the one it ends with if no
 *   more downtime happens, and the downtime budget is (100 − target) % of the same A. The figure is below the
 *   target exactly when the budget is overspent — the two never disagree, on the 1st of a month or ever.
 * - When watching began after the period's start, the figure says since when (`since`).
 */
import type { DayAggregate } from '../status/schema.ts';
import type { Window } from './accounting.ts';
import { DAY, dayStart, daysOfMonth, localDay, MINUTE, nextDay, previousDay } from './time.ts';

/** Minutes of a period, split by what they were. */
export interface Tally {
  /** T: minutes of the period accounted (recorded days up to now, plus a month's minutes still to come). */
  totalMin: number;
  downMin: number;
  maintenanceMin: number;
  noDataMin: number;
}

/** A period's figure: its tally, the availability (undefined when nothing was watched) and coverage. */
export interface PeriodFigure extends Tally {
  availability?: number;
  /** The first watched instant, when it is after the period's start («по данным с …»). */
  since?: number;
}

/** One installation's days, YYYY-MM-DD → aggregate (merge the months you need first). */
export type Days = Readonly<Record<string, DayAggregate>>;

const EMPTY: Tally = { totalMin: 0, downMin: 0, maintenanceMin: 0, noDataMin: 0 };

/** Minutes of a local day (1380 or 1500 on DST days). */
function dayLength(day: string, tz: string): number {
  return (dayStart(nextDay(day), tz) - dayStart(day, tz)) / MINUTE;
}

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

/** A: the minutes the figure is measured against. */
export function accountableMin(t: Tally): number {
  return Math.max(0, t.totalMin - t.noDataMin - t.maintenanceMin);
}

/** Availability in percent, or undefined when nothing was watched. */
export function availability(t: Tally): number | undefined {
  const a = accountableMin(t);
  if (a <= 0) return undefined;
  return (Math.max(0, a - t.downMin) / a) * 100;
}

/**
 * The first instant the installation was watched, from its days: the first recorded day that is not all
 * "no data", plus the no-data minutes it starts with (the engine records the part of its first day before
 * the first check as no data). Undefined when nothing was ever watched.
 */
export function watchedFrom(days: Days, tz: string): number | undefined {
  for (const day of Object.keys(days).sort()) {
    const agg = days[day]!;
    if (agg.no_data_min >= dayLength(day, tz) - 1e-6) continue;
    return dayStart(day, tz) + agg.no_data_min * MINUTE;
  }
  return undefined;
}

function withCoverage(t: Tally, periodStart: number, days: Days, tz: string): PeriodFigure {
  const out: PeriodFigure = { ...t };
  const a = availability(t);
  if (a !== undefined) out.availability = a;
  const from = watchedFrom(days, tz);
  // A minute of slack: the first check of a day lands a few seconds after midnight.
  if (a !== undefined && from !== undefined && from - periodStart > MINUTE) out.since = from;
  return out;
}

/** Uptime over the last `n` local days including today (up to now). */
export function uptime(days: Days, n: number, tz: string, now: number): PeriodFigure {
  const to = localDay(now, tz);
  let from = to;
  for (let i = 1; i < n; i++) from = previousDay(from);
  return withCoverage(tallyDays(days, from, to, tz, now), dayStart(from, tz), days, tz);
}

/** A calendar month against the contract: availability and the downtime budget left. */
export interface MonthSla extends PeriodFigure {
  month: string;
  /** Present when a target is given: downtime the contract allows this month and what is left of it. */
  budget?: { targetPercent: number; allowedMin: number; usedMin: number; remainingMin: number };
}

/** Minutes of the union of `windows` inside [from, to). */
export function windowMinutes(windows: readonly Window[], from: number, to: number): number {
  const parts = windows
    .map((w) => ({ start: Math.max(w.start, from), end: Math.min(w.end, to) }))
    .filter((w) => w.end > w.start)
    .sort((a, b) => a.start - b.start);
  let total = 0;
  let reach = from;
  for (const p of parts) {
    const start = Math.max(p.start, reach);
    if (p.end > start) total += p.end - start;
    reach = Math.max(reach, p.end);
  }
  return total / MINUTE;
}

/**
 * A calendar month (YYYY-MM) in `tz` accounted whole at `now`: the recorded days so far, plus the minutes
 * still to come (less the announced maintenance `windows` among them), and the budget against `target` %.
 */
export function monthSla(
  days: Days,
  month: string,
  tz: string,
  now: number,
  target?: number,
  windows: readonly Window[] = [],
): MonthSla {
  const all = daysOfMonth(month);
  const start = dayStart(all[0]!, tz);
  const end = dayStart(nextDay(all[all.length - 1]!), tz);
  const past = tallyDays(days, all[0]!, all[all.length - 1]!, tz, now);
  const watched = watchedFrom(days, tz) !== undefined;
  const from = Math.max(now, start);
  // Nothing watched yet: there is no figure, not a month of assumed uptime.
  const rest = watched && end > from ? (end - from) / MINUTE : 0;
  const t: Tally = {
    ...past,
    totalMin: past.totalMin + rest,
    maintenanceMin: past.maintenanceMin + (rest > 0 ? windowMinutes(windows, from, end) : 0),
  };
  const out: MonthSla = { month, ...withCoverage(t, start, days, tz) };
  if (target !== undefined && out.availability !== undefined)
    out.budget = budget(target, ((100 - target) / 100) * accountableMin(t), t.downMin);
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
 * A client's calendar month: its installations' minutes added up (so availability is weighted by accountable
 * time) and the budgets summed — a client with two installations may be down twice as many
 * installation-minutes as one with one.
 */
export function clientMonthSla(
  installations: readonly { days: Days; windows?: readonly Window[] }[],
  month: string,
  tz: string,
  now: number,
  target?: number,
): MonthSla {
  const each = installations.map((i) => monthSla(i.days, month, tz, now, target, i.windows));
  const t = combine(each);
  const out: MonthSla = { month, ...t };
  const a = availability(t);
  if (a !== undefined) out.availability = a;
  if (target !== undefined && a !== undefined) {
    out.budget = budget(
      target,
      each.reduce((sum, m) => sum + (m.budget?.allowedMin ?? 0), 0),
      t.downMin,
    );
  }
  return out;
}
