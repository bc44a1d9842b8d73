import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsbLister, UsbListing } from '../agent/types.ts';
import { agentReportSchema } from '../status/schema.ts';
import type { StatusStore } from '../store/types.ts';
import { healthyReport, sysinfoZip } from '../testing/sysinfo-report.ts';
import { type AgentCommandDeps, run } from './agent.ts';
import type { CommandIo } from './io.ts';

const NOW = new Date('2026-11-28T21:00:00.000Z');
const senseIV = { vendorId: 0x0471, productId: 0x485d, manufacturer: 'Senselock', product: 'SenseIV' };
const hub = { vendorId: 0x1d6b, productId: 0x0002, product: 'root hub' };

let dir = '';
let kodeks: Server;
let port = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smart-agent-'));
  const zip = await sysinfoZip({ ...healthyReport(NOW), key: 'absent', filler: 2000 });
  kodeks = createServer((req, res) => {
    if (req.url === '/sysinfo/si_save_request' && req.method === 'POST') res.end(zip);
    else res.writeHead(302, { location: '/login' }).end();
  });
  await new Promise<void>((done) => kodeks.listen(0, '127.0.0.1', done));
  port = (kodeks.address() as AddressInfo).port;
  const yaml = [
    'site: { url: https://smart.example }',
    'clients:',
    '  - id: acme',
    '    title: "ООО «Акме»"',
    '    installations:',
    '      - id: main',
    '        title: "Кодекс"',
    `        url: http://kodeks.acme.example:${port}/`,
    '        probes:',
    '          sysinfo: { source: agent }',
    '          agent: { max_age: 15m }',
    '      - id: backup',
    '        title: "Резервный"',
    `        url: http://kodeks2.acme.example:${port}/`,
    '        probes: { agent: {} }',
    '      - id: noagent',
    '        title: "Без агента"',
    `        url: http://kodeks3.acme.example:${port}/`,
    '        probes: { http: {} }',
    '',
  ].join('\n');
  await writeFile(join(dir, 'installations.yaml'), yaml);
  await writeFile(join(dir, 'broken.yaml'), 'site: { url: https://smart.example }\nclients:\n  - id: Acme\n');
});
afterAll(async () => {
  await new Promise((done) => kodeks.close(done));
  await rm(dir, { recursive: true, force: true });
});

function capture(env: NodeJS.ProcessEnv = {}): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    isTty: false,
    env,
    cwd: dir,
    stdout,
    stderr,
  };
}

const listing = (l: UsbListing): UsbLister => ({ list: async () => l });

function deps(l: UsbListing, more: Partial<AgentCommandDeps> = {}): Partial<AgentCommandDeps> {
  return { lister: listing(l), now: () => NOW, hostname: () => 'kodeks-srv', ...more };
}

async function readReport(out: string, path = 'agents/acme/main.json') {
  return agentReportSchema.parse(JSON.parse(await readFile(join(dir, out, path), 'utf8')));
}

