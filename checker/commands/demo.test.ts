import { describe, expect, it } from 'vitest';
import { run } from './demo.ts';
import type { CommandIo } from './io.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const value: CommandIo = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    isTty: false,
    env: {},
    cwd: '/',
  };
  return { out, err, io: value };
}

describe('smart demo options', () => {
  it.each([
    [['--cycles', '2'], '--cycles: "2" must be a whole number from 4 to 100'],
    [['--port', 'http'], '--port: "http" is not a port number'],
    [['--interval', 'soon'], '--interval: "soon" must be a duration'],
    [['--colour'], "Unknown option '--colour'"],
  ])('%j is refused with a one-line reason and the usage', async (argv, reason) => {
    const t = io();
    expect(await run(argv, t.io)).toBe(2);
    expect(t.err.join('\n')).toContain(reason);
    expect(t.err.join('\n')).toContain('usage: smart demo');
  });

  it('--help prints the usage and exits 0', async () => {
    const t = io();
    expect(await run(['--help'], t.io)).toBe(0);
    expect(t.out.join('\n')).toContain('--no-serve');
  });
});
