import { z } from 'zod';
import { PROBE_TYPES } from '../probes/types.ts';
import { COMPONENTS, SEVERITIES } from './names.ts';

/**
 * The front matter of `docs/errors/<AlertName>.md`: the alert's definition. The checker and the site
 * both read runbooks through this one schema.
 */
export const alertDocSchema = z.strictObject({
  /** The alert's name, exactly as the file name (case kept), e.g. KodeksXmlSensLockStatus. */
  alert: z.string().regex(/^[A-Z][A-Za-z0-9]+$/, 'an alert name is PascalCase letters and digits'),
  /** Short Russian title shown as the page heading and in Telegram. */
  title: z.string().min(1),
  /** One Russian line on what the failure means for users; used in Telegram messages. */
  summary: z.string().min(1),
  /** critical wakes people up; warning can wait for working hours; info is for the record. */
  severity: z.enum(SEVERITIES),
  /** Which part of the installation the alert is about (a row on the status page). */
  component: z.enum(COMPONENTS),
  /** Which probe's failure raises it; `checker` for alerts about the checker itself. */
  probe: z.enum([...PROBE_TYPES, 'checker']),
  /** Consecutive failed checks before the alert fires (default 2). */
  for: z.int().min(1).max(100).default(2),
  /** Consecutive good checks before a firing alert resolves (default 1). */
  resolve_after: z.int().min(1).max(100).default(1),
  /** Parent alerts: while one of them fires for the same installation this one is held back. */
  suppressed_by: z.array(z.string()).default([]),
  /** Whether the alert may be shown on the client's public status page. */
  client_visible: z.boolean().default(true),
});

/** A validated alert definition (front matter with defaults applied). */
export type AlertDoc = z.output<typeof alertDocSchema>;
