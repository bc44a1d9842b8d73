/**
 * Benchmark (issue 15.3, `npm run bench:fs-store`): how long the `fs` store takes to write one run's status
 * data for 1,000 installations (one client each, as in bench:peer): heartbeat.json, state/<client>.json and
 * history/<client>/<month>.json of every client — 2,001 files, every one changed, as on every 5-minute run.
 * Measured: the `update` call — finishing the last run's journal (compare, fsync its files and folders,
 * remove it), comparing with the old files, the new journal (the run has landed), the files put in place —
 * first into an empty folder, then five runs on top, twice: as runs come (minutes apart: `sync` between
 * runs stands for the kernel writing dirty pages back within 30 s, vm.dirty_expire_centisecs), and back to
 * back (the last run's files still dirty when they are fsynced). Target ≤ 0.5 s.
 * `BENCH_FS_N=200` for a smaller fleet. The folder is under bench/out (the disk the status data lives on).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createFsStore } from '../checker/store/fs.ts';
import { clientState, heartbeat, historyMonth, makeClients, monthOf, prng, serialize } from './store-lib.ts';

const N = Number(process.env.BENCH_FS_N ?? 1000);
const RUNS = 5;
const TARGET_S = 0.5;
const dir = join(import.meta.dirname, 'out', 'fs-store');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const rnd = prng(7);
// One installation per client, as a hosting of single-site clients: the most files per installation.
const clients = makeClients(N, () => 0.1).map((c, i) => ({
  ...c,
  id: `c${String(i).padStart(4, '0')}`,
  installations: ['main'],
}));
const since = new Date('2026-11-01T00:00:00Z');

function runFiles(run: number): Map<string, string> {
  const at = new Date(Date.UTC(2026, 11, 2, 0, 0, 0) + run * 300_000);
  const files = new Map<string, string>();
  files.set('heartbeat.json', serialize(heartbeat(at, run, clients)));
  for (const c of clients) {
    files.set(`state/${c.id}.json`, serialize(clientState(c, at, since, rnd)));
    files.set(`history/${c.id}/${monthOf(at)}.json`, serialize(historyMonth(c, monthOf(at), 2, rnd)));
  }
  return files;
}

const line = (label: string, value: string, target = '') =>
  process.stdout.write(`${label.padEnd(40)}${value.padEnd(16)}${target}\n`);
const load = () => `${loadavg()[0]?.toFixed(1)} / ${cpus().length} cores`;

process.stdout.write(`fs store: one run's status data for ${N} installations (${N} clients)\n`);
const medians: number[] = [];
for (const mode of ['minutes apart', 'back to back'] as const) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.stdout.write(`\n${mode}\n`);
  line('load average (1 min)', load());
  const store = createFsStore(dir);
  const times: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const files = runFiles(run);
    const bytes = [...files.values()].reduce((n, t) => n + Buffer.byteLength(t), 0);
    if (mode === 'minutes apart') spawnSync('sync');
    const t0 = performance.now();
    const { changed } = await store.update(`run ${run}`, async () => files);
    const s = (performance.now() - t0) / 1000;
    if (changed !== files.size) throw new Error(`expected ${files.size} files changed, got ${changed}`);
    times.push(s);
    line(
      run === 0 ? 'first run (empty folder)' : `run ${run}`,
      `${s.toFixed(3)} s`,
      run === 0 ? `${files.size} files, ${(bytes / 1048576).toFixed(1)} MB` : '',
    );
  }
  const later = times.slice(1).sort((a, b) => a - b);
  const median = later[Math.floor(later.length / 2)]!;
  medians.push(median);
  line('median of the later runs', `${median.toFixed(3)} s`, `target ≤ ${TARGET_S} s`);
  line('load average (1 min)', load());
}
line('targets (runs minutes apart)', medians[0]! <= TARGET_S ? 'met' : 'NOT met');
rmSync(dir, { recursive: true, force: true });
