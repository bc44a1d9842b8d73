import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseDocument } from 'yaml';
import { minimalConfigYaml } from '../testing/config.ts';
import { formatDiagnostic } from './diagnostics.ts';
import { loadPlainYaml } from './fast-yaml.ts';
import { parseConfig } from './load.ts';
import { parseYaml } from './yaml-source.ts';

// A spy that passes through: it tells whether a position-keeping Document was built.
vi.mock('yaml', async (importOriginal) => {
  const actual = await importOriginal<typeof import('yaml')>();
  return { ...actual, parseDocument: vi.fn(actual.parseDocument) };
});

const root = join(import.meta.dirname, '..', '..');
const invalid = join(import.meta.dirname, 'testdata', 'invalid');

const minimal = minimalConfigYaml;

/** The valid and invalid corpora: the sample and fixture files, the docs' example and every invalid case. */
async function corpus(): Promise<[string, string][]> {
  const docs = await readFile(join(root, 'docs/installations.md'), 'utf8');
  const files: [string, string][] = [
    ['installations.yaml', await readFile(join(root, 'installations.yaml'), 'utf8')],
    [
      'site/test/fixtures/installations.yaml',
      await readFile(join(root, 'site/test/fixtures/installations.yaml'), 'utf8'),
    ],
    ['docs/installations.md (example)', /```yaml\n([\s\S]*?)```/.exec(docs)![1]!],
  ];
  // Not-UTF-8 bytes never reach parseConfig (readText refuses them); decoded leniently they still test it.
  for (const name of (await readdir(invalid)).filter((f) => f.endsWith('.yaml')).sort())
    files.push([`testdata/invalid/${name}`, new TextDecoder().decode(await readFile(join(invalid, name)))]);
  return files;
}

/** parseConfig as it runs, and with positions only (as before the fast way existed), agree exactly. */
function expectSameAsLocated(text: string) {
  const result = parseConfig('installations.yaml', text);
  expect(result).toStrictEqual(parseConfig('installations.yaml', text, { fast: false }));
  return result;
}

/** When the fast way reads a text at all, `yaml` accepts it too and gives the same data. */
function expectSameData(text: string) {
  const fast = loadPlainYaml(text);
  if (fast === undefined) return 'slow';
  const slow = parseYaml('t.yaml', text);
  expect(slow.ok ? [] : slow.diagnostics.map(formatDiagnostic)).toEqual([]);
  expect(fast.data).toStrictEqual(slow.ok && slow.data);
  return 'fast';
}

describe('reading installations.yaml the fast way', () => {
  beforeEach(() => {
    vi.mocked(parseDocument).mockClear();
  });

  it('builds no position-keeping Document for a valid file', async () => {
    for (const text of [minimal(), await readFile(join(root, 'installations.yaml'), 'utf8')]) {
      const result = parseConfig('installations.yaml', text);
      expect(result.ok).toBe(true);
    }
    expect(parseDocument).not.toHaveBeenCalled();
  });

  it('reads a file with a problem again with positions: the message names its line, column and key', () => {
    const result = parseConfig('installations.yaml', minimal().replace('id: main', 'id: "Main One"'));
    expect(parseDocument).toHaveBeenCalledTimes(1);
    expect(result.ok ? [] : result.diagnostics.map(formatDiagnostic)).toEqual([
      'installations.yaml:7:13 clients[0].installations[0].id: an id is lowercase letters, digits and dashes ([a-z0-9-]) (got "Main One")',
    ]);
  });

  it('reads a file again when only a whole-file check fails (an unknown hosting)', () => {
    const result = parseConfig(
      'installations.yaml',
      minimal().replace('url: https://kodeks', 'hosting: cloud\n        url: https://kodeks'),
    );
    expect(parseDocument).toHaveBeenCalledTimes(1);
    expect(result.ok ? [] : result.diagnostics.map(formatDiagnostic)).toEqual([
      'installations.yaml:9:18 clients[0].installations[0].hosting: unknown hosting "cloud"; declare it under hostings:',
    ]);
  });
});

