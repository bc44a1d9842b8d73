import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { MarkupGuard } from './markup-guard.ts';
import type { Profile } from './profile.ts';

/**
 * Streaming extraction of the values a profile asks for, with saxes (a strict, non-validating XML parser
 * that expands no entities besides the five predefined ones and character references). Nothing but the
 * selected values is kept, so memory does not grow with the report: a 50 MB report full of sessions and
 * search logs costs what a 5 KB one does. A DOCTYPE is refused, nesting deeper than `maxDepth` is refused.
 */

/** Why a report could not be read; `code` is the probe's outcome code. */
export class ReportError extends Error {
  readonly code: 'XML_INVALID' | 'REPORT_TOO_LARGE' | 'REPORT_INVALID' | 'TIMEOUT';
  readonly detail: string;
  constructor(code: ReportError['code'], message: string, detail = '') {
    super(message);
    this.name = 'ReportError';
    this.code = code;
    this.detail = detail.slice(0, 300);
  }
}

/** One list's items as raw strings by field name, and whether its block was seen at all. */
export interface RawList {
  known: boolean;
  items: Record<string, string>[];
  /** Items seen, including those past the cap. */
  total: number;
}

/** Raw values read by a profile: strings as written in the report. */
export interface Extracted {
  report_time?: string;
  pk_version?: string;
  sysinfo_version?: string;
  key?: string;
  seats_used?: string;
  seats_limit?: string;
  licenses: RawList;
  operups: RawList;
  db_errors: RawList;
  /** Name of the root element, and elements seen in all. */
  root?: string;
  elements: number;
}

/** Limits of one extraction. */
export interface ExtractLimits {
  /** Deepest element nesting accepted (default 256). */
  maxDepth?: number;
  /** Items kept per list (default 100). */
  maxItems?: number;
  /** Characters of one tag, comment, CDATA section or processing instruction at most (default 1 Mi). */
  maxMarkup?: number;
}

interface Sel {
  elems: string[];
  /** Attribute name (lowercase), or undefined for the element's text. */
  attr?: string;
}

function compile(path: string): Sel {
  if (path === '.') return { elems: [] };
  const parts = path.split('/').filter(Boolean);
  const last = parts.at(-1);
  const attr = last?.startsWith('@') ? last.slice(1).toLowerCase() : undefined;
  const elems = (attr ? parts.slice(0, -1) : parts).map((p) => p.toLowerCase());
  return attr ? { elems, attr } : { elems };
}

function matches(stack: readonly string[], elems: readonly string[], from = 0): boolean {
  if (stack.length - from !== elems.length) return false;
  for (let i = 0; i < elems.length; i++) {
    const e = elems[i]!;
    if (e !== '*' && e !== stack[from + i]) return false;
  }
  return true;
}

const SCALARS = ['report_time', 'pk_version', 'sysinfo_version', 'key', 'seats_used', 'seats_limit'] as const;
type ScalarKey = (typeof SCALARS)[number];
const LISTS = ['licenses', 'operups', 'db_errors'] as const;
type ListKey = (typeof LISTS)[number];

interface ListSpec {
  key: ListKey;
  each: string[];
  block: string[];
  fields: { name: string; sel: Sel }[];
}

interface Capture {
  depth: number;
  text: string;
  done: (value: string) => void;
}

/** Longest text kept of one selected value. */
const MAX_VALUE = 1000;

/** A push extractor: `write` text chunks in order, then `close` for the values. Throws ReportError. */
export class Extractor {
  readonly #parser = new SaxesParser({ xmlns: false, position: true });
  readonly #stack: string[] = [];
  readonly #scalars: { key: ScalarKey; sel: Sel }[];
  readonly #lists: ListSpec[];
  readonly #captures: Capture[] = [];
  readonly #maxDepth: number;
  readonly #maxItems: number;
  readonly #out: Extracted;
  readonly #guard: MarkupGuard;
  #record: { list: ListSpec; depth: number; values: Record<string, string> } | undefined;
  #error: ReportError | undefined;

