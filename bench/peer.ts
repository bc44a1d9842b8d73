/**
 * Benchmark (issue 15): `smart check` next to the standard prober, prometheus-blackbox-exporter (Debian
 * package), in one script run, with the product's defaults (timeout 10 s, concurrency 64, per_host 4):
 *
 * - fleet: 1,000 HTTPS targets, each its own server (address and port) on six loopback addresses; every tenth
 *   accepts connections and never answers. blackbox gets one `http_2xx` probe per target, all at once (as
 *   Prometheus scrapes); smart checks one installation per target with `http` and `tls` (what http_2xx
 *   looks at: the answer and the certificate). Two smart runs: the first writes the status data from nothing,
 *   the second is a run as every five minutes (`sync` before it stands for the minutes between runs, in
 *   which the kernel writes the last run's files back: the store fsyncs them before it drops their journal).
 * - hosting outage: 500 installations of one hosting behind one address, all hanging (accept, never answer),
 *   names through a loopback dnsmasq; smart with http (by name and by IP), tls and dns.
 *
 * Printed: wall time, probe phase (heartbeat.json), CPU of the whole process (start-up included) per
 * target, peak RSS, and what each check said, next to the targets. The stand-in servers run in a child
 * process (this file with the argument `servers`), so the figures are the probers' own. Loopback only.
 * One more line for the fleet: the CPU of bare Node TLS handshakes to the live targets (a child doing only
 * tls.connect), the floor under any Node prober here. `PEER_N=200 npm run bench:peer` runs a smaller fleet;
 * `PEER_PROFILE=1` writes CPU profiles of the smart runs to bench/out/peer/profiles/.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';
import { stringify } from 'yaml';
import { ecdsaCerts } from './certs-lib.ts';

const N = Number(process.env.PEER_N ?? 1000);
const HOSTING_N = Number(process.env.PEER_HOSTING_N ?? Math.round(N / 2));
const IPS = ['127.0.1.1', '127.0.1.2', '127.0.1.3', '127.0.1.4', '127.0.1.5', '127.0.1.6'];
const HOSTING_IP = '127.0.2.1';
const TIMEOUT_S = 10;
const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench', 'out', 'peer');
const BLACKBOX = '/usr/bin/prometheus-blackbox-exporter';

interface Served {
  targets: { url: string; dead: boolean }[];
  hostingPort: number;
  caPem: string;
}

/** Child process: one HTTPS server fed by a TCP listener per target, silent listeners for dead ones. */
async function serve(): Promise<void> {
  const certs = ecdsaCerts([...IPS, HOSTING_IP].map((ip) => `IP:${ip}`).concat('DNS:*.hosting.test'));
  if (!certs) throw new Error('bench:peer needs the openssl CLI (Debian: openssl)');
  const https = createHttpsServer(certs.leaf, (_req, res) => {
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end('<html><body>Кодекс</body></html>');
  });
  const listeners: Server[] = [];
  const held = new Set<Socket>();
  const hang = (s: Socket) => {
    held.add(s);
    s.on('error', () => {});
    s.on('close', () => held.delete(s));
  };
  const listen = (ip: string, onConnection: (s: Socket) => void) =>
    new Promise<number>((resolve, reject) => {
      const server = createTcpServer(onConnection);
      server.once('error', reject);
      server.listen(0, ip, () => resolve((server.address() as { port: number }).port));
      listeners.push(server);
    });
  const targets: Served['targets'] = [];
  for (let i = 0; i < N; i++) {
    const ip = IPS[i % IPS.length]!;
    const dead = i % 10 === 5;
    const port = await listen(ip, dead ? hang : (s) => https.emit('connection', s));
    targets.push({ url: `https://${ip}:${port}/`, dead });
  }
  const hostingPort = await listen(HOSTING_IP, hang);
  process.stdout.write(`${JSON.stringify({ targets, hostingPort, caPem: certs.caPem } satisfies Served)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    const cpu = process.cpuUsage();
    process.stderr.write(`(stand-in servers used ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s of CPU)\n`);
    process.exit(0);
  });
}

/**
 * Child process: the floor under any Node prober on this machine — a bare TLS handshake (tls.connect, the
 * certificate checked, no HTTP) to each live target, 64 at a time; prints the CPU of the handshakes alone.
 */
async function tlsFloor(file: string): Promise<void> {
  const { urls, caPem } = JSON.parse(readFileSync(file, 'utf8')) as { urls: string[]; caPem: string };
  const { connect } = await import('node:tls');
  const before = process.cpuUsage();
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const u = new URL(urls[next++]!);
      await new Promise<void>((resolve, reject) => {
        const s = connect({ host: u.hostname, port: Number(u.port), ca: caPem }, () => {
          s.destroy();
          resolve();
        });
        s.once('error', reject);
      });
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  const cpu = process.cpuUsage(before);
  process.stdout.write(`${JSON.stringify({ cpuS: (cpu.user + cpu.system) / 1e6, n: urls.length })}\n`);
}

/** CPU seconds (user + system) and peak RSS (MiB) of a running process, from /proc. */
function procUsage(pid: number): { cpuS: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat (utime, stime) in clock ticks; after the command name they are 12 and 13.
  const ticks = Number(fields[11]) + Number(fields[12]);
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuS: ticks / 100, rssMb: Number(hwm ?? 0) / 1024 };
}

/** Makes sure blackbox_exporter is installed: apt-get as root, else says how and returns false. */
function ensureBlackbox(): boolean {
  if (spawnSync(BLACKBOX, ['--version'], { stdio: 'ignore' }).status === 0) return true;
  if (process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    process.stdout.write('installing prometheus-blackbox-exporter (Debian) with apt-get …\n');
    spawnSync(
      'apt-get',
      ['install', '-y', '-qq', '--no-install-recommends', 'prometheus-blackbox-exporter'],
      {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      },
    );
    // The package starts a system service on :9115; this benchmark runs its own on a loopback port.
    spawnSync('systemctl', ['stop', 'prometheus-blackbox-exporter'], { stdio: 'ignore' });
    if (spawnSync(BLACKBOX, ['--version'], { stdio: 'ignore' }).status === 0) return true;
  }
  process.stdout.write(
    'prometheus-blackbox-exporter is not installed: `sudo apt-get install prometheus-blackbox-exporter` ' +
      '(Debian/Ubuntu), then run again. Its column is left out.\n',
  );
  return false;
}

interface Blackbox {
  pid: number;
  port: number;
  stop: () => Promise<void>;
}

async function startBlackbox(caFile: string): Promise<Blackbox> {
  const config = join(OUT, 'blackbox.yml');
  writeFileSync(
    config,
    stringify({
      modules: {
        http_2xx: {
          prober: 'http',
          timeout: `${TIMEOUT_S}s`,
          http: { preferred_ip_protocol: 'ip4', tls_config: { ca_file: caFile } },
        },
      },
    }),
  );
  const port = 19115 + Math.floor(Math.random() * 500);
  const child = spawn(BLACKBOX, [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (d) => {
    log += String(d);
  });
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`blackbox_exporter exited: ${log.trim().slice(-500)}`);
    const up = await request(`http://127.0.0.1:${port}/metrics`)
      .then(async (r) => {
        await r.body.dump();
        return r.statusCode === 200;
      })
      .catch(() => false);
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: child.pid!,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** One probe per target through blackbox, all at once; CPU and RSS are blackbox's own. */
async function probeBlackbox(bb: Blackbox, urls: string[]) {
  const agent = new Agent({ connections: null, headersTimeout: 60_000, bodyTimeout: 60_000 });
  const before = procUsage(bb.pid);
  const t0 = performance.now();
  const success = await Promise.all(
    urls.map(async (target) => {
      const r = await request(
        `http://127.0.0.1:${bb.port}/probe?module=http_2xx&target=${encodeURIComponent(target)}`,
        { dispatcher: agent, headers: { 'x-prometheus-scrape-timeout-seconds': String(TIMEOUT_S + 0.5) } },
      );
      return /^probe_success 1$/m.test(await r.body.text());
    }),
  );
  const wallS = (performance.now() - t0) / 1000;
  const after = procUsage(bb.pid);
  await agent.close();
  return {
    wallS,
    cpuS: after.cpuS - before.cpuS,
    rssMb: after.rssMb,
    ok: success.filter(Boolean).length,
    fail: success.filter((s) => !s).length,
  };
}

type Installation = Record<string, unknown>;

function writeConfig(dir: string, installations: Installation[], checker: Record<string, unknown>) {
  mkdirSync(dir, { recursive: true });
  const clients = installations.map((inst, i) => ({
    id: `c${String(i).padStart(4, '0')}`,
    title: `ООО «Клиент ${i}»`,
    manager: { name: 'Иван Петров', telegram: '@ipetrov' },
    sla: { availability: 99.5 },
    installations: [{ id: 'main', title: 'Кодекс', ...inst }],
  }));
  writeFileSync(
    join(dir, 'installations.yaml'),
    stringify({
      site: { url: 'https://smart.example' },
      // No canaries: the only network here is loopback.
      checker: { canaries: [], ...checker },
      hostings: { cloud: { title: 'Техэксперт.Облако' } },
      clients,
    }),
  );
}

/**
 * One `smart check` as a user runs it: through bin/smart.js, which starts the CLI in a child with its heap
 * flags. Every node process of it reports its CPU and peak RSS at exit (the hook rides in NODE_OPTIONS, so
 * the launcher and the CLI both carry it): CPU is their sum, RSS the larger.
 */
function runSmart(dir: string, caFile: string) {
  const t0 = performance.now();
  // No spaces or double quotes: NODE_OPTIONS splits on the one and quotes with the other.
  const hook =
    "data:text/javascript,process.on('exit',()=>(u=>process.stderr.write('RSS_KB='+u.maxRSS+'_CPU_US='+(u.userCPUTime+u.systemCPUTime)+String.fromCharCode(10)))(process.resourceUsage()))";
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'bin', 'smart.js'),
      'check',
      '--config',
      join(dir, 'installations.yaml'),
      '--docs',
      join(ROOT, 'docs', 'errors'),
      '--status-dir',
      join(dir, 'status'),
      '--notify',
      'none',
    ],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: caFile,
        NODE_OPTIONS: [
          process.env.NODE_OPTIONS,
          `--import=${hook}`,
          ...(process.env.PEER_PROFILE
            ? ['--cpu-prof', '--cpu-prof-interval=2000', `--cpu-prof-dir=${join(OUT, 'profiles')}`]
            : []),
        ]
          .filter(Boolean)
          .join(' '),
      },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`smart check exited with ${r.status}: ${r.stderr.slice(-2000)}`);
  const heartbeat = JSON.parse(readFileSync(join(dir, 'status', 'heartbeat.json'), 'utf8')) as {
    duration_ms: number;
    counts: { ok: number; fail: number; unknown: number };
  };
  const codes = new Map<string, number>();
  const said = new Map<string, string>();
  for (const f of readdirSync(join(dir, 'status', 'state'))) {
    const state = JSON.parse(readFileSync(join(dir, 'status', 'state', f), 'utf8')) as {
      installations: Record<string, { checks: Record<string, { status: string; code: string }> }>;
    };
    for (const inst of Object.values(state.installations))
      for (const [check, c] of Object.entries(inst.checks)) {
        const k = `${check} ${c.status} ${c.code}`;
        codes.set(k, (codes.get(k) ?? 0) + 1);
        said.set(`${f.replace(/\.json$/, '')}/${check}`, c.status);
      }
  }
  return {
    wallS,
    probeS: heartbeat.duration_ms / 1000,
    cpuS: [...r.stderr.matchAll(/CPU_US=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0) / 1e6,
    rssMb: Math.max(0, ...[...r.stderr.matchAll(/RSS_KB=(\d+)/g)].map((m) => Number(m[1]))) / 1024,
    counts: heartbeat.counts,
    codes: [...codes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} × ${n}`),
    said,
  };
}

async function startServers(): Promise<{ child: ChildProcess; served: Served }> {
  const child = spawn(process.execPath, [import.meta.filename, 'servers'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, PEER_N: String(N) },
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`stand-in servers exited with ${code}`)));
  });
  return { child, served: JSON.parse(first) as Served };
}

const s = (v: number) => `${v.toFixed(2)} s`;
const ms = (v: number) => `${(v * 1000).toFixed(2)} ms`;
const row = (cells: string[]) =>
  process.stdout.write(`${cells.map((c, i) => c.padEnd(i === 0 ? 34 : 22)).join('')}\n`);
const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${cpus().length} cores`;

async function main(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const haveBlackbox = ensureBlackbox();
  const { startDnsmasq, dnsmasqMissing } = await import('../checker/testing/dnsmasq.ts');
  const missing = dnsmasqMissing();
  if (missing) throw new Error(`bench:peer: ${missing}`);
  const dnsmasq = await startDnsmasq({ 'hosting.test': HOSTING_IP });
  const { child, served } = await startServers();
  const caFile = join(OUT, 'ca.pem');
  writeFileSync(caFile, served.caPem);
  const bb = haveBlackbox ? await startBlackbox(caFile) : undefined;
  try {
    const dead = served.targets.filter((t) => t.dead).length;
    process.stdout.write(
      `peer: ${N} HTTPS targets on ${IPS.length} loopback addresses (each its own port), ${dead} hanging; ` +
        `defaults: timeout ${TIMEOUT_S} s, concurrency 64, per_host 4\n${load()}\n\n`,
    );
    const bbFleet = bb
      ? await probeBlackbox(
          bb,
          served.targets.map((t) => t.url),
        )
      : undefined;
    const floorFile = join(OUT, 'floor.json');
    const live = served.targets.filter((t) => !t.dead).map((t) => t.url);
    writeFileSync(floorFile, JSON.stringify({ urls: live, caPem: served.caPem }));
    const floorRun = spawnSync(process.execPath, [import.meta.filename, 'tls-floor', floorFile], {
      encoding: 'utf8',
    });
    const floor =
      floorRun.status === 0 ? (JSON.parse(floorRun.stdout) as { cpuS: number; n: number }) : undefined;
    const fleetDir = join(OUT, 'fleet');
    writeConfig(
      fleetDir,
      served.targets.map((t) => ({ url: t.url, probes: { http: {}, tls: {} } })),
      {},
    );
    const first = runSmart(fleetDir, caFile);
    spawnSync('sync');
    const run = runSmart(fleetDir, caFile);
    const wrong = served.targets.filter((t, i) => {
      const id = `c${String(i).padStart(4, '0')}`;
      const want = t.dead ? 'fail' : 'ok';
      return run.said.get(`${id}/http`) !== want || run.said.get(`${id}/tls`) !== want;
    }).length;
    const probeTarget = 1.1 * TIMEOUT_S;
    const wallTarget = TIMEOUT_S + 3;
    row(['fleet', 'smart check', 'smart, first run', bb ? 'blackbox_exporter' : '', 'target']);
    row(['wall time', s(run.wallS), s(first.wallS), bbFleet ? s(bbFleet.wallS) : '—', `≤ ${s(wallTarget)}`]);
    row(['probe phase', s(run.probeS), s(first.probeS), '', `≤ ${s(probeTarget)}`]);
    row([
      'CPU per target (whole process)',
      ms(run.cpuS / N),
      ms(first.cpuS / N),
      bbFleet ? ms(bbFleet.cpuS / N) : '—',
      bbFleet ? `≤ ${ms(bbFleet.cpuS / N)} (blackbox)` : '',
    ]);
    row(['CPU in all', s(run.cpuS), s(first.cpuS), bbFleet ? s(bbFleet.cpuS) : '—', '']);
    if (floor)
      row([
        "Node's bare TLS handshakes",
        `${s(floor.cpuS)} for ${floor.n}`,
        '',
        '',
        `${ms(floor.cpuS / floor.n)} each: the floor`,
      ]);
    row([
      'peak RSS',
      `${run.rssMb.toFixed(0)} MB`,
      `${first.rssMb.toFixed(0)} MB`,
      bbFleet ? `${bbFleet.rssMb.toFixed(0)} MB` : '—',
      '≤ 300 MB',
    ]);
    row([
      'targets up / down',
      `${N - countDown(run, N)} / ${countDown(run, N)}`,
      '',
      bbFleet ? `${bbFleet.ok} / ${bbFleet.fail}` : '—',
      `${N - dead} / ${dead}`,
    ]);
    process.stdout.write(`smart's checks: ${run.codes.join(', ')}\n`);
    process.stdout.write(`checks that said the wrong thing: ${wrong}\n${load()}\n\n`);

    const hostingDir = join(OUT, 'hosting');
    const names = Array.from({ length: HOSTING_N }, (_, i) => `h${String(i).padStart(4, '0')}.hosting.test`);
    writeConfig(
      hostingDir,
      names.map((n) => ({
        url: `https://${n}:${served.hostingPort}/`,
        ip: HOSTING_IP,
        hosting: 'cloud',
        probes: { http: {}, tls: {}, dns: {} },
      })),
      { resolvers: [dnsmasq.address] },
    );
    const bbHosting = bb
      ? await probeBlackbox(
          bb,
          names.map((_, i) => `https://${HOSTING_IP}:${served.hostingPort}/?site=${i}`),
        )
      : undefined;
    const h1 = runSmart(hostingDir, caFile);
    spawnSync('sync');
    const h2 = runSmart(hostingDir, caFile);
    const falseOk = [...h2.said].filter(([k, v]) => !k.endsWith('/dns') && v === 'ok').length;
    row([
      `hosting outage: ${HOSTING_N} behind one address`,
      'smart check',
      'smart, first run',
      bb ? 'blackbox_exporter' : '',
      'target',
    ]);
    row(['wall time', s(h2.wallS), s(h1.wallS), bbHosting ? s(bbHosting.wallS) : '—', `≤ ${s(wallTarget)}`]);
    row(['probe phase', s(h2.probeS), s(h1.probeS), '', `≤ ${s(probeTarget)}`]);
    row(['CPU in all', s(h2.cpuS), s(h1.cpuS), bbHosting ? s(bbHosting.cpuS) : '—', '']);
    row([
      'peak RSS',
      `${h2.rssMb.toFixed(0)} MB`,
      `${h1.rssMb.toFixed(0)} MB`,
      bbHosting ? `${bbHosting.rssMb.toFixed(0)} MB` : '—',
      '≤ 300 MB',
    ]);
    process.stdout.write(`smart's checks: ${h2.codes.join(', ')}\n`);
    process.stdout.write(`checks reported working although the server hangs: ${falseOk}\n${load()}\n\n`);

    const met =
      run.probeS <= probeTarget &&
      run.wallS <= wallTarget &&
      h2.probeS <= probeTarget &&
      h2.wallS <= wallTarget &&
      run.rssMb <= 300 &&
      h2.rssMb <= 300 &&
      wrong === 0 &&
      falseOk === 0 &&
      (!bbFleet || run.cpuS <= bbFleet.cpuS);
    process.stdout.write(`targets: ${met ? 'met' : 'NOT met'}\n`);
  } finally {
    await bb?.stop();
    child.stdin?.end();
    await new Promise((r) => child.once('exit', r));
    await dnsmasq.close();
  }
}

function countDown(run: ReturnType<typeof runSmart>, n: number): number {
  let down = 0;
  for (let i = 0; i < n; i++) if (run.said.get(`c${String(i).padStart(4, '0')}/http`) !== 'ok') down++;
  return down;
}

if (process.argv[2] === 'servers') await serve();
else if (process.argv[2] === 'tls-floor') await tlsFloor(process.argv[3]!);
else await main();