describe('both ways agree on every file of the corpora', async () => {
  const files = await corpus();

  it.each(files)('%s', (_name, text) => {
    expectSameAsLocated(text);
    expectSameData(text);
  });

  it.each(files)('%s with CRLF line breaks and a BOM', (_name, text) => {
    const crlf = `\ufeff${text.replaceAll('\n', '\r\n')}`;
    expectSameAsLocated(crlf);
    expectSameData(crlf);
  });

  it('the valid files are read the fast way', () => {
    expect(files.slice(0, 3).map(([, text]) => expectSameData(text))).toEqual(['fast', 'fast', 'fast']);
  });

  it('and on 300 random edits of them (characters deleted and inserted, lines copied and re-indented)', () => {
    const inserts = [
      ' ',
      '  ',
      '\n',
      '\n  ',
      '- ',
      '-',
      ':',
      ': ',
      '#',
      ' #',
      '"',
      "'",
      '[',
      ']',
      '{',
      '}',
      ',',
    ];
    inserts.push(
      '\\',
      'a',
      '1',
      '0x1',
      '~',
      'null',
      '.inf',
      '  - ',
      '\n- ',
      'é',
      '%',
      '@',
      '`',
      '!',
      '&',
      '*',
      '?',
    );
    const edit = fc.oneof(
      fc.tuple(fc.constant('delete'), fc.nat(), fc.integer({ min: 1, max: 8 })),
      fc.tuple(fc.constant('insert'), fc.nat(), fc.constantFrom(...inserts)),
      fc.tuple(fc.constant('copy line'), fc.nat(), fc.constant(0)),
      fc.tuple(fc.constant('indent'), fc.nat(), fc.integer({ min: -3, max: 3 })),
    );
    const edited = fc
      .tuple(fc.constantFrom(...files.map(([, t]) => t)), fc.array(edit, { minLength: 1, maxLength: 4 }))
      .map(([text, edits]) => edits.reduce(applyEdit, text));
    fc.assert(
      fc.property(edited, (text) => {
        expectSameData(text);
        expectSameAsLocated(text);
      }),
      { numRuns: 300, seed: 15 },
    );
  });
});

function applyEdit(text: string, [kind, at, arg]: [string, number, number | string]): string {
  const i = text.length === 0 ? 0 : at % text.length;
  if (kind === 'delete') return text.slice(0, i) + text.slice(i + Number(arg));
  if (kind === 'insert') return text.slice(0, i) + String(arg) + text.slice(i);
  const lines = text.split('\n');
  const l = at % lines.length;
  if (kind === 'copy line') lines.splice(l, 0, lines[l]!);
  else if (Number(arg) > 0) lines[l] = ' '.repeat(Number(arg)) + lines[l];
  else lines[l] = lines[l]!.replace(new RegExp(`^ {0,${-Number(arg)}}`), '');
  return lines.join('\n');
}

