/**
 * Shapes of the on-prem agent (`smart agent`): what a USB lister reports, and what the agent's local
 * probes return. The report itself is `AgentReport` in `checker/status/schema.ts`.
 */

/** One USB device as the operating system lists it. Strings are absent when they could not be read. */
export interface UsbDeviceInfo {
  vendorId: number;
  productId: number;
  manufacturer?: string;
  product?: string;
}

/**
 * What listing USB devices gave: the devices, or the reason USB cannot be seen at all from here
 * (no /sys/bus/usb, permission denied, the native library missing, a container).
 */
export type UsbListing = { ok: true; devices: UsbDeviceInfo[] } | { ok: false; reason: string };

/** Lists the USB devices of this machine. Injected so tests can say present / absent / unavailable. */
export interface UsbLister {
  list(): Promise<UsbListing>;
}

/** A vendor:product pair that identifies a licence key, e.g. 0471:485d (Senselock SenseIV). */
export interface UsbId {
  vendorId: number;
  productId: number;
}

/** The result of one local probe as it goes into the report (`local.http`, `local.sysinfo`). */
export interface LocalCheck {
  status: 'ok' | 'fail' | 'unknown';
  /** Machine-readable outcome, e.g. CONN_REFUSED, KEY_MISSING. */
  code: string;
  /** Russian, one sentence, at most 500 characters. */
  message: string;
}
