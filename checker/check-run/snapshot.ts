/**
 * Reading the status data the engine needs from a store view, and turning the engine's output back into
 * file changes. Every file goes through store/read.ts: a corrupt or foreign-version file throws
 * StatusFileError, which stops the run before anything is written.
 */
import { monthsNeeded } from '../alerts/engine/advance.ts';
import type { EngineOutput, StatusSnapshot } from '../alerts/engine/types.ts';
import type { Config } from '../config/schema.ts';
import { serialize, statusPaths } from '../status/format.ts';
import { privateValues, redactEvidence } from '../status/redact.ts';
import type { ClientState } from '../status/schema.ts';
import { mapLimit } from '../store/map-limit.ts';
import { readClientState, readHeartbeat, readHistoryMonth, readIncidentMonth } from '../store/read.ts';
import type { StoreChanges, StoreView } from '../store/types.ts';

/**
 * Files read at once: a run of 1,000 clients reads ~2,000, and one after another they cost ~0.5 s of
 * waiting on the file system's threads (bench/README.md, "peer"); a bound keeps the open-file limit safe.
 */
const READ_PARALLEL = 32;

/** Reads the heartbeat, every configured client's state and the history/incident months the run may touch. */
export async function loadSnapshot(view: StoreView, config: Config, at: Date): Promise<StatusSnapshot> {
  const heartbeat = await readHeartbeat(view);
  const states = await readAll(
    config.clients.map((c) => c.id),
    (client) => readClientState(view, client),
  );
  const need = monthsNeeded(config, states, at);
  const history = await readAll([...need.history], (key) => {
    const [client, month] = key.split('/') as [string, string];
    return readHistoryMonth(view, client, month);
  });
  const incidents = await readAll([...need.incidents], (month) => readIncidentMonth(view, month));
  return { ...(heartbeat ? { heartbeat } : {}), states, history, incidents };
}

/** The files of `keys`, read a bounded number at once, in the order of `keys`; missing ones left out. */
async function readAll<V>(
  keys: string[],
  read: (key: string) => Promise<V | undefined>,
): Promise<Map<string, V>> {
  const values = await mapLimit(keys, READ_PARALLEL, read);
  const out = new Map<string, V>();
  keys.forEach((k, i) => {
    const v = values[i];
    if (v !== undefined) out.set(k, v);
  });
  return out;
}

/**
 * The files an engine run changed, serialized. Check evidence is redacted on the way out (status/redact.ts):
 * the status data holds no address, URL, host name or private value of `config`.
 */
export function snapshotChanges(out: EngineOutput, config: Config): StoreChanges {
  const changes: StoreChanges = new Map();
  const { next, touched } = out;
  const privates = privateValues(config);
  if (touched.heartbeat && next.heartbeat) changes.set(statusPaths.heartbeat, serialize(next.heartbeat));
  for (const client of touched.states) {
    const s = next.states.get(client);
    if (s) changes.set(statusPaths.state(client), serialize(redactState(s, privates)));
  }
  for (const key of touched.history) {
    const h = next.history.get(key);
    if (h) changes.set(statusPaths.history(h.client, h.month), serialize(h));
  }
  for (const month of touched.incidents) {
    const m = next.incidents.get(month);
    if (m) changes.set(statusPaths.incidents(month), serialize(m));
  }
  return changes;
}

/** A client's state with every check's evidence redacted. */
function redactState(state: ClientState, privates: readonly string[]): ClientState {
  const installations: ClientState['installations'] = {};
  for (const [id, inst] of Object.entries(state.installations)) {
    const checks: typeof inst.checks = {};
    for (const [check, c] of Object.entries(inst.checks) as [
      keyof typeof inst.checks,
      (typeof inst.checks)[keyof typeof inst.checks],
    ][]) {
      if (!c) continue;
      checks[check] = c.evidence ? { ...c, evidence: redactEvidence(c.evidence, privates) } : c;
    }
    installations[id] = { ...inst, checks };
  }
  return { ...state, installations };
}
