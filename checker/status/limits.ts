/**
 * How big a status file may be before it is refused unread. Files are checked by size (stat, or the size
 * git records) before a byte is read: a hostile or broken writer must not make the checker or the site
 * build hold hundreds of megabytes (a 600 MB file cannot even become a string).
 */

/** Any status file: a month of history for a large client is well under 1 MiB. */
export const MAX_STATUS_FILE = 32 * 1024 * 1024;

/** A file over its limit, refused without reading it; `bytes` is its size as the store knows it. */
export class FileTooLargeError extends Error {
  readonly path: string;
  readonly bytes: number;
  readonly maxBytes: number;
  constructor(path: string, bytes: number, maxBytes: number) {
    super(`${path} is ${bytes} bytes, more than the ${maxBytes} a status file may have; it was not read`);
    this.name = 'FileTooLargeError';
    this.path = path;
    this.bytes = bytes;
    this.maxBytes = maxBytes;
  }
}
