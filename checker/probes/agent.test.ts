import { describe, expect, it } from 'vitest';
import { judgeAgentReport } from './agent.ts';

const NOW = new Date('2026-11-28T21:00:00Z');
const MIN = 60_000;
const report = (over: Record<string, unknown> = {}, usb: Record<string, unknown> = { status: 'present' }) =>
  JSON.stringify({
    schema: 1,
    client: 'acme',
    installation: 'main',
    reported_at: new Date(NOW.getTime() - MIN).toISOString(),
    agent_version: '0.1.0',
    usb: { devices: [], ...usb },
    ...over,
  });

describe('judgeAgentReport', () => {
  const cases: [string, string, string][] = [
    ['fresh, key on USB', report(), 'ok OK'],
    ['fresh, key absent', report({}, { status: 'absent' }), 'fail USB_KEY_ABSENT'],
    [
      'USB cannot be seen',
      report({}, { status: 'unavailable', reason: 'container' }),
      'unknown USB_UNAVAILABLE',
    ],
    [
      'older than max_age',
      report({ reported_at: new Date(NOW.getTime() - 20 * MIN).toISOString() }),
      'fail AGENT_STALE',
    ],
    [
      'far in the future',
      report({ reported_at: new Date(NOW.getTime() + 10 * MIN).toISOString() }),
      'fail AGENT_INVALID',
    ],
    [
      'slightly in the future (clock skew)',
      report({ reported_at: new Date(NOW.getTime() + 2 * MIN).toISOString() }),
      'ok OK',
    ],
    ['not JSON', '{"schema":1,', 'fail AGENT_INVALID'],
    ['wrong schema', JSON.stringify({ schema: 1, hello: 'world' }), 'fail AGENT_INVALID'],
    ['another installation', report({ installation: 'other' }), 'fail AGENT_INVALID'],
    [
      'bigger than 64 KiB',
      report({ hostname: 'x' }).replace('"x"', JSON.stringify('x'.repeat(70_000))),
      'fail AGENT_INVALID',
    ],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    const r = judgeAgentReport(text, 'acme', 'main', 15 * MIN, NOW);
    expect(`${r.status} ${r.code}`).toBe(expected);
  });

  it('lists the USB devices as evidence', () => {
    const text = report(
      {},
      {
        status: 'present',
        devices: [{ id: '0403:c580', manufacturer: 'SenseLock', product: 'EL', matched: true }],
      },
    );
    expect(judgeAgentReport(text, 'acme', 'main', 15 * MIN, NOW).evidence?.usb_device_1).toBe(
      '0403:c580 (ключ) SenseLock EL',
    );
  });
});
