import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ProbeError } from './result.ts';

/**
 * Reading the SenseLock key state out of the Kodeks XML status document.
 *
 * The real document format is not published. The documented default (and the fixtures in testdata/) assume:
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <status>
 *     <senselock state="present"/>        <!-- select: status/senselock/@state, ok: present -->
 *   </status>
 *
 * `select` is a slash path of element names from the root element, optionally ending in `@attribute`:
 * `status/senselock/@state` reads an attribute, `KodeksStatus/License/Key` reads an element's text.
 * Element names match exactly, else case-insensitively; of repeated elements the first is used.
 * The parser never expands entities and refuses any DOCTYPE (no XXE, no billion laughs).
 */

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

/** Decodes the document's bytes honouring its XML declaration (utf-8 by default, windows-1251, koi8-r, utf-16). */
export function decodeXml(bytes: Buffer): string {
  let label = 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) label = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) label = 'utf-16be';
  else {
    const head = bytes.subarray(0, 200).toString('latin1');
    const m = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
    if (m?.[1]) label = m[1].toLowerCase();
  }
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch (err) {
    const why = err instanceof RangeError ? `unsupported encoding ${label}` : `bytes are not valid ${label}`;
    throw new ProbeError('XML_INVALID', 'Документ статуса не является корректным XML (кодировка).', {
      error: why,
    });
  }
}

/** Parses the document text, refusing DOCTYPE/ENTITY declarations; throws ProbeError(XML_INVALID). */
export function parseXml(text: string): Record<string, unknown> {
  if (/<!DOCTYPE|<!ENTITY/i.test(text))
    throw new ProbeError(
      'XML_INVALID',
      'Документ статуса содержит DOCTYPE: такие документы не разбираются.',
      {
        error: 'DOCTYPE refused',
      },
    );
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw new ProbeError('XML_INVALID', 'Документ статуса не является корректным XML.', {
      error: `${valid.err.code} line ${valid.err.line}: ${valid.err.msg}`.slice(0, 200),
    });
  return parser.parse(text) as Record<string, unknown>;
}

/** The value at `select` in a parsed document, or undefined when the node is missing. */
export function selectValue(doc: Record<string, unknown>, select: string): string | undefined {
  const parts = select.split('/').filter(Boolean);
  let node: unknown = doc;
  for (const part of parts) {
    if (Array.isArray(node)) node = node[0];
    if (node === null || typeof node !== 'object') return undefined;
    const obj = node as Record<string, unknown>;
    const key = part in obj ? part : Object.keys(obj).find((k) => k.toLowerCase() === part.toLowerCase());
    if (key === undefined) return undefined;
    node = obj[key];
  }
  if (Array.isArray(node)) node = node[0];
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (node !== null && typeof node === 'object') {
    const text = (node as Record<string, unknown>)['#text'];
    if (text !== undefined) return String(text);
    return '';
  }
  return undefined;
}
