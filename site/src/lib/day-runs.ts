/**
 * The 90 daily bars of an installation as runs: consecutive days that read the same (quiet, or no data) are
 * one run, a day with something to say is a run of its own. The page draws one bar per day from the runs
 * and lists the runs as text for screen readers and keyboards (docs/decisions.md, "Site").
 */
import type { DayAggregate } from '../../../checker/status/schema.ts';
import { minutesText } from '../../../checker/text/duration.ts';
import { dayText } from './format.ts';

/** How a day is drawn: no downtime, under an hour down, an hour or more, maintenance, nothing watched. */
export type DayLevel = 'ok' | 'minor' | 'major' | 'maint' | 'none';

/** Consecutive days that read the same. */
export interface DayRun {
  /** First and last day (YYYY-MM-DD); equal for a single day. */
  from: string;
  to: string;
  days: number;
  level: DayLevel;
  /** «простой 12 мин, плановые работы 2 ч», «без сбоев», «нет данных». */
  what: string;
  /** «25 ноября» or «3 сентября — 24 ноября». */
  label: string;
}

/** What the days are read against. */
export interface DayContext {
  /** The first watched day (undefined: never watched). */
  firstDay?: string;
  /** When on that day the watching began, as the page writes a time («23:11 МСК»). */
  firstClock?: string;
  /** Today (YYYY-MM-DD) in the installation's zone. */
  today: string;
  /** The data is fresh: today before its first check is the state of the last check, not a gap. */
  fresh: boolean;
}

const QUIET = 'без сбоев';
const NO_DATA = 'нет данных';

/** One day's level and words; `elapsed` is the minutes of the day that have passed. */
export function readDay(
  day: string,
  agg: DayAggregate | undefined,
  elapsed: number,
  ctx: DayContext,
): { level: DayLevel; what: string } {
  if (ctx.firstDay === undefined || day < ctx.firstDay) return { level: 'none', what: NO_DATA };
  if (!agg && !(day === ctx.today && ctx.fresh)) return { level: 'none', what: NO_DATA };
  const clamp = (v: number | undefined) => Math.min(elapsed, v ?? 0);
  const down = clamp(agg?.down_min);
  const maintenance = clamp(agg?.maintenance_min);
  let noData = clamp(agg?.no_data_min);
  let total = elapsed;
  let since: string | undefined;
  if (day === ctx.firstDay && noData > 0) {
    // The part of the first day before the first check is not a gap: nobody was watching yet.
    total -= noData;
    noData = 0;
    if (ctx.firstClock) since = `данные с ${ctx.firstClock}`;
  }
  const parts: string[] = [];
  if (down > 0) parts.push(`простой ${minutesText(down)}`);
  if (maintenance > 0) parts.push(`плановые работы ${minutesText(maintenance)}`);
  if (noData > 0) parts.push(`без данных ${minutesText(noData)}`);
  if (parts.length === 0) parts.push(QUIET);
  if (since) parts.push(since);
  let level: DayLevel = 'ok';
  if (down >= 60) level = 'major';
  else if (down > 0) level = 'minor';
  else if (maintenance > 0) level = 'maint';
  else if (total <= 0 || noData * 2 > total) level = 'none';
  return { level, what: parts.join(', ') };
}

/** Days (oldest first) with their readings → runs; quiet days and days without data merge. */
export function toRuns(days: readonly { day: string; level: DayLevel; what: string }[]): DayRun[] {
  const runs: DayRun[] = [];
  for (const d of days) {
    const last = runs[runs.length - 1];
    const merges = d.what === QUIET || d.what === NO_DATA;
    if (last && merges && last.level === d.level && last.what === d.what) {
      last.to = d.day;
      last.days += 1;
    } else runs.push({ from: d.day, to: d.day, days: 1, level: d.level, what: d.what, label: '' });
  }
  for (const r of runs) r.label = rangeText(r.from, r.to);
  return runs;
}

/** «25 ноября», «20–21 ноября», «3 сентября — 24 ноября». */
function rangeText(from: string, to: string): string {
  if (from === to) return dayText(from, false);
  if (from.slice(0, 7) === to.slice(0, 7)) return `${Number(from.slice(8))}–${dayText(to, false)}`;
  return `${dayText(from, false)} — ${dayText(to, false)}`;
}
