import type { Config } from '../config/schema.ts';
import { dayStart, localDay } from '../sla/time.ts';
import { serialize, statusPaths } from '../status/format.ts';
import { type DayAggregate, type HistoryMonth, STATUS_SCHEMA_VERSION } from '../status/schema.ts';
import type { StatusStore } from '../store/types.ts';

const DAY_MS = 86_400_000;

/** A quiet day of a watched installation: a run every 5 minutes, every check good. */
function quietDay(): DayAggregate {
  return { checks: 288, failures: 0, down_min: 0, maintenance_min: 0, no_data_min: 0 };
}

/**
 * Writes `days` days of quiet history before the day of `end` for every installation of the config, so the
 * demo's status pages show 90 daily bars and uptime figures as a client watched for months sees them — the
 * demo itself observes only about forty minutes. The demo says that it did this; nothing else calls it.
 */
export async function seedQuietHistory(
  store: StatusStore,
  config: Config,
  end: Date,
  days = 89,
): Promise<number> {
  const tz = config.checker.timezone;
  const today = localDay(end.getTime(), tz);
  const dates: string[] = [];
  for (let i = days; i >= 1; i--) dates.push(localDay(dayStart(today, tz) - i * DAY_MS + DAY_MS / 2, tz));
  const files = new Map<string, string>();
  for (const client of config.clients) {
    const byMonth = new Map<string, HistoryMonth>();
    for (const day of dates) {
      const month = day.slice(0, 7);
      let file = byMonth.get(month);
      if (!file) {
        file = { schema: STATUS_SCHEMA_VERSION, client: client.id, month, timezone: tz, installations: {} };
        byMonth.set(month, file);
      }
      for (const inst of client.installations) {
        const perDay = file.installations[inst.id] ?? {};
        perDay[day] = quietDay();
        file.installations[inst.id] = perDay;
      }
    }
    for (const [month, file] of byMonth) files.set(statusPaths.history(client.id, month), serialize(file));
  }
  await store.update('demo: seed quiet history', async () => files);
  return dates.length;
}
