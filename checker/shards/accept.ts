/**
 * Which shard results a merge uses. A result counts only when it is of this run (the same workflow run id,
 * when both know one), fresh (begun less than one interval before the merge, and not in its future), and
 * from a vantage listed in installations.yaml (when any are listed). Everything else is refused with the
 * reason, so the heartbeat can say why a vantage did not vote. Of two results of one shard the newer wins
 * (a re-run job). Pure.
 */
import type { Config } from '../config/schema.ts';
import type { RefusedPart, VantagePart } from '../vantages/merge.ts';
import { fromShardResult, type ShardResult } from './result-file.ts';

/** How far a shard's clock may run ahead of the merge's before its results are refused. */
export const CLOCK_SKEW_MS = 60_000;

/** The run a merge belongs to. */
export interface MergeRun {
  /** The workflow run id (GITHUB_RUN_ID), or null when unknown. */
  run: string | null;
  /** When the merge began. */
  now: Date;
}

/** Sorts shard results into the parts the merge uses and those it refuses. */
export function acceptShardResults(
  config: Config,
  files: readonly ShardResult[],
  merge: MergeRun,
): { parts: VantagePart[]; refused: RefusedPart[] } {
  const listed = config.checker.vantages;
  const oldest = merge.now.getTime() - config.checker.interval;
  const newest = merge.now.getTime() + CLOCK_SKEW_MS;
  const refused: RefusedPart[] = [];
  const chosen = new Map<string, ShardResult>();
  for (const f of files) {
    const refuse = (reason: string) => refused.push({ vantage: f.vantage, shard: f.shard, reason });
    const started = Date.parse(f.started_at);
    if (listed.length > 0 && !listed.includes(f.vantage))
      refuse(`место проверки не указано в checker.vantages (${listed.join(', ')})`);
    else if (merge.run !== null && f.run !== merge.run)
      refuse(f.run === null ? 'результаты без номера запуска' : `результаты другого запуска (${f.run})`);
    else if (started < oldest) refuse('результаты старше интервала: шард опоздал');
    else if (started > newest) refuse('время результатов впереди часов слияния: проверьте часы раннера');
    else {
      const key = `${f.vantage}\u0000${f.shard.index}/${f.shard.count}`;
      const before = chosen.get(key);
      if (!before || Date.parse(before.started_at) < started) chosen.set(key, f);
    }
  }
  const parts = [...chosen.values()].map(
    (f): VantagePart => ({ vantage: f.vantage, shard: f.shard, results: fromShardResult(f) }),
  );
  return { parts, refused };
}
