import { z } from 'zod';
import { PROBE_TYPES } from '../probes/types.ts';
import { COMPONENTS, IMPORTANCES, SECTIONS, SMART_SOURCES } from './names.ts';

/**
 * What may raise a checker alert: every probe of the registry, the probes the sysinfo, metrics and licence
 * manager work adds, and `checker` for alerts about the checker itself.
 */
export const ALERT_PROBES = [
  ...new Set([...PROBE_TYPES, 'sysinfo', 'metrics', 'licman', 'agent', 'checker'] as const),
];

const alertName = z.string().regex(/^[A-Z][A-Za-z0-9]+$/, 'an alert name is PascalCase letters and digits');

/** Fields every runbook has, whoever raises the alert. */
const common = {
  /** The alert's name, exactly as the file name (case kept), e.g. KodeksXmlSensLockStatus. */
  alert: alertName,
  /** Short Russian title shown as the page heading and in messages. */
  title: z.string().min(1),
  /** One Russian line on what the failure means for users; used in messages. */
  summary: z.string().min(1),
  /** SMART's priority К1 (1, the highest) … К5 (5); decides the channels (Telegram for the high ones). */
  priority: z.int().min(1).max(5),
  /** SMART's «важность»: critical (act now) or info (for the record); replaced the older `severity`. */
  importance: z.enum(IMPORTANCES),
  /** SMART's catalog sections the alert belongs to (one or more); the /docs/errors/ index groups by them. */
  sections: z
    .array(z.enum(SECTIONS))
    .min(1)
    .refine((s) => new Set(s).size === s.length, 'names a section twice'),
  /** Other spellings of the name that links in the wild use; the site serves the runbook at each (default none). */
  aliases: z.array(alertName).default([]),
};

/** A runbook of an alert this project's checker raises: the alert's full definition. */
export const checkerAlertDocSchema = z.strictObject({
  ...common,
  /** `checker`: this project's checker raises the alert (its name is in checker/alerts/names.ts). */
  raised_by: z.literal('checker'),
  /** Which part of the installation the alert is about (a row on the status page). */
  component: z.enum(COMPONENTS),
  /** Which probe's failure raises it; `checker` for alerts about the checker itself. */
  probe: z.enum(ALERT_PROBES),
  /** Consecutive failed checks before the alert fires (default 2). */
  for: z.int().min(1).max(100).default(2),
  /** Consecutive good checks before a firing alert resolves (default 1). */
  resolve_after: z.int().min(1).max(100).default(1),
  /** Parent alerts: while one of them fires for the same installation this one is held back (default none). */
  suppressed_by: z.array(z.string()).default([]),
  /** Whether the alert may be shown on the client's public status page (default true). */
  client_visible: z.boolean().default(true),
  /** Only on a mass («…Count») alert: the single checker alert it aggregates. */
  count_of: alertName.optional(),
  /** Only on a mass alert: this many installations firing `count_of` in one run make one message (default 10). */
  count_min: z.int().min(2).max(100_000).optional(),
});

/** A runbook of an alert SMART's own analytics raise: documented and served here, never raised by the checker. */
export const smartAlertDocSchema = z.strictObject({
  ...common,
  /** `smart`: SMART raises the alert from data this checker does not see; the site documents it. */
  raised_by: z.literal('smart'),
  /** Where SMART takes the data from: online-billing, activity, admin, registry or sysinfo. */
  source: z.enum(SMART_SOURCES),
});

/**
 * The front matter of `docs/errors/<AlertName>.md`: the alert's definition. The checker and the site
 * both read runbooks through this one schema; `raised_by` decides which fields are allowed.
 */
export const alertDocSchema = z.discriminatedUnion('raised_by', [checkerAlertDocSchema, smartAlertDocSchema]);

/** A validated alert definition (front matter with defaults applied). */
export type AlertDoc = z.output<typeof alertDocSchema>;
export type CheckerAlertDoc = z.output<typeof checkerAlertDocSchema>;
export type SmartAlertDoc = z.output<typeof smartAlertDocSchema>;

/** Fields only one kind of runbook may have, for a message that says why the other kind may not. */
export const ONLY_FOR: Readonly<Record<string, 'checker' | 'smart'>> = Object.fromEntries([
  ...Object.keys(checkerAlertDocSchema.shape)
    .filter((k) => !(k in smartAlertDocSchema.shape))
    .map((k) => [k, 'checker' as const]),
  ...Object.keys(smartAlertDocSchema.shape)
    .filter((k) => !(k in checkerAlertDocSchema.shape))
    .map((k) => [k, 'smart' as const]),
]);
