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
import { openFsView } from '../../../checker/store/fs.ts';
import type { StoreView } from '../../../checker/store/types.ts';

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
 * file is "no data yet", never an error; a file that does not match the schema is. The folder is read
 * through the fs store's own view: a checker killed while applying a run leaves a journal, and the site
 * then shows that run whole (its heartbeat with its state), never the heartbeat of one run and the state of
 * another. A file over the size limit is refused unread.
 */
export async function loadStatus(dir: string, months: readonly string[]): Promise<StatusResult> {
  const diagnostics: Diagnostic[] = [];
  const data: StatusData = { states: new Map(), history: new Map(), incidents: [] };
  const view = openFsView(dir);
  const file = (path: string) => ({ view, path, name: join(dir, ...path.split('/')) });

  try {
    const heartbeat = await readJson(file('heartbeat.json'), heartbeatSchema, diagnostics);
    if (heartbeat) data.heartbeat = heartbeat;

    for (const path of await view.list('state')) {
      if (!/^state\/[^/]+\.json$/.test(path)) continue;
      const state = await readJson(file(path), clientStateSchema, diagnostics);
      if (state) data.states.set(state.client, state);
    }

    const wanted = new Set(months);
    const byClient = new Map<string, Map<string, HistoryMonth>>();
    for (const path of await view.list('history')) {
      const m = /^history\/([^/]+)\/(\d{4}-\d{2})\.json$/.exec(path);
      if (!m || !wanted.has(m[2]!)) continue;
      const month = await readJson(file(path), historyMonthSchema, diagnostics);
      if (!month) continue;
      const byMonth = byClient.get(m[1]!) ?? new Map<string, HistoryMonth>();
      byMonth.set(month.month, month);
      byClient.set(m[1]!, byMonth);
    }
    for (const [client, byMonth] of [...byClient].sort(([a], [b]) => a.localeCompare(b)))
      data.history.set(client, byMonth);

    // An incident still open from long ago lives in an older incidents/ month: read that month too.
    const incidentMonths = new Set(wanted);
    for (const state of data.states.values())
      for (const inst of Object.values(state.installations))
        for (const alert of Object.values(inst.alerts))
          if (alert?.state === 'firing' && alert.since)
            incidentMonths.add(new Date(alert.since).toISOString().slice(0, 7));
    for (const month of [...incidentMonths].sort()) {
      const f = await readJson(file(`incidents/${month}.json`), incidentMonthSchema, diagnostics);
      if (f) data.incidents.push(...f.incidents);
    }
    data.incidents.sort((a, b) => a.started_at.localeCompare(b.started_at));
  } catch (err) {
    // The folder itself cannot be read consistently (an update journal that is not one): say so, show nothing.
    diagnostics.push({ file: dir, line: 0, col: 0, path: '', message: (err as Error).message });
  }

  if (diagnostics.length > 0) return { ok: false, diagnostics };
  return { ok: true, data };
}

/**
 * Parses one JSON file against a schema. The fast path is JSON.parse; only a file with a problem is parsed
 * again with positions, so that the message names its line and column.
 */
async function readJson<S extends z.ZodType>(
  at: { view: StoreView; path: string; name: string },
  schema: S,
  diagnostics: Diagnostic[],
): Promise<z.output<S> | undefined> {
  const file = at.name;
  let text: string | undefined;
  try {
    text = await at.view.read(at.path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.name === 'FileTooLargeError' ? e.message : `cannot read the file: ${e.code ?? e.message}`;
    diagnostics.push({ file, line: 0, col: 0, path: '', message: why });
    return undefined;
  }
  if (text === undefined) return undefined;
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
