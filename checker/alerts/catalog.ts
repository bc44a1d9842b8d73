import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Document } from 'yaml';
import type { z } from 'zod';
import type { Diagnostic, LineCounter } from '../config/diagnostics.ts';
import { describeFsError, fileProblem, formatPath, locate, suggest } from '../config/diagnostics.ts';
import { parseYaml, readText } from '../config/yaml-source.ts';
import { issuesToDiagnostics } from '../config/zod-issues.ts';
import { ALERT_NAMES, type AlertName, isAlertName } from './names.ts';
import {
  alertDocSchema,
  type CheckerAlertDoc,
  checkerAlertDocSchema,
  ONLY_FOR,
  type SmartAlertDoc,
  smartAlertDocSchema,
} from './schema.ts';

/** Where a runbook came from and what it says besides the front matter. */
interface RunbookFile {
  /** The runbook in Markdown (everything after the front matter). */
  body: string;
  /** Path of the file it was read from. */
  file: string;
}

/** A runbook of an alert the checker raises: its validated definition, body and file. */
export interface AlertEntry
  extends Omit<CheckerAlertDoc, 'alert' | 'suppressed_by' | 'count_of' | 'count_min'>,
    RunbookFile {
  alert: AlertName;
  suppressed_by: AlertName[];
  /** On a mass («…Count») alert: the single alert it aggregates. */
  count_of?: AlertName;
  /** On a mass alert: installations firing `count_of` in one run that make one message (default 10). */
  count_min?: number;
}

/** A runbook of an alert SMART raises itself (`raised_by: smart`): documented and served, never raised here. */
export interface SmartAlertEntry extends SmartAlertDoc, RunbookFile {}

/** Any runbook in docs/errors. */
export type RunbookEntry = AlertEntry | SmartAlertEntry;

/** The alerts the checker raises, by name: what the engine and the notifier work with. */
export type Catalog = ReadonlyMap<AlertName, AlertEntry>;

/** Every runbook (checker and SMART alerts), by name, sorted: what the site serves. */
export type Runbooks = ReadonlyMap<string, RunbookEntry>;

export type CatalogResult =
  | { ok: true; catalog: Catalog; runbooks: Runbooks }
  | { ok: false; diagnostics: Diagnostic[] };

/** Default `count_min` of a mass alert that does not set one. */
export const DEFAULT_COUNT_MIN = 10;

/** Files in docs/errors that are documentation about the catalog, not alerts. */
const NOT_ALERTS = new Set(['README.md', 'index.md']);

/** Splits a Markdown file into its YAML front matter and body. */
export function splitFrontMatter(
  text: string,
): { frontMatter: string; body: string; bodyLine: number } | undefined {
  const m = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text.replace(/^\uFEFF/, ''));
  if (!m) return undefined;
  return { frontMatter: m[1]!, body: text.slice(m[0].length), bodyLine: m[0].split('\n').length };
}

/** A parsed runbook plus a way to point at a key of its front matter (for checks across runbooks). */
interface Parsed {
  entry: RunbookEntry;
  at: (path: (string | number)[], message: string) => Diagnostic;
}

/** Reads every `<AlertName>.md` in `dir` and checks the catalog as a whole. */
export async function loadCatalog(dir: string): Promise<CatalogResult> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.md') && !NOT_ALERTS.has(n)).sort();
  } catch (err) {
    return {
      ok: false,
      diagnostics: [
        {
          file: dir,
          line: 0,
          col: 0,
          path: '',
          message: `${describeFsError(err)} (the folder of alert docs)`,
        },
      ],
    };
  }
  const diagnostics: Diagnostic[] = [];
  const parsed = new Map<string, Parsed>();
  for (const name of names) {
    const file = join(dir, name);
    const read = await readText(file);
    if (!read.ok) {
      diagnostics.push(...read.diagnostics);
      continue;
    }
    const result = parseRunbook(file, read.text);
    if (!result.ok) diagnostics.push(...result.diagnostics);
    else parsed.set(result.parsed.entry.alert, result.parsed);
  }
  const catalog = new Map<AlertName, AlertEntry>();
  for (const { entry } of parsed.values()) if (entry.raised_by === 'checker') catalog.set(entry.alert, entry);
  diagnostics.push(...checkReferences(parsed), ...checkUrls(parsed), ...checkGraph(catalog));
  for (const name of ALERT_NAMES) {
    if (!parsed.has(name) && !names.includes(`${name}.md`)) {
      diagnostics.push({
        file: join(dir, `${name}.md`),
        line: 0,
        col: 0,
        path: '',
        message: `the checker can raise ${name} but it has no runbook: add docs/errors/${name}.md`,
      });
    }
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  const runbooks = new Map([...parsed.values()].map(({ entry }) => [entry.alert, entry] as const));
  return { ok: true, catalog, runbooks };
}

/** Validates one runbook's front matter; the file name must be the alert's name. */
export function parseAlertDoc(
  file: string,
  text: string,
): { ok: true; entry: RunbookEntry } | { ok: false; diagnostics: Diagnostic[] } {
  const result = parseRunbook(file, text);
  return result.ok ? { ok: true, entry: result.parsed.entry } : result;
}

