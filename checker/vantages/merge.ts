/**
 * Several vantages' results → one result per check, before the alert engine (which stays unaware of shards
 * and vantages). Pure.
 *
 * - A vantage votes on an installation only with a part (a shard, or a whole run) that arrived fresh, whose
 *   canaries passed and that holds the installation. `unknown` (ICMP impossible on GitHub-hosted runners, USB
 *   unseen) is not a vote either way.
 * - A check fails when at least `need(quorum, voters)` of the vantages that observed it say fail; otherwise one
 *   `ok` is enough for ok. With a single voter its result passes through untouched.
 * - An installation no vantage could vote on is `unobserved` (no data for this run): never up, never down.
 */
import type { Config } from '../config/schema.ts';
import type { CheckId, ProbeResult } from '../probes/types.ts';
import { CHECK_IDS } from '../probes/types.ts';
import type { InstallationResults, RunResults } from '../probing/types.ts';
import { type ShardSpec, shardOf } from '../shards/select.ts';
import type { VantageReport } from '../status/schema.ts';

/** One part of what one vantage observed in a run: a shard (`3/10`), or `1/1` for a whole run. */
export interface VantagePart {
  vantage: string;
  shard: ShardSpec;
  results: RunResults;
}

/** Results that were sent but not used (too old, of another run, of an unknown vantage). */
export interface RefusedPart {
  vantage: string;
  shard?: ShardSpec;
  /** Russian, why. */
  reason: string;
}

/** Checker settings the merge reads. */
export type Quorum = Config['checker']['quorum'];

/** How many of `voters` vantages must say fail for a check to fail. */
export function need(quorum: Quorum, voters: number): number {
  if (voters <= 0) return 1;
  if (quorum === 'all') return voters;
  if (quorum === 'majority') return Math.floor(voters / 2) + 1;
  return Math.min(quorum, voters);
}

/** The vantages in a stable order: those listed in installations.yaml first, then the others by name. */
function vantageOrder(config: Config, names: Iterable<string>): string[] {
  const listed = config.checker.vantages;
  const others = [...new Set(names)].filter((n) => !listed.includes(n)).sort();
  return [...listed, ...others];
}

/** One check's results from several vantages → one result. */
export function mergeCheck(
  votes: readonly { vantage: string; result: ProbeResult }[],
  quorum: Quorum,
): ProbeResult | undefined {
  if (votes.length <= 1) return votes[0]?.result;
  const fails = votes.filter((v) => v.result.status === 'fail');
  const oks = votes.filter((v) => v.result.status === 'ok');
  const voters = fails.length + oks.length;
  const chosen =
    voters === 0 ? votes[0]! : fails.length >= need(quorum, voters) ? fails[0]! : (oks[0] ?? fails[0]!);
  const tally = votes.map((v) => `${v.vantage}=${v.result.status}:${v.result.code}`).join(' ');
  return {
    ...chosen.result,
    evidence: {
      ...chosen.result.evidence,
      vantage: chosen.vantage,
      votes: tally,
      quorum: `${fails.length}/${need(quorum, voters)} (${voters})`,
    },
  };
}

/**
 * Merges the fresh parts of a run. `config` is the whole fleet (every installation gets an entry, in config
 * order); `refused` only feeds the per-vantage report.
 */
