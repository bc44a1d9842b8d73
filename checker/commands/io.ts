import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Where a command writes; tests pass their own to capture output. */
export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stdout is a terminal (progress lines are drawn only then). */
  isTty: boolean;
  /** The environment (secrets are read from here, at the edge, and passed in). */
  env: NodeJS.ProcessEnv;
  /** Current directory paths are resolved against. */
  cwd: string;
}

/** The real process's streams and environment. */
export function consoleIo(): CommandIo {
  return {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
    isTty: Boolean(process.stdout.isTTY) && !process.env.CI,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** parseArgs that turns unknown options into a one-line usage error instead of a stack trace. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  io: CommandIo,
  usage: string,
):
  | {
      ok: true;
      values: ReturnType<typeof parseArgs<{ options: T; args: string[]; allowPositionals: true }>>['values'];
      positionals: string[];
    }
  | { ok: false; code: number } {
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    if ((parsed.values as Record<string, unknown>).help) {
      io.out(usage);
      return { ok: false, code: 0 };
    }
    return { ok: true, values: parsed.values, positionals: parsed.positionals };
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${usage}`);
    return { ok: false, code: 2 };
  }
}
