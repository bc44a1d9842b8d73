import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../commands/agent.ts';
import type { CommandIo } from '../commands/io.ts';
import { alertSignals, diagnose } from '../diagnose/index.ts';
import { judgeAgentReport } from '../probes/agent.ts';
import type { ProbeResult } from '../probes/types.ts';
import { statusPaths } from '../status/format.ts';
import { createFsStore } from '../store/fs.ts';
import type { UsbListing } from './types.ts';

/**
 * Both sides of the agent report agree: reports written by `smart agent --out` are read back the way the
 * central checker reads them (the fs store, the `agent` probe's judgement, the diagnosis rules).
 */

const T = new Date('2026-11-28T21:00:00.000Z');
const MAX_AGE = 15 * 60_000;
const senseIV = { vendorId: 0x0471, productId: 0x485d, manufacturer: 'Senselock', product: 'SenseIV' };
const hub = { vendorId: 0x1d6b, productId: 0x0002 };
/** What the central sysinfo probe says in case 1: the Kodeks server reports the key missing. */
const xmlKeyMissing: ProbeResult = {
  status: 'fail',
  latencyMs: 5,
  code: 'KEY_MISSING',
  message: 'Сервер Кодекс сообщает, что ключ SenseLock не найден.',
};

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-contract-'));
  await writeFile(
    join(dir, 'installations.yaml'),
    'site: { url: https://smart.example }\nclients:\n  - id: acme\n    title: A\n    installations:\n      - id: main\n        title: K\n        url: http://kodeks.acme.example:1/\n        probes: { agent: {} }\n      - id: other\n        title: O\n        url: http://kodeks.acme.example:1/\n        probes: { agent: {} }\n',
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the agent with this USB view and clock; returns the folder it wrote. */
async function agentWrites(
  name: string,
  usb: UsbListing,
  at: Date,
  installation = 'acme/main',
): Promise<string> {
  const out = join(dir, name);
  const lines: string[] = [];
  const io: CommandIo = {
    out: (t) => lines.push(t),
    err: (t) => lines.push(t),
    isTty: false,
    env: {},
    cwd: dir,
  };
  const code = await run(['--installation', installation, '--out', out, '--once'], io, {
    lister: { list: async () => usb },
    now: () => at,
    hostname: () => 'kodeks-srv',
  });
  expect(code, lines.join('\n')).toBe(0);
  return out;
}

/** What the checker's agent probe makes of the folder at `now`. */
async function checkerReads(out: string, now: Date): Promise<ProbeResult> {
  const text = await createFsStore(out).read(statusPaths.agent('acme', 'main'));
  if (text === undefined) throw new Error('no report');
  return judgeAgentReport(text, 'acme', 'main', MAX_AGE, now);
}

describe('agent report → central agent probe', () => {
  it('fresh, key present: ok; with the XML saying key missing → "the Kodeks server does not see the key"', async () => {
    const r = await checkerReads(await agentWrites('present', { ok: true, devices: [hub, senseIV] }, T), T);
    expect(r).toMatchObject({ status: 'ok', code: 'OK' });
    expect(r.evidence).toMatchObject({ usb: 'present', usb_device_1: '0471:485d (ключ) Senselock SenseIV' });
    expect(alertSignals({ agent: r })).toMatchObject({ KodeksAgentSilent: 'ok', KodeksUsbKeyMissing: 'ok' });
    expect(diagnose({ agent: r, sysinfo: xmlKeyMissing }).KodeksXmlSensLockStatus?.rule).toBe(
      'key_not_seen_by_kodeks',
    );
  });

  it('fresh, key absent: KodeksUsbKeyMissing; with the XML → check the USB forwarding (case 1)', async () => {
    const r = await checkerReads(await agentWrites('absent', { ok: true, devices: [hub] }, T), T);
    expect(r).toMatchObject({ status: 'fail', code: 'USB_KEY_ABSENT' });
    expect(alertSignals({ agent: r })).toMatchObject({
      KodeksAgentSilent: 'ok',
      KodeksUsbKeyMissing: 'fail',
    });
    const d = diagnose({ agent: r, sysinfo: xmlKeyMissing }).KodeksXmlSensLockStatus;
    expect(d).toMatchObject({ rule: 'key_usb_absent', alert: 'KodeksXmlSensLockStatus' });
    expect(d?.hint).toMatch(/программу проброса USB/);
  });

  it('USB unavailable: unknown, raises nothing, the reason reaches the operator', async () => {
    const usb = { ok: false as const, reason: 'нет /sys/bus/usb: USB этой машины не видно' };
    const r = await checkerReads(await agentWrites('unavailable', usb, T), T);
    expect(r).toMatchObject({ status: 'unknown', code: 'USB_UNAVAILABLE' });
    expect(r.evidence?.usb_reason).toBe(usb.reason);
    expect(alertSignals({ agent: r })).toMatchObject({
      KodeksAgentSilent: 'ok',
      KodeksUsbKeyMissing: 'unknown',
    });
    expect(diagnose({ agent: r, sysinfo: xmlKeyMissing }).KodeksXmlSensLockStatus?.rule).toBe('key_missing');
  });

  it('stale: a report older than max_age is KodeksAgentSilent', async () => {
    const out = await agentWrites('stale', { ok: true, devices: [senseIV] }, T);
    expect(await checkerReads(out, new Date(T.getTime() + 14 * 60_000))).toMatchObject({ status: 'ok' });
    const r = await checkerReads(out, new Date(T.getTime() + 16 * 60_000));
    expect(r).toMatchObject({ status: 'fail', code: 'AGENT_STALE' });
    expect(alertSignals({ agent: r })).toMatchObject({
      KodeksAgentSilent: 'fail',
      KodeksUsbKeyMissing: 'unknown',
    });
  });

  it('an agent clock far ahead: the checker refuses the report', async () => {
    const out = await agentWrites(
      'future',
      { ok: true, devices: [senseIV] },
      new Date(T.getTime() + 10 * 60_000),
    );
    expect(await checkerReads(out, T)).toMatchObject({ status: 'fail', code: 'AGENT_INVALID' });
  });

  it('malformed: a cut file, a foreign report, wrong types → AGENT_INVALID', async () => {
    const out = await agentWrites('malformed', { ok: true, devices: [senseIV] }, T);
    const store = createFsStore(out);
    const path = statusPaths.agent('acme', 'main');
    const good = (await store.read(path))!;
    const other = await agentWrites('other', { ok: true, devices: [senseIV] }, T, 'acme/other');
    const foreign = (await createFsStore(other).read(statusPaths.agent('acme', 'other')))!;
    const bad = [
      good.slice(0, good.length / 2),
      foreign,
      good.replace('"present"', '"maybe"'),
      good.replace(/"reported_at": "[^"]+"/, '"reported_at": "yesterday"'),
      'x'.repeat(70 * 1024),
    ];
    for (const text of bad) {
      expect(judgeAgentReport(text, 'acme', 'main', MAX_AGE, T)).toMatchObject({
        status: 'fail',
        code: 'AGENT_INVALID',
      });
    }
  });
});
