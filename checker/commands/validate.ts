import { resolve } from 'node:path';
import { loadCatalog } from '../alerts/catalog.ts';
import { type Diagnostic, formatDiagnostic } from '../config/diagnostics.ts';
import { loadConfig } from '../config/load.ts';
import { type CommandIo, parseOptions } from './io.ts';

const USAGE = `usage: smart validate [--config installations.yaml] [--docs docs/errors]

Checks installations.yaml and the alert catalog, prints every problem as file:line:col key: message,
exits 1 when there is any and 0 with a one-line summary otherwise.`;

/** `smart validate`: both inputs, every problem, no stack traces. */
export async function run(argv: string[], io: CommandIo): Promise<number> {
  const opts = parseOptions(
    argv,
    {
      config: { type: 'string', default: 'installations.yaml' },
      docs: { type: 'string', default: 'docs/errors' },
      help: { type: 'boolean' },
    },
    io,
    USAGE,
  );
  if (!opts.ok) return opts.code;
  const configFile = opts.values.config!;
  const docsDir = opts.values.docs!;
  const [config, catalog] = await Promise.all([
    loadConfig(resolve(io.cwd, configFile)),
    loadCatalog(resolve(io.cwd, docsDir)),
  ]);
  const problems: Diagnostic[] = [];
  const relative = (d: Diagnostic): Diagnostic => ({
    ...d,
    file: d.file.startsWith(io.cwd) ? d.file.slice(io.cwd.length + 1) : d.file,
  });
  if (!config.ok) problems.push(...config.diagnostics.map(relative));
  if (!catalog.ok) problems.push(...catalog.diagnostics.map(relative));
  if (problems.length > 0) {
    for (const p of problems) io.err(formatDiagnostic(p));
    io.err(`${problems.length} problem${problems.length === 1 ? '' : 's'} found`);
    return 1;
  }
  if (!config.ok || !catalog.ok) return 1;
  const clients = config.config.clients.length;
  const installations = config.config.clients.reduce((n, c) => n + c.installations.length, 0);
  io.out(
    `${plural(clients, 'client')}, ${plural(installations, 'installation')}, ${plural(catalog.runbooks.size, 'runbook')} (${catalog.catalog.size} raised by the checker): OK`,
  );
  return 0;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
