import { describe, expect, it } from 'vitest';
import { parseStatusFile, StatusFileError, serialize } from './format.ts';
import { clientStateSchema, heartbeatSchema, incidentMonthSchema, outboxSchema } from './schema.ts';

describe('status files', () => {
  it('serializes with sorted keys at every level, whatever the insertion order', () => {
    const a = serialize({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } });
    const b = serialize({ a: { d: [{ y: 2, z: 1 }] }, b: 1 });
    expect(a).toBe(b);
    expect(a).toBe(
      '{\n  "a": {\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n',
    );
  });

  it('keeps arrays of numbers on one line, and only those', () => {
    expect(serialize({ hist: [0, 3, 12], tags: ['a', 'b'], empty: [] })).toBe(
      '{\n  "empty": [],\n  "hist": [0, 3, 12],\n  "tags": [\n    "a",\n    "b"\n  ]\n}\n',
    );
    expect(JSON.parse(serialize({ x: [1.5, -2, 1e-7] }))).toEqual({ x: [1.5, -2, 1e-7] });
  });

  it('names the file for corrupt JSON, another schema version, or a wrong shape', () => {
    const cases: [string, RegExp][] = [
      ['{"schema":1,', /^outbox\.json: not valid JSON/],
      ['[]', /^outbox\.json: expected a JSON object/],
      [
        '{"schema":7,"pending":[]}',
        /^outbox\.json: schema version 7 is not the one this checker reads \(1\)/,
      ],
      ['{"pending":[]}', /^outbox\.json: schema version null/],
      [
        '{"schema":1,"pending":"x","delivered":{}}',
        /^outbox\.json: does not match the status schema: pending:/,
      ],
    ];
    for (const [text, message] of cases) {
      let error: unknown;
      try {
        parseStatusFile('outbox.json', text, outboxSchema);
      } catch (err) {
        error = err;
      }
      expect(error, text).toBeInstanceOf(StatusFileError);
      expect((error as StatusFileError).message, text).toMatch(message);
      expect((error as StatusFileError).file).toBe('outbox.json');
    }
  });

  it('reads back what it wrote', () => {
    const hb = {
      schema: 1 as const,
      run_id: 'r',
      started_at: '2026-11-28T03:00:00.000Z',
      finished_at: '2026-11-28T03:00:01.000Z',
      duration_ms: 1000,
      vantage: 'local',
      interval_ms: 300_000,
      network_ok: true,
      counts: { clients: 1, installations: 1, checks: 2, ok: 2, fail: 0, unknown: 0, firing: 0 },
      notes: [],
    };
    expect(parseStatusFile('heartbeat.json', serialize(hb), heartbeatSchema)).toEqual(hb);
  });

  it('reads incidents written before front matter v2: severity becomes importance', () => {
    const old = (severity: string, extra: object = {}) => ({
      id: `2026-10-01T06:00Z-acme-main-${severity}`,
      client: 'acme',
      installation: 'main',
      alert: 'KodeksTlsCertExpiring',
      severity,
      started_at: '2026-10-01T06:00:00.000Z',
      client_visible: true,
      ...extra,
    });
    const text = serialize({
      schema: 1,
      month: '2026-10',
      incidents: [old('critical'), old('warning'), old('info'), old('warning', { importance: 'critical' })],
    });
    const read = parseStatusFile('incidents/2026-10.json', text, incidentMonthSchema);
    expect(read.incidents.map((i) => i.importance)).toEqual(['critical', 'info', 'info', 'critical']);
    expect(read.incidents.some((i) => 'severity' in i)).toBe(false);
  });

  it('reads the retired KodeksDirectDown as KodeksTcpStatus, in states and in incidents', () => {
    const firing = {
      state: 'firing',
      fails: 4,
      oks: 0,
      since: '2026-10-01T06:00:00.000Z',
      suppressed: false,
    };
    const state = serialize({
      schema: 1,
      client: 'acme',
      updated_at: '2026-10-01T06:20:00.000Z',
      installations: {
        main: {
          overall: 'major_outage',
          checked_at: '2026-10-01T06:20:00.000Z',
          components: { network: { status: 'fail', since: '2026-10-01T06:00:00.000Z', message: 'Сбой' } },
          checks: {},
          alerts: {
            KodeksDirectDown: { ...firing, incident: '2026-10-01T06:00Z-acme-main-KodeksDirectDown' },
          },
          diagnosis: {
            rule: 'service_down',
            alert: 'KodeksDirectDown',
            cause: 'Старая причина',
            hint: 'Подсказка',
          },
        },
      },
    });
    const read = parseStatusFile('state/acme.json', state, clientStateSchema).installations.main!;
    expect(Object.keys(read.alerts)).toEqual(['KodeksTcpStatus']);
    expect(read.alerts.KodeksTcpStatus?.incident).toBe('2026-10-01T06:00Z-acme-main-KodeksDirectDown');
    // The installation-wide diagnosis of before is dropped: each alert carries its own now.
    expect('diagnosis' in read).toBe(false);
    const incidents = serialize({
      schema: 1,
      month: '2026-10',
      incidents: [
        {
          id: '2026-10-01T06:00Z-acme-main-KodeksDirectDown',
          client: 'acme',
          installation: 'main',
          alert: 'KodeksDirectDown',
          importance: 'critical',
          started_at: '2026-10-01T06:00:00.000Z',
          client_visible: true,
          diagnosis: { rule: 'service_down', alert: 'KodeksDirectDown', cause: 'Причина', hint: 'Подсказка' },
        },
      ],
    });
    const [inc] = parseStatusFile('incidents/2026-10.json', incidents, incidentMonthSchema).incidents;
    expect(inc).toMatchObject({ alert: 'KodeksTcpStatus', diagnosis: { alert: 'KodeksTcpStatus' } });
  });
});
