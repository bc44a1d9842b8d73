import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import type { Diagnostic } from '../../../checker/config/diagnostics.ts';
import { parseYaml } from '../../../checker/config/yaml-source.ts';
import { issuesToDiagnostics } from '../../../checker/config/zod-issues.ts';
import {
  type ClientState,
  clientStateSchema,
  type Heartbeat,
  type HistoryMonth,
  heartbeatSchema,
  historyMonthSchema,
  type Incident,
  incidentMonthSchema,
} from '../../../checker/status/schema.ts';

/** The part of the status data the site publishes from, validated. */
export interface StatusData {
  /** The checker's last run; undefined before the first run. */
  heartbeat?: Heartbeat;
  /** Current state by client id. */
  states: Map<string, ClientState>;
  /** Daily history by client id, then month (YYYY-MM). */
  history: Map<string, Map<string, HistoryMonth>>;
  /** Incidents of the months read, oldest first. */
  incidents: Incident[];
}

export type StatusResult = { ok: true; data: StatusData } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Reads the status folder. Only the months in `months` (YYYY-MM) are read from history/ and incidents/:
 * the pages show 90 days and the current month, so years of data cost nothing. A missing folder or
 * file is "no data yet", never an error; a file that does not match the schema is.
 */
export async function loadStatus(dir: string, months: readonly string[]): Promise<StatusResult> {
  const diagnostics: Diagnostic[] = [];
  const data: StatusData = { states: new Map(), history: new Map(), incidents: [] };

  const heartbeat = await readJson(join(dir, 'heartbeat.json'), heartbeatSchema, diagnostics);
  if (heartbeat) data.heartbeat = heartbeat;

  for (const name of await list(join(dir, 'state'))) {
    if (!name.endsWith('.json')) continue;
    const state = await readJson(join(dir, 'state', name), clientStateSchema, diagnostics);
    if (state) data.states.set(state.client, state);
  }

  const wanted = new Set(months);
  for (const client of await list(join(dir, 'history'))) {
    const files = (await list(join(dir, 'history', client))).filter((f) =>
      wanted.has(f.replace(/\.json$/, '')),
    );
    const byMonth = new Map<string, HistoryMonth>();
    await Promise.all(
      files.map(async (f) => {
        const month = await readJson(join(dir, 'history', client, f), historyMonthSchema, diagnostics);
        if (month) byMonth.set(month.month, month);
      }),
    );
    if (byMonth.size > 0) data.history.set(client, byMonth);
  }

  // An incident still open from long ago lives in an older incidents/ month: read that month too.
  const incidentMonths = new Set(wanted);
  for (const state of data.states.values())
    for (const inst of Object.values(state.installations))
      for (const alert of Object.values(inst.alerts))
        if (alert?.state === 'firing' && alert.since)
          incidentMonths.add(new Date(alert.since).toISOString().slice(0, 7));
  for (const month of [...incidentMonths].sort()) {
    const file = await readJson(join(dir, 'incidents', `${month}.json`), incidentMonthSchema, diagnostics);
    if (file) data.incidents.push(...file.incidents);
  }
  data.incidents.sort((a, b) => a.started_at.localeCompare(b.started_at));

  if (diagnostics.length > 0) return { ok: false, diagnostics };
  return { ok: true, data };
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/**
 * Parses one JSON file against a schema. The fast path is JSON.parse; only a file with a problem is parsed
 * again with positions, so that the message names its line and column.
 */
async function readJson<S extends z.ZodType>(
  file: string,
  schema: S,
  diagnostics: Diagnostic[],
): Promise<z.output<S> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    diagnostics.push({ file, line: 0, col: 0, path: '', message: `cannot read the file: ${code ?? err}` });
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const parsed = parseYaml(file, text);
    if (!parsed.ok) diagnostics.push(...parsed.diagnostics);
    else diagnostics.push({ file, line: 1, col: 1, path: '', message: 'not valid JSON' });
    return undefined;
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const parsed = parseYaml(file, text);
  if (!parsed.ok) {
    diagnostics.push(...parsed.diagnostics);
    return undefined;
  }
  diagnostics.push(
    ...issuesToDiagnostics(result.error.issues, {
      file,
      doc: parsed.doc,
      lines: parsed.lines,
      schema,
    }),
  );
  return undefined;
}
