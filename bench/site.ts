/**
 * Site build benchmark: 500 clients × 2 installations × 400 days of history, incidents and state, built
 * with `astro build` as `npm run build` does. Prints build time, peak RSS, size of dist/ and the largest page.
 * Run: npm run bench:site  (data and output go to bench/out/site, git-ignored)
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { ClientState, DayAggregate, HistoryMonth, Incident } from '../checker/status/schema.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = join(ROOT, 'bench/out/site');
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 500);
const INSTALLATIONS = 2;
const DAYS = 400;
const NOW = Date.parse('2026-11-28T09:25:00+03:00');
const TZ = 'Europe/Moscow';

const pad = (n: number) => String(n).padStart(3, '0');
const iso = (ms: number) => new Date(ms).toISOString();
const dayOf = (ms: number) => new Date(ms + 3 * 3600_000).toISOString().slice(0, 10);

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

/** A small deterministic PRNG so that every run builds the same site. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

async function generate(dir: string): Promise<void> {
  const rand = rng(42);
  const clients = Array.from({ length: CLIENTS }, (_, i) => ({
    id: `client-${pad(i)}`,
    title: `ООО «Клиент ${i}»`,
    visibility: i % 50 === 7 ? 'private' : i % 20 === 3 ? 'unlisted' : 'public',
    ...(i % 20 === 3 ? { slug: `u-${pad(i)}-x9k2` } : {}),
    sla: { availability: 99.5 },
    installations: Array.from({ length: INSTALLATIONS }, (_, j) => ({
      id: `inst-${j}`,
      title: `Кодекс — сервер ${j + 1}`,
      ...(j === 0 ? { hosting: 'cloud' } : {}),
      url: `https://c${i}-${j}.bench.example/`,
      ip: `198.51.100.${(i * 2 + j) % 250}`,
      probes: { http: {}, dns: {}, tls: {}, sysinfo: {} },
    })),
  }));
  await put(
    join(dir, 'installations.yaml'),
    stringify({
      site: { url: 'https://status.bench.example', repo: 'uniclass/smart-status' },
      checker: { interval: '5m', timezone: TZ },
      hostings: { cloud: { title: 'Техэксперт.Облако' } },
      clients,
    }),
  );

  const status = join(dir, 'status');
  await put(
    join(status, 'heartbeat.json'),
    JSON.stringify({
      schema: 1,
      run_id: 'bench',
      started_at: iso(NOW - 80_000),
      finished_at: iso(NOW - 60_000),
      duration_ms: 20_000,
      vantage: 'bench',
      interval_ms: 300_000,
      network_ok: true,
      counts: {
        clients: CLIENTS,
        installations: CLIENTS * 2,
        checks: 0,
        ok: 0,
        fail: 0,
        unknown: 0,
        firing: 0,
      },
      notes: [],
    }),
  );
  const incidents = new Map<string, Incident[]>();
  const alerts = [
    'KodeksDnsResolve',
    'KodeksBehindProxyDown',
    'KodeksXmlSensLockStatus',
    'KodeksTlsCertExpiring',
  ] as const;
  for (const c of clients) {
    const months = new Map<string, HistoryMonth>();
    for (const inst of c.installations) {
      for (let d = 0; d < DAYS; d++) {
        const day = dayOf(NOW - d * 86_400_000);
        const down = rand() < 0.03 ? Math.round(rand() * 120) : 0;
        const agg: DayAggregate = {
          checks: 288,
          failures: Math.ceil(down / 5),
          down_min: down,
          maintenance_min: 0,
          no_data_min: rand() < 0.01 ? 60 : 0,
          p50_ms: 100,
          p95_ms: 250,
        };
        const month = day.slice(0, 7);
        let m = months.get(month);
        if (!m) {
          m = { schema: 1, client: c.id, month, timezone: TZ, installations: {} };
          months.set(month, m);
        }
        const days = m.installations[inst.id] ?? {};
        days[day] = agg;
        m.installations[inst.id] = days;
        if (down > 0) {
          const start = Date.parse(`${day}T10:00:00+03:00`);
          const alert = alerts[Math.floor(rand() * alerts.length)]!;
          const list = incidents.get(iso(start).slice(0, 7)) ?? [];
          list.push({
            id: `${iso(start)}-${c.id}-${inst.id}-${alert}`,
            client: c.id,
            installation: inst.id,
            alert,
            importance: 'critical',
            started_at: iso(start),
            resolved_at: iso(start + down * 60_000),
            client_visible: true,
            suppressed: false,
            maintenance: false,
            diagnosis: { rule: 'bench', alert, cause: 'Причина для бенчмарка', hint: 'подсказка' },
          });
          incidents.set(iso(start).slice(0, 7), list);
        }
      }
    }
    for (const [month, m] of months)
      await put(join(status, 'history', c.id, `${month}.json`), JSON.stringify(m));
    const state: ClientState = {
      schema: 1,
      client: c.id,
      updated_at: iso(NOW - 60_000),
      installations: Object.fromEntries(
        c.installations.map((inst) => [
          inst.id,
          {
            overall: 'operational',
            checked_at: iso(NOW - 60_000),
            components: Object.fromEntries(
              (['network', 'access', 'dns', 'tls', 'license'] as const).map((k) => [
                k,
                { status: 'ok', since: iso(NOW - 86_400_000), message: 'Работает' },
              ]),
            ),
            checks: {},
            alerts: {},
          },
        ]),
      ),
    };
    await put(join(status, 'state', `${c.id}.json`), JSON.stringify(state));
  }
  for (const [month, list] of incidents)
    await put(
      join(status, 'incidents', `${month}.json`),
      JSON.stringify({ schema: 1, month, incidents: list }),
    );
}

async function walk(dir: string): Promise<{ path: string; size: number }[]> {
  const out: { path: string; size: number }[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push({ path: p, size: (await stat(p)).size });
  }
  return out;
}

/** Runs the build under GNU time (peak RSS of the build and the processes it waits for). */
function build(
  dir: string,
  outDir: string,
): Promise<{ ms: number; rssKb?: number; code: number; log: string }> {
  const astro = join(ROOT, 'node_modules/astro/bin/astro.mjs');
  const args = [process.execPath, astro, 'build', '--root', 'site', '--outDir', outDir];
  const timed = existsSync('/usr/bin/time');
  const [exe, ...rest] = timed ? ['/usr/bin/time', '-f', 'MAXRSS_KB=%M', ...args] : args;
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(exe!, rest, {
      cwd: ROOT,
      env: {
        ...process.env,
        ASTRO_TELEMETRY_DISABLED: '1',
        SMART_CONFIG: join(dir, 'installations.yaml'),
        SMART_STATUS_DIR: join(dir, 'status'),
        SMART_NOW: iso(NOW),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d) => {
      log += d;
    });
    child.stderr.on('data', (d) => {
      log += d;
    });
    child.on('close', (code) => {
      const m = /MAXRSS_KB=(\d+)/.exec(log);
      resolve({ ms: performance.now() - started, rssKb: m ? Number(m[1]) : undefined, code: code ?? 1, log });
    });
  });
}

