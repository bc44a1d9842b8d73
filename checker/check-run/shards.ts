/**
 * Scale-out: one shard of a run (`smart check --shard I/N`) probes its slice of the installations and writes a
 * shard result — no alert engine, no outbox, no status commit; the merge (`smart check --merge`) reads every
 * shard result of the run, merges the vantages' views per check and hands one RunResults to the ordinary
 * cycle, which runs the engine, the outbox and the commit once.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Config } from '../config/schema.ts';
import { type RunDeps, runChecks } from '../probing/run-checks.ts';
import type { RunResults } from '../probing/types.ts';
import { acceptShardResults, type MergeRun } from '../shards/accept.ts';
import {
  MAX_SHARD_RESULT,
  parseShardResult,
  type ShardMeta,
  type ShardResult,
  shardResultName,
  toShardResult,
} from '../shards/result-file.ts';
import { type ShardSpec, shardConfig } from '../shards/select.ts';
import { statusPaths } from '../status/format.ts';
import { privateValues } from '../status/redact.ts';
import { readClientState } from '../store/read.ts';
import type { StoreView } from '../store/types.ts';
import { mergeVantages, type RefusedPart, type VantagePart } from '../vantages/merge.ts';

/** What one shard needs. */
export interface ShardDeps {
  config: Config;
  shard: ShardSpec;
  vantage: string;
  /** The workflow run id the results belong to (GITHUB_RUN_ID), or null. */
  run: string | null;
  /** Where agent reports and the sysinfo facts kept between runs are read from; nothing is written there. */
  store: StoreView;
  /** The folder the shard result is written to. */
  resultsDir: string;
  /** False: compute the file but do not write it (--dry-run). */
  write?: boolean;
  now?: () => Date;
  runDeps?: Omit<RunDeps, 'now' | 'readAgentReport' | 'readState'>;
  /** The probes (default runChecks); tests may pass recorded results. */
  checks?: typeof runChecks;
  onProgress?: (done: number, total: number) => void;
}

/** What one shard did. */
export interface ShardRun {
  results: RunResults;
  /** The shard result file and its size in bytes. */
  file: string;
  bytes: number;
}

/** Probes one shard's installations and writes its result file (atomically: a temporary name, then rename). */
export async function runShard(deps: ShardDeps): Promise<ShardRun> {
  const { config, shard, store } = deps;
  const checks = deps.checks ?? runChecks;
  const results = await checks(
    shardConfig(config, shard),
    {
      ...deps.runDeps,
      ...(deps.now ? { now: deps.now } : {}),
      readAgentReport: (c, i, maxBytes) => store.read(statusPaths.agent(c, i), { maxBytes }),
      readState: (c) => readClientState(store, c),
    },
    { onProgress: deps.onProgress },
  );
  const meta: ShardMeta = { run: deps.run, vantage: deps.vantage, shard };
  const text = `${JSON.stringify(toShardResult(results, meta, privateValues(config)))}\n`;
  const file = join(deps.resultsDir, shardResultName(deps.vantage, shard));
  if (deps.write === false) return { results, file, bytes: Buffer.byteLength(text) };
  await mkdir(deps.resultsDir, { recursive: true });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
  return { results, file, bytes: Buffer.byteLength(text) };
}

/** What the merge found in the results folder. */
export interface CollectedShards {
  /** One result per check of the whole fleet, the vantages merged. */
  results: RunResults;
  parts: VantagePart[];
  refused: RefusedPart[];
  /** Files that are not usable shard results, with the reason (the merge goes on without them). */
  problems: string[];
}

/** Every `*.json` below a folder (artifacts may each come in a subfolder), sorted. */
async function jsonFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    },
  );
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/**
 * Reads the shard results of a run from `dir` and merges them. Returns undefined results when no fresh shard
 * result of any vantage is there: then nothing may be written (a heartbeat would tell the watchdog that the
 * checker works).
 */
export async function collectShards(
  config: Config,
  dir: string,
  merge: MergeRun,
): Promise<Omit<CollectedShards, 'results'> & { results?: RunResults }> {
  const problems: string[] = [];
  const files: ShardResult[] = [];
  for (const path of await jsonFiles(dir)) {
    const name = relative(dir, path);
    const size = (await stat(path)).size;
    if (size > MAX_SHARD_RESULT) {
      problems.push(`${name}: ${size} bytes, more than ${MAX_SHARD_RESULT}: not read`);
      continue;
    }
    const parsed = parseShardResult(await readFile(path, 'utf8'));
    if (typeof parsed === 'string') problems.push(`${name}: ${parsed}`);
    else files.push(parsed);
  }
  const { parts, refused } = acceptShardResults(config, files, merge);
  if (parts.length === 0) return { parts, refused, problems };
  return { results: mergeVantages(config, parts, refused), parts, refused, problems };
}
