/**
 * The fast way to read installations.yaml: js-yaml builds plain data about ten times faster than `yaml`'s
 * position-keeping Document, which only a file with a problem needs. It is used only where it gives the data
 * `parseYaml` (yaml-source.ts) would give; anything that might read differently is left to `parseYaml`.
 */
import { FAILSAFE_SCHEMA, load, Type } from 'js-yaml';
import { isScalar, parseDocument, type ScalarTag } from 'yaml';
import { YAML_OPTIONS } from './yaml-source.ts';

/**
 * Text that js-yaml and `yaml` may read differently, or that only `yaml` refuses. Each pattern may also match
 * harmless text (a title with "a > b"): that file is then read the slow way, which costs only time.
 */
const UNSURE: readonly RegExp[] = [
  // Anchors and aliases (alias bombs: js-yaml shares the node, the schema would walk every copy), tags,
  // explicit `?` keys and block scalars, wherever a node can start.
  /(?:^|[\s,[\]{}:])(?:[&*](?:\S|$)|[!?|>])/m,
  // An empty sequence item: js-yaml may add the next, less indented item to its inner sequence.
  /(?:^| )-(?: *$| +#)/m,
  // Merge keys, tabs (indentation errors), 8-digit escapes (js-yaml accepts those past U+10FFFF).
  /<<|\t|\\U/,
  // Directives and document markers.
  /^(?:%|---|\.\.\.)/m,
  // A flow collection as a key (js-yaml writes it "a,b", `yaml` "[ a, b ]").
  /[\]}]\s*:/,
  // A comment glued to a value, which strict `yaml` refuses.
  /["'\]}|>+\-0-9]#/,
  // Characters YAML forbids, or a line break other than LF and CRLF.
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|\r(?!\n)/,
];

/** A lone surrogate (text decoded from UTF-8 has none, a string passed in may). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** `yaml` refuses an implicit key longer than 1024 characters; a line that long is unusual anyway. */
const MAX_LINE = 1000;

// The implicit scalar types of `yaml`'s core schema (null, bool, int, float), in its order, as one js-yaml type:
// a plain scalar gets the same value from both libraries by construction.
const coreTags = (parseDocument('', YAML_OPTIONS).schema.tags as ScalarTag[]).filter(
  (t) => t.default === true && t.test !== undefined,
);
const anyCoreTag = new RegExp(coreTags.map((t) => t.test!.source).join('|'));
const coreScalar = new Type('tag:smart-status,2026:core-scalar', {
  kind: 'scalar',
  resolve: (data: string) => anyCoreTag.test(data),
  construct: (data: string) => {
    const tag = coreTags.find((t) => t.test!.test(data))!;
    const value = tag.resolve(
      data,
      (message) => {
        throw new Error(message);
      },
      { intAsBigInt: false },
    );
    return isScalar(value) ? value.value : value;
  },
});
const schema = FAILSAFE_SCHEMA.extend({ implicit: [coreScalar] });

/** installations.yaml's data read quickly, or undefined when only the position-keeping parse can say. */
export function loadPlainYaml(text: string): { data: unknown } | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (UNSURE.some((re) => re.test(body)) || hasLongLine(body)) return undefined;
  if (/[\ud800-\udfff]/.test(body) && LONE_SURROGATE.test(body)) return undefined;
  let data: unknown;
  try {
    // YAML reads a CRLF line break as LF everywhere; js-yaml gets LF only, to leave it no room to differ.
    data = load(body.includes('\r') ? body.replaceAll('\r\n', '\n') : body, {
      schema,
      onWarning: (warning) => {
        throw warning;
      },
    });
  } catch {
    return undefined;
  }
  return data !== undefined && plainTree(data, new Set()) ? { data } : undefined;
}

function hasLongLine(text: string): boolean {
  for (let start = 0; start < text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    if (end - start > MAX_LINE) return true;
    start = end + 1;
  }
  return false;
}

/**
 * Whether the data is a tree with keys both libraries write alike: js-yaml writes a null key as "null" where
 * `yaml` writes "", and a collection key as "[object Object]" or "a,b"; a node reached twice is an alias.
 */
function plainTree(node: unknown, seen: Set<object>): boolean {
  if (typeof node !== 'object' || node === null) return true;
  if (seen.has(node)) return false;
  seen.add(node);
  if (Array.isArray(node)) return node.every((item) => plainTree(item, seen));
  for (const [key, value] of Object.entries(node)) {
    if (key === 'null' || key.includes('[object Object]') || !plainTree(value, seen)) return false;
  }
  return true;
}
