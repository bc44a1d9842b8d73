/**
 * Benchmark: one checker run over 1,000 installations × 4 probes (http, dns, tls, sysinfo) against
 * loopback servers, where 5 % of installations accept connections and never answer and 5 % refuse them.
 * Timeout 2 s. Prints wall time, CPU per probe, peak RSS, and the same checks run one after another (as
 * Upptime does), measured on a sample and extrapolated, for the ratio.
 *
 * The servers (DNS, HTTPS, a silent TCP server) run in a child process (this file with the argument
 * `servers`) so that the figures are the checker's own. Traffic goes to 127.0.0.1 only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import type { Config } from '../checker/config/schema.ts';
import { runChecks } from '../checker/probing/run-checks.ts';
import { testConfig } from '../checker/testing/config.ts';
import { ecdsaCerts } from './certs-lib.ts';

const INSTALLATIONS = Number(process.env.BENCH_CHECKER_N ?? 1000);
const TIMEOUT_MS = 2000;
const CONCURRENCY = 1024;
const SEQUENTIAL_SAMPLE = 40; // installations: 2 silent, 2 refusing, 36 healthy (same 5 % / 5 % mix)

interface Ports {
  dns: string;
  https: number;
  silent: number;
  refused: number;
  caPem: string;
}

const role = process.argv[2];
if (role === 'dns' || role === 'web') await serve(role);
else if (!process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) await asSmartCheckRuns();
else await main();

/**
 * The run is measured with the heap flags `smart check` gets from bin/smart.js (4 MiB semispaces): this
 * file starts itself again with them, so the RSS is that of a real run, not of Node's machine-sized default.
 */
async function asSmartCheckRuns(): Promise<void> {
  const child = spawn(process.execPath, ['--max-semi-space-size=4', import.meta.filename], {
    stdio: 'inherit',
  });
  process.exitCode = await new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

/** Child process: the loopback DNS server, or the web servers (HTTPS, silent, refused port). */
async function serve(role: 'dns' | 'web'): Promise<void> {
  const { startDnsServer } = await import('../checker/testing/dns-server.ts');
  const { startFakeKodeks } = await import('../checker/testing/fake-kodeks.ts');
  const { closedPort, startSilentServer } = await import('../checker/testing/http-server.ts');
  const { createTestCa } = await import('../checker/testing/test-ca.ts');
  const { dnsmasqMissing, startDnsmasq } = await import('../checker/testing/dnsmasq.ts');
  // ECDSA P-256 through the openssl CLI when present: the loopback server then spends ~20× less CPU per
  // handshake than with RSA, so the figures measure the checker rather than the stand-in server.
  let ports: Partial<Ports>;
  // What must be stopped before this child exits (dnsmasq is a process of its own and would outlive it).
  let stop: () => Promise<unknown> = async () => {};
  if (role === 'dns') {
    // A real dnsmasq when installed (C, answers far faster than a JS server); else the dns2 test server.
    if (!dnsmasqMissing()) {
      const dnsmasq = await startDnsmasq({ 'bench.test': '127.0.0.1' });
      stop = () => dnsmasq.close();
      ports = { dns: dnsmasq.address };
    } else {
      const records: Record<string, string[]> = {};
      for (let i = 0; i < INSTALLATIONS; i++) records[name(i)] = ['127.0.0.1'];
      ports = { dns: (await startDnsServer(records)).address };
    }
  } else {
    const ec = ecdsaCerts(['DNS:*.bench.test']);
    let tls: { key: string; cert: string };
    let caPem: string;
    if (ec) {
      tls = ec.leaf;
      caPem = ec.caPem;
    } else {
      const ca = createTestCa('SMART bench CA');
      tls = ca.issue({ hosts: ['*.bench.test'] });
      caPem = ca.caPem;
    }
    const kodeks = await startFakeKodeks({ tls });
    const silent = await startSilentServer();
    ports = { https: kodeks.port, silent: silent.port, refused: await closedPort(), caPem };
  }
  process.stdout.write(`${JSON.stringify(ports)}\n`);
  process.stdin.resume();
  process.stdin.on('end', async () => {
    const cpu = process.cpuUsage();
    process.stderr.write(
      `(loopback ${role} server used ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU)\n`,
    );
    await stop().catch(() => undefined);
    process.exit(0);
  });
}

function name(i: number): string {
  return `i${String(i).padStart(4, '0')}.bench.test`;
}

function config(ports: Ports, indices: number[], concurrency: number, perHost: number): Config {
  return testConfig(
    indices.map((i) => {
      const port = i % 20 === 0 ? ports.silent : i % 20 === 1 ? ports.refused : ports.https;
      return {
        id: `i${i}`,
        url: `https://${name(i)}:${port}/`,
        probes: { http: {}, dns: {}, tls: {}, sysinfo: { every: '0s' } },
      };
    }),
    { resolvers: [ports.dns], timeout: `${TIMEOUT_MS}ms`, concurrency, per_host: perHost },
  );
}

async function startServer(which: 'dns' | 'web'): Promise<{ child: ChildProcess; ports: Partial<Ports> }> {
  const child = spawn(process.execPath, [import.meta.filename, which], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_CHECKER_N: String(INSTALLATIONS) },
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve) => lines.once('line', resolve));
  return { child, ports: JSON.parse(first) as Partial<Ports> };
}