describe('both ways agree on tricky YAML', () => {
  // [what, text, which way reads it]; "slow" is the position-keeping parse alone.
  it.each([
    ['a key twice', 'a: 1\na: 2', 'slow'],
    ['a key twice in a flow mapping', 'a: {b: 1, b: 1}', 'slow'],
    ['the same key as number and as 1.0', '1: a\n1.0: b', 'slow'],
    ['a quoted and a plain key "1"', '"1": a\n1: b', 'slow'],
    ['an anchor and an alias', 'a: &x {b: 1}\nc: *x', 'slow'],
    ['an alias without anchor', 'a: *x', 'slow'],
    ['an anchor glued to a title', 'a: Рога &Копыта', 'slow'],
    ['an ampersand between words', 'a: Рога & Копыта', 'fast'],
    ['an asterisk in a pattern', 'a: "Требуется.*обслуживание"', 'fast'],
    ['a standard tag', 'a: !!str 1', 'slow'],
    ['the non-specific tag', 'a: ! 1', 'slow'],
    ['a custom tag', 'a: !custom x', 'slow'],
    ['an exclamation mark in text', 'a: Внимание!', 'fast'],
    ['two documents', 'a: 1\n---\nb: 2', 'slow'],
    ['a document start line', '---\na: 1', 'slow'],
    ['a document end line', 'a: 1\n...\n', 'slow'],
    ['a directive', '%YAML 1.2\n---\na: 1', 'slow'],
    ['a tab as indentation', 'a:\n\t- b', 'slow'],
    ['a tab inside quotes', 'a: "x\ty"', 'slow'],
    ['a merge key', 'a: {b: 1}\nc:\n  <<: {d: 2}', 'slow'],
    ['an explicit key', '? a\n: b', 'slow'],
    ['a flow sequence as a key', '[a, b]: c', 'slow'],
    ['a flow mapping as a key', '{a: 1}: b', 'slow'],
    ['a null key', 'null: 1', 'slow'],
    ['a ~ key', '~: 1', 'slow'],
    ['an empty key', ': 1', 'slow'],
    ['a key "null" in quotes', '"null": 1', 'slow'],
    ['boolean, number and infinity keys', 'true: a\n0x10: b\n1e2: c\n.inf: d', 'fast'],
    ['a __proto__ key', '__proto__: {polluted: 1}\nb: 2', 'fast'],
    ['a constructor key', 'constructor: 1', 'fast'],
    ['octal, hex, decimal with leading zero', 'a: [0o17, 0x1F, 017, +12, -0]', 'fast'],
    ['binary and underscores are strings in YAML 1.2', 'a: [0b11, 1_000, 0x_1, +0x1]', 'fast'],
    ['floats', 'a: [1., .5, 1e3, 1E+3, 3.10, -.5e-2]', 'fast'],
    ['infinities and NaN', 'a: [.inf, -.Inf, +.INF, .nan, .NaN]', 'fast'],
    ['a number too large for an exact integer', 'a: 12345678901234567890', 'fast'],
    ['YAML 1.1 booleans are strings', 'a: [y, n, yes, No, on, OFF]', 'fast'],
    ['nulls', 'a: [~, null, Null, NULL, nULL]\nb:\nc: ""', 'fast'],
    ['booleans', 'a: [true, True, TRUE, tRue, false]', 'fast'],
    ['timestamps stay strings', 'a: [2026-01-01, 2026-12-01T20:00+03:00, 12:30, 1:20:30]', 'fast'],
    ['double-quoted escapes', 'a: "\\x41\\u00e9\\N\\_\\L\\P\\e\\0\\/\\ \\t\\a\\b\\v\\f\\r\\"\\\\"', 'fast'],
    ['an 8-digit escape', 'a: "\\U0001F600"', 'slow'],
    ['an escape past U+10FFFF', 'a: "\\U00110000"', 'slow'],
    ['an escaped lone surrogate', 'a: "\\ud800"', 'fast'],
    ['an escaped surrogate pair', 'a: "\\ud83d\\ude00"', 'fast'],
    ['an unknown escape', 'a: "\\q"', 'slow'],
    ['a short hex escape', 'a: "\\x4"', 'slow'],
    ['an escaped line break', 'a: "x\\\n  y"', 'fast'],
    ['a double-quoted string over lines', 'a: "x\n  y\n\n  z "', 'fast'],
    ['a single-quoted string over lines', "a: 'it''s\n  here'", 'fast'],
    ['a plain string over lines', 'a: x\n  y\n\n  z', 'fast'],
    ['a comment between plain lines', 'a: x\n  # c\n  y', 'slow'],
    ['a literal block scalar', 'a: |\n  x\n  y\n', 'slow'],
    ['a folded block scalar', 'a: >-\n  x\n\n  y\n', 'slow'],
    ['a greater-than sign in text', 'a: 1 > 0', 'slow'],
    ['flow collections', 'a: [b, [c, d], {e: f, g: [h]}, {}, []]', 'fast'],
    ['a trailing comma', 'a: [1, 2, ]\nb: {c: 1, }', 'fast'],
    ['an empty flow item', 'a: [1,, 2]', 'slow'],
    ['flow keys without values', 'a: {b, c: }', 'fast'],
    ['a pair in a flow sequence', 'a: [b: 1, c]', 'fast'],
    ['colons without space in flow', 'a: [x:y, {x:y}, "k":v]', 'fast'],
    ['a flow collection over lines', 'a: [\n  b,\n  c\n]', 'slow'],
    ['a flow collection over indented lines', 'a: [b,\n  c]\nd: {e: 1,\n  f: 2}', 'fast'],
    ['a flow sequence not indented enough', 'a: [a\n, b]', 'slow'],
    ['an unclosed flow sequence', 'a: [b', 'slow'],
    ['a stray closing bracket', 'a: [b]]', 'slow'],
    ['a comment glued to a quoted value', 'a: "x"#c', 'slow'],
    ['a comment glued to a plain value is part of it', 'a: x#c\nb: y #c', 'fast'],
    ['a URL with a fragment', 'a: https://x.example/#/login', 'fast'],
    ['an empty sequence item before a less indented one', '- \n  - \n- x', 'slow'],
    ['an empty item ending a nested sequence', 'k:\n  - a\n  -\n- x', 'slow'],
    ['nested sequences', '- - a\n  - b\n- c\n- d: 1\n  e: [f]', 'fast'],
    ['a sequence not indented under its key', 'a:\n- b\n- c', 'fast'],
    ['mapping items at different columns', 'a:\n  b: 1\n c: 2', 'slow'],
    ['a nested mapping on the key line', 'a: b: c', 'slow'],
    ['a value after a quoted key without space', '"a":b', 'slow'],
    ['reserved characters', 'a: @x', 'slow'],
    ['a backquote', 'a: `x', 'slow'],
    ['a directive character at a value start', 'a: %x', 'slow'],
    ['an empty file', '', 'slow'],
    ['a comment only', '# nothing', 'fast'],
    ['a key over 1024 characters', `${'k'.repeat(1030)}: v`, 'slow'],
    ['a value over 1000 characters', `a: ${'x'.repeat(1100)}`, 'slow'],
    ['CRLF line breaks', 'a: 1\r\nb: "x\r\n  y"\r\nc: d\r\n  e\r\n', 'fast'],
    ['a lone CR', 'a: 1\rb: 2', 'slow'],
    ['a BOM', '\ufeffa: 1', 'fast'],
    ['a BOM inside', 'a: \ufeff', 'slow'],
    ['a line separator', 'a: x\u2028y', 'slow'],
    ['NEL', 'a: x\u0085y', 'slow'],
    ['a control character', 'a: "\u0007"', 'slow'],
    ['a lone surrogate', 'a: \ud800', 'slow'],
    ['an emoji', 'a: x😀', 'fast'],
    ['a non-breaking space', 'a: \u00a0x', 'fast'],
  ])('%s', (_what, text, way) => {
    expect(expectSameData(text)).toBe(way);
    expectSameAsLocated(text);
  });

  // Valid installations.yaml files written in unusual ways: both ways give the same typed config.
  it.each([
    [
      'flow style everywhere',
      minimal().replace(
        /clients:[\s\S]*/,
        'clients: [{id: acme, title: Акме, installations: [{id: main, title: Кодекс, url: "https://kodeks.acme.example/", probes: {http: {}}}]}]\n',
      ),
    ],
    [
      'quoted keys and values',
      minimal().replace('site:\n  url: https://smart.example', '"site":\n  \'url\': "https://smart.example"'),
    ],
    [
      'comments everywhere',
      minimal().replaceAll('\n', ' # комментарий\n').replace('site: # комментарий', '# начало\nsite:'),
    ],
    [
      'numbers in every notation',
      minimal().replace(
        'probes: { http: {} }',
        'probes: { http: { expect: [200, 0x12D, 0o462] }, tls: { warn_days: 1.4e1 } }',
      ),
    ],
    ['a title over lines', minimal().replace('"Акме"', '"ООО\n      «Акме»"')],
    [
      'an ampersand and a pattern',
      minimal()
        .replace('"Акме"', 'Рога & Копыта')
        .replace('http: {}', "http: { need_support: 'Требуется.*обслуживание' }"),
    ],
  ])('%s', (_what, text) => {
    expect(expectSameData(text)).toBe('fast');
    const result = expectSameAsLocated(text);
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
  });
});
