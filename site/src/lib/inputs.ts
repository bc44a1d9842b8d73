/**
 * The site's inputs, read once per build: installations.yaml, the alert catalog and the status data.
 * Paths come from the environment (SMART_CONFIG, SMART_DOCS, SMART_STATUS_DIR) relative to the working
 * directory; SMART_NOW fixes "now" for tests and screenshots.
 */
import { resolve } from 'node:path';
import { type Catalog, loadCatalog, type Runbooks } from '../../../checker/alerts/catalog.ts';
import type { Diagnostic } from '../../../checker/config/diagnostics.ts';
import { loadConfig } from '../../../checker/config/load.ts';
import type { Config } from '../../../checker/config/schema.ts';
import { addDays, localDay } from './calendar.ts';
import { loadStatus, type StatusData } from './status-files.ts';

/** Everything a page is rendered from. */
export interface Inputs {
  config: Config;
  /** The alerts the checker raises. */
  catalog: Catalog;
  /** Every runbook, the checker's and SMART's own alerts. */
  runbooks: Runbooks;
  status: StatusData;
  /** The build's "now" (ms). */
  now: number;
}

export type InputsResult = { ok: true; inputs: Inputs } | { ok: false; diagnostics: Diagnostic[] };

/** Days of history the pages need: 90 daily bars, plus the start of the current month. */
export const HISTORY_DAYS = 90;

/** Where the inputs are, from an environment. */
export function inputPaths(env: NodeJS.ProcessEnv, cwd: string) {
  return {
    config: resolve(cwd, env.SMART_CONFIG || 'installations.yaml'),
    docs: resolve(cwd, env.SMART_DOCS || 'docs/errors'),
    status: resolve(cwd, env.SMART_STATUS_DIR || 'status'),
  };
}

/** The environment a build reads these inputs from: the inverse of `inputPaths` (plus SMART_NOW when given). */
export function inputsEnv(
  paths: { config: string; docs: string; status: string; now?: string },
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    ASTRO_TELEMETRY_DISABLED: '1',
    SMART_CONFIG: paths.config,
    SMART_DOCS: paths.docs,
    SMART_STATUS_DIR: paths.status,
  };
  if (paths.now) env.SMART_NOW = paths.now;
  else delete env.SMART_NOW;
  return env;
}

/** Parses SMART_NOW (an ISO date-time) or falls back to the clock. */
export function buildNow(env: NodeJS.ProcessEnv, clock: () => number = Date.now): number | Diagnostic {
  if (!env.SMART_NOW) return clock();
  const ms = Date.parse(env.SMART_NOW);
  if (Number.isNaN(ms))
    return {
      file: 'SMART_NOW',
      line: 0,
      col: 0,
      path: '',
      message: `"${env.SMART_NOW}" is not a date-time such as 2026-11-28T09:25:00+03:00`,
    };
  return ms;
}

/** Months (YYYY-MM) touched by the last HISTORY_DAYS days in `tz`, and the next one for safety at month ends. */
export function monthsNeeded(now: number, tz: string): string[] {
  const today = localDay(now, tz);
  const months = new Set<string>();
  for (let i = 0; i <= HISTORY_DAYS; i++) months.add(addDays(today, -i).slice(0, 7));
  // incidents/ is cut by UTC month; the first hours of a local month can belong to the previous UTC one.
  months.add(new Date(now).toISOString().slice(0, 7));
  return [...months].sort();
}

/** Reads and validates all inputs; every problem is returned, located, none thrown. */
export async function loadInputs(env: NodeJS.ProcessEnv, cwd: string): Promise<InputsResult> {
  const paths = inputPaths(env, cwd);
  const now = buildNow(env);
  if (typeof now !== 'number') return { ok: false, diagnostics: [now] };
  const [config, catalog] = await Promise.all([loadConfig(paths.config), loadCatalog(paths.docs)]);
  const diagnostics: Diagnostic[] = [];
  if (!config.ok) diagnostics.push(...config.diagnostics);
  if (!catalog.ok) diagnostics.push(...catalog.diagnostics);
  if (!config.ok || !catalog.ok) return { ok: false, diagnostics };
  const status = await loadStatus(paths.status, monthsNeeded(now, config.config.checker.timezone));
  if (!status.ok) return { ok: false, diagnostics: status.diagnostics };
  return {
    ok: true,
    inputs: {
      config: config.config,
      catalog: catalog.catalog,
      runbooks: catalog.runbooks,
      status: status.data,
      now,
    },
  };
}

/**
 * Clients that have status data (state or history) but are not in installations.yaml: their pages are not
 * built. A client removed from the file leaves its data behind; all of them at once usually means the build
 * reads another installations.yaml than the checker (SMART_CONFIG).
 */
export function unknownClients(inputs: Inputs): string[] {
  const known = new Set(inputs.config.clients.map((c) => c.id));
  const seen = new Set([...inputs.status.states.keys(), ...inputs.status.history.keys()]);
  return [...seen].filter((id) => !known.has(id)).sort();
}

/** The build's warnings about its inputs, one line each, for stderr. */
export function inputWarnings(inputs: Inputs, configFile: string): string[] {
  const unknown = unknownClients(inputs);
  if (unknown.length === 0) return [];
  return [
    `warning: status data for ${unknown.length} client${unknown.length === 1 ? '' : 's'} not in ${configFile}: ` +
      `${unknown.join(', ')} — no pages are built for them. If the checker uses another installations.yaml, ` +
      'point SMART_CONFIG at it; if they were removed, their state/ and history/ files can go.',
  ];
}

const CACHE = Symbol.for('smart-status.site.inputs');
type Cache = { [CACHE]?: Promise<InputsResult> };

/**
 * The inputs of this build, loaded once per process: astro.config reads them first (and stops the build
 * on a problem); the pages, bundled separately by Vite, get the same object through globalThis.
 */
export function sharedInputs(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): Promise<InputsResult> {
  const cache = globalThis as Cache;
  cache[CACHE] ??= loadInputs(env, cwd);
  return cache[CACHE];
}

/** The inputs for a page; throws only if astro.config did not already stop a broken build. */
export async function inputs(): Promise<Inputs> {
  const result = await sharedInputs();
  if (!result.ok) throw new Error(`invalid inputs:\n${result.diagnostics.map((d) => d.message).join('\n')}`);
  return result.inputs;
}
