import { z } from 'zod';
import { configSchema } from './schema.ts';

/** Where `smart schema` writes the JSON Schema for editors (referenced from installations.yaml). */
export const JSON_SCHEMA_PATH = 'checker/config/installations.schema.json';

/** The JSON Schema of installations.yaml as users write it (durations as text, defaults shown). */
export function installationsJsonSchema(): string {
  const schema = z.toJSONSchema(configSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return `${JSON.stringify({ ...schema, title: 'SMART status installations.yaml' }, null, 2)}\n`;
}
