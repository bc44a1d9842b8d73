/** A subset of Statuspage's v2 `summary.json` for one client, so existing widgets and scripts can read it. */
import { COMPONENT_TEXT, INDICATOR, OVERALL } from './labels.ts';
import type { ClientView } from './view.ts';

const COMPONENT_STATUS = {
  ok: 'operational',
  fail: 'major_outage',
  unknown: 'operational',
  maintenance: 'under_maintenance',
  degraded: 'degraded_performance',
} as const;

/** The summary document of `v`. */
export function summary(v: ClientView, site: string, now: number) {
  const page = new URL(`/status/${v.slug}/`, site).href;
  const updated = new Date(v.checkedAt ?? now).toISOString();
  return {
    page: { id: v.slug, name: v.title, url: page, time_zone: v.timezone, updated_at: updated },
    status: { indicator: INDICATOR[v.overall].indicator, description: OVERALL[v.overall].text },
    components: v.installations.flatMap((inst, position) => [
      {
        id: inst.id,
        name: inst.title,
        status: INDICATOR[inst.overall].component,
        description: OVERALL[inst.overall].text,
        position,
        group: true,
        group_id: null,
        components: inst.components.map((c) => `${inst.id}.${c.component}`),
        updated_at: updated,
      },
      ...inst.components.map((c, i) => ({
        id: `${inst.id}.${c.component}`,
        name: COMPONENT_TEXT[c.component],
        status: v.stale ? 'operational' : COMPONENT_STATUS[c.status],
        description: c.message,
        position: i,
        group: false,
        group_id: inst.id,
        updated_at: new Date(c.since).toISOString(),
      })),
    ]),
    incidents: v.active.map((i) => ({
      id: i.id,
      name: `${i.title} — ${i.installation}`,
      status: 'investigating',
      impact: i.importance === 'critical' ? 'major' : 'minor',
      created_at: new Date(i.started).toISOString(),
      updated_at: new Date(i.started).toISOString(),
      shortlink: page,
      incident_updates: [
        {
          status: 'investigating',
          body: [i.cause, i.workaround].filter(Boolean).join(' ') || i.title,
          created_at: new Date(i.started).toISOString(),
        },
      ],
    })),
    scheduled_maintenances: v.maintenance.map((m) => ({
      id: `maintenance-${m.start}`,
      name: m.reason,
      status: m.active ? 'in_progress' : 'scheduled',
      scheduled_for: new Date(m.start).toISOString(),
      scheduled_until: new Date(m.end).toISOString(),
      shortlink: page,
    })),
  };
}
