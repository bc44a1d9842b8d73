import { type AgentReport, agentReportSchema, STATUS_SCHEMA_VERSION } from '../status/schema.ts';
import type { SysinfoFacts } from '../status/sysinfo.ts';
import type { LocalCheck } from './types.ts';
import type { UsbSection } from './usb-inspect.ts';

/** A report never grows past this many bytes (the schema caps every list and string; this is the sum). */
export const MAX_REPORT_BYTES = 256 * 1024;

/** Same rule as installations.yaml ids; checked again here because the id becomes a path. */
const ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** Where a report lives in the status data. Throws on an id that could leave `agents/` (never a valid id). */
export function agentReportPath(client: string, installation: string): string {
  if (!ID.test(client) || !ID.test(installation)) {
    throw new Error(`not a valid client/installation id: ${JSON.stringify(`${client}/${installation}`)}`);
  }
  return `agents/${client}/${installation}.json`;
}

/** What one agent run observed. */
export interface ReportInput {
  client: string;
  installation: string;
  /** The injected clock's now. */
  now: Date;
  agentVersion: string;
  hostname?: string;
  usb: UsbSection;
  http?: LocalCheck;
  /** The local sysinfo report: how reading it went, and its facts when it was read. */
  sysinfo?: LocalCheck;
  facts?: SysinfoFacts;
}

/** Builds the report in a fixed key order and validates it against `agentReportSchema`. */
export function buildReport(input: ReportInput): AgentReport {
  const local: Record<string, LocalCheck> = {};
  if (input.http) local.http = clipCheck(input.http);
  if (input.sysinfo) local.sysinfo = clipCheck(input.sysinfo);
  const draft = {
    schema: STATUS_SCHEMA_VERSION,
    client: input.client,
    installation: input.installation,
    reported_at: input.now.toISOString(),
    agent_version: input.agentVersion,
    ...(input.hostname ? { hostname: input.hostname.slice(0, 255) } : {}),
    usb: input.usb,
    local,
    ...(input.facts ? { sysinfo: input.facts } : {}),
  };
  agentReportPath(input.client, input.installation);
  return agentReportSchema.parse(draft);
}

/** The file's text: validated again, pretty JSON with a final newline, refused when too big. */
export function serializeReport(report: AgentReport): string {
  const checked = agentReportSchema.parse(report);
  const text = `${JSON.stringify(checked, null, 2)}\n`;
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_REPORT_BYTES) {
    throw new Error(`the report is ${bytes} bytes, more than ${MAX_REPORT_BYTES}`);
  }
  return text;
}

function clipCheck(c: LocalCheck): LocalCheck {
  return { status: c.status, code: c.code, message: c.message.slice(0, 500) };
}
