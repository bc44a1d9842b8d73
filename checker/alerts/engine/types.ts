/**
 * Types of the alert engine: what one run reads (the previous status data, the run's results, the rules of
 * diagnosis) and what it returns (the next status data and the events for the notifier).
 */
import type { Config } from '../../config/schema.ts';
import type { ComponentReading, InstallationFacts } from '../../diagnose/index.ts';
import type { CheckId, ProbeResult } from '../../probes/types.ts';
import type { RunResults } from '../../probing/types.ts';
import type { ClientState, Diagnosis, Heartbeat, HistoryMonth, IncidentMonth } from '../../status/schema.ts';
import type { Catalog } from '../catalog.ts';
import type { AlertName, Component } from '../names.ts';
import type { AlertEvent } from './events.ts';

/** The results of one installation's checks in a run. */
export type Checks = Partial<Record<CheckId, ProbeResult>>;

/** A three-valued observation. */
export type Signal = 'ok' | 'fail' | 'unknown';

/** The diagnosis rules (checker/diagnose), passed in so the engine stays pure and testable. */
export interface EngineRules {
  /** Which alerts the checks raise (fail), clear (ok) or say nothing about (unknown). */
  alertSignals(checks: Checks): Partial<Record<AlertName, Signal>>;
  /** The probable cause of each alert that fails, each explaining itself. */
  diagnose(checks: Checks, facts: InstallationFacts): Partial<Record<AlertName, Diagnosis>>;
  /**
   * Worst status per status-page component, with what the row says; `componentOf` names the row of an alert
   * (its runbook's `component`), for the checks that decide their alerts themselves.
   */
  componentStatuses(
    checks: Checks,
    componentOf?: (alert: AlertName) => Component | undefined,
  ): Partial<Record<Component, ComponentReading>>;
}

/** The status data the engine works on, as parsed files. */
export interface StatusSnapshot {
  heartbeat?: Heartbeat;
  /** state/<client>.json by client id. */
  states: Map<string, ClientState>;
  /** history/<client>/<YYYY-MM>.json by `client/YYYY-MM`. */
  history: Map<string, HistoryMonth>;
  /** incidents/<YYYY-MM>.json by month. */
  incidents: Map<string, IncidentMonth>;
}

/** One run's input. */
export interface EngineInput {
  config: Config;
  catalog: Catalog;
  results: RunResults;
  rules: EngineRules;
  previous: StatusSnapshot;
  /** Where the checks ran from (heartbeat.vantage). */
  vantage?: string;
}

/** Which files of the snapshot the run changed. */
export interface Touched {
  heartbeat: boolean;
  states: Set<string>;
  history: Set<string>;
  incidents: Set<string>;
}

/** One run's output. */
export interface EngineOutput {
  next: StatusSnapshot;
  touched: Touched;
  /** What to tell people, in order. */
  events: AlertEvent[];
  /** True when the run was already applied (same or older run time): nothing changed. */
  replay: boolean;
}
