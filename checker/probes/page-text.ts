/**
 * The text of an HTML page as a browser would read it: the charset from the Content-Type header, else from a
 * `<meta charset>` (or http-equiv) in the first bytes, else UTF-8. Kodeks servers still send windows-1251
 * pages, so a pattern in Russian must be matched after decoding, never against the raw bytes. Lenient: a
 * page cut at the size cap may end in half a character.
 */
export function pageText(bytes: Buffer, contentType: string | undefined): string {
  const label = charsetOf(contentType) ?? metaCharset(bytes) ?? 'utf-8';
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function charsetOf(contentType: string | undefined): string | undefined {
  const m = /charset\s*=\s*["']?([A-Za-z0-9._-]+)/i.exec(contentType ?? '');
  return m?.[1]?.toLowerCase();
}

function metaCharset(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 2048).toString('latin1');
  const m = /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._-]+)/i.exec(head);
  return m?.[1]?.toLowerCase();
}
