import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { installationsJsonSchema, JSON_SCHEMA_PATH } from '../config/json-schema.ts';
import { type CommandIo, parseOptions } from './io.ts';

const USAGE = `usage: smart schema [--out ${JSON_SCHEMA_PATH}] [--check]

Writes the JSON Schema of installations.yaml (generated from the zod schema) for editors.
--check exits 1 when the file on disk is out of date instead of writing it.`;

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
  const file = resolve(io.cwd, opts.values.out!);
  const text = installationsJsonSchema();
  if (opts.values.check) {
    const current = await readFile(file, 'utf8').catch(() => '');
    if (current !== text) {
      io.err(`${opts.values.out} is out of date: run \`npx smart schema\` and commit it`);
      return 1;
    }
    io.out(`${opts.values.out} is up to date`);
    return 0;
  }
  await writeFile(file, text);
  io.out(`wrote ${opts.values.out}`);
  return 0;
}
