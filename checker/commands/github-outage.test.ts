// What `smart check`, `smart agent` and `smart compact` say when the GitHub API hangs, refuses the
// connection, answers HTML, or echoes the token: a bounded wait, words instead of «GitHub ответил 500» or
// «Cannot read properties of undefined», and no piece of any secret in the output.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FRAGMENT } from '../secrets/scrub.ts';
import { createGithubStore } from '../store/github.ts';
import { createGithubClient } from '../store/github-client.ts';
import { type GithubStandIn, type StandInFault, startGithubStandIn } from '../testing/github-stand-in.ts';
import { closedPort } from '../testing/http-server.ts';
import { run as agent } from './agent.ts';
import { run as check } from './check.ts';
import type { CommandIo } from './io.ts';

const TOKEN = 'ghp_R8xQ2mZt7LwK9vB4nC6yH1sD3fG5jP0aE2uV';
const TG_TOKEN = '7777777777:AAF-telegram-secret-token-value-123';
const SMTP_PASSWORD = 'smtp-pa55word-secret';
let dir = '';
let gh: GithubStandIn;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'github-outage-'));
  const port = await closedPort();
  const config = {
    site: { url: 'https://status.example' },
    checker: { timeout: '1s' },
    clients: [
      {
        id: 'acme',
        title: 'ООО «Акме»',
        installations: [
          {
            id: 'main',
            title: 'Кодекс',
            url: `http://127.0.0.1:${port}/`,
            ip: '127.0.0.1',
            probes: { http: { by_ip: false } },
          },
        ],
      },
    ],
  };
  await writeFile(join(dir, 'installations.yaml'), stringify(config));
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

function capture(env: Record<string, string>): CommandIo & { all: () => string } {
  const lines: string[] = [];
  return {
    out: (t) => lines.push(t),
    err: (t) => lines.push(t),
    isTty: false,
    // Always a local API: never the real api.github.com.
    env: { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`, GITHUB_API_URL: gh.url, ...env },
    cwd: dir,
    all: () => lines.join('\n'),
  };
}

const docs = new URL('../../docs/errors', import.meta.url).pathname;
const checkArgs = ['--config', 'installations.yaml', '--docs', docs, '--store', 'github', '--notify', 'none'];
const fast = { githubRetryUnitMs: 5, githubTimeoutMs: 400 };

function expectReadable(text: string) {
  expect(text).not.toMatch(/Cannot read properties|undefined|TypeError/);
  expect(text).not.toMatch(/ответил 500/);
}

describe('smart check --store github when the API misbehaves', () => {
  it('an API that accepts the connection and never answers ends the run within the timeout', async () => {
    gh.inject({ kind: 'hang', times: 20 });
    const io = capture({});
    expect(await check(checkArgs, io, fast)).toBe(1);
    expect(io.all()).toMatch(/GitHub API не ответил за 400 мс \(чтение ветки status\)/);
    expectReadable(io.all());
    // One hanging request, not four: a timeout is not retried.
    expect(gh.requests.filter((r) => r.status === 0)).toHaveLength(1);
  });

  it('a refused connection is said to be one, not «GitHub ответил 500»', async () => {
    const port = await closedPort();
    const io = capture({ GITHUB_API_URL: `http://127.0.0.1:${port}` });
    expect(await check(checkArgs, io, fast)).toBe(1);
    expect(io.all()).toMatch(
      /GitHub API недоступен \(чтение ветки status\): соединение отклонено \(ECONNREFUSED\)/,
    );
    expectReadable(io.all());
  });

  const htmlCases: [string, StandInFault['kind'], RegExp][] = [
    ['an HTML page with 200 (captive portal, wrong URL)', 'html', /ответили не JSON \(200, text\/html/],
    ['an HTML error page of a proxy', 'proxy-error', /GitHub ответил 502 не в формате JSON \(text\/html/],
  ];
  it.each(htmlCases)('%s gives a readable error', async (_name, kind, expected) => {
    gh.inject({ kind, times: 20 });
    const io = capture({ GITHUB_API_URL: gh.url });
    expect(await check(checkArgs, io, fast)).toBe(1);
    expect(io.all()).toMatch(expected);
    expectReadable(io.all());
    expect(io.all()).not.toContain('<html');
  });
});

describe('smart agent --once --store github when the API hangs', () => {
  it('gives up after the timeout with words, and exits 1', async () => {
    gh.inject({ kind: 'hang', times: 20 });
    const io = capture({ GITHUB_API_URL: gh.url });
    const code = await agent(
      ['--installation', 'acme/main', '--config', 'installations.yaml', '--store', 'github', '--once'],
      io,
      {
        lister: { list: async () => ({ ok: true, devices: [] }) },
        openGithubStore: async (o) =>
          createGithubStore({
            ...o,
            octokit: createGithubClient({
              token: o.token,
              apiUrl: o.apiUrl,
              ...{ retryUnitMs: 5, timeoutMs: 400 },
            }),
          }),
      },
    );
    expect(code).toBe(1);
    expect(io.all()).toMatch(/the report was not saved: GitHub API не ответил за 400 мс/);
    expectReadable(io.all());
  });
});

describe('secrets printed in part', () => {
  it('a front end that echoes the Authorization header leaves no piece of any secret in the output', async () => {
    gh.inject({ kind: 'echo-auth', times: 20 });
    // The real CLI in a process of its own: what its stdout and stderr carry is what a CI log would show.
    const cli = new URL('../cli.ts', import.meta.url).pathname;
    const { code, text } = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [cli, 'check', ...checkArgs],
        {
          cwd: dir,
          env: {
            PATH: process.env.PATH,
            GITHUB_TOKEN: TOKEN,
            GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
            GITHUB_API_URL: gh.url,
            TELEGRAM_BOT_TOKEN: TG_TOKEN,
            SMTP_URL: `smtp://mailer:${SMTP_PASSWORD}@127.0.0.1:2525`,
          },
        },
        (_err, stdout, stderr) => resolve({ code: child.exitCode, text: `${stdout}\n${stderr}` }),
      );
    });
    expect(code).toBe(1);
    // The server did answer with the header: the message is there, the token is not.
    expect(text).toMatch(/GitHub ответил 400 .*rejected header token \*\*\*/);
    for (const secret of [TOKEN, TG_TOKEN, SMTP_PASSWORD])
      for (let i = 0; i + FRAGMENT <= secret.length; i++)
        expect(text).not.toContain(secret.slice(i, i + FRAGMENT));
  });
});
