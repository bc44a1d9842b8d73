/**
 * The `fs` store: status data in a folder (`status/` by default). Updates run one at a time: within a
 * process through a queue, across processes (a checker and a watchdog on one folder) through a lock file
 * created with O_EXCL; a lock left by a dead process is taken over — dead judged by a per-process token, the
 * boot id and the process start time, not by the PID alone. Temporary files left by a killed writer are
 * never listed and are removed by the next update.
 *
 * A run's files land together, with a few fsyncs instead of one per file (issue 15.3, docs/decisions.md):
 * the run's journal (`.journal.json`) carries every new text and every deletion and is written atomically
 * (temporary file, fsync, rename, folder fsync) — that is the moment the run has landed. Then the files are
 * written in place (no fsync) and the journal stays. The next update, under the lock, first finishes it:
 * files it names are rewritten if a crash or power cut lost them (compared with the journal unless the
 * marker says they were written in this boot), fsynced with the folders whose entries changed, and only
 * then is the journal removed. Readers (this store, the site through `openFsView`) read a file the journal
 * names from the journal, and re-read when the journal changed during a read, so they see one run's data
 * or the other's — never half a file, never heartbeat from one run and state from another. A writer killed
 * before its journal landed leaves the old data untouched. A journal of the older format (renames of
 * fsynced temporary files) is still finished and read.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileTooLargeError, MAX_STATUS_FILE } from '../status/limits.ts';
import { mapLimit } from './map-limit.ts';
import type { StatusStore, StoreChanges, StoreView, UpdateResult } from './types.ts';

/** Temporary files start with this; readers and listings skip them. */
const TEMP_PREFIX = '.tmp-';
/** The lock file inside the folder (a dot file: never listed). */
const LOCK = '.lock';
/** The journal of the last update (a dot file: never listed). */
const JOURNAL = '.journal.json';
/** Written (without fsync) once a journal's files are in place: its id. */
const INSTALLED = '.journal.installed';

/**
 * What an update does. `writes` (the current format): the new text of every file it writes; `renames`
 * (the older format, still finished and read): staged fsynced temporaries and their targets. Paths are
 * relative to the folder.
 */
interface Journal {
  /** Random id of a current-format journal, and the boot it was written in. */
  id?: string;
  boot_id?: string;
  writes: [target: string, text: string][];
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

  async function apply(changes: StoreChanges, current: Map<string, string>): Promise<number> {
    // Under the lock, after the last journal was finished: the files on disk are the current data, and
    // `current` holds the texts of the files that journal wrote (read from disk only when not there).
    const sorted = [...changes].sort(([a], [b]) => a.localeCompare(b));
    const journal: Journal = { writes: [], renames: [], deletes: [] };
    for (const [path, text] of sorted) {
      const target = abs(path);
      const rel = relative(root, target);
      const old = current.has(rel) ? current.get(rel) : readFileAtSync(target);
      if (text === null) {
        if (old !== undefined) journal.deletes.push(rel);
      } else if (old !== text) journal.writes.push([rel, text]);
    }
    const changed = journal.writes.length + journal.deletes.length;
    if (changed === 0) return 0;
    // The run lands here: one fsynced file holds all of it.
    const id = randomBytes(8).toString('hex');
    await writeAtomic(
      join(root, JOURNAL),
      JSON.stringify({ id, boot_id: bootId(), writes: journal.writes, deletes: journal.deletes }),
    );
    const folders = installSync(root, journal);
    // In place, as far as this boot's page cache goes: the next update compares nothing, and fsyncs only
    // the folders whose entries changed.
    writeFileSync(
      join(root, INSTALLED),
      JSON.stringify({ id, folders: [...folders].map((f) => relative(root, f)) }),
    );
    return changed;
  }

