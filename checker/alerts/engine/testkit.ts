/**
 * Helpers for testing the engine as sequences of runs (used by engine*.test.ts and the cycle's tests):
 * a compact way to write a run's results, diagnosis rules that follow the shared signal table, and a
 * simulator that keeps the status data between runs — through real serialization, as the store would.
 */
import { parseConfig } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { alertSignals, componentStatuses, diagnose } from '../../diagnose/index.ts';
import type { CheckId, ProbeCode, ProbeResult } from '../../probes/types.ts';
import type { RunResults } from '../../probing/types.ts';
import { parseStatusFile, serialize } from '../../status/format.ts';
import {
  clientStateSchema,
  heartbeatSchema,
  historyMonthSchema,
  incidentMonthSchema,
} from '../../status/schema.ts';
import type { Catalog } from '../catalog.ts';
import { advance } from './advance.ts';
import type { AlertEvent } from './events.ts';
import type { Checks, EngineOutput, EngineRules, StatusSnapshot } from './types.ts';

/** The real rules of checker/diagnose (the default of the simulator). */
export const diagnoseRules: EngineRules = { alertSignals, diagnose, componentStatuses };

/** A result written as `'ok'`, `'fail'`, `'unknown'` or `'fail:KEY_MISSING'`, optionally `'ok@120'` (latency). */
export function result(spec: string): ProbeResult {
  const [head, latency] = spec.split('@') as [string, string | undefined];
  const [status, code] = head.split(':') as ['ok' | 'fail' | 'unknown', ProbeCode | undefined];
  return {
    status,
    latencyMs: latency ? Number(latency) : 10,
    code: code ?? (status === 'ok' ? 'OK' : status === 'fail' ? 'CONN_REFUSED' : 'SKIPPED'),
    message: status === 'ok' ? 'Работает' : status === 'fail' ? 'Не отвечает' : 'Не проверялось',
  };
}

/** Checks from a compact spec: `{ http: 'fail', dns: 'ok' }`. */
export function checks(spec: Partial<Record<CheckId, string>>): Checks {
  const out: Checks = {};
  for (const [id, s] of Object.entries(spec) as [CheckId, string][]) out[id] = result(s);
  return out;
}

/** A RunResults at `at` with per-installation checks keyed `client/installation`. */
export function runAt(
  at: string,
  installations: Record<string, Partial<Record<CheckId, string>>>,
  extra: Partial<Pick<RunResults, 'networkOk' | 'icmpUnavailable' | 'notes'>> = {},
): RunResults {
  const startedAt = new Date(at);
  return {
    startedAt,
    finishedAt: new Date(startedAt.getTime() + 1500),
    networkOk: extra.networkOk ?? true,
    canaries: [],
    installations: Object.entries(installations).map(([key, spec]) => {
      const [client, installation] = key.split('/') as [string, string];
      return { client, installation, checks: checks(spec) };
    }),
    notes: extra.notes ?? [],
    icmpUnavailable: extra.icmpUnavailable ?? false,
  };
}

/** A validated config from YAML text (throws with the diagnostics when it is invalid). */
export function configFrom(yaml: string): Config {
  const parsed = parseConfig('test.yaml', yaml);
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => `${d.path}: ${d.message}`).join('\n'));
  return parsed.config;
}

/**
 * installations.yaml of `n` clients c01…cNN with one installation each (at 127.0.1.<i>, the given probes); the
 * first `hosted` of them at the hosting «Облако». `extra` is appended at the top level (alerts:, …).
 */
export function fleetYaml(
  n: number,
  opts: { hosted?: number; probes?: string; extra?: string } = {},
): string {
  const { hosted = 0, probes = '{ icmp: {}, http: {}, dns: {} }', extra = '' } = opts;
  const clients = Array.from({ length: n }, (_, i) => {
    const id = `c${String(i + 1).padStart(2, '0')}`;
    return `
  - id: ${id}
    title: Клиент ${i + 1}
    installations:
      - id: main
        title: Кодекс
        url: https://${id}.example/
        ip: 127.0.1.${i + 1}
${i < hosted ? '        hosting: cloud\n' : ''}        probes: ${probes}`;
  }).join('');
  return `
site: { url: "https://status.example" }
checker: { interval: 5m, timezone: Europe/Moscow }
notify: { telegram: { chat: "-100123", remind_every: 24h } }
hostings: { cloud: { title: Облако, support: "https://support.cloud.example/" } }
clients:${clients}
${extra}`;
}

/** An empty snapshot. */
export function emptySnapshot(): StatusSnapshot {
  return { states: new Map(), history: new Map(), incidents: new Map() };
}

/** Serializes a snapshot and parses it back, as writing to and reading from the store does. */
export function roundTrip(s: StatusSnapshot): StatusSnapshot {
  const back = <T>(file: string, value: unknown, schema: Parameters<typeof parseStatusFile>[2]) =>
    parseStatusFile(file, serialize(value), schema) as T;
  return {
    heartbeat: s.heartbeat ? back('heartbeat.json', s.heartbeat, heartbeatSchema) : undefined,
    states: new Map([...s.states].map(([k, v]) => [k, back(`state/${k}.json`, v, clientStateSchema)])),
    history: new Map([...s.history].map(([k, v]) => [k, back(`history/${k}.json`, v, historyMonthSchema)])),
    incidents: new Map(
      [...s.incidents].map(([k, v]) => [k, back(`incidents/${k}.json`, v, incidentMonthSchema)]),
    ),
  };
}

/** Runs sequences of results through the engine, keeping the status data between runs. */
export class Simulator {
  snapshot: StatusSnapshot = emptySnapshot();
  readonly config: Config;
  readonly catalog: Catalog;
  readonly rules: EngineRules;
  last?: EngineOutput;

  constructor(config: Config, catalog: Catalog, rules: EngineRules = diagnoseRules) {
    this.config = config;
    this.catalog = catalog;
    this.rules = rules;
  }

  /** One run; returns its events. */
  run(results: RunResults): AlertEvent[] {
    this.last = advance({
      config: this.config,
      catalog: this.catalog,
      results,
      rules: this.rules,
      previous: this.snapshot,
    });
    this.snapshot = roundTrip(this.last.next);
    return this.last.events;
  }

  /** An installation's current state. */
  state(key: string) {
    const [client, installation] = key.split('/') as [string, string];
    return this.snapshot.states.get(client)?.installations[installation];
  }

  /** All incidents, oldest month first. */
  incidents() {
    return [...this.snapshot.incidents.values()].flatMap((m) => m.incidents);
  }

  /** An installation's day aggregate. */
  day(key: string, day: string) {
    const [client, installation] = key.split('/') as [string, string];
    return this.snapshot.history.get(`${client}/${day.slice(0, 7)}`)?.installations[installation]?.[day];
  }
}

/** Events reduced to what a test compares: kind, alert and who. */
export function brief(events: readonly AlertEvent[]): string[] {
  return events.map((e) => {
    if (e.kind === 'operator') return `operator ${e.code}`;
    if (e.kind === 'count')
      return `count ${e.alert} [${e.items.map((i) => `${i.client}/${i.installation}`).join(', ')}]`;
    if (e.kind === 'grouped')
      return `grouped ${e.alert} ${e.hosting} [${e.items.map((i) => `${i.client}/${i.installation}`).join(', ')}]`;
    return `${e.kind} ${e.alert} ${e.client}/${e.installation}`;
  });
}
