/**
 * The `fs` store: status data in a folder (`status/` by default). Every file is replaced atomically: the new
 * text goes to a temporary file in the same folder, is fsynced, then renamed over the old one, so a reader —
 * or a checker killed with SIGKILL in the middle — only ever sees the old or the new complete file.
 * Updates run one at a time: within a process through a queue, across processes (a checker and a
 * watchdog on one folder) through a lock file created with O_EXCL; a lock left by a dead process is taken
 * over. Temporary files left by a killed writer are never listed and are removed by the next update.
 *
 * A run's files land together: all new texts are staged as fsynced temporary files first, then a journal
 * (`.journal.json`) naming every rename and deletion is written atomically, then the renames happen, then
 * the journal goes. A writer killed after the journal was written is finished by the next update (roll
 * forward); one killed before it leaves the old data untouched. So a reader after a crash sees one run's
 * data or the other's, never heartbeat from one run and state from another.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StatusStore, StoreChanges, StoreView, UpdateResult } from './types.ts';

/** Temporary files start with this; readers and listings skip them. */
const TEMP_PREFIX = '.tmp-';
/** The lock file inside the folder (a dot file: never listed). */
const LOCK = '.lock';
/** The journal of an update being applied (a dot file: never listed). */
const JOURNAL = '.journal.json';

/** What an update is about to do: rename staged temporaries over their targets, delete files. */
interface Journal {
  renames: [temp: string, target: string][];
  deletes: string[];
}
/** How long an update waits for another process's lock before giving up. */
const LOCK_WAIT_MS = 30_000;

/** A store over the folder `dir` (created on first write). */
export function createFsStore(dir: string): StatusStore {
  const root = resolve(dir);
  let queue: Promise<unknown> = Promise.resolve();

  const abs = (path: string): string => {
    const clean = posix.normalize(path);
    if (clean.startsWith('../') || clean === '..' || posix.isAbsolute(clean) || clean.includes('\0'))
      throw new Error(`status path outside the store: ${JSON.stringify(path)}`);
    return join(root, ...clean.split('/'));
  };

  const view: StoreView = {
    async read(path) {
      try {
        return await readFile(abs(path), 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        throw err;
      }
    },
    async list(folder) {
      const base = folder.replace(/\/+$/, '');
      let entries: string[];
      try {
        entries = (await readdir(abs(base || '.'), { recursive: true, withFileTypes: true }))
          .filter((e) => e.isFile() && !e.name.startsWith('.'))
          .map((e) =>
            join(e.parentPath, e.name)
              .slice(root.length + 1)
              .split(sep)
              .join('/'),
          );
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      return entries.sort();
    },
  };

  async function apply(changes: StoreChanges): Promise<number> {
    const journal: Journal = { renames: [], deletes: [] };
    try {
      for (const [path, text] of [...changes].sort(([a], [b]) => a.localeCompare(b))) {
        const target = abs(path);
        if (text === null) {
          if ((await view.read(path)) !== undefined) journal.deletes.push(relative(root, target));
          continue;
        }
        if ((await view.read(path)) === text) continue;
        const temp = await stage(target, text);
        journal.renames.push([relative(root, temp), relative(root, target)]);
      }
    } catch (err) {
      await Promise.all(journal.renames.map(([temp]) => rm(join(root, temp), { force: true })));
      throw err;
    }
    const changed = journal.renames.length + journal.deletes.length;
    if (changed === 0) return 0;
    await writeAtomic(join(root, JOURNAL), JSON.stringify(journal));
    await rollForward(root);
    return changed;
  }

  return {
    name: `${dir.replace(/\/+$/, '')}/`,
    read: view.read,
    list: view.list,
    update(_message, change): Promise<UpdateResult> {
      const run = queue.then(async () => {
        const release = await lock(root);
        try {
          await rollForward(root); // a writer killed after its journal was written is finished first
          await removeStaleTemps(root);
          const changes = await change(view);
          return { changed: await apply(changes), retries: 0 };
        } finally {
          await release();
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

/** Writes `text` to a new fsynced temporary file next to `file` and returns its path. */
async function stage(file: string, text: string): Promise<string> {
  const folder = dirname(file);
  await mkdir(folder, { recursive: true });
  const temp = join(folder, `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return temp;
}

/** Writes `text` to `file` through a temporary file, fsync and rename; cleans up on failure. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  const temp = await stage(file, text);
  try {
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await syncFolder(dirname(file));
}

/** Makes renames in a folder durable. */
async function syncFolder(folder: string): Promise<void> {
  const dirHandle = await open(folder, 'r').catch(() => undefined);
  if (dirHandle)
    await dirHandle
      .sync()
      .catch(() => undefined)
      .finally(() => dirHandle.close());
}

/** Applies a journal left in the folder (all renames, then deletions) and removes it; idempotent. */
async function rollForward(root: string): Promise<void> {
  const file = join(root, JOURNAL);
  let journal: Journal;
  try {
    journal = JSON.parse(await readFile(file, 'utf8')) as Journal;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    // writeAtomic never leaves half a journal; an unreadable one is not ours to guess at.
    throw new Error(
      `${file} is not a readable update journal; move it away to continue (${(err as Error).message})`,
    );
  }
  const folders = new Set<string>();
  for (const [temp, target] of journal.renames) {
    const to = join(root, target);
    // Done before the crash when the temporary is gone already.
    await rename(join(root, temp), to).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    folders.add(dirname(to));
  }
  for (const path of journal.deletes) {
    await unlink(join(root, path)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    folders.add(dirname(join(root, path)));
  }
  for (const folder of folders) await syncFolder(folder);
  await rm(file, { force: true });
  await syncFolder(root);
}

/** Takes the folder's lock (waiting for a live holder, taking over from a dead one); returns the release. */
async function lock(root: string): Promise<() => Promise<void>> {
  await mkdir(root, { recursive: true });
  const file = join(root, LOCK);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt((await readFile(file, 'utf8').catch(() => '')).trim(), 10);
    if (!alive(holder)) {
      await rm(file, { force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(`${root} is locked by process ${holder} (${file}); is another checker running?`);
    await sleep(50);
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary files whose writer process is gone (killed mid-write). */
async function removeStaleTemps(root: string): Promise<void> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile() || !e.name.startsWith(TEMP_PREFIX)) continue;
    const pid = Number.parseInt(e.name.slice(TEMP_PREFIX.length), 10);
    if (!alive(pid)) await rm(join(e.parentPath, e.name), { force: true });
  }
}
