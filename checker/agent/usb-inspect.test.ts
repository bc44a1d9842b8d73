import { describe, expect, it } from 'vitest';
import { agentReportSchema } from '../status/schema.ts';
import type { UsbLister, UsbListing } from './types.ts';
import { DEFAULT_USB_IDS, formatUsbId, parseUsbIds } from './usb-ids.ts';
import { inspectUsb, usbSection } from './usb-inspect.ts';

const lister = (listing: UsbListing): UsbLister => ({ list: async () => listing });
const hub = {
  vendorId: 0x1d6b,
  productId: 0x0002,
  manufacturer: 'Linux Foundation',
  product: '2.0 root hub',
};
const senseIV = { vendorId: 0x0471, productId: 0x485d, manufacturer: 'Senselock', product: 'SenseIV' };

describe('inspectUsb', () => {
  const cases: { name: string; listing: UsbListing; status: string; ids: string[] }[] = [
    {
      name: 'the key is attached',
      listing: { ok: true, devices: [hub, senseIV] },
      status: 'present',
      ids: ['0471:485d'],
    },
    { name: 'USB is visible, no key', listing: { ok: true, devices: [hub] }, status: 'absent', ids: [] },
    {
      name: 'an empty bus outside a container',
      listing: { ok: true, devices: [] },
      status: 'absent',
      ids: [],
    },
    {
      name: 'USB cannot be seen',
      listing: { ok: false, reason: 'нет /sys/bus/usb' },
      status: 'unavailable',
      ids: [],
    },
    {
      name: 'a key-like device with an unknown id',
      listing: { ok: true, devices: [hub, { vendorId: 0x1bc0, productId: 0x8101, product: 'SenseLock EL' }] },
      status: 'absent',
      ids: ['1bc0:8101'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const usb = await inspectUsb(lister(c.listing), DEFAULT_USB_IDS);
      expect(usb.status).toBe(c.status);
      expect(usb.devices.map((d) => d.id)).toEqual(c.ids);
    });
  }

  it('keeps the reason when USB cannot be seen, and never calls that "absent"', async () => {
    const usb = await inspectUsb(
      lister({ ok: false, reason: 'permission denied (EACCES)' }),
      DEFAULT_USB_IDS,
    );
    expect(usb).toEqual({ status: 'unavailable', reason: 'permission denied (EACCES)', devices: [] });
  });

  it('treats a lister that throws as "unavailable" with the error as the reason', async () => {
    const broken: UsbLister = {
      list: async () => {
        throw Object.assign(new Error('libusb gone'), { code: 'ENOENT' });
      },
    };
    const usb = await inspectUsb(broken, DEFAULT_USB_IDS);
    expect(usb.status).toBe('unavailable');
    expect(usb.reason).toBe('libusb gone (ENOENT)');
  });

  it('records the strings of matched devices and marks which ones matched', () => {
    const usb = usbSection(
      {
        ok: true,
        devices: [{ vendorId: 0x0529, productId: 0x0001, manufacturer: 'SafeNet Sentinel' }, senseIV],
      },
      DEFAULT_USB_IDS,
    );
    expect(usb.devices).toEqual([
      { id: '0471:485d', manufacturer: 'Senselock', product: 'SenseIV', matched: true },
      { id: '0529:0001', manufacturer: 'SafeNet Sentinel', matched: false },
    ]);
  });

  it('recognises the key by a configured id even without strings (no permission to read them)', () => {
    const usb = usbSection({ ok: true, devices: [{ vendorId: 0x0471, productId: 0x485d }] }, DEFAULT_USB_IDS);
    expect(usb).toEqual({ status: 'present', devices: [{ id: '0471:485d', matched: true }] });
  });

  it('stays within the report schema for a machine full of key-like devices', () => {
    const devices = Array.from({ length: 200 }, (_, i) => ({
      vendorId: 0x0471,
      productId: i,
      manufacturer: `Kodeks ${'x'.repeat(300)}`,
    }));
    const usb = usbSection({ ok: true, devices }, DEFAULT_USB_IDS);
    expect(usb.devices.length).toBe(16);
    expect(usb.devices[0]!.manufacturer!.length).toBeLessThanOrEqual(126);
    const report = {
      schema: 1,
      client: 'acme',
      installation: 'main',
      reported_at: '2026-11-28T21:00:00.000Z',
      agent_version: '0.1.0',
      usb,
      local: {},
    };
    expect(agentReportSchema.safeParse(report).success).toBe(true);
  });
});

describe('parseUsbIds', () => {
  it('reads a list, ignoring case, spaces and duplicates', () => {
    const r = parseUsbIds('0471:485D, 0529:0001,0471:485d');
    expect(r.ok && r.ids.map((i) => formatUsbId(i.vendorId, i.productId))).toEqual([
      '0471:485d',
      '0529:0001',
    ]);
  });
  it.each(['0471', '0471:485', 'zzzz:0001', '', '0471:485d,'])('rejects %j with a hint', (text) => {
    const r = parseUsbIds(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/vendor:product in hex, e\.g\. 0471:485d/);
  });
});
