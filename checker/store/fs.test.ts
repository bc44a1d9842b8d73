import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsStore, openFsView } from './fs.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smart-fs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fs store', () => {
  it('creates folders, reads back, lists recursively and deletes', async () => {
    const store = createFsStore(dir);
    expect(await store.read('state/acme.json')).toBeUndefined();
    const res = await store.update('first', async () => {
      return new Map([
        ['state/acme.json', '{"a":1}\n'],
        ['history/acme/2026-11.json', '{}\n'],
        ['heartbeat.json', '{}\n'],
      ]);
    });
    expect(res).toEqual({ changed: 3, retries: 0 });
    expect(await store.read('state/acme.json')).toBe('{"a":1}\n');
    expect(await store.list('')).toEqual(['heartbeat.json', 'history/acme/2026-11.json', 'state/acme.json']);
    expect(await store.list('history')).toEqual(['history/acme/2026-11.json']);
    expect(await store.list('nothing')).toEqual([]);
    const again = await store.update('same', async () => new Map([['state/acme.json', '{"a":1}\n']]));
    expect(again.changed).toBe(0);
    await store.update('delete', async () => new Map([['heartbeat.json', null]]));
    expect(await store.read('heartbeat.json')).toBeUndefined();
  });

  it('refuses paths outside the folder', async () => {
    const store = createFsStore(dir);
    await expect(store.update('bad', async () => new Map([['../evil.json', '{}']]))).rejects.toThrow(
      /outside the store/,
    );
  });

  it('writes nothing when computing the change fails', async () => {
    const store = createFsStore(dir);
    await writeFile(join(dir, 'heartbeat.json'), 'old');
    await expect(
      store.update('boom', async () => {
        throw new Error('corrupt file');
      }),
    ).rejects.toThrow('corrupt file');
    expect(await readFile(join(dir, 'heartbeat.json'), 'utf8')).toBe('old');
    // The queue keeps working after a failed update.
    await store.update('ok', async () => new Map([['heartbeat.json', 'new']]));
    expect(await store.read('heartbeat.json')).toBe('new');
  });

  it('leaves only complete files when the writer is killed with SIGKILL', async () => {
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, [join(import.meta.dirname, 'testdata/write-loop.ts'), dir], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        child.on('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
      });
      // Let it write a little more, at a moment we do not choose.
      await new Promise((r) => setTimeout(r, 20 + round * 15));
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGKILL');
      await exited;
      const store = createFsStore(dir);
      for (const path of await store.list('')) {
        const text = await store.read(path);
        const parsed = JSON.parse(text!) as { schema: number; big: string };
        expect(parsed.schema).toBe(1);
      }
      expect((await store.list('')).length).toBe(3);
    }
    // Temporary files and the lock may be left behind by the kill; they are never listed, and the next
    // update clears them and is not blocked by the dead writer's lock.
    await createFsStore(dir).update(
      'after the kill',
      async () => new Map([['heartbeat.json', '{"schema":1}']]),
    );
    const all = (await readdir(dir, { recursive: true })).map(String);
    expect(all.filter((n) => n.includes('.tmp-') || n.endsWith('.lock'))).toEqual([]);
  });

  it('is not blocked by a lock a crashed PID 1 left (the same PID as this process, another start)', async () => {
    // In a container the checker is PID 1 on every start: the lock of the run that crashed names the PID
    // the next run has. Older versions wrote the bare PID; this one writes a token of its own start.
    for (const stale of [
      `${process.pid}\n`,
      `${JSON.stringify({ pid: process.pid, token: 'an-earlier-process', boot_id: 'x', start: '1' })}\n`,
    ]) {
      await writeFile(join(dir, '.lock'), stale);
      // Before the fix this waited 30 s for "itself" and then failed with «is locked by process …».
      const res = await createFsStore(dir).update(
        'after restart',
        async () => new Map([['heartbeat.json', stale]]),
      );
      expect(res.changed).toBe(1);
      expect(await readdir(dir)).not.toContain('.lock');
    }
  });

  it('still waits for a live holder in another process', async () => {
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const fs=require('node:fs');fs.writeFileSync(process.argv[1]+'/.lock',JSON.stringify({pid:process.pid,token:'live'}));process.stdout.write('held\\n');setTimeout(()=>{process.stdout.write('released '+Date.now()+'\\n');fs.rmSync(process.argv[1]+'/.lock');process.exit(0)},1500)`,
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    await new Promise<void>((resolve) =>
      holder.stdout.on('data', (d: Buffer) => {
        output += d.toString();
        resolve();
      }),
    );
    const exited = new Promise((r) => holder.on('exit', r));
    let changedAt = 0;
    await createFsStore(dir).update('wait', async () => {
      changedAt = Date.now();
      return new Map([['heartbeat.json', '{}']]);
    });
    await exited;
    // The update ran only after the live holder let go of its lock.
    const released = Number(/released (\d+)/.exec(output)?.[1]);
    expect(released).toBeGreaterThan(0);
    expect(changedAt).toBeGreaterThanOrEqual(released);
  });

  it('serializes updates of two stores on one folder', async () => {
    const a = createFsStore(dir);
    const b = createFsStore(dir);
    const bump = (s: typeof a) =>
      s.update('bump', async (view) => {
        const n = Number((await view.read('counter.json')) ?? '0');
        await new Promise((r) => setTimeout(r, 5));
        return new Map([['counter.json', String(n + 1)]]);
      });
    await Promise.all([bump(a), bump(b), bump(a), bump(b)]);
    expect(await a.read('counter.json')).toBe('4');
  });
});

describe('a run lands as a whole', () => {
  const leftovers = async () =>
    (await readdir(dir, { recursive: true })).filter((f) => f.includes('.tmp-') || f.includes('.journal'));

  it('finishes the renames of a writer killed after its journal was written (roll forward)', async () => {
    const store = createFsStore(dir);
    await store.update(
      'run 1',
      async () =>
        new Map([
          ['heartbeat.json', '{"run":1}'],
          ['state/acme.json', '{"run":1}'],
        ]),
    );
    // What a writer killed between its journal and its renames leaves: staged files, the journal, and one
    // rename already done.
    await writeFile(join(dir, 'state', '.tmp-999999999-aaaa'), '{"run":2}');
    await writeFile(join(dir, 'heartbeat.json'), '{"run":2}');
    await writeFile(join(dir, 'old.json'), 'x');
    await writeFile(
      join(dir, '.journal.json'),
      JSON.stringify({
        renames: [
          ['.tmp-999999999-bbbb', 'heartbeat.json'],
          ['state/.tmp-999999999-aaaa', 'state/acme.json'],
        ],
        deletes: ['old.json'],
      }),
    );
    await store.update('run 3', async () => new Map());
    expect(await store.read('heartbeat.json')).toBe('{"run":2}');
    expect(await store.read('state/acme.json')).toBe('{"run":2}');
    expect(await store.read('old.json')).toBeUndefined();
    expect(await leftovers()).toEqual([]);
  });

  it('leaves the old data whole when the writer dies before its journal', async () => {
    const store = createFsStore(dir);
    await store.update('run 1', async () => new Map([['heartbeat.json', '{"run":1}']]));
    await writeFile(join(dir, '.tmp-999999999-cccc'), '{"run":2}'); // staged, no journal: never applied
    await store.update('run 3', async () => new Map());
    expect(await store.read('heartbeat.json')).toBe('{"run":1}');
    expect(await leftovers()).toEqual([]);
  });
});

describe('one fsynced journal per run (issue 15.3)', () => {
  const leftovers = async () =>
    (await readdir(dir, { recursive: true })).filter((f) => f.includes('.tmp-') || f.includes('.journal'));

  it('after a power cut, a file the last run wrote is read from its journal and rewritten by the next update', async () => {
    const store = createFsStore(dir);
    await store.update('run 1', async () => new Map([['state/acme.json', '{"run":1}']]));
    await store.update(
      'run 2',
      async () =>
        new Map([
          ['heartbeat.json', '{"run":2}'],
          ['state/acme.json', '{"run":2}'],
        ]),
    );
    // The run landed with its journal, which stays until the next update has the files on disk.
    const journal = JSON.parse(await readFile(join(dir, '.journal.json'), 'utf8')) as { boot_id?: string };
    expect(journal).toMatchObject({ writes: expect.any(Array), deletes: [] });
    // A power cut before the kernel wrote the files back: one is empty, one holds the old text, and the
    // machine has booted again.
    await writeFile(join(dir, 'heartbeat.json'), '');
    await writeFile(join(dir, 'state', 'acme.json'), '{"run":1}');
    await writeFile(join(dir, '.journal.json'), JSON.stringify({ ...journal, boot_id: 'the boot before' }));
    // Readers (the site) see run 2 whole.
    const view = openFsView(dir);
    expect(await view.read('heartbeat.json')).toBe('{"run":2}');
    expect(await view.read('state/acme.json')).toBe('{"run":2}');
    // The next update puts the files right before anything else, and the journal goes.
    const res = await store.update('run 3', async (v) => {
      expect(await v.read('heartbeat.json')).toBe('{"run":2}');
      return new Map();
    });
    expect(res.changed).toBe(0);
    expect(await readFile(join(dir, 'heartbeat.json'), 'utf8')).toBe('{"run":2}');
    expect(await readFile(join(dir, 'state', 'acme.json'), 'utf8')).toBe('{"run":2}');
    expect(await leftovers()).toEqual([]);
  });

  it('a reader beside a writer that keeps rewriting files in place only ever reads whole files', async () => {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'testdata/write-loop.ts'), dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        child.on('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
      });
      const view = openFsView(dir);
      const seen = new Set<number>();
      for (let i = 0; i < 150; i++) {
        for (const path of ['heartbeat.json', 'state/acme.json', 'history/acme/2026-11.json']) {
          const text = await view.read(path);
          const parsed = JSON.parse(text!) as { schema: number; n: number; big: string };
          expect(parsed.schema).toBe(1);
          seen.add(parsed.n);
        }
      }
      // The writer went on meanwhile: reads overlapped many of its runs.
      expect(seen.size).toBeGreaterThan(1);
    } finally {
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
  });
});
