/**
 * Availability maths over the daily aggregates of the status data (a site-side adapter; the engine's
 * checker/sla computes the same from intervals). No-data time is neither up nor down: it is left out of
 * the measured time and shown on its own.
 */
import type { DayAggregate } from '../../../checker/store/schema.ts';
import { elapsedMinutes, lastDays, monthLength } from './calendar.ts';

/** Minutes of one period split the way SLA needs them. */
export interface Minutes {
  /** Calendar minutes of the period that have passed. */
  total: number;
  /** Inside announced maintenance. */
  maintenance: number;
  /** Down, maintenance excluded. */
  down: number;
  /** Without data (checker silent, day not recorded). */
  noData: number;
}

/** availability = (T − M − D) / (T − M) in %, where T excludes no-data time; undefined when nothing was measured. */
export function availability(m: Minutes): number | undefined {
  const base = m.total - m.noData - m.maintenance;
  if (base <= 0) return undefined;
  return (100 * Math.max(0, base - m.down)) / base;
}

/** Minutes of one day from its aggregate; a day with no aggregate is all no-data. */
export function dayMinutes(agg: DayAggregate | undefined, elapsed: number): Minutes {
  if (!agg) return { total: elapsed, maintenance: 0, down: 0, noData: elapsed };
  const clamp = (v: number) => Math.min(elapsed, v);
  return {
    total: elapsed,
    maintenance: clamp(agg.maintenance_min),
    down: clamp(agg.down_min),
    noData: clamp(agg.no_data_min),
  };
}

/** Sum of several periods. */
export function sumMinutes(list: readonly Minutes[]): Minutes {
  const out: Minutes = { total: 0, maintenance: 0, down: 0, noData: 0 };
  for (const m of list) {
    out.total += m.total;
    out.maintenance += m.maintenance;
    out.down += m.down;
    out.noData += m.noData;
  }
  return out;
}

/** Looks up one day's aggregate of one installation. */
export type DayLookup = (day: string) => DayAggregate | undefined;

/** Minutes of the `count` days ending today (today counted up to `now`). */
export function windowMinutes(
  lookup: DayLookup,
  today: string,
  count: number,
  now: number,
  tz: string,
): Minutes {
  return sumMinutes(lastDays(today, count).map((d) => dayMinutes(lookup(d), elapsedMinutes(d, now, tz))));
}

/** This calendar month against the contract. */
export interface MonthSla {
  month: string;
  minutes: Minutes;
  /** Availability so far, %. */
  availability?: number;
  /** The contract, %. */
  target?: number;
  /** Downtime the contract allows in the whole month, minutes (maintenance excluded). */
  allowed?: number;
  /** Allowed minus used; negative when the contract is already broken. */
  remaining?: number;
}

/** Availability of the month of `today` so far, and the downtime budget left under `target` %. */
export function monthSla(
  lookup: DayLookup,
  today: string,
  now: number,
  tz: string,
  target?: number,
): MonthSla {
  const month = today.slice(0, 7);
  const days = lastDays(today, Number(today.slice(8, 10)));
  const minutes = sumMinutes(days.map((d) => dayMinutes(lookup(d), elapsedMinutes(d, now, tz))));
  const out: MonthSla = { month, minutes, availability: availability(minutes) };
  if (target !== undefined) {
    const monthTotal = monthLength(month) * 1440 - minutes.maintenance;
    const allowed = Math.floor((monthTotal * (100 - target)) / 100);
    out.target = target;
    out.allowed = allowed;
    out.remaining = allowed - Math.round(minutes.down);
  }
  return out;
}
