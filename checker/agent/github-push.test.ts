import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../commands/agent.ts';
import type { CommandIo } from '../commands/io.ts';
import { agentReportSchema } from '../status/schema.ts';
import { createGithubStore } from '../store/github.ts';
import { createGithubClient } from '../store/github-client.ts';
import type { StatusStore } from '../store/types.ts';
import { gitText } from '../testing/git-cli.ts';
import { type GithubStandIn, startGithubStandIn } from '../testing/github-stand-in.ts';

const TOKEN = 'github_pat_11AGENTSECRET0123456789';
const NOW = new Date('2026-11-28T18:00:00.000Z');
const senseIV = { vendorId: 0x0471, productId: 0x485d, manufacturer: 'Senselock', product: 'SenseIV' };

let dir = '';
let gh: GithubStandIn;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-github-'));
  await writeFile(
    join(dir, 'installations.yaml'),
    [
      'site: { url: https://smart.example }',
      'clients:',
      '  - id: acme',
      '    title: A',
      '    installations:',
      '      - id: main',
      '        title: K',
      // Port 1 on loopback: nothing listens, the local check says so quickly.
      '        url: http://kodeks.acme.example:1/',
      '        probes: { agent: {} }',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  gh = await startGithubStandIn({ token: TOKEN });
});
afterEach(async () => {
  await gh.close();
});

function capture(env: NodeJS.ProcessEnv): CommandIo & { text: () => string } {
  const lines: string[] = [];
  return {
    out: (t) => lines.push(t),
    err: (t) => lines.push(t),
    isTty: false,
    env,
    cwd: dir,
    text: () => lines.join('\n'),
  };
}

const env = () => ({
  GITHUB_TOKEN: TOKEN,
  GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
  GITHUB_API_URL: gh.url,
});
const argv = ['--installation', 'acme/main', '--store', 'github', '--once'];
const usb = { lister: { list: async () => ({ ok: true as const, devices: [senseIV] }) }, now: () => NOW };
const fastStore = (token = TOKEN): StatusStore =>
  createGithubStore({
    token,
    repository: `${gh.owner}/${gh.repo}`,
    octokit: createGithubClient({ token, apiUrl: gh.url, writeSpacingMs: 0, retryUnitMs: 5 }),
    backoffMs: 5,
  });

describe('smart agent --store github (against the GitHub stand-in)', () => {
  it('ends up as one commit on branch status with agents/acme/main.json, the token never printed', async () => {
    const io = capture(env());
    const code = await run(argv, io, { ...usb, hostname: () => 'kodeks-srv' });
    expect(io.text()).not.toContain(TOKEN);
    expect(code).toBe(0);
    expect(io.text()).toMatch(
      /agents\/acme\/main\.json: usb present \[0471:485d\].*smart\/status-test@status [0-9a-f]{7}/,
    );
    expect(await gitText(gh.repoDir, ['log', '--format=%s', 'status'])).toBe('agent: acme/main usb present');
    expect(await gitText(gh.repoDir, ['ls-tree', '-r', '--name-only', 'status'])).toBe(
      'agents/acme/main.json',
    );
    const report = agentReportSchema.parse(
      JSON.parse(await gitText(gh.repoDir, ['show', 'status:agents/acme/main.json'])),
    );
    expect(report).toMatchObject({ reported_at: NOW.toISOString(), usb: { status: 'present' } });
  });

  it('survives a race with the checker: both commits and both files are on the branch', async () => {
    const checker = fastStore();
    await checker.update('check run 1', async () => new Map([['heartbeat.json', '{"run":1}\n']]));
    const agentStore = fastStore();
    let raced = false;
    // The checker commits between the agent's read of the branch and its ref update: a real 422.
    const racing: StatusStore = {
      name: agentStore.name,
      read: (p) => agentStore.read(p),
      list: (d) => agentStore.list(d),
      update: (message, change) =>
        agentStore.update(message, async (view) => {
          if (!raced) {
            raced = true;
            await checker.update('check run 2', async () => new Map([['heartbeat.json', '{"run":2}\n']]));
          }
          return change(view);
        }),
    };
    const io = capture(env());
    const code = await run(argv, io, { ...usb, openGithubStore: async () => racing });
    expect(code).toBe(0);
    expect(gh.requests.some((r) => r.method === 'PATCH' && r.status === 422)).toBe(true);
    expect(await gitText(gh.repoDir, ['log', '--format=%s', 'status'])).toBe(
      'agent: acme/main usb present\ncheck run 2\ncheck run 1',
    );
    expect(await gitText(gh.repoDir, ['show', 'status:heartbeat.json'])).toBe('{"run":2}');
    expect(await gitText(gh.repoDir, ['ls-tree', '-r', '--name-only', 'status'])).toBe(
      'agents/acme/main.json\nheartbeat.json',
    );
  });

  it('a rejected token: exit 1, a message that says what to do, the token not printed', async () => {
    const io = capture({ ...env(), GITHUB_TOKEN: `${TOKEN}-revoked` });
    const code = await run(argv, io, usb);
    expect(code).toBe(1);
    expect(io.text()).toMatch(/the report was not saved: .*401/);
    expect(io.text()).not.toContain(TOKEN);
  });
});
