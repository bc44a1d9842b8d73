/**
 * Scale-out benchmark (`npm run bench:shards`): 10,000 installations in 10 shards, run one after another here
 * (GitHub Actions runs them at once), then one merge — twice, so the second merge is a steady-state run.
 * Prints the merge's wall time and peak RSS and the size of its commit (bytes of the files it wrote), next to
 * the targets; also each shard's time and the size of the shard results that travel as artifacts.
 *
 * Every shard and the merge are `smart check` processes as the workflow starts them (fs store, no messages).
 * The HTTP servers run in a child process (this file with the argument `servers`) on 20 loopback addresses
 * 127.0.10.1–20, so the figures are the checker's own; 1 % of the installations point at a closed port.
 * Options (environment): BENCH_SHARDS_N installations (10000), BENCH_SHARDS_K shards (10).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';

const N = Number(process.env.BENCH_SHARDS_N ?? 10_000);
const SHARDS = Number(process.env.BENCH_SHARDS_K ?? 10);
const ADDRESSES = 20;
const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench', 'out', 'shards');
const CLI = join(ROOT, 'checker', 'cli.ts');

/** Targets (issue 15.5): the merge fits well inside the 5-minute interval next to the shard jobs; the commit
 * stays within what one Git Data API commit carries comfortably. */
const TARGET_MERGE_S = 30;
const TARGET_COMMIT_MB = 25;

/** Child process: one HTTP server per loopback address, and a closed port. */
async function serve(): Promise<void> {
  const { closedPort, startHttpServer } = await import('../checker/testing/http-server.ts');
  const servers = await Promise.all(
    Array.from({ length: ADDRESSES }, (_, i) =>
      startHttpServer(
        (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<html>Кодекс</html>');
        },
        `127.0.10.${i + 1}`,
      ),
    ),
  );
  const closed = await closedPort();
  process.stdout.write(`${JSON.stringify({ ports: servers.map((s) => s.port), closed })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

function startServers(): Promise<{ child: ChildProcess; ports: number[]; closed: number }> {
  const child = spawn(process.execPath, [import.meta.filename, 'servers'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (l) => resolve({ child, ...JSON.parse(l) }));
    child.once('exit', (code) => reject(new Error(`servers exited with ${code}`)));
  });
}

/** A deterministic fleet: clients of 1–4 installations, 20 hostings, 1 % of installations dead. */
function fleet(ports: number[], closed: number) {
  const clients: unknown[] = [];
  let made = 0;
  for (let c = 0; made < N; c++) {
    const size = Math.min(1 + (c % 4), N - made);
    const installations = Array.from({ length: size }, (_, k) => {
      const n = made + k;
      const a = n % ADDRESSES;
      const port = n % 100 === 99 ? closed : ports[a]!;
      return {
        id: `kodeks-${k + 1}`,
        title: `Кодекс ${k + 1}`,
        hosting: `hosting-${n % 20}`,
        url: `http://127.0.10.${a + 1}:${port}/c${c}/`,
        probes: { http: { by_ip: false } },
      };
    });
    made += size;
    clients.push({
      id: `client-${c}`,
      title: `Клиент ${c}`,
      sla: { availability: 99.5 },
      installations,
    });
  }
  return {
    site: { url: 'https://status.example' },
    // Shards run one after another here: a wider freshness window than the product's 5 minutes.
    checker: {
      interval: '15m',
      timezone: 'Europe/Moscow',
      timeout: '2s',
      concurrency: 256,
      per_host: 16,
      vantages: ['github-hosted'],
    },
    hostings: Object.fromEntries(
      Array.from({ length: 20 }, (_, h) => [`hosting-${h}`, { title: `Хостинг ${h}` }]),
    ),
    clients,
  };
}

interface Timed {
  code: number | null;
  ms: number;
  rssKb?: number;
  cpuS?: number;
  out: string;
}

/** Runs `smart` under GNU time when it is there (peak RSS and CPU of the process). */
function smart(args: string[]): Timed {
  const timed = existsSync('/usr/bin/time');
  const argv = [process.execPath, CLI, ...args];
  const [exe, ...rest] = timed ? ['/usr/bin/time', '-f', 'TIME_RSS_KB=%M TIME_CPU=%U+%S', ...argv] : argv;
  const start = performance.now();
  const r = spawnSync(exe!, rest, {
    cwd: OUT,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, CI: '1' },
  });
  const ms = performance.now() - start;
  const m = /TIME_RSS_KB=(\d+) TIME_CPU=([\d.]+)\+([\d.]+)/.exec(r.stderr ?? '');
  const out = `${r.stdout ?? ''}${(r.stderr ?? '').replace(/TIME_RSS_KB=.*\n?/, '')}`;
  return {
    code: r.status,
    ms,
    ...(m ? { rssKb: Number(m[1]), cpuS: Number(m[2]) + Number(m[3]) } : {}),
    out,
  };
}

/**
 * path → sha1 of every status file below `dir`. The fs store's own bookkeeping (`.journal.json`,
 * `.journal.installed`, the lock) is left out: it is not status data, and the workflow's merge commits through
 * the github store, which writes none of it.
 */
