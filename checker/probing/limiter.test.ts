import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLimiter, type Heard } from './limiter.ts';

/** A task the test ends by hand, recording when it started (fake clock). */
function gate(log: string[], name: string) {
  let finish!: (heard: Heard) => void;
  let startedAt: number | undefined;
  const task = () => {
    startedAt = Date.now();
    log.push(name);
    return new Promise<Heard>((r) => {
      finish = r;
    });
  };
  return {
    task,
    end: (heard: Heard = 'answer') => finish(heard),
    get startedAt() {
      return startedAt;
    },
  };
}

const byHeard = (h: Heard) => h;
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('createLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never has more than total checks active at once, nor more than perKey for one address', async () => {
    const limiter = createLimiter({ total: 5, perKey: 2, patienceMs: 1e9, now: Date.now });
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
    let finished = 0;
    for (const t of tasks) t.then(() => finished++);
    while (finished < tasks.length) {
      await flush();
      release.shift()?.();
    }
    expect(await Promise.all(tasks)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(peak).toBe(5);
    expect(peakHost).toBe(2);
  });

  it('contacts an address with one check until it has answered, then with perKey', async () => {
    const limiter = createLimiter({ total: 10, perKey: 3, patienceMs: 1e9, now: Date.now });
    const log: string[] = [];
    const checks = Array.from({ length: 6 }, (_, i) => gate(log, `a${i}`));
    const done = checks.map((c) => limiter.run('a', c.task, byHeard));
    await flush();
    expect(log).toEqual(['a0']);
    checks[0]!.end('answer');
    await flush();
    expect(log).toEqual(['a0', 'a1', 'a2', 'a3']);
    for (const c of checks.slice(1)) {
      c.end('answer');
      await flush();
    }
    await Promise.all(done);
    expect(log).toHaveLength(6);
  });

  it('lets addresses take turns: the first check of each before the second of any', async () => {
    const limiter = createLimiter({ total: 1, perKey: 4, patienceMs: 1e9, now: Date.now });
    const order: string[] = [];
    const all: Promise<unknown>[] = [];
    for (const key of ['a', 'b', 'c'])
      for (let i = 1; i <= 2; i++)
        all.push(
          limiter.run(
            key,
            async () => order.push(`${key}${i}`),
            () => 'answer',
          ),
        );
    await Promise.all(all);
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'c2']);
  });

  it('a check that waits longer than its patience stops holding back the others of its address', async () => {
    const limiter = createLimiter({ total: 64, perKey: 4, patienceMs: 100, now: Date.now });
    const log: string[] = [];
    // A proxy that keeps answering, while the backends of some of its sites hang.
    await limiter.run('proxy', async () => 'answer' as Heard, byHeard);
    const startedAt = new Map<string, number>();
    const all: Promise<Heard>[] = [];
    for (let i = 0; i < 12; i++) {
      const h = gate(log, `hang${i}`);
      all.push(limiter.run('proxy', h.task, byHeard));
      all.push(
        limiter.run(
          'proxy',
          async () => {
            startedAt.set(`ok${i}`, Date.now());
            return 'answer' as Heard;
          },
          byHeard,
        ),
      );
    }
    await flush();
    expect(log).toEqual(['hang0', 'hang1', 'hang2', 'hang3']);
    // Four hanging at a time, each holding its slot for 100 ms: the last healthy one starts after
    // 3 × 100 ms, not after three of the hanging ones' timeouts.
    await vi.advanceTimersByTimeAsync(200);
    expect(log).toHaveLength(12);
    await vi.advanceTimersByTimeAsync(100);
    expect(startedAt.get('ok11')).toBe(300);
    expect(limiter.stats()).toMatchObject({ silentKeys: 0, peakActivePerKey: 4, stalled: 12 });
    void all;
  });

  it('starts every remaining check of a silent address at once, each left to its own timeout', async () => {
    const limiter = createLimiter({ total: 64, perKey: 4, patienceMs: 100, now: Date.now });
    const log: string[] = [];
    const checks = Array.from({ length: 50 }, (_, i) => gate(log, `c${i}`));
    const done = checks.map((c) => limiter.run('hosting', c.task, byHeard));
    await flush();
    expect(log).toEqual(['c0']);
    await vi.advanceTimersByTimeAsync(99);
    expect(log).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toHaveLength(50);
    expect(checks.every((c) => c.startedAt !== undefined && c.startedAt <= 100)).toBe(true);
    for (const c of checks) c.end('silence');
    expect(await Promise.all(done)).toEqual(checks.map(() => 'silence'));
    expect(limiter.stats()).toMatchObject({ silentKeys: 1, startedSilent: 49, peakActivePerKey: 1 });
  });

  it('an answer ends the silence: later checks of the address are bounded again', async () => {
    const limiter = createLimiter({ total: 64, perKey: 2, patienceMs: 100, now: Date.now });
    const log: string[] = [];
    const first = gate(log, 'first');
    limiter.run('a', first.task, byHeard);
    await vi.advanceTimersByTimeAsync(100);
    first.end('answer');
    await flush();
    const later = Array.from({ length: 5 }, (_, i) => gate(log, `later${i}`));
    for (const c of later) limiter.run('a', c.task, byHeard);
    await flush();
    expect(log).toEqual(['first', 'later0', 'later1']);
  });

  it('gives a slow address twice its slowest answer before a check of it stalls', async () => {
    const limiter = createLimiter({ total: 64, perKey: 1, patienceMs: 100, now: Date.now });
    const log: string[] = [];
    const slow = gate(log, 'slow');
    const first = limiter.run('far', slow.task, byHeard);
    // It answers after 300 ms: past its patience, but it answered, so it is slow, not silent.
    await vi.advanceTimersByTimeAsync(300);
    slow.end('answer');
    await first;
    const next = Array.from({ length: 3 }, (_, i) => gate(log, `next${i}`));
    for (const c of next) limiter.run('far', c.task, byHeard);
    await flush();
    expect(log).toEqual(['slow', 'next0']);
    // Patience is 600 ms now: at 500 ms next0 still holds the address's only slot.
    await vi.advanceTimersByTimeAsync(500);
    expect(log).toEqual(['slow', 'next0']);
    await vi.advanceTimersByTimeAsync(100);
    expect(log).toEqual(['slow', 'next0', 'next1']);
  });

  it('stalled checks of a hanging address do not hold the total either', async () => {
    const limiter = createLimiter({ total: 2, perKey: 2, patienceMs: 100, now: Date.now });
    const log: string[] = [];
    const dead = Array.from({ length: 2 }, (_, i) => gate(log, `dead${i}`));
    dead.map((d, i) => limiter.run(`dead-${i}`, d.task, byHeard));
    const fine = gate(log, 'fine');
    limiter.run('fine', fine.task, byHeard);
    await flush();
    expect(log).toEqual(['dead0', 'dead1']);
    await vi.advanceTimersByTimeAsync(100);
    expect(log).toEqual(['dead0', 'dead1', 'fine']);
  });

  it('passes a task failure on and frees its slot', async () => {
    const limiter = createLimiter({ total: 1, perKey: 1, patienceMs: 1e9, now: Date.now });
    await expect(limiter.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run('a', async () => 7)).resolves.toBe(7);
  });

  it('an address that heard nothing last run does not queue behind the others: its checks start at once', async () => {
    const limiter = createLimiter({ total: 2, perKey: 4, patienceMs: 500, now: Date.now });
    const log: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const start = (name: string, suspect: boolean) => {
      const g = gate(log, name);
      gates.set(name, g);
      void limiter.run(name.split(':')[0], g.task, byHeard, suspect);
    };
    start('x:1', false);
    start('y:1', false);
    // Queued in config order while both slots are busy: four servers, then the one that timed out last time.
    for (const h of ['a', 'b', 'c', 'd']) start(`${h}:1`, false);
    start('silent:1', true);
    start('silent:2', true);
    await flush();
    // It needs no slot of the total: both of its checks are out, one server's per_host bound is not passed.
    expect(log).toEqual(['x:1', 'y:1', 'silent:1', 'silent:2']);
    expect(limiter.stats().peakActive).toBe(2);
    gates.get('x:1')!.end();
    await flush();
    expect(log.at(-1)).toBe('a:1');
    // It hears nothing again: after its patience it is silent, which holds nobody back either.
    await vi.advanceTimersByTimeAsync(500);
    expect(limiter.stats().silentKeys).toBeGreaterThanOrEqual(1);
  });

  it('a fleet whose silent servers outnumber the pool: every one of their checks is out at once (issue 15)', async () => {
    // 100 servers that hung last run, two checks each, behind a pool of 64: before, the last of them waited
    // two patiences for a slot and its timeout ended that much after everyone else's.
    const limiter = createLimiter({ total: 64, perKey: 4, patienceMs: 500, now: Date.now });
    const log: string[] = [];
    const dead = Array.from({ length: 200 }, (_, i) => gate(log, `dead${i}`));
    dead.forEach((d, i) => void limiter.run(`dead-${i >> 1}`, d.task, byHeard, true));
    const fine = Array.from({ length: 100 }, (_, i) => gate(log, `fine${i}`));
    fine.forEach((f, i) => void limiter.run(`fine-${i}`, f.task, byHeard, false));
    await flush();
    expect(dead.every((d) => d.startedAt === 0)).toBe(true);
    // The healthy servers still get the whole pool, not a pool the suspects have taken.
    expect(log.filter((n) => n.startsWith('fine'))).toHaveLength(64);
    expect(limiter.stats().peakActive).toBe(64);
    expect(limiter.stats().peakActivePerKey).toBe(2);
  });

  it('a suspect server that answers after all is bounded as any other again', async () => {
    const limiter = createLimiter({ total: 1, perKey: 2, patienceMs: 500, now: Date.now });
    const log: string[] = [];
    const busy = gate(log, 'busy');
    void limiter.run('other', busy.task, byHeard);
    const back = Array.from({ length: 4 }, (_, i) => gate(log, `back${i}`));
    for (const b of back) void limiter.run('back', b.task, byHeard, true);
    await flush();
    // Two out at once (its per_host), none of them counted against the busy pool of one.
    expect(log).toEqual(['busy', 'back0', 'back1']);
    back[0]!.end('answer');
    await flush();
    // It answered: the next check of it needs a slot of the total, which 'busy' holds.
    expect(log).toEqual(['busy', 'back0', 'back1']);
    busy.end('answer');
    await flush();
    expect(log).toEqual(['busy', 'back0', 'back1', 'back2']);
  });
});
