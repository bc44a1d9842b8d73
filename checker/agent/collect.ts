import type { Installation } from '../config/schema.ts';
import type { AgentReport } from '../status/schema.ts';
import type { ParsePool } from '../sysinfo/parse-pool.ts';
import { localTarget } from './local-fetch.ts';
import { probeLocalHttp, readLocalSysinfo } from './local-probes.ts';
import { buildReport } from './report.ts';
import type { UsbId, UsbLister } from './types.ts';
import { inspectUsb } from './usb-inspect.ts';

/** Everything one agent run needs; I/O comes in through the lister and the clock. */
export interface CollectInput {
  client: string;
  installation: Installation;
  /** Keys looked for on USB. */
  usbIds: readonly UsbId[];
  lister: UsbLister;
  /** The clock; `reported_at` is its value when the probes have finished. */
  now: () => Date;
  agentVersion: string;
  hostname?: string;
  /** Port of the Kodeks web server on this machine (plain http) when it differs from the URL's port. */
  localPort?: number;
  /** Hard timeout of each local request, ms. */
  timeoutMs: number;
  /** Zone of times the report writes without an offset (the installation's, else checker.timezone). */
  timezone?: string;
  /** Reads sysinfo reports (a worker pool); needed when the installation's sysinfo source is the agent. */
  reports?: ParsePool;
}

/**
 * Runs the local probes at once — USB, the Kodeks web port, and the sysinfo report when the installation's
 * `probes.sysinfo.source` is `agent` (closed networks: the checker cannot fetch it) — and builds the
 * validated report. Of the sysinfo report only the derived facts go into it.
 */
export async function collectReport(input: CollectInput): Promise<AgentReport> {
  const inst = input.installation;
  const target = localTarget(inst.url, input.localPort);
  const httpPath = inst.probes.http?.path ?? new URL(inst.url).pathname;
  const sysinfo = inst.probes.sysinfo?.source === 'agent' ? inst.probes.sysinfo : undefined;
  const opts = { timeoutMs: input.timeoutMs };
  const [usb, http, local] = await Promise.all([
    inspectUsb(input.lister, input.usbIds),
    probeLocalHttp(target, httpPath, opts),
    sysinfo && input.reports
      ? readLocalSysinfo(target, sysinfo, {
          ...opts,
          pool: input.reports,
          now: input.now,
          timezone: input.timezone ?? 'Europe/Moscow',
        })
      : Promise.resolve(undefined),
  ]);
  return buildReport({
    client: input.client,
    installation: inst.id,
    now: input.now(),
    agentVersion: input.agentVersion,
    hostname: input.hostname,
    usb,
    http,
    ...(local ? { sysinfo: local.check, ...(local.facts ? { facts: local.facts } : {}) } : {}),
  });
}
