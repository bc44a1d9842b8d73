/** Times and durations in messages: «06:00 МСК», «27.11 21:00 МСК», «4 ч 40 мин». */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Intl formatters are slow to build; a run formats hundreds of times in one or two zones. */
function formatter(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = formatters.get(key);
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f;
}

/** The zone as people write it: МСК for Moscow, otherwise UTC±N. */
export function zoneLabel(timeZone: string, at: Date): string {
  if (timeZone === 'Europe/Moscow') return 'МСК';
  const name =
    formatter(
      `offset ${timeZone}`,
      () => new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'shortOffset' }),
    )
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  return name === 'GMT' || name === 'GMT+0' ? 'UTC' : name.replace(/^GMT/, 'UTC');
}

function parts(at: Date, timeZone: string): { day: string; month: string; hour: string; minute: string } {
  const map: Record<string, string> = {};
  const fmt = formatter(
    `clock ${timeZone}`,
    () =>
      new Intl.DateTimeFormat('ru-RU', {
        timeZone,
        day: '2-digit',
        month: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
  );
  for (const p of fmt.formatToParts(at)) map[p.type] = p.value;
  return { day: map.day ?? '', month: map.month ?? '', hour: map.hour ?? '', minute: map.minute ?? '' };
}

/** «06:00 МСК»; with the date («27.11 21:00 МСК») when `at` is on another day than `now`. */
export function formatClock(at: Date, timeZone: string, now: Date = at): string {
  const p = parts(at, timeZone);
  const n = parts(now, timeZone);
  const sameDay =
    p.day === n.day && p.month === n.month && Math.abs(now.getTime() - at.getTime()) < 86_400_000;
  const clock = `${p.hour}:${p.minute}`;
  return `${sameDay ? clock : `${p.day}.${p.month} ${clock}`} ${zoneLabel(timeZone, at)}`;
}

/** A downtime in words («меньше минуты», «40 мин», «4 ч 40 мин»): the site's rounding rule, one module for both. */
export { durationText as formatDuration } from '../text/duration.ts';

/** «с 21:00 до 01:40 МСК» — the zone once, dates only where the day differs from `now`'s. */
export function formatRange(from: Date, to: Date, timeZone: string, now: Date = to): string {
  const zone = ` ${zoneLabel(timeZone, to)}`;
  const a = formatClock(from, timeZone, now);
  const b = formatClock(to, timeZone, now);
  return `с ${a.endsWith(zone) ? a.slice(0, -zone.length) : a} до ${b}`;
}

/** The earliest `since` of several installations (ISO strings sort as times), else `fallback`. */
export function sinceFirst(items: { since: string }[], fallback: string): string {
  return items.map((i) => i.since).sort()[0] ?? fallback;
}

/** The date alone, with the year: «10.12.2026» (a certificate's expiry, which may be months away). */
export function formatDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('ru-RU', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(at);
}
