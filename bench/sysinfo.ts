/**
 * Benchmark: reading sysinfo reports of 1 MiB and 50 MB (XML and the zip the server sends for type=zip) into
 * facts, as `smart check` does. The reports are written to bench/out/sysinfo/ first; each is read in a fresh
 * child process that loads the bytes (as a download leaves them) and parses them, so its peak memory (maxRSS)
 * is its own. The event loop's longest stall while parsing is measured with a 5 ms interval timer: it says
 * whether the timers of other checks could run. Figures: bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OUT = join(import.meta.dirname, 'out', 'sysinfo');

const SIZES = [
  { name: '1 MiB XML', bytes: 1024 * 1024, zip: false },
  { name: '1 MiB XML in a zip', bytes: 1024 * 1024, zip: true },
  { name: '50 MB XML', bytes: 50_000_000, zip: false },
  { name: '50 MB XML in a zip', bytes: 50_000_000, zip: true },
];

if (process.argv[2] === 'one') {
  const { createParsePool } = await import('../checker/sysinfo/parse-pool.ts');
  const { DEFAULT_PROFILE } = await import('../checker/sysinfo/profile.ts');
  // The report as the checker holds it after the download: bytes in memory (read from the file made below).
  const body = readFileSync(String(process.argv[3]));
  const rssBefore = process.memoryUsage().rss;
  const pool = createParsePool();
  let last = performance.now();
  let stall = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 5);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await pool.parse({
    bytes: body,
    profile: DEFAULT_PROFILE,
    limits: {},
    fetchedAt: new Date().toISOString(),
    timezone: 'Europe/Moscow',
  });
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(tick);
  if (!r.ok) throw new Error(`${r.code} ${r.detail}`);
  process.stdout.write(
    JSON.stringify({
      body: body.length,
      wall_ms: Math.round(wall),
      cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
      max_stall_ms: Math.round(stall),
      rss_before_mb: Math.round(rssBefore / 1048576),
      max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} else {
  const { healthyReport, sysinfoXml, sysinfoZip } = await import('../checker/testing/sysinfo-report.ts');
  mkdirSync(OUT, { recursive: true });
  console.log(
    '| report | body | parse wall | parse CPU | longest event-loop stall | RSS before | peak RSS |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const s of SIZES) {
    const spec = { ...healthyReport(new Date()), filler: s.bytes };
    const file = join(OUT, `${s.bytes}.${s.zip ? 'zip' : 'xml'}`);
    writeFileSync(file, s.zip ? await sysinfoZip(spec) : Buffer.from(sysinfoXml(spec)));
    const r = spawnSync(process.execPath, [import.meta.filename, 'one', file], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(`| ${s.name} | failed: ${r.stderr.slice(0, 200)} |`);
      process.exitCode = 1;
      continue;
    }
    const f = JSON.parse(r.stdout);
    console.log(
      `| ${s.name} | ${(f.body / 1048576).toFixed(1)} MiB | ${f.wall_ms} ms | ${f.cpu_ms} ms | ${f.max_stall_ms} ms | ${f.rss_before_mb} MiB | ${f.max_rss_mb} MiB |`,
    );
  }
  console.log(
    `load average: ${(await import('node:os'))
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
}
