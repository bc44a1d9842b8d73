/**
 * Calendar maths in an IANA time zone, without node: imports (the site bundles this through Vite).
 * Days and months of the status data are cut in the configured zone, not in UTC.
 */

export const MINUTE = 60_000;
export const DAY = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();

function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(tz, f);
  }
  return f;
}

function fields(ms: number, tz: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of format(tz).formatToParts(new Date(ms)))
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** Offset of the zone from UTC at `ms`, in ms (Moscow: +3 h). */
export function zoneOffset(ms: number, tz: string): number {
  const f = fields(ms, tz);
  const asUtc = Date.UTC(f.year!, f.month! - 1, f.day!, f.hour!, f.minute!, f.second!);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The local calendar day of an instant, YYYY-MM-DD. */
export function localDay(ms: number, tz: string): string {
  const f = fields(ms, tz);
  return `${f.year}-${pad(f.month!)}-${pad(f.day!)}`;
}

/** The local calendar month of an instant, YYYY-MM. */
export function localMonth(ms: number, tz: string): string {
  return localDay(ms, tz).slice(0, 7);
}

/** The instant a local day (YYYY-MM-DD) begins in the zone. */
export function dayStart(day: string, tz: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  // Two rounds settle the offset even across a DST change on that day.
  let guess = wall - zoneOffset(wall, tz);
  guess = wall - zoneOffset(guess, tz);
  return guess;
}

/** The day after `day` (calendar arithmetic, zone-free). */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The day before `day`. */
export function previousDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}

/** Every day of a month YYYY-MM. */
export function daysOfMonth(month: string): string[] {
  const out: string[] = [];
  for (let day = `${month}-01`; day.startsWith(month); day = nextDay(day)) out.push(day);
  return out;
}

/** The month after YYYY-MM. */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
}

/** Months from `from` to `to` inclusive (YYYY-MM), at most `max` of them (the latest ones). */
export function monthRange(from: string, to: string, max = 24): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) out.push(m);
  return out.slice(-max);
}

/** Cuts [start, end) at local midnights: the milliseconds that fall on each local day. */
export function splitByDay(start: number, end: number, tz: string): { day: string; ms: number }[] {
  const out: { day: string; ms: number }[] = [];
  let t = start;
  while (t < end) {
    const day = localDay(t, tz);
    const boundary = Math.min(end, dayStart(nextDay(day), tz));
    out.push({ day, ms: boundary - t });
    t = boundary;
  }
  return out;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
