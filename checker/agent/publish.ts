import { resolve, sep } from 'node:path';
import type { AgentReport } from '../status/schema.ts';
import { writeAtomic } from '../store/fs.ts';
import type { StatusStore, UpdateResult } from '../store/types.ts';
import { agentReportPath, serializeReport } from './report.ts';

/**
 * Writes the report under `dir` as agents/<client>/<installation>.json, atomically: a temporary file in
 * the same folder, flushed, then renamed over the old report, so a reader never sees half a file.
 * Returns the absolute path written.
 */
export async function writeReportToDir(dir: string, report: AgentReport): Promise<string> {
  const text = serializeReport(report);
  const root = resolve(dir);
  const file = resolve(root, agentReportPath(report.client, report.installation));
  if (!file.startsWith(root + sep)) throw new Error(`refusing to write outside ${root}: ${file}`);
  await writeAtomic(file, text);
  return file;
}

/**
 * Saves the report through a status store (the `status` branch on GitHub): one update touching only this
 * installation's file, so it survives races with the checker and other agents (the store re-applies it).
 */
export async function writeReportToStore(store: StatusStore, report: AgentReport): Promise<UpdateResult> {
  const text = serializeReport(report);
  const path = agentReportPath(report.client, report.installation);
  const message = `agent: ${report.client}/${report.installation} usb ${report.usb.status}`;
  return store.update(message, async () => new Map([[path, text]]));
}
