// An agent report far bigger than any real one (a few hundred bytes) is refused by its size before a byte
// of it is read, and the manager hears that the agent is silent — not an «unknown» that raises nothing.
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Catalog } from '../alerts/catalog.ts';
import { MAX_AGENT_REPORT } from '../probes/agent.ts';
import { createFsStore } from '../store/fs.ts';
import { docsCatalog } from '../testing/catalog.ts';
import { testConfig } from '../testing/config.ts';
import { runCycle } from './run-cycle.ts';

let catalog: Catalog;
let dir = '';
beforeAll(async () => {
  catalog = await docsCatalog();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smart-agent-size-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const MB = 1024 * 1024;

describe('an oversized agent report', () => {
  // 600 MB is more than V8 can hold as one string: reading it would fail, so «too large» with the exact
  // size from stat shows the file was never read. Both files are sparse: they cost no disk.
  it.each([200, 600])('of %i MB is refused unread and raises KodeksAgentSilent', async (mb) => {
    const file = join(dir, 'agents', 'acme', 'main.json');
    await mkdir(join(dir, 'agents', 'acme'), { recursive: true });
    await writeFile(file, '');
    await truncate(file, mb * MB);
    const config = testConfig([{ id: 'main', url: 'http://127.0.0.1:1/', probes: { agent: {} } }]);
    const at = new Date('2026-11-28T03:00:00Z');
    const store = createFsStore(dir);
    const r = await runCycle({ config, catalog, store, queueOnly: true, now: () => at });

    const agent = r.results.installations[0]!.checks.agent;
    expect(agent).toMatchObject({
      status: 'fail',
      code: 'AGENT_INVALID',
      message: 'Отчёт агента слишком большой и не прочитан.',
      evidence: { bytes: mb * MB, max_bytes: MAX_AGENT_REPORT },
    });
    expect(r.events.filter((e) => e.kind === 'firing').map((e) => 'alert' in e && e.alert)).toContain(
      'KodeksAgentSilent',
    );
    const state = JSON.parse((await store.read('state/acme.json'))!);
    expect(state.installations.main.alerts.KodeksAgentSilent.state).toBe('firing');
  });
});
