import { z } from 'zod';

/**
 * The mapping profile: where in a sysinfo report each fact is. The element names of the Kodeks sysinfo report
 * are not published, so the DEFAULT_PROFILE below is an assumption (see docs/sysinfo.md) that an installation
 * adapts with `probes.sysinfo.mapping` in installations.yaml, field by field, without code changes.
 *
 * A path is element names separated by `/`, from the root element, optionally ending in `@attribute`:
 * `sysinfo/protection/senselock/@state` reads an attribute, `sysinfo/server/version` an element's text.
 * `*` matches any one element name; names match case-insensitively. In a list (`each`), the fields are paths
 * relative to the list's element: `@name`, `end/@date`, `title` (a child's text) or `.` (its own text).
 */

const PATH =
  /^(\*|[\p{L}_][\p{L}\p{N}_.:-]*)(\/(\*|[\p{L}_][\p{L}\p{N}_.:-]*))*(\/@[\p{L}_][\p{L}\p{N}_.:-]*)?$/u;
const REL =
  /^(\.|@[\p{L}_][\p{L}\p{N}_.:-]*|(\*|[\p{L}_][\p{L}\p{N}_.:-]*)(\/(\*|[\p{L}_][\p{L}\p{N}_.:-]*))*(\/@[\p{L}_][\p{L}\p{N}_.:-]*)?)$/u;

const path = () =>
  z.string().regex(PATH, 'expected element names separated by "/", optionally ending in "/@attribute"');
const elements = () =>
  z.string().regex(/^(\*|[\p{L}_][\p{L}\p{N}_.:-]*)(\/(\*|[\p{L}_][\p{L}\p{N}_.:-]*))*$/u, {
    error: 'expected element names separated by "/" (no @attribute: this names the repeated element)',
  });
const rel = () =>
  z.string().regex(REL, 'expected "@attribute", "child/@attribute", "child" or "." relative to the element');
const values = () => z.array(z.string().min(1).max(100)).min(1).max(50);

/** Overrides of the mapping; every field is optional and replaces the default's field of the same name. */
export const mappingSchema = z.strictObject({
  /** The report's own time (the time inside the file). */
  report_time: path().optional(),
  /** Version of the Kodeks server (PK). */
  pk_version: path().optional(),
  /** Version of the sysinfo module that wrote the report. */
  sysinfo_version: path().optional(),
  /** The SenseLock key record. */
  key: z
    .strictObject({
      /** Where the key state is. */
      select: path().optional(),
      /** Values meaning the key works (case-insensitive). */
      ok: values().optional(),
      /** Values meaning the key is missing or not working; any other value is "unknown", never "missing". */
      missing: values().optional(),
    })
    .optional(),
  /** Seats in use and the reg-file limit. */
  seats: z.strictObject({ used: path().optional(), limit: path().optional() }).optional(),
  /** Per-database licences: one `each` element per database. */
  licenses: z
    .strictObject({
      /** The repeated element; its parent is the licence block (present but empty = KodeksDBLicensesZero). */
      each: elements().optional(),
      /** The database's name. */
      name: rel().optional(),
      /** Last day of its licence. */
      end: rel().optional(),
    })
    .optional(),
  /** Operup (operational update) files. */
  operups: z
    .strictObject({
      each: elements().optional(),
      /** The file (a path; only its name is kept). */
      file: rel().optional(),
      /** When it was last updated. */
      date: rel().optional(),
    })
    .optional(),
  /** Database errors. */
  db_errors: z
    .strictObject({
      each: elements().optional(),
      /** The database it concerns. */
      db: rel().optional(),
      /** The Kodeks error code (a number; other text means "no code"). */
      code: rel().optional(),
      /** The error's text. */
      text: rel().optional(),
    })
    .optional(),
});
export type MappingOverrides = z.output<typeof mappingSchema>;

/** A complete profile: every field set. */
export interface Profile {
  name: string;
  report_time: string;
  pk_version: string;
  sysinfo_version: string;
  key: { select: string; ok: string[]; missing: string[] };
  seats: { used: string; limit: string };
  licenses: { each: string; name: string; end: string };
  operups: { each: string; file: string; date: string };
  db_errors: { each: string; db: string; code: string; text: string };
}

/**
 * The default profile — an ASSUMPTION about the report's element names, to confirm against a real export
 * (docs/sysinfo.md says how). The fixtures in testdata/sysinfo/ are written in this shape.
 */
export const DEFAULT_PROFILE: Profile = {
  name: 'default',
  report_time: 'sysinfo/@created',
  pk_version: 'sysinfo/server/@version',
  sysinfo_version: 'sysinfo/@version',
  key: {
    select: 'sysinfo/protection/senselock/@state',
    ok: ['ok', 'present', 'found', 'works', '1', 'true', 'да', 'работает'],
    missing: ['absent', 'missing', 'not found', 'notfound', 'error', '0', 'false', 'нет', 'не найден'],
  },
  seats: { used: 'sysinfo/registration/@used', limit: 'sysinfo/registration/@limit' },
  licenses: { each: 'sysinfo/licenses/database', name: '@name', end: '@end' },
  operups: { each: 'sysinfo/operups/file', file: '@path', date: '@date' },
  db_errors: { each: 'sysinfo/errors/error', db: '@db', code: '@code', text: '.' },
};

/** The default profile with an installation's overrides applied field by field. */
export function resolveProfile(
  overrides: MappingOverrides | undefined,
  base: Profile = DEFAULT_PROFILE,
): Profile {
  if (!overrides || Object.keys(overrides).length === 0) return base;
  const o = overrides;
  return {
    name: `${base.name}+overrides`,
    report_time: o.report_time ?? base.report_time,
    pk_version: o.pk_version ?? base.pk_version,
    sysinfo_version: o.sysinfo_version ?? base.sysinfo_version,
    key: { ...base.key, ...strip(o.key) },
    seats: { ...base.seats, ...strip(o.seats) },
    licenses: { ...base.licenses, ...strip(o.licenses) },
    operups: { ...base.operups, ...strip(o.operups) },
    db_errors: { ...base.db_errors, ...strip(o.db_errors) },
  };
}

function strip<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
