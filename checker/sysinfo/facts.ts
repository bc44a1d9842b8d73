import { zoneOffset } from '../sla/time.ts';
import {
  type DatabaseFact,
  type DbErrorFact,
  MAX_FACT_ITEMS,
  type OperupFact,
  SYSINFO_FACTS_VERSION,
  type SysinfoFacts,
} from '../status/sysinfo.ts';
import type { Extracted } from './extract.ts';
import type { Profile } from './profile.ts';

/** The context facts are derived in: when the report was obtained and the zone of times without one. */
export interface FactsContext {
  fetchedAt: Date;
  /** IANA zone for times the report writes without an offset (the server's local time). */
  timezone: string;
}

/**
 * Typed facts from the raw values of one report (checked against sysinfoFactsSchema by the caller, parse-pool.ts). Values that cannot be read (a date in an unknown format, a
 * seat count that is not a number) are left out, never guessed; a key value that is neither in `ok` nor in
 * `missing` makes the key state unknown, never "missing".
 */
export function deriveFacts(raw: Extracted, profile: Profile, ctx: FactsContext): SysinfoFacts {
  const tz = ctx.timezone;
  const reportMs = raw.report_time ? parseTime(raw.report_time, tz) : undefined;
  const databases: DatabaseFact[] = raw.licenses.items.map((r) => {
    const end = r.end ? parseDay(r.end, tz) : undefined;
    return { name: clip(r.name || '(без названия)', 200), ...(end ? { license_end: end } : {}) };
  });
  const operups: OperupFact[] = raw.operups.items.map((r) => {
    const at = r.date ? parseTime(r.date, tz) : undefined;
    return {
      file: clip(baseName(r.file ?? '') || '(без имени)', 200),
      ...(at !== undefined ? { updated_at: new Date(at).toISOString() } : {}),
    };
  });
  const dbErrors: DbErrorFact[] = raw.db_errors.items.map((r) => {
    const code = parseCode(r.code);
    return {
      ...(r.db ? { db: clip(r.db, 200) } : {}),
      ...(code !== undefined ? { code } : {}),
      ...(r.text ? { text: clip(r.text, 200) } : {}),
    };
  });
  const truncated: Record<string, number> = {};
  for (const k of ['licenses', 'operups', 'db_errors'] as const)
    if (raw[k].total > MAX_FACT_ITEMS) truncated[k] = raw[k].total;
  const used = parseCount(raw.seats_used);
  const limit = parseCount(raw.seats_limit);
  const facts: SysinfoFacts = {
    version: SYSINFO_FACTS_VERSION,
    profile: profile.name,
    ...(reportMs !== undefined ? { report_at: new Date(reportMs).toISOString() } : {}),
    fetched_at: ctx.fetchedAt.toISOString(),
    ...(raw.pk_version ? { pk_version: clip(raw.pk_version, 100) } : {}),
    ...(raw.sysinfo_version ? { sysinfo_version: clip(raw.sysinfo_version, 100) } : {}),
    key: keyFact(raw.key, profile),
    licenses: !raw.licenses.known ? 'unknown' : databases.length > 0 ? 'present' : 'empty',
    databases: databases.slice(0, MAX_FACT_ITEMS),
    operups_known: raw.operups.known,
    operups: operups.slice(0, MAX_FACT_ITEMS),
    db_errors_known: raw.db_errors.known,
    db_errors: dbErrors.slice(0, MAX_FACT_ITEMS),
    seats: { ...(used !== undefined ? { used } : {}), ...(limit !== undefined ? { limit } : {}) },
    ...(Object.keys(truncated).length > 0 ? { truncated } : {}),
  };
  return facts;
}

function keyFact(value: string | undefined, profile: Profile): SysinfoFacts['key'] {
  if (value === undefined)
    return {
      state: 'unknown',
      reason: `в отчёте нет записи о ключе SenseLock там, где её ищет профиль (${profile.key.select})`,
    };
  const v = value.trim().toLowerCase();
  const shown = clip(value.trim(), 100);
  if (profile.key.ok.some((o) => o.toLowerCase() === v)) return { state: 'ok', value: shown };
  if (profile.key.missing.some((o) => o.toLowerCase() === v)) return { state: 'missing', value: shown };
  return {
    state: 'unknown',
    value: shown,
    reason: `значение «${shown}» не входит ни в mapping.key.ok, ни в mapping.key.missing`,
  };
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The last part of a Windows or POSIX path: only the file's name leaves the server. */
export function baseName(p: string): string {
  return p.trim().split(/[\\/]/).filter(Boolean).at(-1) ?? '';
}

function parseCount(s: string | undefined): number | undefined {
  if (s === undefined || !/^\s*\d{1,9}\s*$/.test(s)) return undefined;
  return Number(s);
}

/** A Kodeks error code: the first number of the text («2007», «Ошибка 2007», «4103 (2007)»). */
export function parseCode(s: string | undefined): number | undefined {
  const m = s === undefined ? null : /\d{1,6}/.exec(s);
  return m ? Number(m[0]) : undefined;
}

const ISO_ZONED = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const RU_LOCAL = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * An instant from the report: ISO 8601 with an offset as it is; ISO without one, or the Russian
 * «дд.мм.гггг [чч:мм[:сс]]», as wall time in `tz`; Unix seconds or milliseconds. Undefined otherwise.
 */
export function parseTime(text: string, tz: string): number | undefined {
  const s = text.trim();
  if (ISO_ZONED.test(s)) {
    const ms = Date.parse(s.replace(' ', 'T'));
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (/^\d{10}$/.test(s)) return Number(s) * 1000;
  if (/^\d{13}$/.test(s)) return Number(s);
  const f = wall(s);
  if (!f) return undefined;
  const asUtc = Date.UTC(f.y, f.m - 1, f.d, f.h, f.min, f.sec);
  // Two rounds settle the offset across a DST change.
  let guess = asUtc - zoneOffset(asUtc, tz);
  guess = asUtc - zoneOffset(guess, tz);
  return guess;
}

/** A calendar day (YYYY-MM-DD) from the report: the local date of an instant, or a date as written. */
export function parseDay(text: string, tz: string): string | undefined {
  const s = text.trim();
  const f = wall(s);
  if (f) return isoDay(f.y, f.m, f.d);
  const ms = parseTime(s, tz);
  if (ms === undefined) return undefined;
  const offset = zoneOffset(ms, tz);
  return new Date(ms + offset).toISOString().slice(0, 10);
}

function wall(
  s: string,
): { y: number; m: number; d: number; h: number; min: number; sec: number } | undefined {
  const iso = ISO_LOCAL.exec(s);
  const ru = iso ? null : RU_LOCAL.exec(s);
  let f: number[] | undefined;
  if (iso) f = [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6]].map((x) => Number(x ?? 0));
  else if (ru) f = [ru[3], ru[2], ru[1], ru[4], ru[5], ru[6]].map((x) => Number(x ?? 0));
  if (!f) return undefined;
  const [y, mo, d, h, min, sec] = f as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || min > 59 || sec > 60) return undefined;
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCDate() !== d) return undefined;
  return { y, m: mo, d, h, min, sec };
}

function isoDay(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
