import { DEFAULT_CONFIG, loadInputs } from './inputs.ts';
import { type CommandIo, EXIT, parseOptions } from './io.ts';

const USAGE = `usage: smart validate [--config installations.yaml] [--docs DIR]

Checks installations.yaml and the alert catalog, prints every problem as file:line:col key: message,
exits 1 when there is any and 0 with a one-line summary otherwise.
  --config FILE   the installations file (default installations.yaml)
  --docs DIR      the alert runbooks (default: docs/errors next to the --config file)`;

/** `smart validate`: both inputs, every problem, no stack traces. */
export async function run(argv: string[], io: CommandIo): Promise<number> {
  const opts = parseOptions(
    argv,
    {
      config: { type: 'string', default: DEFAULT_CONFIG },
      docs: { type: 'string' },
      help: { type: 'boolean' },
    },
    io,
    USAGE,
  );
  if (!opts.ok) return opts.code;
  const inputs = await loadInputs(io, 'smart validate', opts.values.config, opts.values.docs);
  if (!inputs.ok) {
    io.err(`${inputs.problems} problem${inputs.problems === 1 ? '' : 's'} found`);
    return EXIT.failed;
  }
  const clients = inputs.config.clients.length;
  const installations = inputs.config.clients.reduce((n, c) => n + c.installations.length, 0);
  io.out(
    `${plural(clients, 'client')}, ${plural(installations, 'installation')}, ${plural(inputs.runbooks.size, 'runbook')} (${inputs.catalog.size} raised by the checker): OK`,
  );
  return EXIT.ok;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
