import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Diagnostic } from '../config/diagnostics.ts';
import { fileProblem, locate, suggest } from '../config/diagnostics.ts';
import { parseYaml, readText } from '../config/yaml-source.ts';
import { issuesToDiagnostics } from '../config/zod-issues.ts';
import { ALERT_NAMES, type AlertName, isAlertName } from './names.ts';
import { type AlertDoc, alertDocSchema } from './schema.ts';

/** One runbook: its validated definition, its Markdown body and where it came from. */
export interface AlertEntry extends Omit<AlertDoc, 'alert' | 'suppressed_by'> {
  alert: AlertName;
  suppressed_by: AlertName[];
  /** The runbook in Markdown (everything after the front matter). */
  body: string;
  /** Path of the file it was read from. */
  file: string;
}

/** All alert definitions by name. */
export type Catalog = ReadonlyMap<AlertName, AlertEntry>;

export type CatalogResult = { ok: true; catalog: Catalog } | { ok: false; diagnostics: Diagnostic[] };

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
          message: `cannot read the alert docs folder: ${(err as NodeJS.ErrnoException).code ?? err}`,
        },
      ],
    };
  }
  const diagnostics: Diagnostic[] = [];
  const entries = new Map<AlertName, AlertEntry>();
  for (const name of names) {
    const file = join(dir, name);
    const read = await readText(file);
    if (!read.ok) {
      diagnostics.push(...read.diagnostics);
      continue;
    }
    const parsed = parseAlertDoc(file, read.text);
    if (!parsed.ok) diagnostics.push(...parsed.diagnostics);
    else entries.set(parsed.entry.alert, parsed.entry);
  }
  diagnostics.push(...checkGraph(entries));
  for (const name of ALERT_NAMES) {
    if (!entries.has(name) && !names.includes(`${name}.md`)) {
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
  return { ok: true, catalog: entries };
}

/** Validates one runbook's front matter; the file name must be the alert's name. */
export function parseAlertDoc(
  file: string,
  text: string,
): { ok: true; entry: AlertEntry } | { ok: false; diagnostics: Diagnostic[] } {
  const split = splitFrontMatter(text);
  if (!split) {
    return fileProblem(
      file,
      'no front matter: the file must start with a --- block that defines the alert (alert:, title:, severity: …)',
      1,
      1,
    );
  }
  const parsed = parseYaml(file, split.frontMatter, 1);
  if (!parsed.ok) return parsed;
  const { doc, lines, data } = parsed;
  const shift = (d: Diagnostic): Diagnostic => (d.line > 0 ? { ...d, line: d.line + 1 } : d);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fileProblem(file, 'the front matter must be a mapping (alert:, title:, …)', 2, 1);
  }
  const result = alertDocSchema.safeParse(data, { reportInput: true });
  if (!result.success) {
    return {
      ok: false,
      diagnostics: issuesToDiagnostics(result.error.issues, { file, doc, lines, schema: alertDocSchema }).map(
        shift,
      ),
    };
  }
  const def = result.data;
  const expected = basename(file, '.md');
  const problems: Diagnostic[] = [];
  const at = (path: (string | number)[], message: string) =>
    problems.push(
      shift({ file, ...locate(doc, lines, path), path: path.join('.').replace(/\.(\d+)/g, '[$1]'), message }),
    );
  if (def.alert !== expected)
    at(
      ['alert'],
      `"${def.alert}" does not match the file name: rename the file to ${def.alert}.md or the alert to ${expected}`,
    );
  if (!isAlertName(def.alert)) {
    const hint = suggest(def.alert, ALERT_NAMES);
    at(
      ['alert'],
      `the checker cannot raise "${def.alert}"${hint ? ` (did you mean "${hint}"?)` : ''}: add it to checker/alerts/names.ts with the code that raises it`,
    );
  }
  def.suppressed_by.forEach((parent, i) => {
    if (!isAlertName(parent)) {
      const hint = suggest(parent, ALERT_NAMES);
      at(['suppressed_by', i], `unknown alert "${parent}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
    } else if (parent === def.alert) at(['suppressed_by', i], 'an alert cannot be suppressed by itself');
  });
  if (problems.length > 0) return { ok: false, diagnostics: problems };
  return {
    ok: true,
    entry: {
      ...def,
      alert: def.alert as AlertName,
      suppressed_by: def.suppressed_by as AlertName[],
      body: split.body,
      file,
    },
  };
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
