// The site reads one consistent run even when a checker was killed while applying its update: the fs
// store's journal names the staged files of the new run, and the site reads through it.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serialize } from '../../checker/status/format.ts';
import type { ClientState, Heartbeat } from '../../checker/status/schema.ts';
import { createFsStore } from '../../checker/store/fs.ts';
import { loadStatus } from '../src/lib/status-files.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'site-status-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const at = (run: number) => new Date(Date.UTC(2026, 10, 28, 3, run * 5)).toISOString();
const heartbeat = (run: number): Heartbeat => ({
  schema: 1,
  run_id: `run-${run}`,
  started_at: at(run),
  finished_at: at(run),
  duration_ms: 1000,
  vantage: 'local',
  interval_ms: 300_000,
  network_ok: true,
  counts: { clients: 1, installations: 1, checks: 1, ok: 1, fail: 0, unknown: 0, firing: 0 },
  notes: [],
});
const state = (run: number): ClientState => ({
  schema: 1,
  client: 'acme',
  updated_at: at(run),
  installations: {
    main: {
      overall: run === 1 ? 'operational' : 'major_outage',
      checked_at: at(run),
      components: {},
      checks: {},
      alerts: {},
    },
  },
});

describe('the site reads the status folder as one run', () => {
  it('after a crash in the middle of the roll-forward: the heartbeat and the state of the same run', async () => {
    await createFsStore(dir).update(
      'run 1',
      async () =>
        new Map([
          ['heartbeat.json', serialize(heartbeat(1))],
          ['state/acme.json', serialize(state(1))],
        ]),
    );
    // What a checker killed half-way through applying run 2 leaves: the journal, the heartbeat renamed
    // already, the state still staged.
    await writeFile(join(dir, 'heartbeat.json'), serialize(heartbeat(2)));
    await writeFile(join(dir, 'state', '.tmp-999999999-dead-aaaa'), serialize(state(2)));
    await writeFile(
      join(dir, '.journal.json'),
      JSON.stringify({
        renames: [
          ['.tmp-999999999-dead-bbbb', 'heartbeat.json'],
          ['state/.tmp-999999999-dead-aaaa', 'state/acme.json'],
        ],
        deletes: [],
      }),
    );

    const r = await loadStatus(dir, ['2026-11']);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.data.heartbeat?.run_id).toBe('run-2');
    expect(r.data.states.get('acme')?.updated_at).toBe(at(2));
    expect(r.data.states.get('acme')?.installations.main?.overall).toBe('major_outage');
    // Reading changed nothing: the next checker run finishes the journal.
    expect(await readdir(dir)).toContain('.journal.json');
  });

  it('refuses, in words, a folder whose journal is not one', async () => {
    await writeFile(join(dir, 'heartbeat.json'), serialize(heartbeat(1)));
    await writeFile(join(dir, '.journal.json'), '{"renames": [');
    const r = await loadStatus(dir, ['2026-11']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics[0]?.message).toMatch(/is not a readable update journal; move it away/);
  });
});
