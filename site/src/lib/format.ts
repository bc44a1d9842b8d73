/** Times, dates and durations as the Russian pages write them, always in the configured zone. */
import { zoneOffsetMinutes } from './calendar.ts';

/** The zone as people write it: МСК for Moscow, otherwise UTC±N. */
export function zoneLabel(tz: string, at: number): string {
  if (tz === 'Europe/Moscow') return 'МСК';
  const off = zoneOffsetMinutes(at, tz);
  if (off === 0) return 'UTC';
  const h = Math.floor(Math.abs(off) / 60);
  const m = Math.abs(off) % 60;
  return `UTC${off < 0 ? '−' : '+'}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

const cache = new Map<string, Intl.DateTimeFormat>();
function fmt(tz: string, kind: 'clock' | 'date' | 'day'): Intl.DateTimeFormat {
  const key = `${tz}|${kind}`;
  let f = cache.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      kind === 'clock'
        ? { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
        : kind === 'date'
          ? { timeZone: tz, day: 'numeric', month: 'long', year: 'numeric' }
          : { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' };
    f = new Intl.DateTimeFormat('ru-RU', opts);
    cache.set(key, f);
  }
  return f;
}

/** «09:25 МСК». */
export function clock(ms: number, tz: string): string {
  return `${fmt(tz, 'clock').format(ms)} ${zoneLabel(tz, ms)}`;
}

/** «28 ноября 2026, 09:25 МСК». */
export function dateTime(ms: number, tz: string): string {
  return `${fmt(tz, 'date').format(ms).replace(/ г\.$/, '')}, ${clock(ms, tz)}`;
}

/** «1 декабря, 23:11»: since when the data goes (the zone is said once, in the page's footer). */
export function sinceText(ms: number, tz: string): string {
  const date = fmt(tz, 'date')
    .format(ms)
    .replace(/ г\.$/, '')
    .replace(/ \d{4}$/, '');
  return `${date}, ${fmt(tz, 'clock').format(ms)}`;
}

const MONTHS_IN = [
  'январе',
  'феврале',
  'марте',
  'апреле',
  'мае',
  'июне',
  'июле',
  'августе',
  'сентябре',
  'октябре',
  'ноябре',
  'декабре',
];

/** «В декабре» for 2026-12. */
export function monthIn(month: string): string {
  return `В ${MONTHS_IN[Number(month.slice(5, 7)) - 1]}`;
}

/** «28 ноября 2026» for a calendar day YYYY-MM-DD (already local); «28 ноября» without the year. */
export function dayText(day: string, withYear = true): string {
  const text = fmt('UTC', 'day')
    .format(Date.parse(`${day}T00:00:00Z`))
    .replace(/ г\.$/, '');
  return withYear ? text : text.replace(/ \d{4}$/, '');
}

/** Russian plural: plural(5, ['минута', 'минуты', 'минут']). */
export function plural(n: number, forms: readonly [string, string, string]): string {
  const a = Math.abs(n) % 100;
  const b = a % 10;
  if (a > 10 && a < 20) return forms[2];
  if (b === 1) return forms[0];
  if (b >= 2 && b <= 4) return forms[1];
  return forms[2];
}

/** Durations follow the one rounding rule of pages and messages (checker/text/duration.ts). */
export { durationText, minutesText } from '../../../checker/text/duration.ts';

/** A percentage with as many decimals as it takes to not round 99.96 up to 100: «99,95 %». */
export function percent(v: number | undefined): string {
  if (v === undefined) return 'нет данных';
  const fixed = v >= 100 ? '100' : (Math.floor(v * 100) / 100).toFixed(2);
  return `${fixed.replace('.', ',')} %`;
}