export function mergeVantages(
  config: Config,
  parts: readonly VantagePart[],
  refused: readonly RefusedPart[] = [],
): RunResults {
  const order = vantageOrder(config, [...parts.map((p) => p.vantage), ...refused.map((r) => r.vantage)]);
  const byVantage = new Map<string, VantagePart[]>(order.map((v) => [v, []]));
  for (const p of parts) byVantage.get(p.vantage)!.push(p);
  // Where each vantage saw each installation: the newest part that holds it.
  const seen = new Map<string, Map<string, { part: VantagePart; ir: InstallationResults }>>();
  for (const [vantage, list] of byVantage) {
    const mine = new Map<string, { part: VantagePart; ir: InstallationResults }>();
    for (const part of [...list].sort(
      (a, b) => a.results.startedAt.getTime() - b.results.startedAt.getTime(),
    ))
      for (const ir of part.results.installations) mine.set(`${ir.client}/${ir.installation}`, { part, ir });
    seen.set(vantage, mine);
  }
  const networkOk = parts.some((p) => p.results.networkOk);
  const quorum = config.checker.quorum;
  const observedBy = new Map<string, number>(order.map((v) => [v, 0]));

  const installations: InstallationResults[] = [];
  for (const client of config.clients)
    for (const inst of client.installations) {
      const key = `${client.id}/${inst.id}`;
      const observers: { vantage: string; ir: InstallationResults }[] = [];
      for (const vantage of order) {
        const s = seen.get(vantage)?.get(key);
        if (s && (s.part.results.networkOk || !networkOk)) observers.push({ vantage, ir: s.ir });
      }
      if (observers.length === 0) {
        installations.push({
          client: client.id,
          installation: inst.id,
          checks: {},
          unobserved: whyUnobserved(client.id, inst.id, order, byVantage, refused),
        });
        continue;
      }
      for (const o of observers) observedBy.set(o.vantage, observedBy.get(o.vantage)! + 1);
      const checks: Partial<Record<CheckId, ProbeResult>> = {};
      for (const id of CHECK_IDS) {
        const votes = observers.flatMap((o) => {
          const result = o.ir.checks[id];
          return result ? [{ vantage: o.vantage, result }] : [];
        });
        const merged = mergeCheck(votes, quorum);
        if (merged) checks[id] = merged;
      }
      installations.push({ client: client.id, installation: inst.id, checks });
    }

  const many = order.filter((v) => byVantage.get(v)!.length > 0).length > 1;
  const notes = [
    ...new Set(parts.flatMap((p) => p.results.notes.map((n) => (many ? `${p.vantage}: ${n}` : n)))),
  ];
  const icmpSomewhere = installations.some((i) => i.checks.icmp && i.checks.icmp.status !== 'unknown');
  const starts = parts.map((p) => p.results.startedAt.getTime());
  const ends = parts.map((p) => p.results.finishedAt.getTime());
  return {
    startedAt: new Date(Math.min(...starts)),
    finishedAt: new Date(Math.max(...ends)),
    networkOk,
    canaries: order.flatMap((v) => byVantage.get(v)!.flatMap((p) => p.results.canaries)),
    installations,
    notes,
    icmpUnavailable: !icmpSomewhere && parts.some((p) => p.results.networkOk && p.results.icmpUnavailable),
    vantages: Object.fromEntries(
      order.map((v) => [v, report(byVantage.get(v)!, observedBy.get(v)!, refused, v)] as const),
    ),
  };
}

/** The vantage report of a run that checked everything from one place (`smart check` without shards). */
export function wholeRunVantage(vantage: string, results: RunResults): NonNullable<RunResults['vantages']> {
  const part: VantagePart = { vantage, shard: { index: 1, count: 1 }, results };
  const observed = results.networkOk ? results.installations.length : 0;
  return { [vantage]: report([part], observed, [], vantage) };
}

function report(
  list: readonly VantagePart[],
  installations: number,
  refused: readonly RefusedPart[],
  vantage: string,
): Omit<VantageReport, 'last_seen'> {
  const why = refused.find((r) => r.vantage === vantage)?.reason;
  if (list.length === 0)
    return {
      fresh: false,
      network_ok: false,
      installations: 0,
      icmp_unavailable: false,
      ...(why ? { refused: why } : {}),
    };
  const count = Math.max(...list.map((p) => p.shard.count));
  const received = new Set(list.filter((p) => p.shard.count === count).map((p) => p.shard.index));
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !received.has(i));
  const blind = [...new Set(list.filter((p) => !p.results.networkOk).map((p) => p.shard.index))].sort(
    (a, b) => a - b,
  );
  return {
    fresh: true,
    network_ok: blind.length === 0,
    started_at: new Date(Math.min(...list.map((p) => p.results.startedAt.getTime()))).toISOString(),
    finished_at: new Date(Math.max(...list.map((p) => p.results.finishedAt.getTime()))).toISOString(),
    shards: { count, missing, blind },
    installations,
    icmp_unavailable: list.some((p) => p.results.icmpUnavailable),
    ...(why ? { refused: why } : {}),
  };
}

/** Russian: why no vantage observed one installation, vantage by vantage. */
function whyUnobserved(
  client: string,
  installation: string,
  order: readonly string[],
  byVantage: ReadonlyMap<string, readonly VantagePart[]>,
  refused: readonly RefusedPart[],
): string {
  if (order.length === 0) return 'ни одно место проверки не прислало результатов';
  return order
    .map((v) => {
      const list = byVantage.get(v) ?? [];
      if (list.length === 0) {
        const why = refused.find((r) => r.vantage === v)?.reason;
        return `${v}: ${why ?? 'результаты этого запуска не пришли'}`;
      }
      const count = Math.max(...list.map((p) => p.shard.count));
      const shard = shardOf(client, installation, count);
      const part = list.find((p) => p.shard.count === count && p.shard.index === shard);
      const name = count > 1 ? ` (шард ${shard} из ${count})` : '';
      if (!part) return `${v}${name}: результаты не пришли`;
      if (!part.results.networkOk) return `${v}${name}: у проверяющего не было сети`;
      return `${v}${name}: установки нет в результатах`;
    })
    .join('; ');
}