function parseRunbook(
  file: string,
  text: string,
): { ok: true; parsed: Parsed } | { ok: false; diagnostics: Diagnostic[] } {
  const split = splitFrontMatter(text);
  if (!split) {
    return fileProblem(
      file,
      'no front matter: the file must start with a --- block that defines the alert (alert:, title:, priority:, importance:, raised_by: …)',
      1,
      1,
    );
  }
  const parsedYaml = parseYaml(file, split.frontMatter, 1);
  if (!parsedYaml.ok) return parsedYaml;
  const { doc, lines, data } = parsedYaml;
  const shift = (d: Diagnostic): Diagnostic => (d.line > 0 ? { ...d, line: d.line + 1 } : d);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fileProblem(file, 'the front matter must be a mapping (alert:, title:, …)', 2, 1);
  }
  const result = alertDocSchema.safeParse(data, { reportInput: true });
  if (!result.success) {
    const raisedBy = (data as Record<string, unknown>).raised_by;
    return {
      ok: false,
      diagnostics: schemaDiagnostics(result.error.issues, raisedBy, { file, doc, lines }).map(shift),
    };
  }
  const def = result.data;
  const expected = basename(file, '.md');
  const at = (path: (string | number)[], message: string): Diagnostic =>
    shift({ file, ...locate(doc, lines, path), path: formatPath(path), message });
  const problems: Diagnostic[] = [];
  if (def.alert !== expected)
    problems.push(
      at(
        ['alert'],
        `"${def.alert}" does not match the file name: rename the file to ${def.alert}.md or the alert to ${expected}`,
      ),
    );
  const body = { body: split.body, file };
  if (def.raised_by === 'smart') {
    if (isAlertName(def.alert))
      problems.push(
        at(
          ['raised_by'],
          `the checker raises ${def.alert} (it is in checker/alerts/names.ts): write raised_by: checker and its checker fields, or take the name out of names.ts`,
        ),
      );
    if (problems.length > 0) return { ok: false, diagnostics: problems };
    return { ok: true, parsed: { entry: { ...def, ...body }, at } };
  }
  if (!isAlertName(def.alert)) {
    const hint = suggest(def.alert, ALERT_NAMES);
    problems.push(
      at(
        ['alert'],
        `the checker cannot raise "${def.alert}"${hint ? ` (did you mean "${hint}"?)` : ''}: add it to checker/alerts/names.ts with the code that raises it, or write raised_by: smart if SMART raises it`,
      ),
    );
  }
  def.suppressed_by.forEach((parent, i) => {
    if (parent === def.alert)
      problems.push(at(['suppressed_by', i], 'an alert cannot be suppressed by itself'));
  });
  if (def.count_min !== undefined && def.count_of === undefined)
    problems.push(
      at(['count_min'], 'count_min belongs to a mass alert: add count_of naming the single alert it counts'),
    );
  if (def.count_of === def.alert)
    problems.push(at(['count_of'], 'a mass alert cannot count itself: name the single alert it aggregates'));
  if (problems.length > 0) return { ok: false, diagnostics: problems };
  const entry: AlertEntry = {
    ...def,
    alert: def.alert as AlertName,
    suppressed_by: def.suppressed_by as AlertName[],
    count_of: def.count_of as AlertName | undefined,
    ...body,
  };
  if (entry.count_of === undefined) delete entry.count_of;
  if (entry.count_of !== undefined) entry.count_min ??= DEFAULT_COUNT_MIN;
  else delete entry.count_min;
  return { ok: true, parsed: { entry, at } };
}

/**
 * Schema problems as located lines. Keys of the other kind of runbook (a SMART alert with `for`) get a
 * message that says why; unknown keys are matched against the fields of the runbook's own kind.
 */
function schemaDiagnostics(
  issues: readonly z.core.$ZodIssue[],
  raisedBy: unknown,
  ctx: { file: string; doc: Document; lines: LineCounter },
): Diagnostic[] {
  const schema =
    raisedBy === 'smart'
      ? smartAlertDocSchema
      : raisedBy === 'checker'
        ? checkerAlertDocSchema
        : alertDocSchema;
  const out: Diagnostic[] = [];
  const rest: typeof issues = issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys' || issue.path.length > 0) return [issue];
    const foreign = issue.keys.filter((k) => ONLY_FOR[k] !== undefined && ONLY_FOR[k] !== raisedBy);
    for (const key of foreign) {
      const owner = ONLY_FOR[key];
      out.push({
        file: ctx.file,
        ...locate(ctx.doc, ctx.lines, [], key),
        path: key,
        message:
          owner === 'checker'
            ? `only an alert this checker raises (raised_by: checker) has ${key}; SMART raises this one itself`
            : `only an alert SMART raises (raised_by: smart) has ${key}; this checker raises this one`,
      });
    }
    const left = issue.keys.filter((k) => !foreign.includes(k));
    return left.length > 0 ? [{ ...issue, keys: left }] : [];
  });
  return [...out, ...issuesToDiagnostics(rest, { ...ctx, schema })].sort(
    (a, b) => a.line - b.line || a.col - b.col,
  );
}

