/**
 * Which installations one shard of a run checks (`smart check --shard I/N`). An installation belongs to the
 * shard that scores highest for its key `client/installation` (rendezvous hashing): its shard depends only on
 * its own key and N, so adding or removing other installations never moves it, and going from N to N + 1
 * shards moves only the ~1/(N + 1) that the new shard wins. Position in installations.yaml plays no part.
 */
import type { Config } from '../config/schema.ts';

/** One shard of a run: `index` of `count`, 1-based (`3/10`). */
export interface ShardSpec {
  index: number;
  count: number;
}

/** GitHub Actions runs at most 256 jobs of one matrix. */
export const MAX_SHARDS = 256;

/** Parses `I/N` (1 ≤ I ≤ N ≤ 256); a readable error text otherwise. */
export function parseShardSpec(text: string): ShardSpec | string {
  const m = /^(\d{1,3})\/(\d{1,3})$/.exec(text.trim());
  if (!m) return `--shard expects I/N such as 3/10, got "${text}"`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) return `--shard ${text}: N is 1 to ${MAX_SHARDS}`;
  if (index < 1 || index > count) return `--shard ${text}: I is 1 to N (${count})`;
  return { index, count };
}

/** FNV-1a over the UTF-16 code units of a string, 32 bits. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's finalizer: every input bit reaches every output bit. */
function mix(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The shard (1 … count) that checks `client/installation`. */
export function shardOf(client: string, installation: string, count: number): number {
  const key = fnv1a(`${client}/${installation}`);
  let best = 1;
  let bestScore = -1;
  for (let shard = 1; shard <= count; shard++) {
    const score = mix(key ^ mix(Math.imul(shard, 0x9e3779b9)));
    if (score > bestScore) {
      bestScore = score;
      best = shard;
    }
  }
  return best;
}

/**
 * The configuration narrowed to one shard's installations (clients left without any are dropped). Everything
 * else — checker settings, canaries, hostings, maintenance — stays, so the shard probes exactly as a whole run.
 */
export function shardConfig(config: Config, shard: ShardSpec): Config {
  const clients = config.clients
    .map((c) => ({
      ...c,
      installations: c.installations.filter((i) => shardOf(c.id, i.id, shard.count) === shard.index),
    }))
    .filter((c) => c.installations.length > 0);
  return { ...config, clients };
}
