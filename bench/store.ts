/**
 * Store benchmark (`npm run bench:store`): how big the `status` branch gets.
 *
 * 1. A bare git repository gets one commit with 13 months of status data for 100 installations' clients
 *    (history/<client>/<YYYY-MM>.json with daily aggregates, state/, incidents/, heartbeat) — what the branch
 *    holds right after a compaction.
 * 2. Two days of 5-minute runs (576 commits) are committed on top, each carrying what a real run changes:
 *    heartbeat.json, state/<client>.json and the current month's history of every touched client. These go
 *    straight into git with `git fast-import` (the HTTP path costs seconds per run on this machine).
 * 3. A few runs go through the real `github` store and the local GitHub stand-in (requests per run), then
 *    compactBranch (keepDays 0) over the same HTTP API.
 * Sizes are `git count-objects -v` size-pack after a full repack (see packedSize). Options: --installations N, --touched 0..1, --runs N.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DayAggregate, HistoryMonth } from '../checker/status/schema.ts';
import { compactBranch } from '../checker/store/compact.ts';
import { createGithubStore } from '../checker/store/github.ts';
import { createGithubClient } from '../checker/store/github-client.ts';
import { git, gitText } from '../checker/testing/git-cli.ts';
import { startGithubStandIn } from '../checker/testing/github-stand-in.ts';
import {
  type BenchClient,
  clientState,
  dayAggregate,
  dayOf,
  heartbeat,
  historyMonth,
  makeClients,
  monthOf,
  prng,
  serialize,
} from './store-lib.ts';

const { values } = parseArgs({
  options: {
    installations: { type: 'string', default: '100' },
    touched: { type: 'string', default: '1' },
    runs: { type: 'string', default: '576' },
  },
});
const INSTALLATIONS = Number(values.installations);
const TOUCHED = Number(values.touched);
const RUNS = Number(values.runs);
const FIRST_RUN = new Date('2026-11-26T00:00:00Z');
const STEP = 300_000;
const RUNS_PER_13_MONTHS = Math.round((395 * 86_400_000) / STEP);
const rnd = prng(42);
const clients = makeClients(INSTALLATIONS, rnd);
const MB = 1024 * 1024;
const fmt = (bytes: number) => `${(bytes / MB).toFixed(2)} MB`;

type Files = Map<string, string>;

/** A `git fast-import` process committing to refs/heads/status. */
function fastImport(repoDir: string, continues: boolean) {
  let parent = continues ? 'from refs/heads/status^0\n' : '';
  // Fast zlib level while importing: the measured pack is recompressed from scratch by packedSize().
  const child = spawn(
    'git',
    ['--git-dir', repoDir, '-c', 'pack.compression=1', 'fast-import', '--quiet', '--done'],
    {
      stdio: ['pipe', 'inherit', 'inherit'],
    },
  );
  const exited = once(child, 'close');
  const write = async (chunk: string | Buffer) => {
    if (!child.stdin.write(chunk)) await once(child.stdin, 'drain');
  };
  const data = async (text: string) => {
    const body = Buffer.from(text, 'utf8');
    await write(`data ${body.length}\n`);
    await write(body);
    await write('\n');
  };
  return {
    async commit(message: string, at: Date, files: Files) {
      await write(
        `commit refs/heads/status\ncommitter checker <checker@localhost> ${Math.floor(at.getTime() / 1000)} +0000\n`,
      );
      await data(message);
      await write(parent);
      parent = '';
      for (const [path, text] of files) {
        await write(`M 100644 inline ${path}\n`);
        await data(text);
      }
    },
    async end() {
      child.stdin.end('done\n');
      const [code] = await exited;
      if (code !== 0) throw new Error(`git fast-import exited with ${code}`);
    },
  };
}

/**
 * Packed size as after a full repack: unreachable objects dropped, every delta and compression recomputed
 * (`git repack -a -d -F`, what `git gc --aggressive` does with a smaller window; fast-import's own deltas
 * are made against the previous blob written, i.e. another file, and are not representative).
 */
