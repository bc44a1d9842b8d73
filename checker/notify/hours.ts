/**
 * A client's working hours in its time zone: is a moment inside them, and when did the working day that
 * contains a moment start (and the previous one end). Pure; the zone's offset is read through Intl, so
 * daylight-saving changes are handled by the platform's zone data.
 */
import { WEEKDAYS } from '../config/schema.ts';

/** Working hours as the config gives them, with the zone resolved. */
export interface Hours {
  days: readonly (typeof WEEKDAYS)[number][];
  from: string;
  to: string;
  timezone: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function local(
  at: Date,
  timeZone: string,
): { y: number; m: number; d: number; weekday: number; minutes: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(at)) p[part.type] = part.value;
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday ?? '');
  return {
    y: Number(p.year),
    m: Number(p.month),
    d: Number(p.day),
    weekday,
    minutes: Number(p.hour) * 60 + Number(p.minute),
  };
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The instant of local time `minutes` on the local date y-m-d in `timeZone`. */
function instant(y: number, m: number, d: number, minutes: number, timeZone: string): Date {
  const wanted = Date.UTC(y, m - 1, d, Math.floor(minutes / 60), minutes % 60);
  let guess = wanted;
  // Two corrections find the offset, also across a daylight-saving change.
  for (let k = 0; k < 2; k++) {
    const l = local(new Date(guess), timeZone);
    const seen = Date.UTC(l.y, l.m - 1, l.d, Math.floor(l.minutes / 60), l.minutes % 60);
    guess += wanted - seen;
  }
  return new Date(guess);
}

/** The local date as YYYY-MM-DD (the day a summary belongs to). */
export function localDate(at: Date, timeZone: string): string {
  const l = local(at, timeZone);
  return `${l.y}-${String(l.m).padStart(2, '0')}-${String(l.d).padStart(2, '0')}`;
}

function isWorkday(h: Hours, weekday: number): boolean {
  return h.days.includes(WEEKDAYS[weekday]!);
}

/** True when `at` is inside the working hours. */
export function isWorkingTime(h: Hours, at: Date): boolean {
  const l = local(at, h.timezone);
  return isWorkday(h, l.weekday) && l.minutes >= minutesOf(h.from) && l.minutes < minutesOf(h.to);
}

/**
 * When `at` is inside a working day: that day's start and the end of the working day before it (the
 * night a morning summary covers). Undefined outside working hours.
 */
export function workingDay(h: Hours, at: Date): { start: Date; previousEnd: Date; date: string } | undefined {
  if (!isWorkingTime(h, at)) return undefined;
  const l = local(at, h.timezone);
  const start = instant(l.y, l.m, l.d, minutesOf(h.from), h.timezone);
  // Walk back day by day (at most a week) to the previous working day.
  for (let back = 1; back <= 7; back++) {
    const noon = new Date(start.getTime() - back * 86_400_000 + 12 * 3_600_000);
    const p = local(noon, h.timezone);
    if (isWorkday(h, p.weekday))
      return {
        start,
        previousEnd: instant(p.y, p.m, p.d, minutesOf(h.to), h.timezone),
        date: localDate(at, h.timezone),
      };
  }
  return { start, previousEnd: new Date(start.getTime() - 86_400_000), date: localDate(at, h.timezone) };
}

/** A client's working hours with its zone (default checker.timezone), or undefined when it has none. */
export function clientHours(
  config: { checker: { timezone: string } },
  client:
    | { notify?: { working_hours?: { days: Hours['days']; from: string; to: string; timezone?: string } } }
    | undefined,
): Hours | undefined {
  const h = client?.notify?.working_hours;
  return h
    ? { days: h.days, from: h.from, to: h.to, timezone: h.timezone ?? config.checker.timezone }
    : undefined;
}
