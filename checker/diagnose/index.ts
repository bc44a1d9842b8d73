import type { InstallationResults } from '../probing/types.ts';
import type { Diagnosis } from '../status/schema.ts';
import { RULES, view } from './rules.ts';

export { RULES } from './rules.ts';
export { alertSignals, CHECK_COMPONENT, componentStatuses } from './signals.ts';

/**
 * The probable cause of an installation's trouble from one run's results: the first matching rule of
 * RULES, or undefined when nothing failed. Pure.
 */
export function diagnose(checks: InstallationResults['checks']): Diagnosis | undefined {
  const v = view(checks);
  for (const rule of RULES) {
    if (!rule.when(v)) continue;
    const d = typeof rule.diagnosis === 'function' ? rule.diagnosis(v) : rule.diagnosis;
    return { rule: rule.id, ...d };
  }
  return undefined;
}
