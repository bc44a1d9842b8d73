// `smart` as a user runs it: a child process, its stdout, stderr and exit status exactly (issue 18.2, 18.3).
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Each case starts Node; on a loaded machine one start can take seconds.
vi.setConfig({ testTimeout: 120_000 });

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'checker', 'cli.ts');
const VERSION = (JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string })
  .version;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node checker/cli.ts …` (or another script) in `cwd` with a clean environment. */
function smart(args: string[], cwd = root, script = CLI, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [script, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 90_000 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: unknown }).code as number) : 0;
        done({ code: typeof code === 'number' ? code : -1, stdout, stderr });
      },
    );
  });
}

// The commands as `smart --help` lists them: every one of them goes through the same layer.
const COMMANDS = [...(await smart(['--help'])).stdout.matchAll(/^ {2}([a-z][a-z-]+) {2,}/gm)].map(
  (m) => m[1]!,
);

let dir: string;
beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'smart-cli-')));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('one argument layer for every command (18.3)', () => {
  it('smart --help lists the commands', () => {
    expect(COMMANDS).toEqual([
      'validate',
      'check',
      'demo',
      'agent',
      'notify-test',
      'schema',
      'compact',
      'watchdog',
    ]);
  });

  it('a positional argument is refused with a hint to --only, and nothing is checked', async () => {
    const cwd = join(dir, 'positional');
    await mkdir(cwd);
    await cp(join(root, 'installations.yaml'), join(cwd, 'installations.yaml'));
    const r = await smart(['check', 'acme', '--notify', 'none'], cwd);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'smart check: unexpected argument "acme" (to check one client or installation: --only acme); see `smart check --help`\n',
    });
    await expect(readFile(join(cwd, 'status', 'heartbeat.json'))).rejects.toThrow(/ENOENT/);
  });

  it.concurrent.each(COMMANDS)('smart %s --bogus: one readable line, exit 2', async (command) => {
    const r = await smart([command, '--bogus'], dir);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `smart ${command}: unknown option --bogus; see \`smart ${command} --help\`\n`,
    });
  });

  it.concurrent.each([
    [
      ['check', '--store', 's3'],
      'smart check: --store "s3": expected fs or github; see `smart check --help`',
    ],
    [
      ['check', '--notify=mail'],
      'smart check: --notify "mail": expected telegram, console or none; see `smart check --help`',
    ],
    [
      ['watchdog', '--store', 's3'],
      'smart watchdog: --store "s3": expected fs or github; see `smart watchdog --help`',
    ],
    [
      ['agent', '--installation', 'acme/main', '--store', 's3'],
      'smart agent: --store "s3": expected github; see `smart agent --help`',
    ],
    [
      ['check', '--stor', 'fs'],
      'smart check: unknown option --stor (did you mean --store?); see `smart check --help`',
    ],
    [['check', '--config'], 'smart check: --config needs a value; see `smart check --help`'],
    [
      ['validate', '--config', '--docs', 'x'],
      'smart validate: --config needs a value; see `smart validate --help`',
    ],
    [['check', '--json=yes'], 'smart check: --json takes no value (got "yes"); see `smart check --help`'],
    [['check', '-x'], 'smart check: unknown option -x; see `smart check --help`'],
    [['validate', '--', 'extra'], 'smart validate: unexpected argument "extra"; see `smart validate --help`'],
    [['chek'], 'smart: unknown command "chek" (did you mean check?); see `smart --help`'],
    [['--bogus'], 'smart: unknown option "--bogus"; see `smart --help`'],
    [
      ['notify-test', '--thread', 'x'],
      'smart notify-test: --thread x: a topic number is a whole number above 0; see `smart notify-test --help`',
    ],
    [
      ['compact', '--keep', 'soon'],
      'smart compact: --keep "soon": expected a duration such as 6h or 1d; see `smart compact --help`',
    ],
  ])('%j says which value was wrong and what is allowed', async (args, line) => {
    const r = await smart(args, dir);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
    expect(r.stderr).not.toContain('To specify a positional argument');
  });

  it('a negative chat id is a value, not an option', async () => {
    // Parsed as --chat -100…: the run goes on to the missing token (exit 1), not a usage error.
    const r = await smart(['notify-test', '--chat', '-1001234567890'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^smart notify-test: TELEGRAM_BOT_TOKEN is not set/);
  });

  it.concurrent.each([
    ['smart validate without an installations.yaml', ['validate']],
    ['smart check --store github without GITHUB_TOKEN', ['check', '--store', 'github', '--config', CONFIG()]],
    ['smart compact without GITHUB_TOKEN', ['compact']],
    ['smart notify-test without TELEGRAM_BOT_TOKEN', ['notify-test']],
  ])('run-time failures exit 1: %s', async (_name, args) => {
    const r = await smart(args, dir);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^(smart [a-z-]+: |\S+ )/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('smart --version and -V print the package version', async () => {
    for (const flag of ['--version', '-V']) {
      expect(await smart([flag])).toEqual({ code: 0, stdout: `smart ${VERSION}\n`, stderr: '' });
    }
    const viaBin = await smart(['--version'], dir, join(root, 'bin', 'smart.js'));
    expect(viaBin).toEqual({ code: 0, stdout: `smart ${VERSION}\n`, stderr: '' });
  });

  it('smart --help documents the exit statuses; smart alone is a usage error on stderr', async () => {
    const help = await smart(['--help']);
    expect(help.code).toBe(0);
    for (const row of [
      /^ {2}0 {4}the command did its job/m,
      /^ {2}1 {4}it could not/m,
      /^ {2}2 {4}the command line is wrong/m,
      /^ {2}70 /m,
      /^ {2}130 /m,
    ])
      expect(help.stdout).toMatch(row);
    const bare = await smart([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toBe(help.stdout);
  });

  it.concurrent.each(COMMANDS)(
    'smart %s --help is English (the language policy), on stdout, exit 0',
    async (command) => {
      const r = await smart([command, '--help'], dir);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout.startsWith(`usage: smart ${command}`)).toBe(true);
      // Russian names in «quotes» (a hosting's name) are names, not the language of the text.
      expect(r.stdout.replace(/«[^»]*»/g, '')).not.toMatch(/[А-Яа-яЁё]/);
      if (command === 'check') expect(await smart(['help', command], dir)).toEqual(r);
    },
  );
});

function CONFIG(): string {
  return join(root, 'installations.yaml');
}

describe('--docs defaults to docs/errors next to --config (18.3)', () => {
  it('validates a project in another folder without --docs', async () => {
    const project = join(dir, 'project');
    await mkdir(join(project, 'docs'), { recursive: true });
    await cp(join(root, 'installations.yaml'), join(project, 'installations.yaml'));
    await cp(join(root, 'docs', 'errors'), join(project, 'docs', 'errors'), { recursive: true });
    const r = await smart(['validate', '--config', join(project, 'installations.yaml')], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/installations?, \d+ runbooks .*: OK\n$/);
  });

  it('a missing docs folder is one clear line, not ENOENT', async () => {
    const alone = join(dir, 'alone');
    await mkdir(alone);
    await cp(join(root, 'installations.yaml'), join(alone, 'installations.yaml'));
    const r = await smart(['validate', '--config', 'alone/installations.yaml'], dir);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'smart validate: the alert docs folder alone/docs/errors does not exist (looked for next to alone/installations.yaml; pass --docs DIR)\n1 problem found\n',
    });
    const named = await smart(['validate', '--config', 'alone/installations.yaml', '--docs', 'nowhere'], dir);
    expect(named.stderr).toBe(
      'smart validate: the alert docs folder nowhere does not exist\n1 problem found\n',
    );
  });

  it('smart schema --check outside the repository says the file is missing', async () => {
    const r = await smart(['schema', '--check'], dir);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'smart schema: checker/config/installations.schema.json does not exist (run it from the repository root, or pass --out FILE)\n',
    });
  });
});