async function measure(cfg: Config, ports: Ports) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const results = await runChecks(cfg, { ca: [ports.caPem] });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const counts = { ok: 0, fail: 0, unknown: 0 };
  const codes = new Map<string, number>();
  let probes = 0;
  // What each check should say: a dead installation's name still resolves (its DNS check is ok), the
  // rest of it is down; every check of a healthy installation is ok.
  let wrong = 0;
  for (const inst of results.installations) {
    const dead = Number(inst.installation.slice(1)) % 20 <= 1;
    for (const [check, r] of Object.entries(inst.checks)) {
      if (!r) continue;
      probes++;
      counts[r.status]++;
      codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
      const shouldBeOk = !dead || check === 'dns';
      if ((r.status === 'ok') !== shouldBeOk) wrong++;
    }
  }
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, probes, counts, codes, wrong };
}

async function main(): Promise<void> {
  const servers = await Promise.all([startServer('dns'), startServer('web')]);
  const ports = Object.assign({}, ...servers.map((s) => s.ports)) as Ports;
  try {
    const all = Array.from({ length: INSTALLATIONS }, (_, i) => i);
    // Warm-up on a few installations (module loading, JIT), not counted.
    await measure(config(ports, all.slice(2, 22), CONCURRENCY, 4), ports);

    const run = await measure(config(ports, all, CONCURRENCY, 4), ports);
    const rssMb = process.resourceUsage().maxRSS / 1024;

    const sample = [0, 20, 1, 21, ...all.filter((i) => i % 20 > 1).slice(0, SEQUENTIAL_SAMPLE - 4)];
    const seq = await measure(config(ports, sample, 1, 1), ports);
    const seqEstimateMs = seq.wallMs * (INSTALLATIONS / SEQUENTIAL_SAMPLE);

    const cpuPerProbe = run.cpuMs / run.probes;
    const wallTarget = 1.5 * TIMEOUT_MS + 1000;
    const line = (label: string, value: string, target = '') =>
      process.stdout.write(`${label.padEnd(34)}${value.padEnd(22)}${target}\n`);
    process.stdout.write(
      `checker: ${INSTALLATIONS} installations × 4 probes = ${run.probes} checks, timeout ${TIMEOUT_MS} ms, ` +
        `concurrency ${CONCURRENCY}, per_host 4\n`,
    );
    line('wall time', `${(run.wallMs / 1000).toFixed(2)} s`, `target ≤ ${(wallTarget / 1000).toFixed(1)} s`);
    line('CPU per probe', `${cpuPerProbe.toFixed(3)} ms`, 'target ≤ 1 ms');
    line('CPU total', `${(run.cpuMs / 1000).toFixed(2)} s`);
    line('peak RSS (whole process)', `${rssMb.toFixed(0)} MB`, 'target ≤ 300 MB');
    line('results', `ok ${run.counts.ok}, fail ${run.counts.fail}, unknown ${run.counts.unknown}`);
    line('codes', [...run.codes].map(([c, n]) => `${c} ${n}`).join(', '));
    line(
      'sequential (sampled)',
      `${(seq.wallMs / 1000).toFixed(1)} s for ${SEQUENTIAL_SAMPLE}`,
      `→ ≈ ${(seqEstimateMs / 1000).toFixed(0)} s for ${INSTALLATIONS} (extrapolated)`,
    );
    line('ratio sequential / concurrent', `≈ ${(seqEstimateMs / run.wallMs).toFixed(0)} ×`);
    // Healthy installations (90 %) should be ok on all 4 checks; dead ones time out or are refused, but
    // their names still resolve, so their DNS checks are ok too.
    const deadCount = all.filter((i) => i % 20 <= 1).length;
    const expectedOk = (INSTALLATIONS - deadCount) * 4 + deadCount;
    line(
      'checks ok (healthy × 4 + dead names)',
      `${run.counts.ok} of ${expectedOk}`,
      run.wrong > 0
        ? `${run.wrong} checks say the wrong thing (loopback servers overloaded?)`
        : 'every check as expected',
    );
    line('load average (1 min) / cores', `${loadavg()[0]?.toFixed(1)} / ${cpus().length}`);
    const okAll = run.wallMs <= wallTarget && cpuPerProbe <= 1 && rssMb <= 300 && run.wrong === 0;
    line('targets', okAll ? 'met' : 'NOT met');
  } finally {
    for (const { child } of servers) {
      child.stdin?.end();
      await new Promise((r) => child.once('exit', r));
    }
  }
}
