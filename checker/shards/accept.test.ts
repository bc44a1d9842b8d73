import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import type { RunResults } from '../probing/types.ts';
import { acceptShardResults } from './accept.ts';
import { fromShardResult, parseShardResult, type ShardResult, toShardResult } from './result-file.ts';

const parsed = parseConfig(
  't.yaml',
  `site: { url: https://status.test }
checker: { interval: 5m, vantages: [github-hosted, self-hosted] }
clients:
  - id: acme
    title: Акме
    installations:
      - { id: main, title: Кодекс, url: "https://kodeks.acme.example:8443/", ip: 203.0.113.10, notes: "стойка 7, пароль у Пети", probes: { http: {} } }
`,
);
if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
const config = parsed.config;
const NOW = new Date('2026-11-28T03:01:00Z');

const results = (startedAt: string): RunResults => ({
  startedAt: new Date(startedAt),
  finishedAt: new Date(Date.parse(startedAt) + 2000),
  networkOk: true,
  icmpUnavailable: false,
  canaries: [
    {
      status: 'ok',
      code: 'OK',
      latencyMs: 3,
      message: 'Контрольная точка отвечает.',
      evidence: { canary: '1.1.1.1:53' },
    },
  ],
  notes: [],
  installations: [
    {
      client: 'acme',
      installation: 'main',
      checks: {
        http: {
          status: 'fail',
          code: 'HTTP_STATUS',
          latencyMs: 12.5,
          message: 'Сервер ответил кодом 502.',
          evidence: {
            url: 'https://kodeks.acme.example:8443/',
            http_status: 502,
            error: 'connect to 203.0.113.10:8443 via kodeks.acme.example failed (стойка 7, пароль у Пети)',
          },
        },
      },
    },
  ],
});

function file(over: Partial<ShardResult> & { startedAt?: string } = {}): ShardResult {
  const { startedAt = '2026-11-28T03:00:00Z', ...rest } = over;
  const f = toShardResult(
    results(startedAt),
    { run: '42', vantage: 'github-hosted', shard: { index: 1, count: 2 } },
    ['стойка 7, пароль у Пети', 'kodeks.acme.example', '203.0.113.10'],
  );
  return { ...f, ...rest };
}

describe('a shard result file', () => {
  it('holds no address, URL, host name or note of installations.yaml, and reads back as results', () => {
    const text = JSON.stringify(file());
    for (const secret of ['acme.example', '203.0.113.10', 'стойка 7', '1.1.1.1', 'https://'])
      expect(text).not.toContain(secret);
    const back = parseShardResult(text);
    if (typeof back === 'string') throw new Error(back);
    const r = fromShardResult(back);
    expect(r.installations[0]!.checks.http).toEqual({
      status: 'fail',
      code: 'HTTP_STATUS',
      latencyMs: 12.5,
      message: 'Сервер ответил кодом 502.',
      evidence: { http_status: 502, error: 'connect to [скрыто]:8443 via [скрыто] failed ([скрыто])' },
    });
    expect(r.startedAt.toISOString()).toBe('2026-11-28T03:00:00.000Z');
    expect(r.canaries[0]).toMatchObject({ status: 'ok', evidence: {} });
  });

  it("keeps what a finding says the client's page shows (its row's state and words)", () => {
    const finding = {
      alert: 'KodeksDBOperUpToOld',
      status: 'fail' as const,
      message: 'Оперативное обновление «kodeks6.op» не обновлялось 5 дн.',
      impact: {
        status: 'degraded' as const,
        message: 'Оперативные обновления баз давно не устанавливались.',
      },
    };
    const run = results('2026-11-28T03:00:00Z');
    run.installations[0]!.checks.sysinfo = {
      status: 'ok',
      code: 'OK',
      latencyMs: 5,
      message: 'Отчёт sysinfo прочитан.',
      findings: [finding],
    };
    const f = toShardResult(run, { run: '42', vantage: 'github-hosted', shard: { index: 1, count: 2 } }, []);
    const back = parseShardResult(JSON.stringify(f));
    if (typeof back === 'string') throw new Error(back);
    expect(fromShardResult(back).installations[0]!.checks.sysinfo?.findings).toEqual([finding]);
  });

  it.each([
    ['{', /^not valid JSON/],
    ['{"kind": "other"}', /^not a shard result/],
    ['{"kind": "smart-shard-result", "schema": 7}', /version 7 is not 1/],
    ['{"kind": "smart-shard-result", "schema": 1, "run": null}', /vantage/],
  ])('%s is refused in words', (text, words) => {
    expect(parseShardResult(text)).toMatch(words);
  });
});

describe('acceptShardResults', () => {
  const merge = { run: '42', now: NOW };

  it.each([
    ['of another run', file({ run: '41' }), 'результаты другого запуска (41)'],
    ['without a run id when the merge has one', file({ run: null }), 'результаты без номера запуска'],
    [
      'begun more than an interval before the merge (a late shard)',
      file({ startedAt: '2026-11-28T02:55:59Z' }),
      'результаты старше интервала: шард опоздал',
    ],
    [
      'from the future',
      file({ startedAt: '2026-11-28T03:02:01Z' }),
      'время результатов впереди часов слияния: проверьте часы раннера',
    ],
    [
      'of a vantage not listed',
      file({ vantage: 'office' }),
      'место проверки не указано в checker.vantages (github-hosted, self-hosted)',
    ],
  ])('refuses results %s', (_name, f, reason) => {
    const got = acceptShardResults(config, [f], merge);
    expect(got.parts).toEqual([]);
    expect(got.refused).toEqual([{ vantage: f.vantage, shard: f.shard, reason }]);
  });

  it('takes the newer of two results of one shard (a re-run job), and any run id when the merge has none', () => {
    const older = file({ startedAt: '2026-11-28T02:58:00Z' });
    const newer = file({ startedAt: '2026-11-28T03:00:30Z' });
    const got = acceptShardResults(config, [newer, older, file({ shard: { index: 2, count: 2 } })], {
      run: null,
      now: NOW,
    });
    expect(got.refused).toEqual([]);
    expect(got.parts.map((p) => [p.shard.index, p.results.startedAt.toISOString()])).toEqual([
      [1, '2026-11-28T03:00:30.000Z'],
      [2, '2026-11-28T03:00:00.000Z'],
    ]);
  });
});
