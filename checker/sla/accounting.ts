/**
 * Turning the time between two runs into minutes of daily aggregates. Every interval is cut at local
 * midnights and at the edges of maintenance windows; announced maintenance wins over down and no-data.
 * A day never holds more accounted minutes than it has, so downtime can never exceed elapsed time.
 */
import type { Component } from '../alerts/names.ts';
import type { DayAggregate } from '../status/schema.ts';
import { dayStart, MINUTE, nextDay, splitByDay } from './time.ts';

/** What an interval was: up (nothing is recorded), down, inside maintenance, or unobserved. */
export type IntervalKind = 'up' | 'down' | 'maintenance' | 'no_data';

/** A piece of time with one kind. */
export interface Segment {
  start: number;
  end: number;
  kind: IntervalKind;
  /** Components down during the segment (counted even when the installation as a whole is up). */
  components: readonly Component[];
}

/** A window in ms. */
export interface Window {
  start: number;
  end: number;
}

/**
 * Cuts [start, end) by maintenance windows: the parts inside become maintenance, the rest keep `kind`
 * (which may itself be maintenance: the PK's own maintenance mode).
 */
export function segmentInterval(
  start: number,
  end: number,
  kind: IntervalKind,
  components: readonly Component[],
  windows: readonly Window[],
): Segment[] {
  if (end <= start) return [];
  const cuts = new Set([start, end]);
  for (const w of windows) {
    if (w.start > start && w.start < end) cuts.add(w.start);
    if (w.end > start && w.end < end) cuts.add(w.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const s = points[i]!;
    const e = points[i + 1]!;
    const inside = windows.some((w) => w.start <= s && e <= w.end);
    const seg: Segment = inside
      ? { start: s, end: e, kind: 'maintenance', components: [] }
      : {
          start: s,
          end: e,
          kind,
          components: kind === 'no_data' || kind === 'maintenance' ? [] : components,
        };
    const last = out[out.length - 1];
    if (last && last.kind === seg.kind && last.end === s && same(last.components, seg.components))
      last.end = e;
    else out.push(seg);
  }
  return out;
}

/** A fresh, empty day. */
export function emptyDay(): DayAggregate {
  return { checks: 0, failures: 0, down_min: 0, maintenance_min: 0, no_data_min: 0 };
}

/** Adds a segment's minutes to the days it covers; `day(d)` returns the (mutable) aggregate of day d. */
export function addSegment(seg: Segment, tz: string, day: (d: string) => DayAggregate): void {
  if (seg.kind === 'up' && seg.components.length === 0) return;
  for (const part of splitByDay(seg.start, seg.end, tz)) {
    const agg = day(part.day);
    const length = (dayStart(nextDay(part.day), tz) - dayStart(part.day, tz)) / MINUTE;
    const minutes = part.ms / MINUTE;
    if (seg.kind !== 'up') {
      const free = Math.max(0, length - agg.down_min - agg.maintenance_min - agg.no_data_min);
      const add = Math.min(minutes, free);
      if (seg.kind === 'down') agg.down_min = round(agg.down_min + add);
      if (seg.kind === 'maintenance') agg.maintenance_min = round(agg.maintenance_min + add);
      if (seg.kind === 'no_data') agg.no_data_min = round(agg.no_data_min + add);
    }
    for (const c of seg.components) {
      agg.components ??= {};
      agg.components[c] ??= { down_min: 0, failures: 0 };
      const row = agg.components[c];
      row.down_min = round(Math.min(length, row.down_min + minutes));
    }
  }
}

/** Minutes kept to a thousandth so files stay readable. */
export function round(min: number): number {
  return Math.round(min * 1000) / 1000;
}

function same(a: readonly Component[], b: readonly Component[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}
