// An installation no vantage observed in the last run (its shard's results did not arrive): the page says
// «Нет данных» and that the server answered when it was last looked at — not at the run that did not look.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../checker/config/load.ts';
import type { ClientState } from '../../checker/status/schema.ts';
import { clientView } from '../src/lib/view.ts';

const parsed = parseConfig(
  'installations.yaml',
  `site: { url: https://status.test }
clients:
  - id: acme
    title: Акме
    installations:
      - { id: main, title: Кодекс, url: "https://kodeks.acme.example/", probes: { http: {} } }
`,
);
if (!parsed.ok) throw new Error('config');
const config = parsed.config;

const LAST_SEEN = '2026-11-28T03:10:00.000Z';
const NOW_RUN = '2026-11-28T03:15:00.000Z';
const state: ClientState = {
  schema: 1,
  client: 'acme',
  updated_at: NOW_RUN,
  installations: {
    main: {
      overall: 'no_data',
      checked_at: NOW_RUN,
      components: {
        access: { status: 'ok', since: '2026-11-28T00:00:00.000Z', message: 'Сервер отвечает.' },
      },
      checks: {
        http: {
          status: 'ok',
          code: 'OK',
          message: 'Сервер отвечает.',
          latency_ms: 20,
          since: '2026-11-28T00:00:00.000Z',
        },
      },
      alerts: {},
      unobserved: {
        since: NOW_RUN,
        last_seen: LAST_SEEN,
        reason: 'github-hosted (шард 2 из 2): результаты не пришли',
      },
    },
  },
};

describe('an unobserved installation on the status page', () => {
  it('is «no data», and the server answered at the last run that looked', () => {
    const view = clientView(config.clients[0]!, {
      config,
      catalog: new Map(),
      runbooks: new Map(),
      status: { states: new Map([['acme', state]]), history: new Map(), incidents: [] },
      now: Date.parse('2026-11-28T03:16:00Z'),
    });
    const inst = view.installations[0]!;
    expect(inst.overall).toBe('no_data');
    expect(inst.server).toEqual({ answered: Date.parse(LAST_SEEN) });
    // The reason is for operators: nothing of it reaches the view.
    expect(JSON.stringify(view)).not.toContain('шард');
  });
});
