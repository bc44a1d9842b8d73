/**
 * The one argument layer of every `smart` command. Options are declared as for `node:util` parseArgs (plus
 * `choices` for a string option that takes one of a few words); what a user can get wrong — an unknown
 * option, a missing value, a value for a switch, a word not among the choices, a stray argument — becomes
 * one English line `smart <command>: …` and exit status 2, never Node's own parseArgs text.
 */
import { type ParseArgsOptionDescriptor, parseArgs } from 'node:util';
import { suggest } from '../config/diagnostics.ts';
import type { CommandIo } from './io.ts';

/** Exit statuses shared by every command (README «The CLI», `smart --help`). */
export const EXIT = {
  /** The command did its job (installations being down is data, not failure). */
  ok: 0,
  /** It could not: bad input files, a missing secret, the store or a server unreachable, a message refused. */
  failed: 1,
  /** The command line is wrong: unknown option, bad value, stray argument. */
  usage: 2,
  /** A bug in smart (one line; the stack with SMART_DEBUG=1). */
  internal: 70,
  /** Interrupted by Ctrl-C (SIGINT) or SIGTERM before it finished. */
  interrupted: 130,
} as const;

/** An option as parseArgs declares it, plus the words a string option accepts. */
export type OptionSpec = ParseArgsOptionDescriptor & { choices?: readonly string[] };
type Options = Record<string, OptionSpec>;

/** Positional arguments: refused by default; `hint` may point at the option meant instead. */
export interface PositionalSpec {
  /** How many the command takes (default 0). */
  max?: number;
  /** Said after "unexpected argument …" when there are too many, e.g. `(to check one client: --only acme)`. */
  hint?: (arg: string) => string | undefined;
}

type Parsed<T extends Options> = ReturnType<
  typeof parseArgs<{ options: T; args: string[]; allowPositionals: true; strict: true }>
>;

/** The outcome of parsing: the values, or the exit status to return (help shown, or a usage error said). */
export type ParseOutcome<T extends Options> =
  | { ok: true; values: Parsed<T>['values']; positionals: string[] }
  | { ok: false; code: number };

/** The command's name, read from its usage text (`usage: smart check …`). */
function commandOf(usage: string): string {
  return /^usage: (smart(?: [a-z-]+)?)/.exec(usage)?.[1] ?? 'smart';
}

/** Says one or more usage errors, each as `smart <command>: …`, and returns exit status 2. */
export function usageError(io: CommandIo, usage: string, problems: string | string[]): number {
  const cmd = commandOf(usage);
  const lines = Array.isArray(problems) ? problems : [problems];
  lines.forEach((p, i) => {
    io.err(`${cmd}: ${p}${i === lines.length - 1 ? `; see \`${cmd} --help\`` : ''}`);
  });
  return EXIT.usage;
}

/**
 * Parses `argv` for a command whose options are `options` and whose help is `usage` (its first line names the
 * command). `--help`/`-h` prints the usage and returns exit 0.
 */
export function parseOptions<T extends Options>(
  argv: string[],
  options: T,
  io: CommandIo,
  usage: string,
  positional: PositionalSpec = {},
): ParseOutcome<T> {
  const problem = (text: string): ParseOutcome<T> => ({ ok: false, code: usageError(io, usage, text) });
  const known = Object.keys(options);
  const descriptors: Record<string, ParseArgsOptionDescriptor> = {};
  for (const [name, { choices: _choices, ...d }] of Object.entries(options)) descriptors[name] = d;
  if (descriptors.help && !descriptors.help.short) descriptors.help = { ...descriptors.help, short: 'h' };

  // Read loosely first, to word every mistake ourselves; then normalise and let parseArgs type the values.
  const { tokens } = parseArgs({
    args: argv,
    options: descriptors,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  // The same arguments with every value inline (`--chat=-100…`), so the strict pass cannot misread them.
  const args: string[] = [];
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'option-terminator') {
      args.push('--');
      continue;
    }
    if (t.kind === 'positional') {
      positionals.push(t.value);
      args.push(t.value);
      continue;
    }
    const spec = options[t.name];
    if (!spec) {
      const hint = suggest(t.name, known);
      return problem(`unknown option ${t.rawName}${hint ? ` (did you mean --${hint}?)` : ''}`);
    }
    if (t.name === 'help') {
      io.out(usage);
      return { ok: false, code: EXIT.ok };
    }
    if (spec.type === 'boolean') {
      if (t.value !== undefined) return problem(`${t.rawName} takes no value (got "${t.value}")`);
      args.push(t.rawName);
      continue;
    }
    // A value that looks like an option is a forgotten value (`--config --json`); a negative number is a
    // value (Telegram chat ids: `--chat -1001234567890`).
    if (t.value === undefined || (!t.inlineValue && /^-(?!\d)/.test(t.value)))
      return problem(`${t.rawName} needs a value`);
    if (spec.choices && !spec.choices.includes(t.value))
      return problem(`${t.rawName} ${JSON.stringify(t.value)}: expected ${orList(spec.choices)}`);
    args.push(t.rawName.startsWith('--') ? `${t.rawName}=${t.value}` : `${t.rawName}${t.value}`);
  }
  const max = positional.max ?? 0;
  if (positionals.length > max) {
    const arg = positionals[max]!;
    const hint = positional.hint?.(arg);
    return problem(`unexpected argument ${JSON.stringify(arg)}${hint ? ` ${hint}` : ''}`);
  }
  // descriptors is `options` without `choices` (and with -h): the same shape for parseArgs typing.
  const parsed = parseArgs({ args, options: descriptors as T, allowPositionals: true, strict: true });
  return { ok: true, values: parsed.values, positionals: parsed.positionals };
}

/** "fs or github", "telegram, console or none". */
export function orList(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}
