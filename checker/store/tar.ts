import { gunzipSync } from 'node:zlib';

/**
 * Reads the regular files of a (gzipped) tar archive as GitHub's tarball endpoint serves it: ustar headers,
 * pax extended headers for long names, a pax global header (the commit id), everything below one top folder
 * (`owner-repo-sha/`) which is cut off. Small and strict enough for the status branch; not a general tar.
 */
export function readTarball(archive: Uint8Array): Map<string, Buffer> {
  const buf = archive[0] === 0x1f && archive[1] === 0x8b ? gunzipSync(archive) : Buffer.from(archive);
  const files = new Map<string, Buffer>();
  const text = (start: number, len: number) => {
    const raw = buf.subarray(start, start + len);
    const end = raw.indexOf(0);
    return raw.subarray(0, end < 0 ? len : end).toString('utf8');
  };
  let paxPath: string | undefined;
  for (let at = 0; at + 512 <= buf.length; ) {
    if (buf.subarray(at, at + 512).every((b) => b === 0)) break;
    const size = Number.parseInt(text(at + 124, 12).trim() || '0', 8);
    const type = text(at + 156, 1) || '0';
    const prefix = text(at + 257, 6).startsWith('ustar') ? text(at + 345, 155) : '';
    const name = paxPath ?? (prefix ? `${prefix}/${text(at, 100)}` : text(at, 100));
    const body = buf.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1];
      continue;
    }
    paxPath = undefined;
    if (type !== '0' && type !== '7') continue;
    const slash = name.indexOf('/');
    files.set(slash < 0 ? name : name.slice(slash + 1), Buffer.from(body));
  }
  return files;
}