describe('smart agent --out', () => {
  const cases: { name: string; usb: UsbListing; status: string; summary: RegExp }[] = [
    {
      name: 'key present',
      usb: { ok: true, devices: [hub, senseIV] },
      status: 'present',
      summary: /usb present \[0471:485d\]/,
    },
    { name: 'key absent', usb: { ok: true, devices: [hub] }, status: 'absent', summary: /usb absent/ },
    {
      name: 'USB unavailable',
      usb: { ok: false, reason: 'нет /sys/bus/usb' },
      status: 'unavailable',
      summary: /usb unavailable \(нет \/sys\/bus\/usb\)/,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: exit 0 and the report says so`, async () => {
      const io = capture();
      const out = `out-${c.status}`;
      const code = await run(['--installation', 'acme/main', '--out', out, '--once'], io, deps(c.usb));
      expect(io.stderr).toEqual([]);
      expect(code).toBe(0);
      const report = await readReport(out);
      expect(report).toMatchObject({
        client: 'acme',
        installation: 'main',
        reported_at: NOW.toISOString(),
        usb: { status: c.status },
        local: {
          http: { status: 'ok', code: 'OK' },
          sysinfo: { status: 'fail', code: 'KEY_MISSING' },
        },
        // Only the derived facts leave the server.
        sysinfo: { key: { state: 'missing' }, seats: { used: 12, limit: 50 } },
      });
      expect(JSON.stringify(report)).not.toMatch(/user\d|192\.0\.2\.|налоговый/);
      if (c.status === 'unavailable') expect(report.usb.reason).toBe('нет /sys/bus/usb');
      // The server's host name is not published to the status branch.
      expect(report).not.toHaveProperty('hostname');
      expect(io.stdout.join('\n')).toMatch(c.summary);
      expect(await readdir(join(dir, out, 'agents', 'acme'))).toEqual(['main.json']);
    });
  }

  it("only reads the local sysinfo report when the installation's sysinfo source is the agent", async () => {
    const io = capture();
    const code = await run(
      ['--installation', 'acme/backup', '--out', 'out-backup', '--once'],
      io,
      deps({ ok: true, devices: [] }),
    );
    expect(code).toBe(0);
    const report = await readReport('out-backup', 'agents/acme/backup.json');
    expect(report.local.http?.code).toBe('OK');
    expect(report.local.sysinfo).toBeUndefined();
    expect(report.sysinfo).toBeUndefined();
  });

  it('looks for the ids given with --usb-ids instead of the default', async () => {
    const io = capture();
    const other = { vendorId: 0x0529, productId: 0x0001 };
    await run(
      ['--installation', 'acme/main', '--out', 'out-ids', '--once', '--usb-ids', '0529:0001'],
      io,
      deps({ ok: true, devices: [senseIV, other] }),
    );
    const report = await readReport('out-ids');
    expect(report.usb.status).toBe('present');
    expect(report.usb.devices).toEqual([
      { id: '0529:0001', matched: true },
      { id: '0471:485d', manufacturer: 'Senselock', product: 'SenseIV', matched: false },
    ]);
  });
});

describe('smart agent without --once', () => {
  it('reports every --interval until stopped, each time with the clock’s new time', async () => {
    const stop = new AbortController();
    let t = NOW.getTime();
    const waits: number[] = [];
    const io = capture();
    const code = await run(
      ['--installation', 'acme/main', '--out', 'out-loop', '--interval', '2m'],
      io,
      deps(
        { ok: true, devices: [senseIV] },
        {
          now: () => new Date(t),
          stop: stop.signal,
          sleep: async (ms) => {
            waits.push(ms);
            t += ms;
            if (waits.length === 2) stop.abort();
          },
        },
      ),
    );
    expect(code).toBe(0);
    expect(waits).toEqual([120_000, 120_000]);
    // It says that it repeats and how to stop it, then after each report when the next one is due.
    expect(io.stdout[0]).toMatch(
      /repeating every 2m until stopped \(Ctrl-C or SIGTERM\); under a timer use --once/,
    );
    expect(io.stdout.filter((l) => l.includes('out-loop'))).toHaveLength(2);
    expect(io.stdout.filter((l) => l.startsWith('next report at'))).toEqual([
      `next report at ${new Date(NOW.getTime() + 120_000).toISOString()} (in 2m); stop with Ctrl-C or SIGTERM`,
      `next report at ${new Date(NOW.getTime() + 240_000).toISOString()} (in 2m); stop with Ctrl-C or SIGTERM`,
    ]);
    const report = await readReport('out-loop');
    expect(report.reported_at).toBe(new Date(NOW.getTime() + 120_000).toISOString());
  });
});

describe('smart agent: warnings', () => {
  it('says when the installation has no agent probe (the checker would never read the report)', async () => {
    const io = capture();
    const code = await run(
      ['--installation', 'acme/noagent', '--out', 'out-noagent', '--once'],
      io,
      deps({ ok: true, devices: [] }),
    );
    expect(code).toBe(0);
    expect(io.stderr.join('\n')).toMatch(/acme\/noagent has no `agent` probe/);
  });
});

describe('smart agent: bad input', () => {
  const cases: { name: string; argv: string[]; code: number; message: RegExp }[] = [
    {
      name: 'CLIENT/ID that is not an id',
      argv: ['--installation', '../etc', '--out', 'o'],
      code: 2,
      message: /--installation: "\.\.\/etc" is not CLIENT\/ID/,
    },
    {
      name: 'uppercase id',
      argv: ['--installation', 'ACME/main', '--out', 'o'],
      code: 2,
      message: /is not CLIENT\/ID/,
    },
    {
      name: 'unknown client',
      argv: ['--installation', 'acne/main', '--out', 'o'],
      code: 1,
      message: /no client "acne" in installations\.yaml \(did you mean "acme"\?\)/,
    },
    {
      name: 'unknown installation',
      argv: ['--installation', 'acme/mian', '--out', 'o'],
      code: 1,
      message: /client "acme" has no installation "mian".*did you mean "main".*known: main, backup, noagent/,
    },
    {
      name: 'missing config',
      argv: ['--installation', 'acme/main', '--out', 'o', '--config', 'nope.yaml'],
      code: 1,
      message: /nope\.yaml/,
    },
    {
      name: 'broken config',
      argv: ['--installation', 'acme/main', '--out', 'o', '--config', 'broken.yaml'],
      code: 1,
      message: /broken\.yaml:3:\d+/,
    },
    {
      name: 'no --installation',
      argv: ['--out', 'o'],
      code: 2,
      message: /--installation CLIENT\/ID is required/,
    },
    {
      name: 'no destination',
      argv: ['--installation', 'acme/main'],
      code: 2,
      message: /--out DIR or --store github/,
    },
    {
      name: 'two destinations',
      argv: ['--installation', 'acme/main', '--out', 'o', '--store', 'github'],
      code: 2,
      message: /not both/,
    },
    {
      name: 'bad --usb-ids',
      argv: ['--installation', 'acme/main', '--out', 'o', '--usb-ids', '471:485d'],
      code: 2,
      message: /"471:485d" is not vendor:product/,
    },
    { name: 'unknown option', argv: ['--installation', 'acme/main', '--bogus'], code: 2, message: /bogus/ },
  ];
  for (const c of cases) {
    it(`${c.name}: exit ${c.code} with a clear message, nothing written`, async () => {
      const io = capture();
      const code = await run(c.argv, io, deps({ ok: true, devices: [] }));
      expect(code).toBe(c.code);
      expect(io.stderr.join('\n')).toMatch(c.message);
      expect(io.stderr.join('\n')).not.toMatch(/\n\s+at /); // no stack trace
      await expect(readdir(join(dir, 'o'))).rejects.toThrow();
    });
  }
});

describe('smart agent --dry-run', () => {
  it('prints the report and every USB device, writes nothing', async () => {
    const io = capture();
    const code = await run(
      ['--installation', 'acme/main', '--dry-run'],
      io,
      deps({ ok: true, devices: [hub, senseIV] }),
    );
    expect(code).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('"status": "present"');
    expect(text).toMatch(
      /USB-устройств: 2\n {2}1d6b:0002 {2}root hub\n {2}0471:485d {2}Senselock \/ SenseIV/,
    );
    expect(text).toMatch(/dry run, nothing written/);
  });
});

describe('smart agent --store github: the token', () => {
  const TOKEN = 'github_pat_11SECRETSECRETSECRET';

  it('refuses to run without GITHUB_TOKEN', async () => {
    const io = capture({ GITHUB_REPOSITORY: 'uniclass/smart-status' });
    const code = await run(
      ['--installation', 'acme/main', '--store', 'github', '--once'],
      io,
      deps({ ok: true, devices: [] }),
    );
    expect(code).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/GITHUB_TOKEN is not set/);
  });

  it('is never printed, even when an error message carries it', async () => {
    const leaky: StatusStore = {
      name: 'uniclass/smart-status@status',
      read: async () => undefined,
      list: async () => [],
      update: async () => {
        throw new Error(`request with Authorization: token ${TOKEN} failed: 401 Bad credentials`);
      },
    };
    const io = capture({ GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'uniclass/smart-status' });
    const code = await run(
      ['--installation', 'acme/main', '--store', 'github', '--once'],
      io,
      deps({ ok: true, devices: [senseIV] }, { openGithubStore: async () => leaky }),
    );
    expect(code).toBe(1);
    const all = [...io.stdout, ...io.stderr].join('\n');
    expect(all).toMatch(/the report was not saved: .*401 Bad credentials/);
    expect(all).not.toContain(TOKEN);
  });
});
