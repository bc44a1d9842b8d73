// `smart check --notify console` run after run, as a user runs it (child processes): the message numbers go on
// from run to run, so a reply printed later names the message it answers (issue 18.5).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type LocalServer, startHttpServer } from '../testing/http-server.ts';

const root = join(import.meta.dirname, '..', '..');
let dir: string;
let kodeks: LocalServer;
const down = new Set<string>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smart-check-console-'));
  // One server for both installations; the path says which one asks, `down` which of them fail.
  kodeks = await startHttpServer((req, res) => {
    const who = req.url?.split('/')[1] ?? '';
    res.writeHead(down.has(who) ? 500 : 200).end('Кодекс');
  });
  const inst = (id: string) => ({
    id: 'main',
    title: `Кодекс ${id}`,
    url: `http://127.0.0.1:${kodeks.port}/${id}/`,
    probes: { http: { by_ip: false } },
  });
  const config = {
    site: { url: 'https://status.test' },
    checker: { interval: '5m', timeout: '2s' },
    notify: { telegram: { chat: '-1001234567890' } },
    clients: [
      { id: 'alfa', title: 'ООО «Альфа»', installations: [inst('alfa')] },
      { id: 'bravo', title: 'АО «Браво»', installations: [inst('bravo')] },
    ],
  };
  await writeFile(join(dir, 'installations.yaml'), stringify(config));
});
afterAll(async () => {
  await kodeks?.close();
  await rm(dir, { recursive: true, force: true });
});

function check(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [
        join(root, 'checker', 'cli.ts'),
        'check',
        '--notify',
        'console',
        '--docs',
        join(root, 'docs', 'errors'),
      ],
      { cwd: dir, env: { PATH: process.env.PATH ?? '' }, timeout: 90_000 },
      (err, stdout, stderr) =>
        done({ code: err ? Number((err as { code?: unknown }).code) : 0, stdout, stderr }),
    );
  });
}

/** The console's message headers of one run: `[№ 3 → -100…, ответ на № 1]` with the text's first line. */
function messages(stdout: string): { id: number; replyTo?: number; text: string }[] {
  return [...stdout.matchAll(/^\[№ (\d+) → [^\],]+(?:, ответ на № (\d+))?\]\n(.*(?:\n(?!\[|$).*)*)/gm)].map(
    (m) => ({
      id: Number(m[1]),
      ...(m[2] ? { replyTo: Number(m[2]) } : {}),
      text: m[3]!,
    }),
  );
}

describe('smart check --notify console across runs', () => {
  it('a reply names the number its message was printed with in an earlier run', async () => {
    const printed: { id: number; replyTo?: number; text: string }[] = [];
    const runs: [string[], number][] = [
      [['alfa'], 0], // alfa fails once: pending
      [['alfa'], 1], // alfa fires
      [['alfa', 'bravo'], 0], // bravo fails once
      [['alfa', 'bravo'], 1], // bravo fires: another run, another message
      [[], 2], // both recover: two replies
    ];
    for (const [failing, expected] of runs) {
      down.clear();
      for (const f of failing) down.add(f);
      const r = await check();
      expect(r.code, r.stderr).toBe(0);
      const these = messages(r.stdout);
      expect(these, r.stdout).toHaveLength(expected);
      printed.push(...these);
      await new Promise((wait) => setTimeout(wait, 1100)); // the next run is another moment
    }
    const [alfaFiring, bravoFiring, ...replies] = printed;
    expect(alfaFiring!.text).toContain('Альфа');
    expect(bravoFiring!.text).toContain('Браво');
    // Numbers never start again at 1: every message has its own.
    expect(new Set(printed.map((m) => m.id)).size).toBe(printed.length);
    const replyTo = (name: string) => replies.find((m) => m.text.includes(name))?.replyTo;
    expect(replyTo('Альфа')).toBe(alfaFiring!.id);
    expect(replyTo('Браво')).toBe(bravoFiring!.id);
  }, 600_000);
});
