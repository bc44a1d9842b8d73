import { z } from 'zod';

/**
 * The facts the checker derives from a Kodeks sysinfo report (checker/sysinfo reads the report through a
 * mapping profile). They are what leaves a client's server when the on-prem agent pushes a report: no user
 * names, no search queries, no addresses — only the state of the key, licences, operups, database errors,
 * seats and versions. Bump SYSINFO_FACTS_VERSION when a field changes meaning; readers refuse other versions.
 */
export { MAX_FACT_ITEMS, SYSINFO_FACTS_VERSION } from './sysinfo-limits.ts';

import { MAX_FACT_ITEMS, SYSINFO_FACTS_VERSION } from './sysinfo-limits.ts';

const iso = z.iso.datetime({ offset: true });
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const text = (max: number) => z.string().max(max);

/** What the report says about the SenseLock key. unknown: the report has no such record or an unexpected value. */
export const keyFactSchema = z.object({
  state: z.enum(['ok', 'missing', 'unknown']),
  /** The value read from the report (clipped), for operators. */
  value: text(100).optional(),
  /** Why the state is unknown, in Russian (e.g. «в отчёте нет записи о ключе»). */
  reason: text(300).optional(),
});

/** One database (volume set) of the installation and the end of its licence. */
export const databaseFactSchema = z.object({
  name: text(200),
  /** Last day of the licence (the installation's local date), when the report gives one. */
  license_end: day.optional(),
});

/** One operup (operational update) file and when it was last updated. */
export const operupFactSchema = z.object({
  /** The file's name without its folder (the report holds absolute paths; only the name leaves the server). */
  file: text(200),
  /** When the file was last updated. */
  updated_at: iso.optional(),
});

/** One database error the report lists. */
export const dbErrorFactSchema = z.object({
  /** The database (or volume) it concerns, when given. */
  db: text(200).optional(),
  /** Kodeks error code; absent when the entry carries none. */
  code: z.int().nonnegative().optional(),
  /** The report's own text of the error (clipped). */
  text: text(200).optional(),
});

/** Facts of one sysinfo report, schema version SYSINFO_FACTS_VERSION. */
export const sysinfoFactsSchema = z.object({
  version: z.literal(SYSINFO_FACTS_VERSION),
  /** Name of the mapping profile that read the report (default, or "default+overrides"). */
  profile: text(100),
  /** The report's own time (the time inside the file), when it has one. */
  report_at: iso.optional(),
  /** When the report was fetched (pull) or read by the agent. */
  fetched_at: iso,
  /** Versions: the Kodeks server (PK) and the sysinfo module. */
  pk_version: text(100).optional(),
  sysinfo_version: text(100).optional(),
  key: keyFactSchema,
  /**
   * The per-database licence block: present (with databases), empty (the block is there, no database in it
   * — KodeksDBLicensesZero), or unknown (the report has no such block where the profile looks).
   */
  licenses: z.enum(['present', 'empty', 'unknown']),
  databases: z.array(databaseFactSchema).max(MAX_FACT_ITEMS),
  /** unknown: the report has no operup list where the profile looks. */
  operups_known: z.boolean(),
  operups: z.array(operupFactSchema).max(MAX_FACT_ITEMS),
  /** unknown: the report has no error list where the profile looks (an empty list is "no errors"). */
  db_errors_known: z.boolean(),
  db_errors: z.array(dbErrorFactSchema).max(MAX_FACT_ITEMS),
  /** Seats in use and the reg-file limit, when the report gives them. */
  seats: z.object({ used: z.int().nonnegative().optional(), limit: z.int().nonnegative().optional() }),
  /** Lists cut at MAX_FACT_ITEMS (the counts before cutting). */
  truncated: z.record(z.string(), z.int().nonnegative()).optional(),
});

export type SysinfoFacts = z.output<typeof sysinfoFactsSchema>;
export type KeyFact = z.output<typeof keyFactSchema>;
export type DatabaseFact = z.output<typeof databaseFactSchema>;
export type OperupFact = z.output<typeof operupFactSchema>;
export type DbErrorFact = z.output<typeof dbErrorFactSchema>;
