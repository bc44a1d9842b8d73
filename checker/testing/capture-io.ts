/** A CommandIo for tests that keeps what a command printed, as a user would read it. */
import type { CommandIo } from '../commands/io.ts';

export interface CapturedIo {
  /** The io to pass to the command. */
  value: CommandIo;
  /** Lines written to stdout. */
  out: string[];
  /** Lines written to stderr. */
  err: string[];
  /** stdout then stderr, one string. */
  all: () => string;
}

/** Output goes to `out` and `err`; paths resolve against `cwd`; `env` is the whole environment the command sees. */
export function captureIo(cwd: string, env: NodeJS.ProcessEnv = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  const value: CommandIo = { out: (t) => out.push(t), err: (t) => err.push(t), isTty: false, env, cwd };
  return { value, out, err, all: () => [...out, ...err].join('\n') };
}