async function packedSize(repoDir: string): Promise<{ bytes: number; human: string }> {
  await git(repoDir, ['reflog', 'expire', '--expire=now', '--all']);
  await git(repoDir, ['repack', '-a', '-d', '-F', '-q']);
  await git(repoDir, ['prune', '--expire=now']);
  const v = await gitText(repoDir, ['count-objects', '-v']);
  const h = await gitText(repoDir, ['count-objects', '-vH']);
  const kib = Number(/size-pack: (\d+)/.exec(v)?.[1] ?? 0);
  return { bytes: kib * 1024, human: /size-pack: (.+)/.exec(h)?.[1] ?? '' };
}

/** Everything the branch holds after 13 months (the month of the first run has days up to the day before). */
function snapshot(): Files {
  const files: Files = new Map();
  const lastDay = FIRST_RUN.getUTCDate() - 1;
  for (const c of clients) {
    for (let m = 12; m >= 0; m--) {
      const d = new Date(Date.UTC(FIRST_RUN.getUTCFullYear(), FIRST_RUN.getUTCMonth() - m, 1));
      const days =
        m === 0 ? lastDay : new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
      files.set(`history/${c.id}/${monthOf(d)}.json`, serialize(historyMonth(c, monthOf(d), days, rnd)));
    }
    files.set(
      `state/${c.id}.json`,
      serialize(clientState(c, FIRST_RUN, new Date('2026-11-01T00:00:00Z'), rnd)),
    );
  }
  for (let m = 12; m >= 0; m--) {
    const month = monthOf(new Date(Date.UTC(2026, 10 - m, 1)));
    const incidents = Array.from({ length: 15 }, (_, i) => ({
      id: `${month}-01T06:00Z-${clients[i % clients.length]?.id}-main-KodeksDnsResolve-${i}`,
      client: clients[i % clients.length]?.id,
      installation: 'main',
      alert: 'KodeksDnsResolve',
      importance: 'critical',
      started_at: `${month}-01T06:00:00Z`,
      resolved_at: `${month}-01T10:40:00Z`,
      client_visible: true,
      suppressed: false,
      maintenance: false,
    }));
    files.set(`incidents/${month}.json`, serialize({ schema: 1, month, incidents }));
  }
  files.set('heartbeat.json', serialize(heartbeat(FIRST_RUN, 0, clients)));
  files.set('outbox.json', serialize({ schema: 1, pending: [], delivered: {} }));
  return files;
}

/** The current month's history of each client, kept in memory and advanced run by run. */
const current = new Map<string, HistoryMonth>();

function advance(c: BenchClient, at: Date): string {
  const month = monthOf(at);
  let h = current.get(c.id);
  if (!h || h.month !== month) {
    h = historyMonth(c, month, at.getUTCDate() - 1, rnd);
    current.set(c.id, h);
  }
  for (const inst of c.installations) {
    const days = h.installations[inst] ?? {};
    h.installations[inst] = days;
    const today = dayOf(at);
    const day: DayAggregate = days[today] ?? { ...dayAggregate(rnd, c.latency, 0), failures: 0, down_min: 0 };
    day.checks += 1;
    const ms = c.latency * (0.5 + rnd());
    if (day.hist) day.hist[Math.min(13, Math.ceil(Math.log2(ms)))]! += 1;
    day.p50_ms = Math.round(c.latency * (0.9 + rnd() * 0.2));
    day.p95_ms = Math.round(c.latency * (1.6 + rnd() * 0.8));
    days[today] = day;
  }
  return serialize(h);
}

function run(i: number): { at: Date; files: Files } {
  const at = new Date(FIRST_RUN.getTime() + i * STEP);
  const files: Files = new Map([['heartbeat.json', serialize(heartbeat(at, i + 1, clients))]]);
  for (const c of clients) {
    if (TOUCHED < 1 && rnd() >= TOUCHED) continue;
    files.set(`state/${c.id}.json`, serialize(clientState(c, at, new Date('2026-11-01T00:00:00Z'), rnd)));
    files.set(`history/${c.id}/${monthOf(at)}.json`, advance(c, at));
  }
  return { at, files };
}

