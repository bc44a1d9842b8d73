import type { CheckId, ProbeResult } from '../probes/types.ts';
import type { VantageReport } from '../status/schema.ts';
import type { LimiterStats } from './limiter.ts';

/** What one run observed for one installation. */
export interface InstallationResults {
  /** Client id. */
  client: string;
  /** Installation id. */
  installation: string;
  /** Result per check that is configured for the installation. */
  checks: Partial<Record<CheckId, ProbeResult>>;
  /**
   * Set when no fresh vantage with a working network observed the installation in this run (a merged run
   * whose shard did not arrive): Russian, why. `checks` is then empty and the alert engine holds its state.
   */
  unobserved?: string;
}

/** Everything one run of all probes observed, before diagnosis and alerting. */
export interface RunResults {
  /** When the run began and ended. */
  startedAt: Date;
  finishedAt: Date;
  /** False when every canary failed: the checker cannot see the network, so no client is blamed. */
  networkOk: boolean;
  /** Results of the canaries, in config order. */
  canaries: ProbeResult[];
  /** Per installation, in config order. */
  installations: InstallationResults[];
  /** Operator notes in Russian, e.g. that ICMP is not available from this runner. */
  notes: string[];
  /** True when ICMP could not be used from here at all (ping missing or forbidden). */
  icmpUnavailable: boolean;
  /** Per vantage name, what each contributed (set by the merge of vantages' results, checker/vantages). */
  vantages?: Record<string, Omit<VantageReport, 'last_seen'>>;
  /** What the pool did (stalled checks, silent addresses); absent when no client check ran. */
  pool?: LimiterStats;
}