describe('paths in diagnostics open in an editor (18.2)', () => {
  let bad: string;
  beforeAll(async () => {
    await mkdir(join(dir, 'x', 'qa'), { recursive: true });
    await mkdir(join(dir, 'x', 'qa-run', 'bad'), { recursive: true });
    bad = join(dir, 'x', 'qa-run', 'bad', 'installations.yaml');
    const text = await readFile(
      join(import.meta.dirname, 'config', 'testdata', 'invalid', '12-bad-ip.yaml'),
      'utf8',
    );
    await writeFile(bad, text);
  });
  const docs = join(root, 'docs', 'errors');
  const line = ':15:13 clients[0].installations[0].ip: "300.1.1.1" is not an IP address';

  it.concurrent.each([
    ['validate', []],
    ['check', ['--notify', 'none', '--dry-run']],
    ['watchdog', []],
  ])('smart %s: a file outside the cwd is named by its absolute path', async (command, extra) => {
    // cwd /x/qa, config /x/qa-run/bad/installations.yaml: a prefix check without a separator cut
    // "/x/qa" off and printed "run/bad/installations.yaml".
    const r = await smart([command, '--config', bad, '--docs', docs, ...extra], join(dir, 'x', 'qa'));
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`${bad}${line}`);
  });

  it.concurrent.each([
    ['validate', ['--docs', docs]],
    ['check', ['--docs', docs, '--notify', 'none', '--dry-run']],
    ['watchdog', ['--docs', docs]],
    ['agent', ['--installation', 'acme/main', '--dry-run']],
    ['notify-test', []],
  ])('smart %s: a file inside the cwd is named relative to it', async (command, extra) => {
    const r = await smart(
      [command, '--config', 'qa-run/bad/installations.yaml', ...extra],
      join(dir, 'x'),
      CLI,
      {
        TELEGRAM_BOT_TOKEN: '1:x',
        TELEGRAM_API_ROOT: 'http://127.0.0.1:1',
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`qa-run/bad/installations.yaml${line}`);
  });
});
