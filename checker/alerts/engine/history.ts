/**
 * History accounting for the engine: finds (or starts) the day aggregate of an installation in the
 * month files, adds the time since the previous run as up / down / maintenance / no-data minutes, and
 * counts this run's checks, failures and HTTP latency.
 */
import { addSegment, emptyDay, type Segment } from '../../sla/accounting.ts';
import { addLatency, percentile } from '../../sla/histogram.ts';
import { localDay, localMonth } from '../../sla/time.ts';
import { type DayAggregate, type HistoryMonth, STATUS_SCHEMA_VERSION } from '../../status/schema.ts';
import type { Component } from '../names.ts';

/** The history months of a run, with the keys it changed. */
export class HistoryBook {
  readonly months: Map<string, HistoryMonth>;
  readonly touched = new Set<string>();
  readonly #tzOfClient: (client: string) => string;

  constructor(months: Map<string, HistoryMonth>, tzOfClient: (client: string) => string) {
    this.months = months;
    this.#tzOfClient = tzOfClient;
  }

  /** The mutable aggregate of one installation's local day; the month file is created when missing. */
  day(client: string, installation: string, day: string): DayAggregate {
    const month = day.slice(0, 7);
    const key = `${client}/${month}`;
    let file = this.months.get(key);
    if (!file) {
      file = {
        schema: STATUS_SCHEMA_VERSION,
        client,
        month,
        timezone: this.#tzOfClient(client),
        installations: {},
      };
      this.months.set(key, file);
    }
    this.touched.add(key);
    file.installations[installation] ??= {};
    const days = file.installations[installation];
    days[day] ??= emptyDay();
    return days[day];
  }

  /** Adds segments of time to an installation's days in `tz`. */
  account(client: string, installation: string, tz: string, segments: readonly Segment[]): void {
    for (const seg of segments) addSegment(seg, tz, (d) => this.day(client, installation, d));
  }

  /** Counts one run on the day it happened. */
  countRun(
    client: string,
    installation: string,
    tz: string,
    at: number,
    run: { failed: boolean; failedComponents: readonly Component[]; httpLatencyMs?: number },
  ): void {
    const agg = this.day(client, installation, localDay(at, tz));
    agg.checks += 1;
    if (run.failed) agg.failures += 1;
    for (const c of run.failedComponents) {
      agg.components ??= {};
      agg.components[c] ??= { down_min: 0, failures: 0 };
      agg.components[c].failures += 1;
    }
    if (run.httpLatencyMs !== undefined) {
      agg.hist = addLatency(agg.hist, run.httpLatencyMs);
      agg.p50_ms = percentile(agg.hist, 0.5);
      agg.p95_ms = percentile(agg.hist, 0.95);
    }
  }
}

/** The history file key of an instant for a client. */
export function historyKey(client: string, at: number, tz: string): string {
  return `${client}/${localMonth(at, tz)}`;
}
