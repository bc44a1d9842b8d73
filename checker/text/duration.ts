/**
 * Durations in Russian words, the one rounding rule of every page and message (the site's status pages, feeds
 * and runbooks, Telegram and mail): a duration counts the whole minutes that have fully passed, like a
 * stopwatch — 1 min 34 s is «1 мин», never «2 мин» in one place and «1 мин» in another. Under a minute it
 * is «меньше минуты», nothing at all is «0 мин». Pure and free of node: imports (the site bundles it).
 */

const MINUTE_MS = 60_000;

/**
 * Sums of minutes kept to a thousandth (history files) may land a hair below a whole minute through
 * floating point; this much is treated as noise, not as a minute not yet passed.
 */
const NOISE_MIN = 1e-6;

/** A duration in ms as «меньше минуты», «40 мин», «4 ч 40 мин», «2 д 3 ч». */
export function durationText(ms: number): string {
  if (!(ms > 0)) return '0 мин';
  const minutes = Math.floor(ms / MINUTE_MS + NOISE_MIN);
  if (minutes < 1) return 'меньше минуты';
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return h > 0 ? `${d} д ${h} ч` : `${d} д`;
  if (h > 0) return m > 0 ? `${h} ч ${m} мин` : `${h} ч`;
  return `${m} мин`;
}

/** The same for a duration in minutes (the unit of the history files and the SLA). */
export function minutesText(minutes: number): string {
  return durationText(minutes * MINUTE_MS);
}
