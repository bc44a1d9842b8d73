import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AgentReport, agentReportSchema } from '../status/schema.ts';
import { MAX_FACT_ITEMS } from '../status/sysinfo.ts';
import { createFsStore } from '../store/fs.ts';
import { writeReportToDir, writeReportToStore } from './publish.ts';
import { agentReportPath, buildReport, MAX_REPORT_BYTES, serializeReport } from './report.ts';

const now = new Date('2026-11-28T21:00:00.000Z');
const report = (over: Partial<Parameters<typeof buildReport>[0]> = {}): AgentReport =>
  buildReport({
    client: 'acme',
    installation: 'main',
    now,
    agentVersion: '0.1.0',
    hostname: 'kodeks-srv',
    usb: { status: 'absent', devices: [] },
    ...over,
  });

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-publish-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeReportToDir', () => {
  it('writes agents/<client>/<installation>.json that the schema accepts', async () => {
    const file = await writeReportToDir(dir, report());
    expect(file).toBe(join(dir, 'agents', 'acme', 'main.json'));
    const parsed = agentReportSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    expect(parsed).toMatchObject({ client: 'acme', installation: 'main', reported_at: now.toISOString() });
  });

  it('replaces the old report by rename and leaves no temporary files', async () => {
    await writeReportToDir(dir, report());
    const later = new Date(now.getTime() + 300_000);
    await writeReportToDir(dir, report({ now: later, usb: { status: 'present', devices: [] } }));
    expect(await readdir(join(dir, 'agents', 'acme'))).toEqual(['main.json']);
    const text = await readFile(join(dir, 'agents', 'acme', 'main.json'), 'utf8');
    expect(JSON.parse(text).reported_at).toBe(later.toISOString());
  });

  it('keeps the previous report whole when the new one cannot be written', async () => {
    await writeReportToDir(dir, report());
    const before = await readFile(join(dir, 'agents', 'acme', 'main.json'), 'utf8');
    // A folder where the report file should be: the rename fails, the old data is untouched elsewhere.
    await mkdir(join(dir, 'agents', 'acme', 'other.json'));
    await writeFile(join(dir, 'agents', 'acme', 'other.json', 'x'), '');
    await expect(writeReportToDir(dir, report({ installation: 'other' }))).rejects.toThrow();
    expect(await readFile(join(dir, 'agents', 'acme', 'main.json'), 'utf8')).toBe(before);
    expect((await readdir(join(dir, 'agents', 'acme'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('the report path', () => {
  it.each([
    ['..', 'main'],
    ['acme', '../../etc/passwd'],
    ['acme', 'main/x'],
    ['ACME', 'main'],
    ['', 'main'],
  ])('refuses %j / %j', (client, installation) => {
    expect(() => agentReportPath(client, installation)).toThrow(/not a valid client\/installation id/);
  });

  it('refuses to build a report for an id that could escape agents/', () => {
    expect(() => report({ installation: '../x' })).toThrow();
  });
});

describe('serializeReport', () => {
  it('is small: a report with a full device list stays under the cap', () => {
    const devices = Array.from({ length: 64 }, (_, i) => ({
      id: `0471:${i.toString(16).padStart(4, '0')}`,
      manufacturer: 'm'.repeat(200),
      product: 'p'.repeat(200),
      matched: false,
    }));
    const text = serializeReport(report({ usb: { status: 'absent', devices: devices.slice(0, 16) } }));
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_REPORT_BYTES);
    // Every list of the devices and of the sysinfo facts at its cap, every string at its longest, Cyrillic
    // (two bytes a character): still under the cap, so a real report is never refused for its size.
    const ru = (n: number) => 'я'.repeat(n);
    const facts = {
      version: 1 as const,
      profile: ru(100),
      fetched_at: new Date(0).toISOString(),
      key: { state: 'unknown' as const, value: ru(100), reason: ru(300) },
      licenses: 'present' as const,
      databases: Array.from({ length: MAX_FACT_ITEMS }, () => ({ name: ru(200), license_end: '2027-01-01' })),
      operups_known: true,
      operups: Array.from({ length: MAX_FACT_ITEMS }, () => ({
        file: ru(200),
        updated_at: new Date(0).toISOString(),
      })),
      db_errors_known: true,
      db_errors: Array.from({ length: MAX_FACT_ITEMS }, () => ({ db: ru(200), code: 2007, text: ru(200) })),
      seats: { used: 1, limit: 2 },
    };
    const full = { ...report({ usb: { status: 'absent', devices } }), sysinfo: facts };
    expect(Buffer.byteLength(serializeReport(full))).toBeLessThanOrEqual(MAX_REPORT_BYTES);
  });

  it('refuses a report that does not match the schema', () => {
    const bad = { ...report(), reported_at: 'yesterday' } as AgentReport;
    expect(() => serializeReport(bad)).toThrow();
  });
});

describe('writeReportToStore', () => {
  it('saves only this installation’s file through the store’s update', async () => {
    const store = createFsStore(dir);
    await writeFile(join(dir, 'heartbeat.json'), '{"keep":true}\n');
    const res = await writeReportToStore(store, report());
    expect(res.changed).toBe(1);
    expect(await store.list('')).toEqual(['agents/acme/main.json', 'heartbeat.json']);
    expect(JSON.parse((await store.read('agents/acme/main.json'))!).usb.status).toBe('absent');
  });
});
