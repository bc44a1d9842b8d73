/**
 * Incidents for the engine: one per alert that fired, kept in incidents/<YYYY-MM>.json by the UTC month of
 * its first failed check. Ids are derived from that moment, the installation and the alert, so they are
 * stable across runs and replays: 2026-11-28T06:00Z-acme-main-KodeksDnsResolve.
 */
import { type Incident, type IncidentMonth, STATUS_SCHEMA_VERSION } from '../../status/schema.ts';
import type { AlertName } from '../names.ts';

/** The stable id of an incident. */
export function incidentId(since: string, client: string, installation: string, alert: AlertName): string {
  return `${since.slice(0, 16)}Z-${client}-${installation}-${alert}`;
}

/** The month file an incident id lives in. */
export function incidentMonthOf(id: string): string {
  return id.slice(0, 7);
}

/** The incident months of a run, with the months it changed. */
export class IncidentBook {
  readonly months: Map<string, IncidentMonth>;
  readonly touched = new Set<string>();

  constructor(months: Map<string, IncidentMonth>) {
    this.months = months;
  }

  /** Adds an incident (or replaces the one with the same id). */
  open(incident: Incident): void {
    const month = incidentMonthOf(incident.id);
    let file = this.months.get(month);
    if (!file) {
      file = { schema: STATUS_SCHEMA_VERSION, month, incidents: [] };
      this.months.set(month, file);
    }
    const i = file.incidents.findIndex((x) => x.id === incident.id);
    if (i >= 0) file.incidents[i] = incident;
    else file.incidents.push(incident);
    this.touched.add(month);
  }

  /** The incident with this id, if its month is loaded. */
  get(id: string): Incident | undefined {
    return this.months.get(incidentMonthOf(id))?.incidents.find((x) => x.id === id);
  }

  /** Changes an incident in place. */
  patch(id: string, change: Partial<Incident>): void {
    const inc = this.get(id);
    if (!inc) return;
    Object.assign(inc, change);
    this.touched.add(incidentMonthOf(id));
  }
}
