import { crossCheck } from './cross-checks.ts';
import { type Diagnostic, fileProblem, formatPath, locate } from './diagnostics.ts';
import { loadPlainYaml } from './fast-yaml.ts';
import { runtimeChecks } from './runtime-checks.ts';
import { type Config, configSchema } from './schema.ts';
import { parseYaml, readText } from './yaml-source.ts';
import { issuesToDiagnostics } from './zod-issues.ts';

/** The result of reading installations.yaml: typed config, or every problem found. */
export type ConfigResult = { ok: true; config: Config } | { ok: false; diagnostics: Diagnostic[] };

/** Reads and validates installations.yaml from disk. */
export async function loadConfig(file: string): Promise<ConfigResult> {
  const read = await readText(file);
  if (!read.ok) return read;
  return parseConfig(file, read.text);
}

/**
 * Validates installations.yaml text; `file` is only used in messages. A file without problems is read the fast
 * way (js-yaml, no positions); any doubt or any problem at all reads it again with positions, so that every
 * message names its line and key exactly as if the fast way did not exist. `fast: false` skips the fast way
 * (to compare both, in tests and the benchmark).
 */
export function parseConfig(file: string, text: string, options: { fast?: boolean } = {}): ConfigResult {
  const fast = options.fast === false ? undefined : loadPlainYaml(text);
  if (fast !== undefined && isMapping(fast.data)) {
    const { result, problems } = check(fast.data);
    if (result.success && problems.length === 0) return { ok: true, config: result.data };
  }
  return parseLocated(file, text);
}

function parseLocated(file: string, text: string): ConfigResult {
  const parsed = parseYaml(file, text);
  if (!parsed.ok) return parsed;
  const { doc, lines, data } = parsed;
  if (data === null || data === undefined) {
    return fileProblem(file, 'the file is empty: it needs at least `site` and `clients`');
  }
  if (!isMapping(data)) {
    return fileProblem(file, 'the top level must be a mapping (site:, checker:, clients: …)');
  }
  const { result, problems } = check(data);
  const diagnostics = result.success
    ? []
    : issuesToDiagnostics(result.error.issues, { file, doc, lines, schema: configSchema });
  for (const p of problems)
    diagnostics.push({ file, ...locate(doc, lines, p.path), path: formatPath(p.path), message: p.message });
  diagnostics.sort((a, b) => a.line - b.line || a.col - b.col);
  if (diagnostics.length > 0 || !result.success) return { ok: false, diagnostics };
  return { ok: true, config: result.data };
}

/** The schema, the whole-file checks and, on the typed config (so defaults count too), the run-time checks. */
function check(data: Record<string, unknown>) {
  const result = configSchema.safeParse(data, { reportInput: true });
  const problems = crossCheck(data);
  if (result.success) problems.push(...runtimeChecks(result.data));
  return { result, problems };
}

function isMapping(data: unknown): data is Record<string, unknown> {
  return typeof data === 'object' && data !== null && !Array.isArray(data);
}
