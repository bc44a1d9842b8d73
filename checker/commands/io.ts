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
  /**
   * Aborted when nobody reads stdout any more (`smart demo | head` after its ten lines): further output is
   * dropped, and a command that would only go on printing (the demo) stops and cleans up.
   */
  outputClosed?: AbortSignal;
}

/**
 * The real process's streams and environment. A closed pipe (EPIPE) on stdout or stderr is not a crash:
 * the rest of the output is dropped quietly and `outputClosed` tells the command.
 */
export function consoleIo(): CommandIo {
  const closed = new AbortController();
  let errClosed = false;
  process.stdout.on('error', () => closed.abort());
  process.stderr.on('error', () => {
    errClosed = true;
  });
  return {
    out: (t) => {
      if (!closed.signal.aborted) process.stdout.write(`${t}\n`);
    },
    err: (t) => {
      if (!errClosed) process.stderr.write(`${t}\n`);
    },
    outputClosed: closed.signal,
    isTty: Boolean(process.stdout.isTTY) && !process.env.CI,
    env: process.env,
    cwd: process.cwd(),
  };
}

// The argument layer lives in args.ts; commands import it from here with the io they write to.
export { EXIT, parseOptions, usageError } from './args.ts';
