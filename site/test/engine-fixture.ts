/**
 * Status data written by the real alert engine (not by hand) for a build on the 1st of a month: runs every
 * five minutes from 30 November 00:00 to 1 December 23:36 (Moscow), after 100 quiet days of history for the
 * installations watched for months. What each client lives through:
 * - «Старожил» (watched for months): announced maintenance on 30 November 20:00–21:00 during which the
 *   server is down, and 20 minutes down just after midnight on the 1st;
 * - «Обновление»: announced maintenance from 23:00 on the 1st, the server down since 23:05 (now: 23:40);
 * - «Новичок», added today: first checked at 23:11, one installation working, one down 23:16–23:36;
 * - «Десятка»: ten installations, all quiet (the page size with ten);
 * - a client that is not in installations.yaml at all (its state file stays behind): «ghost».
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Catalog } from '../../checker/alerts/catalog.ts';
import { advance } from '../../checker/alerts/engine/advance.ts';
import { configFrom, diagnoseRules, emptySnapshot, runAt } from '../../checker/alerts/engine/testkit.ts';
import type { StatusSnapshot } from '../../checker/alerts/engine/types.ts';
import { dayStart, previousDay } from '../../checker/sla/time.ts';
import { serialize, statusPaths } from '../../checker/status/format.ts';
import type { HistoryMonth } from '../../checker/status/schema.ts';

/** The build's "now": the 1st of a month, late evening. */
export const NOW = '2026-12-01T23:40:00+03:00';
const TZ = 'Europe/Moscow';
const TEN = Array.from({ length: 10 }, (_, i) => `n${i + 1}`);

const installation = (id: string, title: string) => `
      - id: ${id}
        title: "${title}"
        url: https://${id}.example.test/
        ip: 192.0.2.10
        probes: { http: {}, dns: {} }`;

/** installations.yaml of this fixture. */
export const CONFIG_YAML = `
site: { url: "https://status.test.example", title: SMART status }
checker: { interval: 5m, timezone: ${TZ} }
clients:
  - id: old
    title: "ООО «Старожил»"
    sla: { availability: 99.5 }
    installations:${installation('main', 'Кодекс — основной сервер')}
  - id: upd
    title: "Клиника «Обновление»"
    sla: { availability: 99 }
    installations:${installation('main', 'Кодекс: Медицина')}
  - id: new
    title: "ООО «Новичок»"
    sla: { availability: 99.5 }
    installations:${installation('main', 'Кодекс — основной сервер')}${installation('second', 'Техэксперт — второй сервер')}
  - id: ten
    title: "АО «Десятка»"
    sla: { availability: 99.5 }
    installations:${TEN.map((id, i) => installation(id, `Кодекс — филиал ${i + 1}`)).join('')}
maintenance:
  - { installations: [old/main], start: "2026-11-30T20:00+03:00", end: "2026-11-30T21:00+03:00", reason: "Обновление ПК" }
  - { installations: [upd], start: "2026-12-01T23:00+03:00", end: "2026-12-02T02:00+03:00", reason: "Переезд на новый сервер" }
`;

/** Local Moscow wall time → ms. */
const msk = (day: string, hhmm: string) => Date.parse(`${day}T${hhmm}:00+03:00`);

/** Is the server of `key` down at `t`? */
function down(key: string, t: number): boolean {
  if (key === 'old/main')
    return (
      (t >= msk('2026-11-30', '20:00') && t < msk('2026-11-30', '21:00')) ||
      (t >= msk('2026-12-01', '00:10') && t < msk('2026-12-01', '00:30'))
    );
  if (key === 'upd/main') return t >= msk('2026-12-01', '23:05');
  if (key === 'new/second') return t >= msk('2026-12-01', '23:16') && t < msk('2026-12-01', '23:36');
  return false;
}

/** Quiet days from 100 days before 30 November up to 29 November for the installations watched long. */
function seedHistory(snapshot: StatusSnapshot): void {
  const seeded: [string, string[]][] = [
    ['old', ['main']],
    ['ten', TEN],
  ];
  for (const [client, insts] of seeded) {
    let day = '2026-11-29';
    for (let i = 0; i < 100; i++, day = previousDay(day)) {
      const month = day.slice(0, 7);
      const key = `${client}/${month}`;
      const file: HistoryMonth = snapshot.history.get(key) ?? {
        schema: 1,
        client,
        month,
        timezone: TZ,
        installations: {},
      };
      for (const inst of insts) {
        file.installations[inst] ??= {};
        file.installations[inst]![day] = {
          checks: 288,
          failures: 0,
          down_min: 0,
          maintenance_min: 0,
          no_data_min: 0,
        };
      }
      snapshot.history.set(key, file);
    }
  }
}

/** Runs the engine over the two days and writes the status folder `dir` as the store would. */
export async function writeEngineFixture(dir: string, catalog: Catalog): Promise<void> {
  const config = configFrom(CONFIG_YAML);
  let snapshot = emptySnapshot();
  seedHistory(snapshot);
  const start = dayStart('2026-11-30', TZ);
  const end = msk('2026-12-01', '23:36');
  // The scheduler runs at :01, :06, … (never at :00); the first run is at midnight so no minute is lost.
  const times = [start];
  for (let t = start + 60_000; t <= end; t += 300_000) times.push(t);
  for (const t of times) {
    const checks: Record<string, { http: string; dns: string }> = {};
    const keys = ['old/main', 'upd/main', ...TEN.map((i) => `ten/${i}`)];
    if (t >= msk('2026-12-01', '23:11')) keys.push('new/main', 'new/second');
    for (const k of keys) checks[k] = { http: down(k, t) ? 'fail' : 'ok', dns: 'ok' };
    const out = advance({
      config,
      catalog,
      results: runAt(new Date(t).toISOString(), checks),
      rules: diagnoseRules,
      previous: snapshot,
    });
    snapshot = out.next;
  }
  const files = new Map<string, unknown>();
  if (snapshot.heartbeat) files.set(statusPaths.heartbeat, snapshot.heartbeat);
  for (const [client, state] of snapshot.states) files.set(statusPaths.state(client), state);
  for (const [key, month] of snapshot.history)
    files.set(statusPaths.history(key.split('/')[0]!, month.month), month);
  for (const [month, incidents] of snapshot.incidents) files.set(statusPaths.incidents(month), incidents);
  // A client removed from installations.yaml leaves its state file behind.
  files.set(statusPaths.state('ghost'), {
    schema: 1,
    client: 'ghost',
    updated_at: new Date(end).toISOString(),
    installations: {},
  });
  for (const [path, value] of files) {
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, serialize(value));
  }
}
