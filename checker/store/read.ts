/**
 * Typed reads of the status files from a store view: each kind at its path, parsed and checked by
 * `status/format.ts`. A corrupt or foreign-version file throws StatusFileError, which stops the run before
 * anything is written.
 */
import type { z } from 'zod';
import { parseStatusFile, statusPaths } from '../status/format.ts';
import {
  agentReportSchema,
  clientStateSchema,
  heartbeatSchema,
  historyMonthSchema,
  incidentMonthSchema,
  outboxSchema,
} from '../status/schema.ts';
import type { StoreView } from './types.ts';

/** Reads and validates one file; undefined when it does not exist. */
export async function readStatusFile<S extends z.ZodType>(
  view: StoreView,
  file: string,
  schema: S,
): Promise<z.output<S> | undefined> {
  const text = await view.read(file);
  return text === undefined ? undefined : parseStatusFile(file, text, schema);
}

/** Typed readers for each kind. */
export const readHeartbeat = (v: StoreView) => readStatusFile(v, statusPaths.heartbeat, heartbeatSchema);
export const readOutbox = (v: StoreView) => readStatusFile(v, statusPaths.outbox, outboxSchema);
export const readClientState = (v: StoreView, client: string) =>
  readStatusFile(v, statusPaths.state(client), clientStateSchema);
export const readHistoryMonth = (v: StoreView, client: string, month: string) =>
  readStatusFile(v, statusPaths.history(client, month), historyMonthSchema);
export const readIncidentMonth = (v: StoreView, month: string) =>
  readStatusFile(v, statusPaths.incidents(month), incidentMonthSchema);
export const readAgentReport = (v: StoreView, client: string, installation: string) =>
  readStatusFile(v, statusPaths.agent(client, installation), agentReportSchema);
