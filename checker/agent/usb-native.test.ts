import { describe, expect, it } from 'vitest';
import { DEFAULT_USB_IDS } from './usb-ids.ts';
import { inspectUsb } from './usb-inspect.ts';
import { createNativeUsbLister, type NativeUsb } from './usb-native.ts';

const linuxWithUsb = { platform: 'linux' as const, exists: (p: string) => p === '/sys/bus/usb', env: {} };

describe('the real usb library on this machine', () => {
  it('usb.getDevices() either resolves or rejects, and the agent maps it without crashing', async () => {
    const { usb } = await import('usb');
    const outcome = await usb.getDevices().then(
      (devices) => ({ resolved: true as const, count: devices.length }),
      (err: unknown) => ({ resolved: false as const, err }),
    );
    // Through the agent's own lister, with the /sys pre-check skipped so the native call really happens.
    const section = await inspectUsb(createNativeUsbLister({ exists: () => true, env: {} }), DEFAULT_USB_IDS);
    if (outcome.resolved) {
      expect(['present', 'absent', 'unavailable']).toContain(section.status);
    } else {
      expect(outcome.err).toBeInstanceOf(Error);
      expect(section.status).toBe('unavailable');
      expect(section.reason).toMatch(/список USB-устройств не получен/);
    }
  });

  it('the default lister never calls a machine without USB "absent"', async () => {
    const section = await inspectUsb(createNativeUsbLister(), DEFAULT_USB_IDS);
    expect(['present', 'absent', 'unavailable']).toContain(section.status);
    if (section.status === 'unavailable') expect(section.reason).toBeTruthy();
  });
});

describe('createNativeUsbLister', () => {
  it('says "unavailable" when /sys/bus/usb is missing, without loading the library', async () => {
    let loaded = false;
    const lister = createNativeUsbLister({
      platform: 'linux',
      exists: () => false,
      env: {},
      load: async () => {
        loaded = true;
        throw new Error('should not load');
      },
    });
    expect(await lister.list()).toEqual({ ok: false, reason: 'нет /sys/bus/usb: USB этой машины не видно' });
    expect(loaded).toBe(false);
  });

  it('says "unavailable" when the native library fails to load', async () => {
    const lister = createNativeUsbLister({
      ...linuxWithUsb,
      load: async () => {
        throw new Error('No native build was found for platform=linux arch=riscv64');
      },
    });
    const r = await lister.list();
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/не загрузилась библиотека usb: No native build/);
  });

  it('says "unavailable" on permission denied', async () => {
    const usb: NativeUsb = {
      getDevices: async () => {
        throw Object.assign(new Error('Permission denied'), { code: 'EACCES' });
      },
    };
    const r = await createNativeUsbLister({ ...linuxWithUsb, load: async () => usb }).list();
    expect(r).toEqual({ ok: false, reason: 'список USB-устройств не получен: Permission denied (EACCES)' });
  });

  it('says "unavailable" when listing never answers', async () => {
    const usb: NativeUsb = { getDevices: () => new Promise(() => {}) };
    const r = await createNativeUsbLister({ ...linuxWithUsb, load: async () => usb, timeoutMs: 20 }).list();
    expect(r).toEqual({ ok: false, reason: 'список USB-устройств не получен: no answer in 20 ms' });
  });

  it('says "unavailable" for an empty bus inside a container', async () => {
    const usb: NativeUsb = { getDevices: async () => [] };
    const r = await createNativeUsbLister({
      platform: 'linux',
      exists: (p) => p === '/sys/bus/usb' || p === '/.dockerenv',
      env: {},
      load: async () => usb,
    }).list();
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/контейнере/);
  });

  it('keeps a device whose strings cannot be read, by its ids', async () => {
    const locked = {
      vendorId: 0x0471,
      productId: 0x485d,
      get manufacturerName(): string | null {
        throw new Error('Access denied');
      },
      get productName(): string | null {
        throw new Error('Access denied');
      },
    };
    const named = { vendorId: 0x1d6b, productId: 2, manufacturerName: ' Linux ', productName: null };
    const usb: NativeUsb = { getDevices: async () => [locked, named] };
    const r = await createNativeUsbLister({ platform: 'win32', load: async () => usb }).list();
    expect(r).toEqual({
      ok: true,
      devices: [
        { vendorId: 0x0471, productId: 0x485d },
        { vendorId: 0x1d6b, productId: 2, manufacturer: 'Linux' },
      ],
    });
  });
});
