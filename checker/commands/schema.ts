import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeFsError } from '../config/diagnostics.ts';
import { installationsJsonSchema, JSON_SCHEMA_PATH } from '../config/json-schema.ts';
import { displayPath } from './inputs.ts';
import { type CommandIo, EXIT, parseOptions } from './io.ts';

const USAGE = `usage: smart schema [--out ${JSON_SCHEMA_PATH}] [--check]

Writes the JSON Schema of installations.yaml (generated from the zod schema) for editors.
  --out FILE   where (default ${JSON_SCHEMA_PATH}, from the repository's root)
  --check      exit 1 when the file on disk is missing or out of date, instead of writing it`;

/** `smart schema`: write (or check) the committed JSON Schema. */
export async function run(argv: string[], io: CommandIo): Promise<number> {
  const opts = parseOptions(
    argv,
    {
      out: { type: 'string', default: JSON_SCHEMA_PATH },
      check: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    io,
    USAGE,
  );
  if (!opts.ok) return opts.code;
  const file = resolve(io.cwd, opts.values.out);
  const shown = displayPath(file, io.cwd);
  const text = installationsJsonSchema();
  if (opts.values.check) {
    let current: string;
    try {
      current = await readFile(file, 'utf8');
    } catch (err) {
      const where =
        opts.values.out === JSON_SCHEMA_PATH ? ' (run it from the repository root, or pass --out FILE)' : '';
      io.err(`smart schema: ${shown} ${describeFsError(err)}${where}`);
      return EXIT.failed;
    }
    if (current !== text) {
      io.err(`smart schema: ${shown} is out of date: run \`npx smart schema\` and commit it`);
      return EXIT.failed;
    }
    io.out(`${shown} is up to date`);
    return EXIT.ok;
  }
  try {
    await writeFile(file, text);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' ? 'permission denied' : code;
    io.err(`smart schema: cannot write ${shown}: ${why ?? String(err)}`);
    return EXIT.failed;
  }
  io.out(`wrote ${shown}`);
  return EXIT.ok;
}
