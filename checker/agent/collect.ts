import type { Installation } from '../config/schema.ts';
import type { AgentReport } from '../status/schema.ts';
import { localTarget } from './local-fetch.ts';
import { probeLocalHttp, probeLocalXml } from './local-probes.ts';
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
  /** Bytes read from the local XML status at most. */
  maxBytes?: number;
}

/**
 * Runs the local probes at once — USB, the Kodeks web port, the XML status when the installation has a
 * `kodeks_xml` probe — and builds the validated report.
 */
export async function collectReport(input: CollectInput): Promise<AgentReport> {
  const inst = input.installation;
  const target = localTarget(inst.url, input.localPort);
  const httpPath = inst.probes.http?.path ?? new URL(inst.url).pathname;
  const xml = inst.probes.kodeks_xml;
  const opts = { timeoutMs: input.timeoutMs, maxBytes: input.maxBytes };
  const [usb, http, kodeksXml] = await Promise.all([
    inspectUsb(input.lister, input.usbIds),
    probeLocalHttp(target, httpPath, opts),
    xml ? probeLocalXml(target, xml, opts) : Promise.resolve(undefined),
  ]);
  return buildReport({
    client: input.client,
    installation: inst.id,
    now: input.now(),
    agentVersion: input.agentVersion,
    hostname: input.hostname,
    usb,
    http,
    kodeksXml,
  });
}
