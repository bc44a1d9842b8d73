import { z } from 'zod';

const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Parses `30s`, `5m`, `4h`, `1d`, `500ms` into milliseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNITS[m[2] as keyof typeof UNITS]);
}

/** Formats milliseconds back into the shortest exact duration text (`300000` → `5m`). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of Object.entries(UNITS).reverse()) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** A zod field for a duration written as text (`30s`, `5m`, `4h`); its output is milliseconds. */
export function duration(min = 1, max = 366 * 86_400_000) {
  return z
    .string()
    .regex(DURATION_RE, 'expected a duration such as 30s, 5m or 4h')
    .transform((text, ctx) => {
      const ms = parseDuration(text) ?? Number.NaN;
      if (!(ms >= min && ms <= max)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be between ${formatDuration(min)} and ${formatDuration(max)}`,
        });
        return z.NEVER;
      }
      return ms;
    });
}
