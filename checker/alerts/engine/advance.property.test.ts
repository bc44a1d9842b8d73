// Properties of the engine over random sequences of runs (fast-check).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckId } from '../../probes/types.ts';
import type { RunResults } from '../../probing/types.ts';
import { dayStart, MINUTE, nextDay } from '../../sla/time.ts';
import { serialize } from '../../status/format.ts';
import { docsCatalog } from '../../testing/catalog.ts';
import type { Catalog } from '../catalog.ts';
import { configFrom, roundTrip, runAt, Simulator } from './testkit.ts';

const YAML = `
site: { url: "https://status.example" }
checker: { interval: 5m, timezone: Europe/Moscow }
hostings: { cloud: { title: Облако } }
clients:
  - id: acme
    title: Акме
    installations:
      - { id: a, title: A, hosting: cloud, url: "https://a.example/", ip: 127.0.0.2, probes: { icmp: {}, http: {}, dns: {}, sysinfo: {} } }
      - { id: b, title: B, hosting: cloud, url: "https://b.example/", ip: 127.0.0.3, probes: { http: {}, dns: {} } }
maintenance:
  - { installations: [acme/b], start: "2026-11-28T03:00+03:00", end: "2026-11-28T05:00+03:00", reason: Работы }
`;

let catalog: Catalog;
beforeAll(async () => {
  catalog = await docsCatalog();
});

const status = fc.constantFrom('ok', 'ok', 'fail', 'unknown', 'fail:KEY_MISSING');
const checksArb = fc.record({ icmp: status, http: status, http_ip: status, dns: status, sysinfo: status });
const runArb = fc.record({
  gapMin: fc.integer({ min: 1, max: 40 }),
  a: checksArb,
  b: checksArb,
  networkOk: fc.constantFrom(true, true, true, true, false),
});
const sequence = fc.array(runArb, { minLength: 1, maxLength: 40 });

type RunSpec = typeof runArb extends fc.Arbitrary<infer T> ? T : never;

function toResults(seq: RunSpec[]) {
  let t = Date.parse('2026-11-27T22:30:00Z');
  return seq.map((r) => {
    t += r.gapMin * MINUTE;
    const pick = (c: Record<string, string>, ids: CheckId[]) =>
      Object.fromEntries(ids.map((id) => [id, c[id]!]));
    return runAt(
      new Date(t).toISOString(),
      {
        'acme/a': pick(r.a, ['icmp', 'http', 'http_ip', 'dns', 'sysinfo']),
        'acme/b': pick(r.b, ['http', 'http_ip', 'dns']),
      },
      { networkOk: r.networkOk },
    );
  });
}

function play(runs: RunResults[]): Simulator {
  const sim = new Simulator(configFrom(YAML), catalog);
  for (const r of runs) sim.run(r);
  return sim;
}

describe('engine properties', () => {
  it('downtime never exceeds elapsed time, and no day holds more minutes than it has', () => {
    fc.assert(
      fc.property(sequence, (seq) => {
        const runs = toResults(seq);
        const sim = play(runs);
        const elapsed = (runs.at(-1)!.startedAt.getTime() - runs[0]!.startedAt.getTime()) / MINUTE;
        for (const month of sim.snapshot.history.values()) {
          for (const days of Object.values(month.installations)) {
            let down = 0;
            for (const [day, agg] of Object.entries(days)) {
              const length =
                (dayStart(nextDay(day), 'Europe/Moscow') - dayStart(day, 'Europe/Moscow')) / MINUTE;
              expect(agg.down_min + agg.maintenance_min + agg.no_data_min).toBeLessThanOrEqual(length + 1e-6);
              down += agg.down_min;
            }
            expect(down).toBeLessThanOrEqual(elapsed + 1e-6);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('replaying the same results again changes nothing and notifies nobody', () => {
    fc.assert(
      fc.property(sequence, fc.nat(), (seq, pick) => {
        const runs = toResults(seq);
        const sim = play(runs);
        const before = serializeAll(sim);
        // The last run again (a retried commit), then an older one (a late duplicate).
        expect(sim.run(runs.at(-1)!)).toEqual([]);
        expect(sim.run(runs[pick % runs.length]!)).toEqual([]);
        expect(serializeAll(sim)).toBe(before);
      }),
      { numRuns: 40 },
    );
  });

  it('the status data survives a save/load round trip unchanged', () => {
    fc.assert(
      fc.property(sequence, (seq) => {
        const sim = play(toResults(seq));
        const once = serializeAll(sim);
        sim.snapshot = roundTrip(roundTrip(sim.snapshot));
        expect(serializeAll(sim)).toBe(once);
      }),
      { numRuns: 25 },
    );
  });
});

function serializeAll(sim: Simulator): string {
  const s = sim.snapshot;
  return serialize({
    heartbeat: s.heartbeat,
    states: Object.fromEntries(s.states),
    history: Object.fromEntries(s.history),
    incidents: Object.fromEntries(s.incidents),
  });
}
