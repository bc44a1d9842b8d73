/**
 * Broken inputs stop the build with `file:line:col key: message`, never a stack trace; an empty status
 * folder is "no data yet", not an error.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputsEnv, inputWarnings, loadInputs, unknownClients } from '../src/lib/inputs.ts';
import { buildSite, ROOT } from './build-site.ts';

const FIXTURES = join(ROOT, 'site/test/fixtures');
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'smart-site-inputs-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const env = (status: string, extra: Record<string, string> = {}) => ({
  SMART_CONFIG: join(FIXTURES, 'installations.yaml'),
  SMART_DOCS: join(FIXTURES, 'docs/errors'),
  SMART_STATUS_DIR: status,
  SMART_NOW: '2026-11-28T09:25:00+03:00',
  ...extra,
});

describe('loadInputs', () => {
  it('a missing status folder means no data yet', async () => {
    const r = await loadInputs(env(join(tmp, 'nothing-here')), ROOT);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.inputs.status.heartbeat).toBeUndefined();
      expect(r.inputs.status.states.size).toBe(0);
    }
  });

  it('a status file that breaks the schema is reported with line, column and key', async () => {
    const dir = join(tmp, 'bad-status');
    await mkdir(join(dir, 'state'), { recursive: true });
    await writeFile(
      join(dir, 'state/norma.json'),
      '{\n  "schema": 1,\n  "client": "norma",\n  "updated_at": "yesterday",\n  "installations": {}\n}\n',
    );
    const r = await loadInputs(env(dir), ROOT);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0]).toMatchObject({ line: 4, col: 17, path: 'updated_at' });
      expect(r.diagnostics[0]!.file).toMatch(/state\/norma\.json$/);
    }
  });

  // Issue 17: status data for clients the config does not know built nothing for them, silently.
  it('status data for clients not in installations.yaml is named in a warning', async () => {
    const dir = join(tmp, 'ghost-status');
    const state = (client: string) =>
      `${JSON.stringify({ schema: 1, client, updated_at: '2026-11-28T06:20:00.000Z', installations: {} })}\n`;
    await mkdir(join(dir, 'state'), { recursive: true });
    for (const c of ['norma', 'ghost', 'acme-old']) await writeFile(join(dir, `state/${c}.json`), state(c));
    const r = await loadInputs(env(dir), ROOT);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(unknownClients(r.inputs)).toEqual(['acme-old', 'ghost']);
    const [line] = inputWarnings(r.inputs, 'installations.yaml');
    expect(line).toContain('not in installations.yaml: acme-old, ghost');
    expect(line).toContain('SMART_CONFIG');
  });

  it('SMART_NOW that is not a date is reported', async () => {
    const r = await loadInputs(env(tmp, { SMART_NOW: 'tomorrow' }), ROOT);
    expect(r.ok).toBe(false);
  });
});

describe('astro build with a broken installations.yaml', () => {
  it('stops with validate-style lines and no stack trace', async () => {
    const config = join(tmp, 'installations.yaml');
    await writeFile(
      config,
      'site:\n  url: https://status.test.example\nclients:\n  - id: acme\n    title: Акме\n    installations:\n      - id: main\n        title: Main\n        url: https://a.example/\n        ip: 300.1.1.1\n        probes: {}\n',
    );
    const r = await buildSite({
      config,
      docs: join(FIXTURES, 'docs/errors'),
      status: join(tmp, 'none'),
      outDir: join(tmp, 'dist'),
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'installations.yaml:10:13 clients[0].installations[0].ip: "300.1.1.1" is not an IP address',
    );
    expect(r.stderr).toContain('site build stopped: 1 problem in the inputs');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);
});

// Issue 17: the README said the build reads SMART_STATUS_DIR and nothing about the config it pages from.
it('the README names every variable `npm run build` reads its inputs from', async () => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const lines = readme.split('\n');
  const at = lines.findIndex((l) => l.startsWith('npm run build'));
  const text = lines.slice(at, at + 3).join('\n');
  const vars = Object.keys(inputsEnv({ config: 'c', docs: 'd', status: 's' }, {})).filter(
    (k) => k.startsWith('SMART_') && k !== 'SMART_NOW',
  );
  expect(vars).toEqual(['SMART_CONFIG', 'SMART_DOCS', 'SMART_STATUS_DIR']);
  for (const v of vars) expect(text).toContain(v);
});
