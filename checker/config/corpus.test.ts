import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const corpus = join(import.meta.dirname, 'testdata', 'invalid');

/** Runs `smart validate` as a user would, in a subprocess, and returns exit status and output. */
async function validate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['checker/cli.ts', 'validate', ...args], {
      cwd: root,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function expectUsefulFailure(result: { code: number; stdout: string; stderr: string }, fragment: string) {
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(fragment);
  // Every problem names the file with line and column; nothing looks like a stack trace.
  const line = result.stderr.split('\n').find((l) => l.includes(fragment))!;
  expect(line).toMatch(/\.(yaml|md):\d+:\d+ /);
  expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(result.stderr).not.toContain('internal error');
}

describe('invalid installations.yaml corpus', async () => {
  const files = (await readdir(corpus)).filter((f) => f.endsWith('.yaml')).sort();

  it('has at least 30 cases', async () => {
    const dirs = (await readdir(corpus)).filter((f) => f.startsWith('docs-'));
    expect(files.length + dirs.length + 1).toBeGreaterThanOrEqual(30);
  });

  it.concurrent.each(files)('%s fails with a located, readable message', async (name) => {
    const file = join(corpus, name);
    const firstLine = (await readFile(file, 'latin1')).split('\n')[0]!;
    const fragment = Buffer.from(firstLine.replace(/^# expect: /, ''), 'latin1').toString('utf8');
    const result = await validate(['--config', file, '--docs', 'docs/errors']);
    expectUsefulFailure(result, fragment);
    expect(result.stderr).toContain(`testdata/invalid/${name}:`);
  });
});

describe('invalid alert docs corpus', async () => {
  const dirs = (await readdir(corpus)).filter((f) => f.startsWith('docs-')).sort();
  it.concurrent.each(dirs)('%s fails with a located, readable message', async (dir) => {
    const fragment = (await readFile(join(corpus, dir, 'expect.txt'), 'utf8')).trim();
    const result = await validate(['--config', 'installations.yaml', '--docs', join(corpus, dir)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(fragment);
    expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });
});

describe('inputs too big to read', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smart-big-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a 10 MB file is refused before parsing', async () => {
    const file = join(dir, 'huge.yaml');
    const line = `# ${'x'.repeat(1022)}\n`;
    await writeFile(file, `site:\n  url: https://smart.example\n${line.repeat(10 * 1024)}`);
    const result = await validate(['--config', file, '--docs', 'docs/errors']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/huge\.yaml the file is 10\.0 MiB; at most 8 MiB is accepted/);
  });
});