function snapshot(dir: string): Map<string, { hash: string; size: number }> {
  const out = new Map<string, { hash: string; size: number }>();
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.name.startsWith('.')) continue;
    const path = join(e.parentPath, e.name);
    const body = readFileSync(path);
    out.set(relative(dir, path), { hash: createHash('sha1').update(body).digest('hex'), size: body.length });
  }
  return out;
}

function changedFiles(before: ReturnType<typeof snapshot>, after: ReturnType<typeof snapshot>) {
  let files = 0;
  let bytes = 0;
  for (const [path, f] of after) {
    if (before.get(path)?.hash === f.hash) continue;
    files++;
    bytes += f.size;
  }
  const deleted = [...before.keys()].filter((p) => !after.has(p)).length;
  return { files, bytes, deleted };
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(2)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const servers = await startServers();
  try {
    writeFileSync(join(OUT, 'installations.yaml'), stringify(fleet(servers.ports, servers.closed)));
    const common = [
      '--config',
      'installations.yaml',
      '--docs',
      join(ROOT, 'docs', 'errors'),
      '--store',
      'fs',
      '--status-dir',
      'status',
    ];
    console.log(
      `${N} installations in ${SHARDS} shards, one after another; load average ${loadavg()[0]!.toFixed(1)} at the start`,
    );
    const rounds: {
      shardMs: number[];
      shardBytes: number;
      merge: Timed;
      commit: ReturnType<typeof changedFiles>;
    }[] = [];
    for (const round of [1, 2]) {
      const results = `results-${round}`;
      const shardMs: number[] = [];
      for (let i = 1; i <= SHARDS; i++) {
        const r = smart([
          'check',
          ...common,
          '--shard',
          `${i}/${SHARDS}`,
          '--vantage',
          'github-hosted',
          '--run',
          `bench-${round}`,
          '--results-dir',
          results,
        ]);
        if (r.code !== 0)
          throw new Error(`shard ${i}/${SHARDS} exited with ${r.code}:\n${r.out.slice(-2000)}`);
        shardMs.push(r.ms);
      }
      const shardBytes = [...snapshot(join(OUT, results)).values()].reduce((a, f) => a + f.size, 0);
      const before = snapshot(join(OUT, 'status'));
      const merge = smart([
        'check',
        ...common,
        '--merge',
        '--run',
        `bench-${round}`,
        '--results-dir',
        results,
        '--notify',
        'none',
      ]);
      if (merge.code !== 0) throw new Error(`merge exited with ${merge.code}:\n${merge.out.slice(-2000)}`);
      const commit = changedFiles(before, snapshot(join(OUT, 'status')));
      rounds.push({ shardMs, shardBytes, merge, commit });
      const summary = merge.out.split('\n').filter((l) => /^Итого|^Алерты/.test(l));
      console.log(`\nround ${round}: ${summary.join(' | ')}`);
      console.log(
        `  shards: ${shardMs.map((ms) => (ms / 1000).toFixed(1)).join(' ')} s (sum ${s(shardMs.reduce((a, b) => a + b, 0))}); shard results ${mb(shardBytes)}`,
      );
      console.log(
        `  merge: ${s(merge.ms)} wall${merge.cpuS !== undefined ? `, ${merge.cpuS.toFixed(1)} s CPU` : ''}${merge.rssKb ? `, peak RSS ${(merge.rssKb / 1024).toFixed(0)} MiB` : ''}; commit: ${commit.files} files, ${mb(commit.bytes)}${commit.deleted ? `, ${commit.deleted} deleted` : ''}`,
      );
    }
    const steady = rounds[1]!;
    console.log('\n| figure | measured | target |');
    console.log('| --- | --- | --- |');
    console.log(`| merge, first run (every file new) | ${s(rounds[0]!.merge.ms)} | ≤ ${TARGET_MERGE_S} s |`);
    console.log(`| merge, steady state | ${s(steady.merge.ms)} | ≤ ${TARGET_MERGE_S} s |`);
    console.log(
      `| merge peak RSS | ${steady.merge.rssKb ? `${(steady.merge.rssKb / 1024).toFixed(0)} MiB` : 'n/a (install GNU time)'} | — |`,
    );
    console.log(
      `| commit, first run | ${rounds[0]!.commit.files} files, ${mb(rounds[0]!.commit.bytes)} | — |`,
    );
    console.log(
      `| commit, steady state | ${steady.commit.files} files, ${mb(steady.commit.bytes)} | ≤ ${TARGET_COMMIT_MB} MB |`,
    );
    console.log(`| shard results (artifacts) per run | ${mb(steady.shardBytes)} | — |`);
    console.log(
      `| one shard (${N / SHARDS} installations, process start included) | median ${s([...steady.shardMs].sort((a, b) => a - b)[Math.floor(SHARDS / 2)]!)} | — |`,
    );
    const ok =
      steady.merge.ms <= TARGET_MERGE_S * 1000 && steady.commit.bytes <= TARGET_COMMIT_MB * 1024 * 1024;
    console.log(ok ? '\nboth targets met' : '\nTARGET MISSED (see the table)');
    process.exitCode = ok ? 0 : 1;
  } finally {
    servers.child.stdin?.end();
    servers.child.kill();
  }
}

if (process.argv[2] === 'servers') await serve();
else await main();
