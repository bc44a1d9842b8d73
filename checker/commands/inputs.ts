/**
 * The two inputs most commands read — installations.yaml and the alert catalog — loaded the same way
 * everywhere: `--docs` defaults to docs/errors next to `--config`, and every problem is printed as
 * `file:line:col key: message` with a path an editor can open from the current directory.
 */
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { type Catalog, loadCatalog, type Runbooks } from '../alerts/catalog.ts';
import { type Diagnostic, describeFsError, formatDiagnostic } from '../config/diagnostics.ts';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { CommandIo } from './io.ts';

/** The default of `--config`. */
export const DEFAULT_CONFIG = 'installations.yaml';
/** Where the alert docs are when `--docs` is not given: this folder next to the config file. */
export const DOCS_NEXT_TO_CONFIG = join('docs', 'errors');

/**
 * `file` as the user should see it: relative to `cwd` when it is inside it (`bad/installations.yaml`), else
 * absolute (`/x/qa-run/bad/installations.yaml`), so that `file:line:col` opens in an editor either way.
 */
export function displayPath(file: string, cwd: string): string {
  const abs = resolve(cwd, file);
  const rel = relative(cwd, abs);
  if (rel === '') return '.';
  return rel === '..' || rel.startsWith(`..${'/'}`) || isAbsolute(rel) ? abs : rel;
}

/** Prints diagnostics with display paths; returns how many. */
export function printDiagnostics(io: CommandIo, diagnostics: Diagnostic[]): number {
  for (const d of diagnostics) io.err(formatDiagnostic({ ...d, file: displayPath(d.file, io.cwd) }));
  return diagnostics.length;
}

/** The alert docs folder: `--docs` against the cwd, else docs/errors next to the config file. */
export function docsFolder(io: CommandIo, configArg: string, docsArg: string | undefined): string {
  return docsArg !== undefined
    ? resolve(io.cwd, docsArg)
    : resolve(dirname(resolve(io.cwd, configArg)), DOCS_NEXT_TO_CONFIG);
}

/** Loaded inputs, or the problems already printed. */
export type Inputs =
  | { ok: true; config: Config; catalog: Catalog; runbooks: Runbooks; docsDir: string }
  | { ok: false; problems: number };

/**
 * Loads installations.yaml and the catalog for `cmd` (e.g. `smart check`), printing every problem. A
 * missing docs folder is one clear line that says where it was looked for and how to point elsewhere.
 */
export async function loadInputs(
  io: CommandIo,
  cmd: string,
  configArg: string = DEFAULT_CONFIG,
  docsArg?: string,
): Promise<Inputs> {
  const configFile = resolve(io.cwd, configArg);
  const docsDir = docsFolder(io, configArg, docsArg);
  const docsProblem = await stat(docsDir).then(
    (s) => (s.isDirectory() ? undefined : 'is not a folder'),
    (err: unknown) => describeFsError(err),
  );
  const [config, catalog] = await Promise.all([
    loadConfig(configFile),
    docsProblem ? undefined : loadCatalog(docsDir),
  ]);
  let problems = config.ok ? 0 : printDiagnostics(io, config.diagnostics);
  // Without the config file, "no docs next to it" says nothing new.
  const configMissing =
    docsArg === undefined &&
    (await stat(configFile).then(
      () => false,
      () => true,
    ));
  if (docsProblem && !configMissing) {
    const where =
      docsArg === undefined
        ? ` (looked for next to ${displayPath(configFile, io.cwd)}; pass --docs DIR)`
        : '';
    io.err(`${cmd}: the alert docs folder ${displayPath(docsDir, io.cwd)} ${docsProblem}${where}`);
    problems++;
  } else if (catalog && !catalog.ok) problems += printDiagnostics(io, catalog.diagnostics);
  if (!config.ok || !catalog?.ok) return { ok: false, problems };
  return { ok: true, config: config.config, catalog: catalog.catalog, runbooks: catalog.runbooks, docsDir };
}
