import type { Document } from 'yaml';
import type { z } from 'zod';
import { type Diagnostic, formatPath, type LineCounter, locate, suggest } from './diagnostics.ts';

type AnySchema = z.core.$ZodType;

/** Keys a strict object accepts at `path` inside `schema` (empty when the path is not an object). */
export function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  for (const obj of objectsAt(schema, path)) for (const k of Object.keys(obj)) keys.add(k);
  if (keys.size === 0 && path.length > 0) {
    // A record keyed by an enum (e.g. per-alert overrides): the allowed keys are the enum's values.
    for (const rec of recordsAt(schema, path)) for (const k of rec) keys.add(k);
  }
  return [...keys];
}

function recordsAt(schema: AnySchema, path: readonly PropertyKey[]): string[][] {
  const parent = path.slice(0, -1);
  const last = path[path.length - 1];
  return objectsAt(schema, parent).flatMap((shape) => {
    const field = shape[String(last)];
    if (!field) return [];
    let def = field._zod.def as unknown as Record<string, unknown> & { type: string };
    while (['optional', 'default', 'prefault', 'nullable'].includes(def.type)) {
      def = (def.innerType as AnySchema)._zod.def as unknown as typeof def;
    }
    if (def.type !== 'record') return [];
    const keyDef = (def.keyType as AnySchema)._zod.def as unknown as {
      type: string;
      entries?: Record<string, string>;
    };
    return keyDef.type === 'enum' && keyDef.entries ? [Object.values(keyDef.entries)] : [];
  });
}

function objectsAt(schema: AnySchema, path: readonly PropertyKey[]): Record<string, AnySchema>[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return objectsAt(def.innerType as AnySchema, path);
    case 'pipe':
      return objectsAt(def.in as AnySchema, path);
    case 'union':
      return (def.options as AnySchema[]).flatMap((o) => objectsAt(o, path));
    case 'object': {
      const shape = def.shape as Record<string, AnySchema>;
      if (path.length === 0) return [shape];
      const next = shape[String(path[0])];
      return next ? objectsAt(next, path.slice(1)) : [];
    }
    case 'array':
      return path.length === 0 ? [] : objectsAt(def.element as AnySchema, path.slice(1));
    case 'record':
      return path.length === 0 ? [] : objectsAt(def.valueType as AnySchema, path.slice(1));
    default:
      return [];
  }
}

/** Turns zod issues into located diagnostics, one per problem (one per unknown key). */
export function issuesToDiagnostics(
  issues: readonly z.core.$ZodIssue[],
  ctx: { file: string; doc: Document; lines: LineCounter; schema: AnySchema },
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the branch that got furthest rather than "invalid input".
      const best = issue.errors.reduce((a, b) => (deepest(b) > deepest(a) ? b : a));
      out.push(
        ...issuesToDiagnostics(
          best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })),
          ctx,
        ),
      );
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(ctx.schema, issue.path);
      for (const key of issue.keys) {
        const hint = suggest(key, known);
        const pos = locate(ctx.doc, ctx.lines, issue.path, key);
        out.push({
          file: ctx.file,
          ...pos,
          path: formatPath([...issue.path, key]),
          message: `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}; allowed here: ${known.join(', ')}`,
        });
      }
      continue;
    }
    const pos = locate(ctx.doc, ctx.lines, issue.path);
    out.push({ file: ctx.file, ...pos, path: formatPath(issue.path), message: describe(issue) });
  }
  return out;
}

function deepest(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length + (i.code === 'unrecognized_keys' ? 0 : 0.5)));
}

function describe(issue: z.core.$ZodIssue): string {
  const union = issue as { code: string; discriminator?: string; options?: unknown[]; input?: unknown };
  if (union.code === 'invalid_union' && union.discriminator !== undefined && Array.isArray(union.options)) {
    // A discriminated union (e.g. a runbook's raised_by) whose key is missing or names no branch.
    const given = (union.input as Record<string, unknown> | undefined)?.[union.discriminator];
    const values = union.options.map((v) => JSON.stringify(v)).join(', ');
    return given === undefined
      ? `is required (one of ${values})`
      : `expected one of ${values}, got ${JSON.stringify(given)}`;
  }
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return `is required (expected ${issue.expected})`;
    return `expected ${issue.expected}, got ${received(issue.input)}`;
  }
  if (issue.code === 'invalid_value') {
    return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(issue.input)}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'array')
    return `needs at least ${issue.minimum} item(s)`;
  if (issue.code === 'too_small' && issue.origin === 'string') return `must not be empty`;
  if (issue.code === 'too_small' && issue.origin === 'number')
    return `must be at least ${issue.minimum}${got(issue.input)}`;
  if (issue.code === 'too_big' && issue.origin === 'number')
    return `must be at most ${issue.maximum}${got(issue.input)}`;
  if (issue.code === 'too_big' && issue.origin === 'string')
    return `is too long (at most ${issue.maximum} characters)`;
  const input =
    'input' in issue && typeof issue.input === 'string' ? ` (got ${JSON.stringify(issue.input)})` : '';
  return issue.message.includes('"') ? issue.message : `${issue.message}${input}`;
}

function got(v: unknown): string {
  return v === undefined ? '' : ` (got ${JSON.stringify(v)})`;
}

function received(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
