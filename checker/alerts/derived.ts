/**
 * Alerts raised from other alerts rather than from a check of their own. Duration alerts fire on how long
 * another one has lasted: SMART's KodeksMaintenanceToLong is maintenance mode lasting more than 3 hours in a
 * row (the engine reads SUSTAINED; `after` can be changed fleet-wide, `alerts.<Alert>.after` in
 * installations.yaml, and per installation). Mass alerts («…Count») replace many single messages by one;
 * their front matter (`count_of`, `count_min`) drives them.
 */
import type { AlertName } from './names.ts';

/** A duration rule: fires while `of` has been failing for at least `afterMs` in a row. */
export interface SustainedRule {
  of: AlertName;
  afterMs: number;
}

/** Every duration-based alert with the alert it measures and the default threshold. */
export const SUSTAINED: Partial<Record<AlertName, SustainedRule>> = {
  KodeksMaintenanceToLong: { of: 'KodeksMaintenance', afterMs: 3 * 3_600_000 },
};

/** True when `name` is a duration-based alert. */
export function isSustained(name: string): boolean {
  return Object.hasOwn(SUSTAINED, name);
}

/** True when `name` is a mass («…Count») alert: one message for many installations firing one alert. */
export function isMassName(name: string): boolean {
  return name.endsWith('Count');
}
