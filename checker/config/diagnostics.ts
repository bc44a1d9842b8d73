import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node } from 'yaml';

/** One problem in an input file, located as precisely as the source allows. */
export interface Diagnostic {
  /** File name as given by the user. */
  file: string;
  /** 1-based line (0 when the whole file is concerned). */
  line: number;
  /** 1-based column. */
  col: number;
  /** Key path such as clients[0].installations[1].ip; empty for file-level problems. */
  path: string;
  /** What is wrong and, where possible, what was expected. */
  message: string;
}

/** One problem at a key path of an input file, located in the source only when it is reported. */
export interface PathProblem {
  path: (string | number)[];
  message: string;
}

/** A failed result with one problem about a whole file (or a place in it when line/col are given). */
export function fileProblem(
  file: string,
  message: string,
  line = 1,
  col = 1,
): { ok: false; diagnostics: Diagnostic[] } {
  return { ok: false, diagnostics: [{ file, line, col, path: '', message }] };
}

/** Formats `installations.yaml:12:7 clients[0].ip: "300.1.1.1" is not an IP address`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
  return d.path ? `${where} ${d.path}: ${d.message}` : `${where} ${d.message}`;
}

/** Writes a key path the way users read it: a.b[0].c. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** Finds line and column of a node (or of one key inside a mapping) addressed by a key path. */
export function locate(
  doc: Document,
  lines: LineCounter,
  path: readonly PropertyKey[],
  key?: string,
): { line: number; col: number } {
  let node: unknown = doc.contents;
  let best: Node | undefined = isNodeLike(node) ? node : undefined;
  for (const part of path) {
    const next = child(node, part);
    if (next === undefined) break;
    node = next.value;
    if (next.keyNode && !isNodeLike(node)) best = next.keyNode;
    else if (isNodeLike(node)) best = node;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    if (pair && isNodeLike(pair.key)) best = pair.key;
  }
  const offset = best?.range?.[0];
  if (offset === undefined) return { line: 1, col: 1 };
  const pos = lines.linePos(offset);
  return { line: pos.line, col: pos.col };
}

function isNodeLike(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && 'range' in v;
}

function child(node: unknown, part: PropertyKey): { value: unknown; keyNode?: Node } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part));
    if (!pair) return undefined;
    return { value: pair.value, keyNode: isNodeLike(pair.key) ? pair.key : undefined };
  }
  if (isSeq(node) && typeof part === 'number') return { value: node.items[part] };
  return undefined;
}

/** Damerau-free Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest known name to `word`, when it is close enough to be a likely typo. */
export function suggest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export { LineCounter };

/** A file-system error in words ("does not exist") instead of its code ("ENOENT"). */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const words: Record<string, string> = {
    ENOENT: 'does not exist',
    ENOTDIR: 'is not under a folder (a part of the path is a file)',
    EISDIR: 'is a folder, not a file',
    EACCES: 'cannot be read: permission denied',
    EPERM: 'cannot be read: operation not permitted',
    ELOOP: 'is a symbolic link loop',
  };
  return (code && words[code]) || `cannot be read: ${code ?? String(err)}`;
}
