/**
 * The state machine of one alert of one installation, in the manner of Gatus' watchdog: consecutive failures
 * move ok → pending → firing (after `for`), consecutive successes resolve it (after `resolve_after`),
 * and an `unknown` observation changes nothing. Side effects (events, incidents) are left to the caller,
 * which gets back what happened.
 */
import type { AlertState } from '../../status/schema.ts';
import type { Signal } from './types.ts';

/** The state of an alert that has never failed. */
export const OK_STATE: AlertState = { state: 'ok', fails: 0, oks: 0, suppressed: false };

/** What a step did. */
export type Transition = 'none' | 'pending' | 'fired' | 'cleared' | 'resolved';

/** Thresholds after per-installation overrides. */
export interface Thresholds {
  for: number;
  resolveAfter: number;
}

/** Advances one alert by one observation taken at `at` (ISO). */
export function stepAlert(
  prev: AlertState,
  signal: Signal,
  t: Thresholds,
  at: string,
): { next: AlertState; transition: Transition } {
  if (signal === 'unknown') return { next: prev, transition: 'none' };
  if (signal === 'fail') {
    const fails = prev.fails + 1;
    const since = prev.state === 'ok' ? at : (prev.since ?? at);
    if (prev.state === 'firing') return { next: { ...prev, fails, oks: 0, since }, transition: 'none' };
    if (fails >= t.for)
      return {
        next: { state: 'firing', fails, oks: 0, since, fired_at: at, suppressed: false },
        transition: 'fired',
      };
    return {
      next: { state: 'pending', fails, oks: 0, since, suppressed: false },
      transition: prev.state === 'pending' ? 'none' : 'pending',
    };
  }
  if (prev.state === 'ok') return { next: prev.fails === 0 ? prev : OK_STATE, transition: 'none' };
  if (prev.state === 'pending') return { next: OK_STATE, transition: 'cleared' };
  const oks = prev.oks + 1;
  if (oks >= t.resolveAfter) return { next: OK_STATE, transition: 'resolved' };
  return { next: { ...prev, oks }, transition: 'none' };
}

/** Alert names ordered so that every parent (suppressed_by) comes before its children. */
export function parentsFirst<N extends string>(names: readonly N[], parents: (n: N) => readonly N[]): N[] {
  const out: N[] = [];
  const seen = new Set<N>();
  const visit = (n: N, depth: number) => {
    if (seen.has(n) || depth > names.length) return;
    for (const p of parents(n)) if (names.includes(p)) visit(p, depth + 1);
    if (!seen.has(n)) {
      seen.add(n);
      out.push(n);
    }
  };
  for (const n of names) visit(n, 0);
  return out;
}
