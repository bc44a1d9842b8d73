/**
 * The `fs` store: status data in a folder (`status/` by default). Every file is replaced atomically: the new
 * text goes to a temporary file in the same folder, is fsynced, then renamed over the old one, so a reader —
 * or a checker killed with SIGKILL in the middle — only ever sees the old or the new complete file.
 * Updates run one at a time: within a process through a queue, across processes (a checker and a
 * watchdog on one folder) through a lock file created with O_EXCL; a lock left by a dead process is taken
 * over — dead judged by a per-process token, the boot id and the process start time, not by the PID alone. Temporary files left by a killed writer are never listed and are removed by the next update.
 *
 * A run's files land together: all new texts are staged as fsynced temporary files first, then a journal
 * (`.journal.json`) naming every rename and deletion is written atomically, then the renames happen, then
 * the journal goes. A writer killed after the journal was written is finished by the next update (roll
 * forward); one killed before it leaves the old data untouched. So a reader after a crash sees one run's
 * data or the other's, never heartbeat from one run and state from another.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileTooLargeError, MAX_STATUS_FILE } from '../status/limits.ts';
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

  const abs = (path: string): string => absPath(root, path);

  const view = openFsView(root);

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

/** The file of a relative status path inside `root`; refuses paths that leave it. */
function absPath(root: string, path: string): string {
  const clean = posix.normalize(path);
  if (clean.startsWith('../') || clean === '..' || posix.isAbsolute(clean) || clean.includes('\0'))
    throw new Error(`status path outside the store: ${JSON.stringify(path)}`);
  return join(root, ...clean.split('/'));
}

/** Reads the journal of an update being applied, or undefined when there is none. */
async function readJournal(root: string): Promise<Journal | undefined> {
  const file = join(root, JOURNAL);
  try {
    const j = JSON.parse(await readFile(file, 'utf8')) as Journal;
    if (!Array.isArray(j.renames) || !Array.isArray(j.deletes)) throw new Error('not an update journal');
    return j;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // writeAtomic never leaves half a journal; an unreadable one is not ours to guess at.
    throw new Error(
      `${file} is not a readable update journal; move it away to continue (${(err as Error).message})`,
    );
  }
}

const toSlash = (p: string) => p.split(sep).join('/');

/**
 * A read-only view of a status folder as of its last complete update. A writer killed while applying an
 * update leaves a journal: this view reads through it — a file the journal renames is read from its staged
 * copy (or from its target once renamed), a file it deletes is gone — so the heartbeat and the state always
 * come from the same run. Nothing is written; the next update finishes the journal. The `fs` store and the
 * site build read through this view.
 */
export function openFsView(dir: string): StoreView {
  const root = resolve(dir);
  const readFileAt = async (file: string, path: string, max: number): Promise<string | undefined> => {
    try {
      // The size first: an oversized file is refused without a byte of it in memory.
      const { size } = await stat(file);
      if (size > max) throw new FileTooLargeError(path, size, max);
      return await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw err;
    }
  };
  return {
    async read(path, opts) {
      const file = absPath(root, path);
      const max = opts?.maxBytes ?? MAX_STATUS_FILE;
      const journal = await readJournal(root);
      if (journal) {
        const rel = toSlash(relative(root, file));
        if (journal.deletes.some((d) => toSlash(d) === rel)) return undefined;
        const staged = journal.renames.find(([, target]) => toSlash(target) === rel);
        if (staged) {
          // Renamed already when the staged copy is gone: then the target holds the new text.
          const text = await readFileAt(join(root, staged[0]), path, max);
          if (text !== undefined) return text;
        }
      }
      return readFileAt(file, path, max);
    },
    async list(folder) {
      const base = folder.replace(/\/+$/, '');
      const found = new Set<string>();
      try {
        for (const e of await readdir(absPath(root, base || '.'), { recursive: true, withFileTypes: true }))
          if (e.isFile() && !e.name.startsWith('.'))
            found.add(toSlash(join(e.parentPath, e.name).slice(root.length + 1)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const journal = await readJournal(root);
      if (journal) {
        const inside = (p: string) => !base || p.startsWith(`${base}/`);
        for (const [, target] of journal.renames) if (inside(toSlash(target))) found.add(toSlash(target));
        for (const d of journal.deletes) found.delete(toSlash(d));
      }
      return [...found].sort();
    },
  };
}

/** Writes `text` to a new fsynced temporary file next to `file` and returns its path. */
async function stage(file: string, text: string): Promise<string> {
  const folder = dirname(file);
  await mkdir(folder, { recursive: true });
  const temp = join(
    folder,
    `${TEMP_PREFIX}${process.pid}-${PROCESS_TOKEN}-${randomBytes(6).toString('hex')}`,
  );
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
  const journal = await readJournal(root);
  if (!journal) return;
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

/**
 * Who holds a lock: the PID alone is not enough — in a container the checker is PID 1 on every start, so a
 * lock left by a crash would look held by the live process forever. A random token per process tells this
 * process from an earlier one with the same PID; the boot id and the process start time (Linux /proc) tell
 * a live holder from a dead one whose PID was reused.
 */
interface LockToken {
  pid: number;
  token: string;
  boot_id?: string;
  start?: string;
}

/** This process's random token (lock files and temporary file names carry it). */
const PROCESS_TOKEN = randomBytes(8).toString('hex');

/** The kernel's boot id (Linux), undefined elsewhere. */
function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The start time of process `pid` in clock ticks since boot (Linux /proc/PID/stat field 22). */
function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function myLock(): LockToken {
  const boot = bootId();
  const start = startTicks(process.pid);
  return { pid: process.pid, token: PROCESS_TOKEN, ...(boot && { boot_id: boot }), ...(start && { start }) };
}

/** Parses a lock file: this format, or the bare PID line older versions wrote. */
function parseLock(text: string): LockToken | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockToken>;
    if (typeof v.pid === 'number' && typeof v.token === 'string') return v as LockToken;
  } catch {}
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? { pid, token: '' } : undefined;
}

/** True while the process that wrote `lock` may still be running. */
function lockHolderAlive(lock: LockToken): boolean {
  // Same PID: it is this process only if the token is ours (an earlier PID 1 in a container is not).
  if (lock.pid === process.pid) return lock.token === PROCESS_TOKEN;
  if (!alive(lock.pid)) return false;
  const boot = bootId();
  if (lock.boot_id && boot && lock.boot_id !== boot) return false;
  const start = startTicks(lock.pid);
  if (lock.start && start && lock.start !== start) return false;
  return true;
}

/** Takes the folder's lock (waiting for a live holder, taking over from a dead one); returns the release. */
async function lock(root: string): Promise<() => Promise<void>> {
  await mkdir(root, { recursive: true });
  const file = join(root, LOCK);
  const deadline = Date.now() + LOCK_WAIT_MS;
  const mine = `${JSON.stringify(myLock())}\n`;
  for (;;) {
    try {
      await writeFile(file, mine, { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const text = await readFile(file, 'utf8').catch(() => '');
    const holder = parseLock(text);
    if (!holder || !lockHolderAlive(holder)) {
      // Remove only the stale file we judged: another process may have replaced it meanwhile.
      if ((await readFile(file, 'utf8').catch(() => '')) === text) await rm(file, { force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(`${root} is locked by process ${holder.pid} (${file}); is another checker running?`);
    await sleep(50);
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
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
    const [pid = '', token = ''] = e.name.slice(TEMP_PREFIX.length).split('-');
    if (!lockHolderAlive({ pid: Number(pid), token })) await rm(join(e.parentPath, e.name), { force: true });
  }
}
