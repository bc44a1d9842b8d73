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

// The argument layer lives in args.ts; commands import it from here with the io they write to.
export { EXIT, parseOptions, usageError } from './args.ts';
