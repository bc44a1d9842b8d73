/**
 * Benchmark: `smart validate` on a generated installations.yaml of 1,000 clients × 3 installations
 * (every probe type), run as a user runs it (a subprocess), several times. Prints wall time and peak RSS.
 * Then parseConfig alone (what every `smart check` pays before probing), in this process, on that file and on
 * one of 1,000 installations: as it runs (the fast way) and with positions only (as before the fast way).
 * Nothing is probed: validation never touches the network.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseConfig } from '../checker/config/load.ts';

const CLIENTS = 1000;
const PER_CLIENT = 3;
const RUNS = 5;
const PARSE_RUNS = 9;

function generate(perClient = PER_CLIENT): string {
  const clients = Array.from({ length: CLIENTS }, (_, c) => ({
    id: `client-${c}`,
    title: `ООО «Клиент ${c}»`,
    visibility: c % 10 === 0 ? 'unlisted' : 'public',
    manager: { name: 'Иван Петров', telegram: '@ipetrov' },
    sla: { availability: 99.5 },
    installations: Array.from({ length: perClient }, (_, i) => ({
      id: `inst-${i}`,
      title: `Кодекс ${i}`,
      ...(i === 0 ? { hosting: 'cloud' } : {}),
      url: `https://k${i}.client-${c}.example/`,
      ip: `198.51.100.${(c * perClient + i) % 250}`,
      probes: {
        icmp: {},
        http: { expect: [200, 302] },
        dns: {},
        tls: { warn_days: 21 },
        sysinfo: {},
        agent: { max_age: '15m' },
      },
    })),
  }));
  return stringify({
    site: { url: 'https://smart.example' },
    checker: { interval: '5m', timeout: '10s' },
    hostings: { cloud: { title: 'Техэксперт.Облако' } },
    clients,
  });
}

const dir = mkdtempSync(join(tmpdir(), 'smart-bench-validate-'));
try {
  const file = join(dir, 'installations.yaml');
  writeFileSync(file, generate());
  const size = statSync(file).size;
  const cli = join(import.meta.dirname, '..', 'checker', 'cli.ts');
  const docs = join(import.meta.dirname, '..', 'docs', 'errors');
  const walls: number[] = [];
  const cpus: number[] = [];
  let peakKb = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    // /usr/bin/time is not everywhere; ask the child for its own peak RSS instead.
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'data:text/javascript,process.on("exit",()=>{const u=process.resourceUsage();process.stderr.write("RSS_KB="+u.maxRSS+" CPU_US="+(u.userCPUTime+u.systemCPUTime)+"\\n")})',
        cli,
        'validate',
        '--config',
        file,
        '--docs',
        docs,
      ],
      { encoding: 'utf8' },
    );
    walls.push(performance.now() - t0);
    const rss = Number(/RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? 0);
    peakKb = Math.max(peakKb, rss);
    cpus.push(Number(/CPU_US=(\d+)/.exec(r.stderr)?.[1] ?? 0) / 1000);
    if (i === 0)
      process.stdout.write(`smart validate said: ${r.stdout.trim() || r.stderr.trim().split('\n')[0]}\n`);
  }
  walls.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  const median = walls[Math.floor(walls.length / 2)]!;
  process.stdout.write(
    `${CLIENTS} clients × ${PER_CLIENT} installations (${(size / 1024).toFixed(0)} KiB): ` +
      `validate median ${median.toFixed(0)} ms (min ${walls[0]!.toFixed(0)}, max ${walls.at(-1)!.toFixed(0)}) over ${RUNS} runs, ` +
      `CPU median ${cpus[Math.floor(cpus.length / 2)]!.toFixed(0)} ms, ` +
      `peak RSS ${(peakKb / 1024).toFixed(0)} MiB\n`,
  );
  for (const perClient of [1, PER_CLIENT]) parseFigures(perClient);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Median CPU-bound time of parseConfig on one generated file, the fast way and with positions only. */
function parseFigures(perClient: number) {
  const text = generate(perClient);
  const median = (fast: boolean) => {
    parseConfig('installations.yaml', text, { fast }); // warm-up: the first call also compiles
    const times = Array.from({ length: PARSE_RUNS }, () => {
      const t0 = performance.now();
      const r = parseConfig('installations.yaml', text, { fast });
      if (!r.ok) throw new Error(`the generated file is invalid: ${r.diagnostics[0]!.message}`);
      return performance.now() - t0;
    }).sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  };
  const located = median(false);
  const fast = median(true);
  process.stdout.write(
    `parseConfig, ${CLIENTS * perClient} installations (${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB), ` +
      `median of ${PARSE_RUNS}: ${fast.toFixed(0)} ms the fast way, ${located.toFixed(0)} ms with positions only ` +
      `(${(located / fast).toFixed(1)}×)\n`,
  );
}
