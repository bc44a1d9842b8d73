/**
 * Per-day minutes for the daily bars. Uptime and the contract SLA come from the engine's checker/sla
 * (the same arithmetic the checker uses); this only reads one day's aggregate for its bar, where a day
 * with no record at all is a day without data.
 */
import type { DayAggregate } from '../../../checker/status/schema.ts';

/** Minutes of one day split the way the bars show them. */
export interface DayMinutes {
  /** Calendar minutes of the day that have passed. */
  total: number;
  maintenance: number;
  down: number;
  noData: number;
}

/** Minutes of one day from its aggregate (clamped to the elapsed part); no aggregate means no data. */
export function dayMinutes(agg: DayAggregate | undefined, elapsed: number): DayMinutes {
  if (!agg) return { total: elapsed, maintenance: 0, down: 0, noData: elapsed };
  const clamp = (v: number) => Math.min(elapsed, v);
  return {
    total: elapsed,
    maintenance: clamp(agg.maintenance_min),
    down: clamp(agg.down_min),
    noData: clamp(agg.no_data_min),
  };
}