  return {
    name: `${dir.replace(/\/+$/, '')}/`,
    local: true,
    read: view.read,
    list: view.list,
    update(_message, change): Promise<UpdateResult> {
      const run = queue.then(async () => {
        const release = await lock(root);
        try {
          // The last run's files made durable, or a killed writer's run finished.
          const current = await finishJournal(root);
          await removeStaleTemps(root);
          const changes = await change(view);
          return { changed: await apply(changes, current), retries: 0 };
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

/** Reads the journal in the folder, or undefined when there is none. */
async function readJournal(root: string): Promise<Journal | undefined> {
  const file = join(root, JOURNAL);
  try {
    return parseJournal(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadableJournal(file, err);
  }
}

function parseJournal(text: string): Journal {
  const j = JSON.parse(text) as Partial<Journal>;
  const writes = j.writes ?? [];
  const renames = j.renames ?? [];
  if (!Array.isArray(writes) || !Array.isArray(renames) || !Array.isArray(j.deletes))
    throw new Error('not an update journal');
  return { ...j, writes, renames, deletes: j.deletes };
}

function unreadableJournal(file: string, err: unknown): Error {
  // writeAtomic never leaves half a journal; an unreadable one is not ours to guess at.
  return new Error(
    `${file} is not a readable update journal; move it away to continue (${(err as Error).message})`,
  );
}

const toSlash = (p: string) => p.split(sep).join('/');

/**
 * A read-only view of a status folder as of its last update. The journal in the folder (the last run's,
 * or one a killed writer left) is read through: a file it writes is read from it (an older journal's from
 * its staged copy, or the target once renamed), a file it deletes is gone — so the heartbeat and the state
 * always come from the same run, whole. A file the journal does not name is read from disk, again if the
 * journal changed meanwhile. Nothing is written; the next update finishes the journal. The `fs` store and
 * the site build read through this view; the parsed journal is kept while the file is unchanged.
 */
export function openFsView(dir: string): StoreView {
  const root = resolve(dir);
  const journalFile = join(root, JOURNAL);
  /** The journal as last parsed, kept while the file is the same (inode, size, mtime). */
  // Reads of many files at once share one load: the journal of 1,000 installations is ~5 MB.
  let cached: { key: string; view: Promise<JournalView | undefined> } | undefined;
  /** Identifies the journal file now: "" when there is none. */
  const journalKey = async (): Promise<string> => {
    try {
      const st = await stat(journalFile);
      return `${st.ino} ${st.size} ${st.mtimeMs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw unreadableJournal(journalFile, err);
    }
  };
  const journalAt = async (key: string): Promise<JournalView | undefined> => {
    if (!key) return undefined;
    if (cached?.key !== key) {
      const view = readJournal(root).then((j) => (j ? journalView(j) : undefined));
      cached = { key, view };
      // A failed load is not kept: the next read tries again.
      view.catch(() => {
        if (cached?.view === view) cached = undefined;
      });
    }
    return cached.view;
  };
  const currentJournal = async () => journalAt(await journalKey());
  return {
    async read(path, opts) {
      const file = absPath(root, path);
      const max = opts?.maxBytes ?? MAX_STATUS_FILE;
      const rel = toSlash(relative(root, file));
      for (;;) {
        const before = await journalKey();
        const journal = await journalAt(before);
        if (journal) {
          if (journal.deleted.has(rel)) return undefined;
          const text = journal.written.get(rel);
          if (text !== undefined) {
            const size = Buffer.byteLength(text);
            if (size > max) throw new FileTooLargeError(path, size, max);
            return text;
          }
          const staged = journal.staged.get(rel);
          if (staged) {
            // Renamed already when the staged copy is gone: then the target holds the new text.
            const text = await readFileAt(join(root, staged), path, max);
            if (text !== undefined) return text;
          }
        }
        const text = await readFileAt(file, path, max);
        // Files are written in place only while a journal names them: if the journal is the one seen
        // before the read, the file was not being written (read again otherwise).
        if ((await journalKey()) === before) return text;
      }
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
      const journal = await currentJournal();
      if (journal) {
        const inside = (p: string) => !base || p.startsWith(`${base}/`);
        for (const target of [...journal.written.keys(), ...journal.staged.keys()])
          if (inside(target)) found.add(target);
        for (const d of journal.deleted) found.delete(d);
      }
      return [...found].sort();
    },
  };
}

/** A journal indexed by target path (slashes). */
interface JournalView {
  written: Map<string, string>;
  staged: Map<string, string>;
  deleted: Set<string>;
}

function journalView(j: Journal): JournalView {
  return {
    written: new Map(j.writes.map(([target, text]) => [toSlash(target), text])),
    staged: new Map(j.renames.map(([temp, target]) => [toSlash(target), temp])),
    deleted: new Set(j.deletes.map(toSlash)),
  };
}

/** A file's text, undefined when it does not exist (no size limit: for the store's own comparisons). */
function readFileAtSync(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw err;
  }
}

/**
 * Writes `text` over the file's bytes (created when missing) and cuts it to its length: never truncated
 * to zero first. True when the file was created (its folder's entries changed).
 */
function writeInPlace(file: string, text: string): boolean {
  let fd: number;
  let created = false;
  try {
    fd = openSync(file, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    fd = openSync(file, 'wx', 0o644);
    created = true;
  }
  try {
    const bytes = Buffer.from(text, 'utf8');
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, done);
    ftruncateSync(fd, bytes.length);
  } finally {
    closeSync(fd);
  }
  return created;
}

/** A temporary file's name next to `file`: this process's PID and token, so a dead writer's are found. */
function tempName(file: string): string {
  return join(
    dirname(file),
    `${TEMP_PREFIX}${process.pid}-${PROCESS_TOKEN}-${randomBytes(6).toString('hex')}`,
  );
}

/** Reads a status file, refusing it by size before a byte is read; undefined when it does not exist. */
async function readFileAt(file: string, path: string, max: number): Promise<string | undefined> {
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
}

/**
 * File operations of one update run this many at a time: enough to keep libuv's threads and the disk's
 * queue busy (fsyncs waiting together are flushed by one journal commit), few enough for the open-file limit.
 */
const IO_PARALLEL = 32;

/** Writes `text` to a new temporary file next to `file` (fsynced when `sync`) and returns its path. */
async function stage(file: string, text: string, sync: boolean, makeFolder = true): Promise<string> {
  const folder = dirname(file);
  if (makeFolder) await mkdir(folder, { recursive: true });
  const temp = tempName(file);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      if (sync) await handle.sync();
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
  const temp = await stage(file, text, true);
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

/**
 * Puts a journal's files in place — each new text written over the old file's bytes (no fsync), the
 * older format's staged files renamed, then the deletions — and returns the folders whose entries
 * changed. Idempotent. In place, not through a temporary file and a rename: readers read every file the
 * journal names from the journal while it exists, so they never see a file half written, and ext4 starts
 * writing back a file renamed or truncated to zero over another at once (auto_da_alloc), which made 2,000
 * renames cost seconds on a busy disk. Synchronous: thousands of small calls cost less this way than round
 * trips through libuv's threads, and the process has nothing else to do while its run lands. `check`:
 * rewrite only files that do not hold their text (finishing after a crash).
 */
function installSync(root: string, journal: Journal, check = false): Set<string> {
  const folders = new Set<string>();
  const made = new Set<string>();
  for (const [target, text] of journal.writes) {
    const to = join(root, target);
    const folder = dirname(to);
    if (check && readFileAtSync(to) === text) continue;
    if (!made.has(folder)) mkdirSync(folder, { recursive: true });
    made.add(folder);
    if (writeInPlace(to, text)) folders.add(folder);
  }
  const ignoreMissing = (op: () => void) => {
    try {
      op();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  };
  for (const [temp, target] of journal.renames) {
    const to = join(root, target);
    folders.add(dirname(to));
    // Done before the crash when the temporary is gone already.
    ignoreMissing(() => renameSync(join(root, temp), to));
  }
  for (const path of journal.deletes) {
    folders.add(dirname(join(root, path)));
    ignoreMissing(() => unlinkSync(join(root, path)));
  }
  return folders;
}

/**
 * Finishes the journal left in the folder, if any — the last run's, or one a killed writer left half
 * applied — and returns the texts it wrote (the files' current contents). Its files are put in place: no
 * work when it was installed in this boot (the marker names it; the page cache then holds every file),
 * else each file is compared with its text and rewritten if it does not hold it (a writer killed while
 * installing, a power cut). Then the files it wrote and their folders are fsynced, side by side, and only
 * then does the journal go: until the files are on disk, it is their only durable copy.
 */
async function finishJournal(root: string): Promise<Map<string, string>> {
  const journal = await readJournal(root);
  if (!journal) return new Map();
  const marker = join(root, INSTALLED);
  const installed =
    journal.id !== undefined && journal.boot_id === bootId() ? readMarker(marker, journal.id) : undefined;
  const folders = installed ? new Set(installed.map((f) => join(root, f))) : installSync(root, journal, true);
  for (const path of journal.deletes) folders.add(dirname(join(root, path)));
  await mapLimit(journal.writes, IO_PARALLEL, ([target]) => syncFile(join(root, target)));
  await mapLimit([...folders], IO_PARALLEL, syncFolder);
  await rm(join(root, JOURNAL), { force: true });
  await rm(marker, { force: true });
  await syncFolder(root);
  return new Map(journal.writes);
}

/** The folders the marker lists when it names journal `id`; undefined otherwise. */
function readMarker(file: string, id: string): string[] | undefined {
  try {
    const m = JSON.parse(readFileAtSync(file) ?? 'null') as { id?: unknown; folders?: unknown } | null;
    if (m?.id === id && Array.isArray(m.folders) && m.folders.every((f) => typeof f === 'string'))
      return m.folders;
  } catch {}
  return undefined;
}

/** fsync of a file written without one. */
async function syncFile(file: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    await handle.sync();
  } finally {
    await handle?.close();
  }
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
