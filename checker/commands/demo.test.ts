import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCREENSHOT_CLOCK } from '../demo/screenshots.ts';
import { captureIo } from '../testing/capture-io.ts';
import { demoNow, run } from './demo.ts';

const io = () => captureIo('/');

describe('smart demo options', () => {
  it.each([
    [['--cycles', '2'], '--cycles: "2" must be a whole number from 4 to 100'],
    [['--port', 'http'], '--port: "http" is not a port number'],
    [['--interval', 'soon'], '--interval: "soon" must be a duration'],
    [['--colour'], 'unknown option --colour'],
    [['--now', '2026-12-01 00:40'], '--now: "2026-12-01 00:40" is not a time'],
  ])('%j is refused with a one-line reason and where the options are', async (argv, reason) => {
    const t = io();
    expect(await run(argv, t.value)).toBe(2);
    expect(t.err).toHaveLength(1);
    expect(t.err[0]).toContain(`smart demo: ${reason}`);
    expect(t.err[0]).toMatch(/; see `smart demo --help`$/);
  });

  it('screenshots are taken on a fixed clock on the 1st of a month; --now sets any other', () => {
    expect(demoNow(undefined, true)?.toISOString()).toBe('2026-11-30T21:40:00.000Z');
    expect(SCREENSHOT_CLOCK).toMatch(/^\d{4}-\d{2}-01T/);
    expect(demoNow('2026-06-15T12:00:00+03:00', true)?.toISOString()).toBe('2026-06-15T09:00:00.000Z');
    expect(demoNow(undefined, false)).toBeNull();
  });

  it('--help prints the usage and exits 0', async () => {
    const t = io();
    expect(await run(['--help'], t.value)).toBe(0);
    expect(t.out.join('\n')).toContain('--no-serve');
  });
});

describe('smart demo process', () => {
  it('Ctrl-C during the cycles stops everything and removes the temporary folder', async () => {
    const cli = join(import.meta.dirname, '..', 'cli.ts');
    const child = spawn(process.execPath, [cli, 'demo', '--cycles', '4', '--interval', '30s', '--no-serve'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        // Interrupt while it waits between cycles.
        if (out.includes('── Цикл 1/4') && out.includes('проверок')) resolve();
      });
      child.on('close', () => reject(new Error(`demo ended before the first cycle:\n${out}`)));
    });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(out).toContain('Демо прервано: серверы остановлены, временная папка удалена.');
    const dir = out.match(/папка (\S+)/)?.[1];
    expect(dir).toBeDefined();
    expect(existsSync(dir!)).toBe(false);
  }, 60_000);

  it('`smart demo | head`: a pipe closed early stops it quietly and removes the temporary folder', async () => {
    const cli = join(import.meta.dirname, '..', 'cli.ts');
    const child = spawn(process.execPath, [cli, 'demo', '--cycles', '4', '--interval', '0', '--no-serve'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Like `head -2`: read the first lines, then close the pipe while the demo still has much to say.
    const dir = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        const found = out.match(/папка (\S+)\n/)?.[1];
        if (found) {
          child.stdout.destroy();
          resolve(found);
        }
      });
      child.on('close', () => reject(new Error(`demo ended before naming its folder:\n${out}${err}`)));
    });
    expect(await exited).toBe(0);
    expect(err).toBe('');
    expect(existsSync(dir)).toBe(false);
  }, 120_000);
});
