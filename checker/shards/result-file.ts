/**
 * A shard result: what `smart check --shard I/N` observed — its installations' check results, the vantage,
 * the canaries' outcome and the time — written as one JSON file for `smart check --merge`. It travels between
 * jobs as a GitHub Actions artifact, which in a public repository anyone can download, so it follows the
 * status branch's rule (status/redact.ts): what the state files may hold, evidence redacted — no address,
 * URL, host name or private value of installations.yaml. Pure: reading and writing the bytes is check-run's job.
 */
import { z } from 'zod';
import type { ProbeCode, ProbeResult } from '../probes/types.ts';
import { CHECK_IDS } from '../probes/types.ts';
import type { InstallationResults, RunResults } from '../probing/types.ts';
import { redactEvidence } from '../status/redact.ts';
import { sysinfoFactsSchema } from '../status/sysinfo.ts';
import { MAX_SHARDS, type ShardSpec } from './select.ts';

/** Version of the shard result format; the merge refuses files of another one. */
export const SHARD_RESULT_VERSION = 1;

/** A shard result is refused unread above this size (1,000 installations make about 2 MB). */
export const MAX_SHARD_RESULT = 64 * 1024 * 1024;

const iso = z.iso.datetime({ offset: true });
const code = z.custom<ProbeCode>((v) => typeof v === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(v), {
  error: 'expected a result code such as CONN_TIMEOUT',
});
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** One check's result as the file holds it. */
export const shardCheckSchema = z.object({
  status: z.enum(['ok', 'fail', 'unknown']),
  code,
  message: z.string().max(2000),
  latency_ms: z.number().nonnegative(),
  evidence: z.record(z.string(), scalar).optional(),
  facts: sysinfoFactsSchema.optional(),
  findings: z
    .array(
      z.object({
        alert: z.string(),
        status: z.enum(['ok', 'fail', 'unknown']),
        message: z.string(),
        /** What the client's page shows while it fails (Finding.impact). */
        impact: z.object({ status: z.enum(['fail', 'degraded']), message: z.string().max(500) }).optional(),
      }),
    )
    .optional(),
});

const shardSpecSchema = z
  .object({ index: z.int().min(1).max(MAX_SHARDS), count: z.int().min(1).max(MAX_SHARDS) })
  .refine((s) => s.index <= s.count, { error: 'shard index above its count' });

/** The whole file. */
export const shardResultSchema = z.object({
  kind: z.literal('smart-shard-result'),
  schema: z.literal(SHARD_RESULT_VERSION),
  /** The workflow run the shard belongs to (GITHUB_RUN_ID), or null outside GitHub Actions. */
  run: z.string().max(100).nullable(),
  /** Where the checks ran from. */
  vantage: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/),
  shard: shardSpecSchema,
  started_at: iso,
  finished_at: iso,
  /** False when every canary failed: the shard's results are SKIPPED and it does not vote. */
  network_ok: z.boolean(),
  icmp_unavailable: z.boolean(),
  canaries: z.array(shardCheckSchema),
  notes: z.array(z.string().max(2000)),
  installations: z.array(
    z.object({
      client: z.string(),
      installation: z.string(),
      checks: z.partialRecord(z.enum(CHECK_IDS), shardCheckSchema),
    }),
  ),
});
export type ShardResult = z.output<typeof shardResultSchema>;

/** Who wrote a shard result. */
export interface ShardMeta {
  run: string | null;
  vantage: string;
  shard: ShardSpec;
}

/** The file name of one shard's result: unique per vantage and shard, so artifacts can share a folder. */
export function shardResultName(vantage: string, shard: ShardSpec): string {
  return `${vantage}-${shard.index}-of-${shard.count}.json`;
}

function toFileCheck(r: ProbeResult, privates: readonly string[]): z.input<typeof shardCheckSchema> {
  return {
    status: r.status,
    code: r.code,
    // Messages never hold addresses (probes/types.ts), as on the status branch; evidence may, so it is redacted.
    message: r.message,
    latency_ms: Math.max(0, r.latencyMs),
    ...(r.evidence ? { evidence: redactEvidence(r.evidence, privates) } : {}),
    ...(r.facts ? { facts: r.facts } : {}),
    ...(r.findings ? { findings: r.findings } : {}),
  };
}

/**
 * A shard's results as the file holds them, redacted: `privates` are the private values of the config
 * (status/redact.ts privateValues), which with every address, URL and host name never reach the file.
 */
export function toShardResult(
  results: RunResults,
  meta: ShardMeta,
  privates: readonly string[],
): ShardResult {
  return {
    kind: 'smart-shard-result',
    schema: SHARD_RESULT_VERSION,
    run: meta.run,
    vantage: meta.vantage,
    shard: meta.shard,
    started_at: results.startedAt.toISOString(),
    finished_at: results.finishedAt.toISOString(),
    network_ok: results.networkOk,
    icmp_unavailable: results.icmpUnavailable,
    canaries: results.canaries.map((c) => toFileCheck(c, privates)),
    notes: results.notes,
    installations: results.installations.map((i) => ({
      client: i.client,
      installation: i.installation,
      checks: Object.fromEntries(
        Object.entries(i.checks).flatMap(([id, r]) => (r ? [[id, toFileCheck(r, privates)]] : [])),
      ),
    })),
  };
}

function fromFileCheck(c: z.output<typeof shardCheckSchema>): ProbeResult {
  return {
    status: c.status,
    code: c.code,
    message: c.message,
    latencyMs: c.latency_ms,
    ...(c.evidence ? { evidence: c.evidence } : {}),
    ...(c.facts ? { facts: c.facts } : {}),
    ...(c.findings ? { findings: c.findings } : {}),
  };
}

/** The results a shard result file holds, as the probes gave them (less what redaction removed). */
export function fromShardResult(file: ShardResult): RunResults {
  return {
    startedAt: new Date(file.started_at),
    finishedAt: new Date(file.finished_at),
    networkOk: file.network_ok,
    icmpUnavailable: file.icmp_unavailable,
    canaries: file.canaries.map(fromFileCheck),
    notes: file.notes,
    installations: file.installations.map(
      (i): InstallationResults => ({
        client: i.client,
        installation: i.installation,
        checks: Object.fromEntries(
          Object.entries(i.checks).flatMap(([id, c]) => (c ? [[id, fromFileCheck(c)]] : [])),
        ),
      }),
    ),
  };
}

/** Parses one file's text; a readable reason instead of a stack trace when it is not a shard result. */
export function parseShardResult(text: string): ShardResult | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  if (typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind !== 'smart-shard-result')
    return 'not a shard result (no "kind": "smart-shard-result")';
  const version = (data as { schema?: unknown } | null)?.schema;
  if (version !== SHARD_RESULT_VERSION)
    return `shard result version ${JSON.stringify(version ?? null)} is not ${SHARD_RESULT_VERSION}: the shard ran another smart`;
  const parsed = shardResultSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  return parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