  constructor(profile: Profile, limits: ExtractLimits = {}) {
    this.#maxDepth = limits.maxDepth ?? 256;
    this.#maxItems = limits.maxItems ?? 100;
    this.#guard = new MarkupGuard(limits.maxMarkup ?? 1024 * 1024);
    const scalarPaths: Record<ScalarKey, string> = {
      report_time: profile.report_time,
      pk_version: profile.pk_version,
      sysinfo_version: profile.sysinfo_version,
      key: profile.key.select,
      seats_used: profile.seats.used,
      seats_limit: profile.seats.limit,
    };
    this.#scalars = SCALARS.map((key) => ({ key, sel: compile(scalarPaths[key]) }));
    const list = (key: ListKey, each: string, fields: Record<string, string>): ListSpec => {
      const e = compile(each).elems;
      return {
        key,
        each: e,
        block: e.slice(0, -1),
        fields: Object.entries(fields).map(([name, p]) => ({ name, sel: compile(p) })),
      };
    };
    const { licenses: l, operups: o, db_errors: d } = profile;
    this.#lists = [
      list('licenses', l.each, { name: l.name, end: l.end }),
      list('operups', o.each, { file: o.file, date: o.date }),
      list('db_errors', d.each, { db: d.db, code: d.code, text: d.text }),
    ];
    const emptyList = (): RawList => ({ known: false, items: [], total: 0 });
    this.#out = { licenses: emptyList(), operups: emptyList(), db_errors: emptyList(), elements: 0 };
    for (const spec of this.#lists) if (spec.block.length === 0) this.#out[spec.key].known = true;

    const p = this.#parser;
    p.on('doctype', () => {
      throw new ReportError(
        'XML_INVALID',
        'Отчёт sysinfo содержит DOCTYPE: такие документы не разбираются.',
        'DOCTYPE refused',
      );
    });
    p.on('opentag', (tag) => this.#open(tag));
    p.on('closetag', () => this.#close());
    p.on('text', (t) => this.#text(t));
    p.on('cdata', (t) => this.#text(t));
    p.on('error', (err) => {
      // saxes reports well-formedness errors here; the first one ends the extraction.
      this.#error ??= new ReportError(
        'XML_INVALID',
        'Отчёт sysinfo не является корректным XML.',
        String(err.message),
      );
      throw this.#error;
    });
  }

  /** Feeds the next piece of the document. */
  write(chunk: string): void {
    if (this.#error) throw this.#error;
    this.#guard.feed(chunk);
    try {
      this.#parser.write(chunk);
    } catch (err) {
      throw this.#wrap(err);
    }
  }

  /** Ends the document and returns what was found. */
  close(): Extracted {
    if (this.#error) throw this.#error;
    try {
      this.#parser.close();
    } catch (err) {
      throw this.#wrap(err);
    }
    if (this.#out.root === undefined)
      throw new ReportError(
        'XML_INVALID',
        'Отчёт sysinfo пуст: в нём нет ни одного элемента.',
        'no root element',
      );
    return this.#out;
  }

  #wrap(err: unknown): ReportError {
    if (err instanceof ReportError) return err;
    this.#error = new ReportError(
      'XML_INVALID',
      'Отчёт sysinfo не является корректным XML.',
      String((err as Error)?.message ?? err),
    );
    return this.#error;
  }

  #open(tag: SaxesTagPlain): void {
    const stack = this.#stack;
    if (stack.length >= this.#maxDepth)
      throw new ReportError(
        'XML_INVALID',
        `Отчёт sysinfo не разобран: элементы вложены глубже ${this.#maxDepth} уровней.`,
        `nesting deeper than ${this.#maxDepth} at line ${this.#parser.line}`,
      );
    const name = tag.name.toLowerCase();
    stack.push(name);
    this.#out.elements++;
    if (stack.length === 1) this.#out.root = tag.name;
    const depth = stack.length;
    let attrs: Map<string, string> | undefined;
    const attr = (a: string) => {
      attrs ??= new Map(Object.entries(tag.attributes).map(([k, v]) => [k.toLowerCase(), String(v)]));
      return attrs.get(a);
    };

    for (const s of this.#scalars) {
      if (this.#out[s.key] !== undefined || !matches(stack, s.sel.elems)) continue;
      if (s.sel.attr !== undefined) {
        const v = attr(s.sel.attr);
        if (v !== undefined) this.#out[s.key] = v.slice(0, MAX_VALUE);
      } else this.#capture(depth, (v) => (this.#out[s.key] ??= v));
    }

    for (const spec of this.#lists) {
      const list = this.#out[spec.key];
      if (!list.known && matches(stack, spec.block)) list.known = true;
      if (!this.#record && matches(stack, spec.each)) {
        list.known = true;
        this.#record = { list: spec, depth, values: {} };
      }
    }

    const rec = this.#record;
    if (rec) {
      for (const f of rec.list.fields) {
        if (rec.values[f.name] !== undefined || !matches(stack, f.sel.elems, rec.depth)) continue;
        if (f.sel.attr !== undefined) {
          const v = attr(f.sel.attr);
          if (v !== undefined) rec.values[f.name] = v.slice(0, MAX_VALUE);
        } else this.#capture(depth, (v) => (rec.values[f.name] ??= v));
      }
    }
  }

  #capture(depth: number, done: (v: string) => void): void {
    this.#captures.push({ depth, text: '', done });
  }

  #text(t: string): void {
    for (const c of this.#captures)
      if (c.text.length < MAX_VALUE) c.text += t.slice(0, MAX_VALUE - c.text.length);
  }

  #close(): void {
    const depth = this.#stack.length;
    for (let i = this.#captures.length - 1; i >= 0; i--) {
      const c = this.#captures[i]!;
      if (c.depth !== depth) continue;
      c.done(c.text.trim());
      this.#captures.splice(i, 1);
    }
    const rec = this.#record;
    if (rec && rec.depth === depth) {
      const list = this.#out[rec.list.key];
      list.total++;
      if (list.items.length < this.#maxItems) list.items.push(rec.values);
      this.#record = undefined;
    }
    this.#stack.pop();
  }
}
