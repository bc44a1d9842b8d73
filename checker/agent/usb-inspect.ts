import type { AgentReport } from '../status/schema.ts';
import type { UsbId, UsbLister, UsbListing } from './types.ts';
import { formatUsbId, looksLikeKey, matchesUsbId } from './usb-ids.ts';

/** The `usb` section of the report. */
export type UsbSection = AgentReport['usb'];

/** At most this many devices go into the report (the schema allows 64; matched keys come first). */
const MAX_DEVICES = 16;
/** A USB string descriptor holds at most 126 UTF-16 characters; longer text is not a real device string. */
const MAX_STRING = 126;

/**
 * Asks the lister and turns its answer into the report's `usb` section. A lister that throws instead of
 * answering is treated like one that says "unavailable": not seeing USB is never "the key is absent".
 */
export async function inspectUsb(lister: UsbLister, ids: readonly UsbId[]): Promise<UsbSection> {
  let listing: UsbListing;
  try {
    listing = await lister.list();
  } catch (err) {
    listing = { ok: false, reason: describeError(err) };
  }
  return usbSection(listing, ids);
}

/** Pure part of `inspectUsb`: which devices look like keys, and whether a configured key is attached. */
export function usbSection(listing: UsbListing, ids: readonly UsbId[]): UsbSection {
  if (!listing.ok) {
    return { status: 'unavailable', reason: clip(listing.reason || 'причина неизвестна', 500), devices: [] };
  }
  const devices = listing.devices
    .map((d) => ({ d, matched: matchesUsbId(d, ids) }))
    .filter(({ d, matched }) => matched || looksLikeKey(d))
    .sort((a, b) => Number(b.matched) - Number(a.matched))
    .slice(0, MAX_DEVICES)
    .map(({ d, matched }) => ({
      id: formatUsbId(d.vendorId, d.productId),
      ...(d.manufacturer ? { manufacturer: clip(d.manufacturer, MAX_STRING) } : {}),
      ...(d.product ? { product: clip(d.product, MAX_STRING) } : {}),
      matched,
    }));
  return { status: devices.some((d) => d.matched) ? 'present' : 'absent', devices };
}

/** One line from anything thrown, for the `reason` field. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}
