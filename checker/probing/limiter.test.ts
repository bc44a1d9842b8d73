import { describe, expect, it } from 'vitest';
import { createLimiter } from './limiter.ts';

describe('createLimiter', () => {
  it('never runs more than total at once, nor more than perKey for one host', async () => {
    const limiter = createLimiter(5, 2);
    let active = 0;
    let peak = 0;
    const perHost = new Map<string, number>();
    let peakHost = 0;
    const release: (() => void)[] = [];
    const tasks = Array.from({ length: 40 }, (_, i) => {
      const host = i % 3 === 0 ? 'busy' : `h${i}`;
      return limiter.run(host, async () => {
        active++;
        perHost.set(host, (perHost.get(host) ?? 0) + 1);
        peak = Math.max(peak, active);
        peakHost = Math.max(peakHost, perHost.get(host)!);
        await new Promise<void>((r) => release.push(r));
        active--;
        perHost.set(host, perHost.get(host)! - 1);
        return i;
      });
    });
    // Release tasks one by one until all are done.
    let finished = 0;
    for (const t of tasks) t.then(() => finished++);
    while (finished < tasks.length) {
      await new Promise((r) => setImmediate(r));
      release.shift()?.();
    }
    expect(await Promise.all(tasks)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(peak).toBe(5);
    expect(peakHost).toBe(2);
  });

  it('a blocked host does not hold back other hosts', async () => {
    const limiter = createLimiter(2, 1);
    const order: string[] = [];
    let releaseA!: () => void;
    const a1 = limiter.run('a', () => new Promise<void>((r) => (releaseA = r)).then(() => order.push('a1')));
    const a2 = limiter.run('a', async () => order.push('a2'));
    const b = limiter.run('b', async () => order.push('b'));
    await b;
    expect(order).toEqual(['b']);
    releaseA();
    await Promise.all([a1, a2]);
    expect(order).toEqual(['b', 'a1', 'a2']);
  });
});
