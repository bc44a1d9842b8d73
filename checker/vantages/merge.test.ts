// The quorum of vantages, check by check (pure). The engine's view of it: alerts/engine/vantages.test.ts.
import { describe, expect, it } from 'vitest';
import type { ProbeCode, ProbeResult } from '../probes/types.ts';
import { mergeCheck, need } from './merge.ts';

/** `'ok'`, `'fail:CONN_TIMEOUT'`, `'unknown:ICMP_UNAVAILABLE'` as a result. */
function result(spec: string): ProbeResult {
  const [status, code] = spec.split(':') as ['ok' | 'fail' | 'unknown', ProbeCode | undefined];
  return {
    status,
    latencyMs: 10,
    code: code ?? (status === 'ok' ? 'OK' : status === 'fail' ? 'CONN_REFUSED' : 'SKIPPED'),
    message: status,
  };
}

describe('need (failing votes for a quorum)', () => {
  it.each([
    ['majority', 1, 1],
    ['majority', 2, 2],
    ['majority', 3, 2],
    ['majority', 4, 3],
    ['all', 3, 3],
    [2, 3, 2],
    [2, 1, 1],
  ] as const)('%s of %i voters → %i', (quorum, voters, want) => {
    expect(need(quorum, voters)).toBe(want);
  });
});

describe('mergeCheck', () => {
  it('passes a single vantage’s result through untouched', () => {
    const r = result('fail:CONN_TIMEOUT');
    expect(mergeCheck([{ vantage: 'a', result: r }], 'majority')).toBe(r);
  });

  it.each([
    ['two disagree (majority of 2 is 2)', ['fail', 'ok'], 'majority', 'ok'],
    ['two agree', ['fail', 'fail'], 'majority', 'fail'],
    ['two of three', ['fail', 'ok', 'fail'], 'majority', 'fail'],
    ['quorum 1: any failure', ['ok', 'fail'], 1, 'fail'],
    [
      'unknown is no vote: one fail decides',
      ['unknown:ICMP_UNAVAILABLE', 'fail:ICMP_LOSS'],
      'majority',
      'fail',
    ],
    ['unknown is no vote: one ok decides', ['unknown:ICMP_UNAVAILABLE', 'ok'], 'majority', 'ok'],
    ['nobody could look', ['unknown:ICMP_UNAVAILABLE', 'unknown:SKIPPED'], 'majority', 'unknown'],
  ] as const)('%s: %j → %s', (_name, specs, quorum, want) => {
    const votes = specs.map((s, i) => ({ vantage: `v${i + 1}`, result: result(s) }));
    const merged = mergeCheck(votes, quorum)!;
    expect(merged.status).toBe(want);
    expect(merged.evidence?.votes).toBe(
      specs.map((s, i) => `v${i + 1}=${result(s).status}:${result(s).code}`).join(' '),
    );
  });

  it('keeps the code and message of the vantage whose view won', () => {
    const merged = mergeCheck(
      [
        { vantage: 'a', result: result('ok') },
        { vantage: 'b', result: result('fail:CONN_TIMEOUT') },
        { vantage: 'c', result: result('fail:CONN_REFUSED') },
      ],
      'majority',
    )!;
    expect(merged).toMatchObject({ status: 'fail', code: 'CONN_TIMEOUT', evidence: { vantage: 'b' } });
  });
});