const data = join(OUT, 'data');
const dist = join(OUT, 'dist');
await rm(OUT, { recursive: true, force: true });
const g0 = performance.now();
await generate(data);
console.log(
  `generated ${CLIENTS} clients × ${INSTALLATIONS} installations × ${DAYS} days in ${((performance.now() - g0) / 1000).toFixed(1)} s`,
);
const r = await build(data, dist);
if (r.code !== 0) {
  console.error(r.log.slice(-4000));
  process.exit(1);
}
const files = await walk(dist);
const total = files.reduce((n, f) => n + f.size, 0);
const pages = files.filter((f) => f.path.endsWith('.html')).sort((a, b) => b.size - a.size);
const largest = pages[0]!;
console.log(`build time:    ${(r.ms / 1000).toFixed(1)} s`);
console.log(`peak RSS:      ${r.rssKb ? `${(r.rssKb / 1024).toFixed(0)} MiB` : 'n/a (install GNU time)'}`);
console.log(
  `dist/:         ${(total / 1048576).toFixed(1)} MiB in ${files.length} files (${pages.length} HTML pages)`,
);
console.log(`largest page:  ${relative(dist, largest.path)} ${(largest.size / 1024).toFixed(1)} KiB`);
const client = pages.find((p) => /\/status\/[^/]+\/index\.html$/.test(p.path));
if (client)
  console.log(`largest client page: ${relative(dist, client.path)} ${(client.size / 1024).toFixed(1)} KiB`);