/** `suppressed_by` and `count_of` must name alerts the checker raises and that have a runbook. */
function checkReferences(parsed: ReadonlyMap<string, Parsed>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const checkerNames = [...parsed.values()].flatMap(({ entry }) =>
    entry.raised_by === 'checker' ? [entry.alert] : [],
  );
  const problem = (name: string, what: string): string | undefined => {
    const target = parsed.get(name)?.entry;
    if (target?.raised_by === 'smart') return `${name} is raised by SMART, not by this checker: ${what}`;
    if (target === undefined && !isAlertName(name)) {
      const hint = suggest(name, [...new Set([...ALERT_NAMES, ...checkerNames])]);
      return `unknown alert "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
    }
    return undefined;
  };
  for (const { entry, at } of parsed.values()) {
    if (entry.raised_by !== 'checker') continue;
    entry.suppressed_by.forEach((parent, i) => {
      const p = problem(parent, 'only a checker alert can hold another back');
      if (p) out.push(at(['suppressed_by', i], p));
    });
    if (entry.count_of !== undefined) {
      const p = problem(entry.count_of, 'a mass alert counts one of the checker alerts');
      const target = parsed.get(entry.count_of)?.entry;
      if (p) out.push(at(['count_of'], p));
      else if (target?.raised_by === 'checker' && target.count_of !== undefined)
        out.push(
          at(
            ['count_of'],
            `${entry.count_of} is itself a mass alert: count the single alert (${target.count_of})`,
          ),
        );
    }
  }
  return out;
}

/**
 * Every name and alias is a URL of the site, served as written and in lower case: a spelling of one alert
 * that matches another alert's name or alias, even only in case, would make one URL open two runbooks.
 * Spellings of the same alert may differ in case only (KodeksDBerrorsNOCodeCount is its own URL).
 */
function checkUrls(parsed: ReadonlyMap<string, Parsed>): Diagnostic[] {
  const out: Diagnostic[] = [];
  /** Lowercase URL segment → the alert it opens and, for an alias, the spelling that claimed it. */
  const owner = new Map<string, { alert: string; alias?: string }>();
  for (const { entry, at } of parsed.values()) {
    const key = entry.alert.toLowerCase();
    const other = owner.get(key);
    if (other !== undefined)
      out.push(
        at(
          ['alert'],
          `${entry.alert} and ${other.alert} differ only in case: both would be served at /docs/errors/${key}/`,
        ),
      );
    else owner.set(key, { alert: entry.alert });
  }
  for (const { entry, at } of parsed.values()) {
    const seen = new Set<string>([entry.alert]);
    entry.aliases.forEach((alias, i) => {
      const other = owner.get(alias.toLowerCase());
      if (alias === entry.alert)
        out.push(at(['aliases', i], `${alias} is this alert's own name: it is served already`));
      else if (seen.has(alias)) out.push(at(['aliases', i], `${alias} is listed twice`));
      else if (other !== undefined && other.alert !== entry.alert)
        out.push(
          at(
            ['aliases', i],
            `${alias} already opens ${other.alert}${other.alias ? ` (its alias ${other.alias})` : ''}: names and aliases are served case-insensitively`,
          ),
        );
      else owner.set(alias.toLowerCase(), other ?? { alert: entry.alert, alias });
      seen.add(alias);
    });
  }
  return out;
}

const INDEXES = new WeakMap<Runbooks, Map<string, RunbookEntry>>();

/**
 * The runbook a link names: by the alert's name or by one of its aliases, in any case (the site serves
 * lowercase URLs too). Undefined when no runbook answers to it.
 */
export function findRunbook(runbooks: Runbooks, name: string): RunbookEntry | undefined {
  const exact = runbooks.get(name);
  if (exact) return exact;
  let index = INDEXES.get(runbooks);
  if (!index) {
    index = new Map();
    for (const entry of runbooks.values())
      for (const n of [entry.alert, ...entry.aliases]) index.set(n.toLowerCase(), entry);
    INDEXES.set(runbooks, index);
  }
  return index.get(name.replace(/\.md$/i, '').toLowerCase());
}

/** Finds cycles in suppressed_by (A held back by B held back by A would hide both forever). */
function checkGraph(entries: ReadonlyMap<AlertName, AlertEntry>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const state = new Map<AlertName, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (name: AlertName, trail: AlertName[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      const key = [...cycle].sort().join();
      if (!reported.has(key)) {
        reported.add(key);
        const entry = entries.get(name)!;
        out.push({
          file: entry.file,
          line: 0,
          col: 0,
          path: 'suppressed_by',
          message: `suppression cycle: ${cycle.join(' → ')} (each would hide the other forever)`,
        });
      }
      return;
    }
    state.set(name, 'visiting');
    for (const parent of entries.get(name)?.suppressed_by ?? [])
      if (entries.has(parent)) visit(parent, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of entries.keys()) visit(name, []);
  return out;
}
