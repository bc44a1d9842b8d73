import { existsSync } from 'node:fs';
import type { UsbDeviceInfo, UsbLister, UsbListing } from './types.ts';
import { describeError } from './usb-inspect.ts';

/** The part of a `usb` v3 device the agent reads. String getters may throw without permissions. */
interface NativeDevice {
  vendorId: number;
  productId: number;
  readonly manufacturerName: string | null;
  readonly productName: string | null;
}

/** The part of the `usb` package the agent uses (`usb.getDevices()`, WebUSB style, all devices allowed). */
export interface NativeUsb {
  getDevices(): Promise<NativeDevice[]>;
}

/** What the native lister needs from the machine; the defaults are the real ones. */
export interface NativeListerOptions {
  /** Loads the `usb` package; a rejection (no prebuilt binary for this platform …) means "unavailable". */
  load?: () => Promise<NativeUsb>;
  /** process.platform. */
  platform?: NodeJS.Platform;
  /** Whether a path exists (used for /sys/bus/usb and container markers). */
  exists?: (path: string) => boolean;
  /** The environment (systemd-nspawn and podman set `container`). */
  env?: NodeJS.ProcessEnv;
  /** Give up listing after this many ms (default 10 000). */
  timeoutMs?: number;
}

async function loadUsb(): Promise<NativeUsb> {
  const mod = (await import('usb')) as unknown as { usb?: NativeUsb; default?: { usb?: NativeUsb } };
  const usb = mod.usb ?? mod.default?.usb;
  if (!usb) throw new Error('the usb package has no `usb` export');
  return usb;
}

/**
 * The real lister: `usb` v3 (nusb underneath; sysfs on Linux, SetupAPI on Windows). Everything that
 * keeps it from seeing USB — no /sys/bus/usb, permission denied, the native library failing to load,
 * a timeout, an empty bus inside a container — comes back as `{ ok: false, reason }`, never as "no key".
 */
export function createNativeUsbLister(options: NativeListerOptions = {}): UsbLister {
  const {
    load = loadUsb,
    platform = process.platform,
    exists = existsSync,
    env = process.env,
    timeoutMs = 10_000,
  } = options;
  return {
    async list(): Promise<UsbListing> {
      if (platform === 'linux' && !exists('/sys/bus/usb')) {
        return {
          ok: false,
          reason: `нет /sys/bus/usb: USB этой машины не видно${inContainer(exists, env) ? ' (агент запущен в контейнере)' : ''}`,
        };
      }
      let usb: NativeUsb;
      try {
        usb = await load();
      } catch (err) {
        return { ok: false, reason: `не загрузилась библиотека usb: ${describeError(err)}` };
      }
      let native: NativeDevice[];
      try {
        native = await withTimeout(usb.getDevices(), timeoutMs);
      } catch (err) {
        return { ok: false, reason: `список USB-устройств не получен: ${describeError(err)}` };
      }
      if (native.length === 0 && inContainer(exists, env)) {
        return {
          ok: false,
          reason: 'агент запущен в контейнере и не видит ни одного USB-устройства: USB хоста ему недоступен',
        };
      }
      return { ok: true, devices: native.map(readDevice) };
    },
  };
}

/** Copies ids and, where the OS lets us, the manufacturer and product strings. */
function readDevice(d: NativeDevice): UsbDeviceInfo {
  const info: UsbDeviceInfo = { vendorId: d.vendorId, productId: d.productId };
  const manufacturer = readString(() => d.manufacturerName);
  const product = readString(() => d.productName);
  if (manufacturer) info.manufacturer = manufacturer;
  if (product) info.product = product;
  return info;
}

function readString(get: () => string | null): string | undefined {
  try {
    const v = get();
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  } catch {
    // Without permission to open the device some platforms cannot read string descriptors; ids suffice.
    return undefined;
  }
}

function inContainer(exists: (p: string) => boolean, env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.container) || exists('/.dockerenv') || exists('/run/.containerenv');
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
