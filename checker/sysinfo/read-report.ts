import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import yauzl from 'yauzl';
import { type Extracted, type ExtractLimits, Extractor, ReportError } from './extract.ts';
import type { Profile } from './profile.ts';

/**
 * A sysinfo report as bytes — a zip holding the XML (`type=zip`) or the XML itself — read into the values a
 * profile asks for. A zip is opened with yauzl and judged by its central directory BEFORE anything is
 * inflated: too many entries, an entry larger than the limit, a compression ratio no XML has, or encryption
 * refuse the report (a zip bomb is refused, not inflated); while inflating, yauzl checks the real size
 * against the declared one and a byte counter enforces the limit again.
 */

/** Limits of one report. */
export interface ReportLimits extends ExtractLimits {
  /** Entries in a zip at most (default 16). */
  maxEntries?: number;
  /** Bytes of XML at most, after inflating (default 256 MiB). */
  maxXmlBytes?: number;
  /** Inflated ÷ compressed size of an entry at most (default 200; XML compresses 10–30 ×). */
  maxRatio?: number;
}

const DEFAULTS = { maxEntries: 16, maxXmlBytes: 256 * 1024 * 1024, maxRatio: 200 };

/** True when the bytes start like a zip archive (a local file header or an empty archive). */
export function isZip(bytes: Uint8Array): boolean {
  return (
    bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05) && bytes.length >= 22
  );
}

/** Bytes parsed between two returns to the event loop: a few milliseconds of work, so no timer waits longer. */
const SLICE = 64 * 1024;

/**
 * Reads a report (zip or XML) in slices, returning to the event loop between them so that parsing never
 * holds back the timers of the run's other checks; `signal` ends it between two slices (TIMEOUT). Throws
 * ReportError.
 */
export async function readReport(
  bytes: Uint8Array,
  profile: Profile,
  limits: ReportLimits = {},
  signal?: AbortSignal,
): Promise<Extracted> {
  const l = { ...DEFAULTS, ...limits };
  if (isZip(bytes))
    return readZip(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), profile, l, signal);
  if (bytes.byteLength > l.maxXmlBytes) throw tooLarge(bytes.byteLength, l.maxXmlBytes);
  const x = new Extractor(profile, limits);
  const decoder = xmlDecoder(bytes.subarray(0, 200));
  for (let o = 0; o < bytes.byteLength; o += SLICE) {
    x.write(decode(decoder, bytes.subarray(o, o + SLICE), o + SLICE >= bytes.byteLength));
    await pause(signal);
  }
  if (bytes.byteLength === 0) x.write('');
  return x.close();
}

/** Lets the event loop run (timers, sockets) and stops when the check's time is up. */
async function pause(signal: AbortSignal | undefined): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (signal?.aborted)
    throw new ReportError(
      'TIMEOUT',
      'Отчёт sysinfo не успел разобраться за время проверки.',
      'aborted while parsing',
    );
}

/** The decoder the document's BOM or XML declaration asks for (UTF-8 by default). */
export function xmlDecoder(head: Uint8Array): TextDecoder {
  let label = 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) label = 'utf-16le';
  else if (head[0] === 0xfe && head[1] === 0xff) label = 'utf-16be';
  else {
    const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1');
    const m = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(text);
    if (m?.[1]) label = m[1].toLowerCase();
  }
  try {
    return new TextDecoder(label, { fatal: true });
  } catch {
    throw new ReportError(
      'XML_INVALID',
      'Отчёт sysinfo в неизвестной кодировке.',
      `unsupported encoding ${label}`,
    );
  }
}

function decode(decoder: TextDecoder, bytes: Uint8Array, last: boolean): string {
  try {
    return decoder.decode(bytes, { stream: !last });
  } catch {
    throw new ReportError(
      'XML_INVALID',
      'Отчёт sysinfo не является корректным XML (неверная кодировка).',
      `bytes are not valid ${decoder.encoding}`,
    );
  }
}

