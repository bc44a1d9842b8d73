// What the status branch holds when the repository is public (docs/decisions.md): after the agent pushed
// its report and the checker ran until an alert fired (the second failed run) and was sent, nothing ever committed to the branch —
// in any commit, not only the last — holds an installation's address, URL or host name, the agent's host
// name, internal notes or the manager's contact. The message sent still carries them: they come back from
// installations.yaml at the moment of sending.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startDnsServer, type TestDnsServer } from '../testing/dns-server.ts';
import { gitText } from '../testing/git-cli.ts';
import { type GithubStandIn, startGithubStandIn } from '../testing/github-stand-in.ts';
import { type LocalServer, startHttpServer } from '../testing/http-server.ts';
import { run as agent } from './agent.ts';
import { run as check } from './check.ts';
import type { CommandIo } from './io.ts';

const TOKEN = 'ghs_privacy-test-token-0123456789';
const HOST = 'kodeks-private-marker.test';
const AGENT_HOST = 'AGENT-HOST-MARKER-7';
const NOTES = 'NOTES-MARKER: ключ в серверной, пароль у админа';
const MANAGER = '@marker_manager';
let dir = '';
let gh: GithubStandIn;
let dns: TestDnsServer;
let web: LocalServer;
let url = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'status-privacy-'));
  gh = await startGithubStandIn({ token: TOKEN });
  // The server answers 500 on the domain path: KodeksBehindProxyDown fires after two runs.
  web = await startHttpServer((_req, res) => void res.writeHead(500).end('broken'));
  dns = await startDnsServer({ [HOST]: ['127.0.0.1'] });
  url = `http://${HOST}:${web.port}/`;
  const config = {
    site: { url: 'https://status.example' },
    checker: { timeout: '1s', resolvers: [dns.address] },
    notify: { telegram: { chat: '-1001234567890' } },
    clients: [
      {
        id: 'acme',
        title: 'ООО «Акме»',
        manager: { name: 'Иван Маркеров', telegram: MANAGER },
        installations: [
          {
            id: 'main',
            title: 'Кодекс',
            url,
            ip: '127.0.0.1',
            notes: NOTES,
            probes: { http: {}, dns: {}, agent: {} },
          },
        ],
      },
    ],
  };
  await writeFile(join(dir, 'installations.yaml'), stringify(config));
});
afterAll(async () => {
  await Promise.all([gh?.close(), dns?.close(), web?.close()]);
  await rm(dir, { recursive: true, force: true });
});

function capture(): CommandIo & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    out: (t) => lines.push(t),
    err: (t) => lines.push(t),
    isTty: false,
    env: { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`, GITHUB_API_URL: gh.url },
    cwd: dir,
  };
}

describe('the status branch of a public repository', () => {
  it('never holds the configured addresses, URLs, host names, notes, contacts or the agent host name', async () => {
    const START = Date.parse('2026-11-28T03:00:00Z');
    const a = capture();
    const code = await agent(['--installation', 'acme/main', '--store', 'github', '--once'], a, {
      lister: { list: async () => ({ ok: true, devices: [] }) },
      hostname: () => AGENT_HOST,
      now: () => new Date(START),
    });
    expect(code, a.lines.join('\n')).toBe(0);

    const sent: string[] = [];
    for (let run = 0; run < 2; run++) {
      const io = capture();
      const docs = new URL('../../docs/errors', import.meta.url).pathname;
      const exit = await check(['--docs', docs, '--store', 'github', '--notify', 'console'], io, {
        now: () => new Date(START + run * 5 * 60_000),
        githubRetryUnitMs: 5,
      });
      expect(exit, io.lines.join('\n')).toBe(0);
      sent.push(...io.lines);
    }
    // The alert fired and its message, as sent, names the installation's host and address.
    expect(sent.join('\n')).toContain(HOST);
    expect(sent.join('\n')).toContain('127.0.0.1');

    // Every version of every file ever committed to the branch.
    const history = await gitText(gh.repoDir, ['log', '-p', '--format=commit %H %s', 'status']);
    expect(history).toContain('KodeksBehindProxyDown');
    expect(history).toContain('"pending"');
    for (const secret of [HOST, url, '127.0.0.1', AGENT_HOST, 'NOTES-MARKER', MANAGER, 'Маркеров'])
      expect(history, secret).not.toContain(secret);
  });
});
