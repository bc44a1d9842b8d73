import type { UsbId } from './types.ts';

/** The keys looked for when `--usb-ids` is not given: 0471:485d, the Senselock SenseIV used by Kodeks. */
export const DEFAULT_USB_IDS: readonly UsbId[] = [{ vendorId: 0x0471, productId: 0x485d }];

/** Words in a device's manufacturer or product string that make it look like a licence key. */
const KEY_WORDS = /sense\s*lock|kodeks|кодекс|sentinel/i;

/** Formats an id as the report writes it: four lowercase hex digits each, e.g. "0471:485d". */
export function formatUsbId(vendorId: number, productId: number): string {
  return `${hex4(vendorId)}:${hex4(productId)}`;
}

function hex4(n: number): string {
  return (n & 0xffff).toString(16).padStart(4, '0');
}

/**
 * Parses `--usb-ids 0471:485d,0529:0001` into ids, or says which item is wrong.
 * Case and spaces around items do not matter; duplicates are dropped.
 */
export function parseUsbIds(text: string): { ok: true; ids: UsbId[] } | { ok: false; error: string } {
  const ids: UsbId[] = [];
  const seen = new Set<string>();
  const items = text.split(',').map((s) => s.trim());
  for (const item of items) {
    const m = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$/.exec(item);
    if (!m) {
      return {
        ok: false,
        error: `--usb-ids: "${item}" is not vendor:product in hex, e.g. 0471:485d`,
      };
    }
    const id = { vendorId: Number.parseInt(m[1]!, 16), productId: Number.parseInt(m[2]!, 16) };
    const key = formatUsbId(id.vendorId, id.productId);
    if (!seen.has(key)) {
      seen.add(key);
      ids.push(id);
    }
  }
  return { ok: true, ids };
}

/** True when the device is one of the configured keys. */
export function matchesUsbId(dev: { vendorId: number; productId: number }, ids: readonly UsbId[]): boolean {
  return ids.some((id) => id.vendorId === dev.vendorId && id.productId === dev.productId);
}

/** True when the device's strings suggest a licence key even though its id is not in the list. */
export function looksLikeKey(dev: { manufacturer?: string; product?: string }): boolean {
  return KEY_WORDS.test(dev.manufacturer ?? '') || KEY_WORDS.test(dev.product ?? '');
}
