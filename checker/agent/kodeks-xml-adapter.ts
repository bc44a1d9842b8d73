import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { LocalCheck } from './types.ts';

/**
 * Reads the SenseLock key state out of the Kodeks XML status document, the way the central `kodeks_xml`
 * probe is configured (`select`: a slash path of element names, optionally ending in @attribute; `ok`:
 * values meaning "present", compared case-insensitively). A small local adapter: entities are never
 * expanded (no XXE, no billion laughs), values stay strings.
 */
export function readKeyState(xml: string, select: string, ok: readonly string[]): LocalCheck {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    return {
      status: 'fail',
      code: 'XML_INVALID',
      message: `Статус Кодекса на этом сервере — не XML (строка ${valid.err.line}).`,
    };
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });
  const value = pick(parser.parse(xml) as unknown, select);
  if (value === undefined) {
    return {
      status: 'fail',
      code: 'XML_NOT_FOUND',
      message: `В статусе Кодекса нет узла ${select}: проверьте настройку select.`,
    };
  }
  const wanted = ok.map((v) => v.toLowerCase());
  if (wanted.includes(value.trim().toLowerCase())) {
    return { status: 'ok', code: 'OK', message: 'Сервер Кодекса видит ключ SenseLock.' };
  }
  return {
    status: 'fail',
    code: 'KEY_MISSING',
    message: `Сервер Кодекса не видит ключ SenseLock (${select} = «${value.trim().slice(0, 80)}»).`,
  };
}

/** Walks `a/b/@c` through the parsed document; the first element wins when a name repeats. */
function pick(doc: unknown, select: string): string | undefined {
  let node: unknown = doc;
  for (const step of select.split('/').filter((s) => s !== '')) {
    if (Array.isArray(node)) node = node[0];
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[step];
    if (node === undefined) return undefined;
  }
  if (Array.isArray(node)) node = node[0];
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (typeof node === 'object' && node !== null && '#text' in node) {
    return String((node as Record<string, unknown>)['#text']);
  }
  return node === '' ? '' : undefined;
}
