#!/usr/bin/env node
/**
 * `smart`: the command-line entry. It only wires: parses the command name and hands the rest of the
 * arguments to `commands/<name>.ts`, whose `run(argv, io)` returns the exit status.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AGENT_VERSION } from './agent/version.ts';
import type { CommandIo } from './commands/io.ts';
import { consoleIo, EXIT } from './commands/io.ts';
import { suggest } from './config/diagnostics.ts';
import { scrub, secrets } from './secrets/scrub.ts';

/** The commands and one line about each, in the order `smart help` shows them. */
export const COMMANDS = {
  validate: 'check installations.yaml and docs/errors; print every problem',
  check: 'run all probes, diagnose, advance alerts, write status data, notify',
  demo: 'fake installations on loopback, a few check cycles, the site built and served',
  agent: 'on the Kodeks server: look for the SenseLock USB key and report it',
  'notify-test': 'send one Telegram message and say what happened',
  schema: 'write checker/config/installations.schema.json for editors',
  compact: 'squash old history of the status branch so the repository stays small',
  watchdog: 'tell Telegram once when no check has run for more than 3 × interval',
} as const;
type CommandName = keyof typeof COMMANDS;

/** The version of the package (`smart --version`). */
export const VERSION: string = AGENT_VERSION;

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([n, d]) => `  ${n.padEnd(12)} ${d}`);
  return [
    'usage: smart <command> [options]',
    '       smart --version',
    '',
    ...rows,
    '',
    '`smart <command> --help` (or `smart help <command>`) lists its options.',
    '',
    'Exit status:',
    '  0    the command did its job (installations being down is data, not a failure)',
    '  1    it could not: invalid input files, a missing secret, the store or a server unreachable,',
    '       a message refused (one line on stderr says why)',
    '  2    the command line is wrong: unknown option, bad value, unexpected argument',
    '  70   a bug in smart (one line; SMART_DEBUG=1 prints the stack)',
    '  130  interrupted (Ctrl-C) before it finished',
  ].join('\n');
}

/** Runs the CLI with `argv` (without node and script) and returns the exit status. */
export async function main(argv: string[], given: CommandIo = consoleIo()): Promise<number> {
  // Every line a command prints passes the scrubber: no secret of the environment, whole or in part.
  secrets.addFromEnv(given.env);
  const io: CommandIo = { ...given, out: (t) => given.out(scrub(t)), err: (t) => given.err(scrub(t)) };
  const [first, ...rest] = argv;
  let name = first;
  let args = rest;
  if (name === 'help' && rest[0] !== undefined) [name, args] = [rest[0], ['--help']];
  else if (name === undefined) {
    io.err(usage());
    return EXIT.usage;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    io.out(usage());
    return EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    io.out(`smart ${VERSION}`);
    return EXIT.ok;
  }
  if (!(name in COMMANDS)) {
    const what = name.startsWith('-') ? 'option' : 'command';
    const hint = suggest(name.replace(/^-+/, ''), Object.keys(COMMANDS));
    io.err(
      `smart: unknown ${what} ${JSON.stringify(name)}${hint ? ` (did you mean ${hint}?)` : ''}; see \`smart --help\``,
    );
    return EXIT.usage;
  }
  const mod = (await import(`./commands/${name as CommandName}.ts`)) as {
    run: (argv: string[], io: CommandIo) => Promise<number>;
  };
  return mod.run(args, io);
}

/** Runs `main` as the process: sets the exit status, turns unexpected errors into one line. */
export function runCli(argv: string[]): void {
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // A bug, not bad input: say so in one line; the stack only with SMART_DEBUG=1.
      const msg = err instanceof Error ? err.message : String(err);
      process.stderr.write(`smart: internal error: ${scrub(msg)}\n`);
      if (process.env.SMART_DEBUG) process.stderr.write(`${scrub((err as Error)?.stack ?? '')}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}

const isEntry = process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) runCli(process.argv.slice(2));
