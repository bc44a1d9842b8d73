import { readFile, stat } from 'node:fs/promises';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { type Diagnostic, describeFsError } from './diagnostics.ts';

/** Largest input file accepted (installations.yaml for thousands of installations is ~2 MB). */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;

/** A YAML text parsed with positions, or the reasons it could not be. */
export type ParsedYaml =
  | { ok: true; doc: Document; lines: LineCounter; data: unknown; text: string }
  | { ok: false; diagnostics: Diagnostic[] };

/** Reads a file as strict UTF-8 text, refusing huge or binary files with a located message. */
export async function readText(
  file: string,
): Promise<{ ok: true; text: string } | { ok: false; diagnostics: Diagnostic[] }> {
  const fail = (message: string, line = 0, col = 0) => ({
    ok: false as const,
    diagnostics: [{ file, line, col, path: '', message }],
  });
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    return fail(describeFsError(err));
  }
  if (size > MAX_INPUT_BYTES) {
    return fail(
      `the file is ${(size / 1048576).toFixed(1)} MiB; at most ${MAX_INPUT_BYTES / 1048576} MiB is accepted`,
    );
  }
  const bytes = await readFile(file);
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes) };
  } catch {
    const { line, col } = firstBadUtf8(bytes);
    return fail('the file is not valid UTF-8 text (save it as UTF-8)', line, col);
  }
}

function firstBadUtf8(bytes: Uint8Array): { line: number; col: number } {
  // Decode growing prefixes line by line; the first line that fails holds the bad byte.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        const text = new TextDecoder('utf-8').decode(bytes.subarray(start, i));
        return { line, col: Math.max(1, text.indexOf('\uFFFD') + 1) };
      }
      line++;
      start = i + 1;
    }
  }
  return { line: 1, col: 1 };
}

/** How every YAML input is read: YAML 1.2 core schema, strict, a key may appear once per mapping. */
export const YAML_OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true } as const;

/** Parses YAML text keeping positions; syntax errors, duplicate keys and alias bombs become diagnostics. */
export function parseYaml(file: string, text: string, lineOffset = 0): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines });
  const diagnostics: Diagnostic[] = [];
  for (const err of doc.errors) {
    const pos = err.linePos?.[0] ?? lines.linePos(err.pos[0]);
    diagnostics.push({
      file,
      line: pos.line + lineOffset,
      col: pos.col,
      path: '',
      message:
        err.code === 'DUPLICATE_KEY'
          ? `duplicate key "${/^[^:\s]+/.exec(text.slice(err.pos[0]))?.[0] ?? '?'}": a key may appear only once in a mapping`
          : yamlMessage(err.code, err.message),
    });
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const msg = String((err as Error).message ?? err);
    return {
      ok: false,
      diagnostics: [
        {
          file,
          line: 1 + lineOffset,
          col: 1,
          path: '',
          message: /alias/i.test(msg)
            ? 'too many YAML aliases (an alias bomb?): write the values out instead of expanding anchors'
            : `cannot read the YAML: ${msg.split('\n')[0]}`,
        },
      ],
    };
  }
  return { ok: true, doc, lines, data, text };
}

function yamlMessage(_code: string, message: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (/tab/i.test(first)) return `YAML syntax error: ${first} (indent with spaces, not tabs)`;
  return `YAML syntax error: ${first}`;
}
