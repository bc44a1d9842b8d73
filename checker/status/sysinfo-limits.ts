/**
 * The version and caps of the sysinfo facts, without zod: the worker that reads reports imports these and
 * nothing heavier (its start-up is paid by every run that reads a report).
 */

/** Version of the sysinfo facts schema; bump it when a field changes meaning. */
export const SYSINFO_FACTS_VERSION = 1;

/** Lists in the facts are capped: a real report has tens of databases and operups, not thousands. */
export const MAX_FACT_ITEMS = 100;