function tooLarge(size: number, max: number): ReportError {
  return new ReportError(
    'REPORT_TOO_LARGE',
    `Отчёт sysinfo больше допустимого (${mib(max)}) и не разобран.`,
    `${size} bytes > ${max}`,
  );
}

function mib(n: number): string {
  return `${Math.round((n / 1048576) * 10) / 10} МиБ`;
}

type Limits = typeof DEFAULTS & ExtractLimits;

function openZip(buf: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(buf, { lazyEntries: true, validateEntrySizes: true, autoClose: false }, (err, zip) =>
      err || !zip
        ? reject(
            new ReportError(
              'REPORT_INVALID',
              'Архив отчёта sysinfo повреждён.',
              String(err?.message ?? 'no zip'),
            ),
          )
        : resolve(zip),
    ),
  );
}

async function readZip(buf: Buffer, profile: Profile, l: Limits, signal?: AbortSignal): Promise<Extracted> {
  const zip = await openZip(buf);
  try {
    if (zip.entryCount > l.maxEntries)
      throw new ReportError(
        'REPORT_INVALID',
        `Архив отчёта sysinfo не принят: в нём ${zip.entryCount} файлов (допустимо ${l.maxEntries}).`,
        `${zip.entryCount} entries > ${l.maxEntries}`,
      );
    const entries = await listEntries(zip);
    const xml = entries.find((e) => /\.xml$/i.test(e.fileName) && !e.fileName.endsWith('/'));
    if (!xml)
      throw new ReportError(
        'REPORT_INVALID',
        'В архиве отчёта sysinfo нет XML-файла.',
        `entries: ${entries
          .map((e) => e.fileName)
          .join(', ')
          .slice(0, 200)}`,
      );
    if (xml.isEncrypted())
      throw new ReportError('REPORT_INVALID', 'XML в архиве отчёта зашифрован и не читается.', xml.fileName);
    if (xml.uncompressedSize > l.maxXmlBytes) throw tooLarge(xml.uncompressedSize, l.maxXmlBytes);
    const ratio = xml.uncompressedSize / Math.max(1, xml.compressedSize);
    if (ratio > l.maxRatio)
      throw new ReportError(
        'REPORT_INVALID',
        `Архив отчёта sysinfo не принят: степень сжатия ${Math.round(ratio)}:1 (допустимо ${l.maxRatio}:1) — похоже на zip-бомбу.`,
        `${xml.fileName}: ${xml.uncompressedSize} / ${xml.compressedSize}`,
      );
    const stream = await openEntry(zip, xml);
    const x = new Extractor(profile, l);
    let decoder: TextDecoder | undefined;
    let size = 0;
    try {
      for await (const chunk of stream) {
        const b = chunk as Buffer;
        size += b.length;
        if (size > l.maxXmlBytes) throw tooLarge(size, l.maxXmlBytes);
        decoder ??= xmlDecoder(b.subarray(0, 200));
        for (let o = 0; o < b.length; o += SLICE) {
          x.write(decode(decoder, b.subarray(o, o + SLICE), false));
          await pause(signal);
        }
      }
    } catch (err) {
      stream.destroy();
      if (err instanceof ReportError) throw err;
      throw new ReportError(
        'REPORT_INVALID',
        'Архив отчёта sysinfo повреждён.',
        String((err as Error).message),
      );
    }
    if (decoder) x.write(decode(decoder, new Uint8Array(0), true));
    return x.close();
  } finally {
    zip.close();
  }
}

function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const out: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      out.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(out));
    zip.on('error', (err: Error) =>
      reject(new ReportError('REPORT_INVALID', 'Архив отчёта sysinfo повреждён.', String(err.message))),
    );
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (err, stream) =>
      err || !stream
        ? reject(new ReportError('REPORT_INVALID', 'Архив отчёта sysinfo повреждён.', String(err?.message)))
        : resolve(stream),
    ),
  );
}