const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
const work = await mkdtemp(join(tmpdir(), 'bench-store-'));
const repoDir = join(work, 'status.git');
try {
  await git(repoDir, ['init', '--bare', '--quiet', repoDir]);
  const snap = snapshot();
  const snapBytes = [...snap.values()].reduce((n, t) => n + Buffer.byteLength(t), 0);
  const fi = fastImport(repoDir, false);
  await fi.commit('Status data: 13 months (compacted snapshot)', new Date(FIRST_RUN.getTime() - STEP), snap);
  await fi.end();
  const base = await packedSize(repoDir);
  console.log(
    `[${seconds()} s] snapshot: ${snap.size} files, ${fmt(snapBytes)} of JSON → packed ${base.human}`,
  );

  const fi2 = fastImport(repoDir, true);
  let filesPerRun = 0;
  let bytesPerRun = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = run(i);
    filesPerRun += r.files.size;
    for (const t of r.files.values()) bytesPerRun += Buffer.byteLength(t);
    await fi2.commit(`check run ${i + 1}`, r.at, r.files);
  }
  await fi2.end();
  const after = await packedSize(repoDir);
  const perRun = (after.bytes - base.bytes) / RUNS;
  console.log(
    `[${seconds()} s] ${RUNS} runs (${(filesPerRun / RUNS).toFixed(0)} files, ${fmt(bytesPerRun / RUNS)} of JSON each)` +
      ` → packed ${after.human}; ${(perRun / 1024).toFixed(1)} KiB added per run`,
  );

  // The HTTP path: the real store and stand-in on the same repository.
  const gh = await startGithubStandIn({ repoDir, owner: 'bench', repo: 'status' });
  const octokit = createGithubClient({ token: 'test-token', apiUrl: gh.url, writeSpacingMs: 0 });
  const store = createGithubStore({ token: 'test-token', repository: 'bench/status', octokit });
  const httpRuns = 3;
  const t0 = performance.now();
  for (let i = RUNS; i < RUNS + httpRuns; i++) {
    const r = run(i);
    await store.update(`check run ${i + 1} (http)`, async () => new Map(r.files));
  }
  const msPerHttpRun = (performance.now() - t0) / httpRuns;
  const requestsPerRun = gh.requests.length / httpRuns;
  const failed = gh.requests.filter((q) => q.status >= 400).map((q) => `${q.method} ${q.path} → ${q.status}`);
  if (failed.length > 0) console.log(`  answered with errors (retried): ${failed.join(', ')}`);
  // What `reads: 'tarball'` downloads per run instead of one getBlob per file read.
  const tarball = await fetch(`${gh.url}/repos/bench/status/tarball/status`, {
    headers: { authorization: 'token test-token' },
  });
  const tarballBytes = (await tarball.arrayBuffer()).byteLength;
  const compact = await compactBranch(octokit, { repository: 'bench/status', keepDays: 0 });
  await gh.close();
  const compacted = await packedSize(repoDir);
  console.log(
    `[${seconds()} s] http store: ${requestsPerRun.toFixed(0)} requests and ${(msPerHttpRun / 1000).toFixed(1)} s per run;` +
      ` compactBranch(keepDays 0) ${compact.compacted ? 'done' : 'skipped'} → packed ${compacted.human}`,
  );

  const perDay = perRun * (86_400_000 / STEP);
  const without = base.bytes + perRun * RUNS_PER_13_MONTHS;
  console.log('');
  console.log(
    `status branch, ${INSTALLATIONS} installations of ${clients.length} clients, ${TOUCHED * 100}% touched per run:`,
  );
  console.log(`  snapshot of 13 months (right after compaction)  ${fmt(compacted.bytes)}`);
  console.log(
    `  added per run                                   ${(perRun / 1024).toFixed(1)} KiB (${fmt(perDay)} per day)`,
  );
  console.log(`  measured: snapshot + ${RUNS} runs                  ${fmt(after.bytes)}`);
  console.log(`  tarball of the branch (reads: 'tarball', per run)  ${fmt(tarballBytes)}`);
  console.log(
    `  projected after 13 months, no compaction        ${fmt(without)} (${RUNS_PER_13_MONTHS} runs)`,
  );
  // Between two compactions the branch holds the snapshot, the kept window and the runs since the last one.
  for (const [keep, every] of [
    [1, 1],
    [0.25, 1],
    [0.25, 0.25],
  ] as const) {
    const peak = compacted.bytes + perDay * (keep + every);
    const verdict = peak <= 20 * MB ? 'meets' : 'misses';
    console.log(
      `  projected, compaction every ${every * 24} h keeping ${keep * 24} h: at most ${fmt(peak)} (${verdict} ≤ 20 MB)`,
    );
  }
  console.log(`  total time ${seconds()} s`);
} finally {
  await rm(work, { recursive: true, force: true });
}
