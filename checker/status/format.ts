/**
 * The status files as text: where each kind lives, how one is parsed (JSON → version check → schema) and how
 * it is written (JSON.stringify with sorted keys, so the same data always gives the same bytes and git diffs
 * stay small). A file that is not valid JSON, has another schema version or does not match the schema raises
 * StatusFileError naming the file; the run then stops and the file is left as it is. Pure: reading and
 * writing the bytes is the store's job.
 */
import type { z } from 'zod';
import { STATUS_SCHEMA_VERSION } from './schema.ts';

/** A status file that cannot be used; `file` is its path inside the store. */
export class StatusFileError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'StatusFileError';
    this.file = file;
  }
}

/** Relative paths of every file kind. */
export const statusPaths = {
  heartbeat: 'heartbeat.json',
  outbox: 'outbox.json',
  state: (client: string) => `state/${client}.json`,
  history: (client: string, month: string) => `history/${client}/${month}.json`,
  incidents: (month: string) => `incidents/${month}.json`,
  agent: (client: string, installation: string) => `agents/${client}/${installation}.json`,
};

/** Parses one status file's text; throws StatusFileError when it is corrupt or of another version. */
export function parseStatusFile<S extends z.ZodType>(file: string, text: string, schema: S): z.output<S> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new StatusFileError(
      file,
      `not valid JSON (${(err as Error).message}); fix or delete the file, it was left untouched`,
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new StatusFileError(file, 'expected a JSON object; the file was left untouched');
  const version = (data as { schema?: unknown }).schema;
  if (version !== STATUS_SCHEMA_VERSION) {
    throw new StatusFileError(
      file,
      `schema version ${JSON.stringify(version ?? null)} is not the one this checker reads (${STATUS_SCHEMA_VERSION}); ` +
        'upgrade smart or migrate the file — it was left untouched',
    );
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new StatusFileError(
      file,
      `does not match the status schema: ${first}; the file was left untouched`,
    );
  }
  return parsed.data;
}

/**
 * JSON with keys sorted at every level, two-space indented, one trailing newline. Arrays of plain numbers
 * (latency histograms) stay on one line: the files are read in diffs and kept for years.
 */
export function serialize(value: unknown): string {
  const text = JSON.stringify(sortKeys(value), null, 2).replace(
    /\[\s+(-?[\d.eE+-]+(?:,\s+-?[\d.eE+-]+)*)\s+\]/g,
    (_, inner: string) => `[${inner.split(/,\s+/).join(', ')}]`,
  );
  return `${text}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}
