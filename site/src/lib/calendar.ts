/** Calendar days and months in an IANA time zone (the zone the status data cuts its days in). */

const formats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    formats.set(tz, f);
  }
  return f;
}

/** The local calendar day of an instant, YYYY-MM-DD. */
export function localDay(ms: number, tz: string): string {
  return dayFormat(tz).format(new Date(ms));
}

/** The day `n` days after `day` (negative: before); calendar arithmetic, zone-free. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The `count` days that end with `last`, oldest first. */
export function lastDays(last: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addDays(last, i - count + 1));
}

/** Number of days in a month YYYY-MM. */
export function monthLength(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Offset of the zone from UTC at an instant, in minutes (Moscow: 180). */
export function zoneOffsetMinutes(ms: number, tz: string): number {
  const parts: Record<string, number> = {};
  for (const p of new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(new Date(ms)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
  return Math.round((wall - Math.floor(ms / 60_000) * 60_000) / 60_000);
}

/** Minutes of the local day `day` that have passed at `now` (1440 for past days, 0 for future ones). */
export function elapsedMinutes(day: string, now: number, tz: string): number {
  const today = localDay(now, tz);
  if (day < today) return 1440;
  if (day > today) return 0;
  const offset = zoneOffsetMinutes(now, tz);
  const localMs = now + offset * 60_000;
  return Math.floor((localMs % 86_400_000) / 60_000);
}
