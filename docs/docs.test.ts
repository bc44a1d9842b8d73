/**
 * The documentation as a reader meets it: every runbook has the six sections with real content, its heading
 * names the alert exactly, links between the docs lead somewhere, commands never name a real host, and the
 * pages that describe code (installations.md, deploy.md, the alert table) still match that code.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { loadCatalog, type RunbookEntry, splitFrontMatter } from '../checker/alerts/catalog.ts';
import { ALERT_NAMES } from '../checker/alerts/names.ts';
import { parseConfig } from '../checker/config/load.ts';
import { configSchema } from '../checker/config/schema.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ERRORS = join(ROOT, 'docs/errors');
const SECTIONS = ['Что означает', 'Влияние', 'Диагностика', 'Что делать', 'Эскалация', 'Случаи из практики'];
/** The docs this suite owns; other docs/ pages are checked by their authors. */
const OWN_DOCS = [
  ...readdirSync(ERRORS)
    .filter((n) => n.endsWith('.md'))
    .map((n) => `docs/errors/${n}`),
  'docs/installations.md',
  'docs/deploy.md',
];

const md = new MarkdownIt();
type Token = ReturnType<MarkdownIt['parse']>[number];

function read(rel: string): string {
  return readFileSync(join(ROOT, rel), 'utf8');
}

/** The Markdown body without front matter. */
function bodyOf(text: string): string {
  return splitFrontMatter(text)?.body ?? text;
}

/** Headings of one level with the source line they start on. */
function headings(tokens: Token[], tag: 'h1' | 'h2'): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  tokens.forEach((t, i) => {
    if (t.type === 'heading_open' && t.tag === tag)
      out.push({ text: tokens[i + 1]!.content, line: t.map![0] });
  });
  return out;
}

/** `## Title` → the text up to the next `## ` heading (or the end), keyed by title. */
function sectionsOf(body: string): Map<string, string> {
  const lines = body.split('\n');
  const h2 = headings(md.parse(body, {}), 'h2');
  return new Map(h2.map((h, i) => [h.text, lines.slice(h.line + 1, h2[i + 1]?.line).join('\n')]));
}

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every text inside inline code and fenced blocks: the commands a reader copies. */
function codeOf(tokens: Token[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    if (t.type === 'fence' || t.type === 'code_block') out.push(t.content);
    for (const c of t.children ?? []) if (c.type === 'code_inline') out.push(c.content);
  }
  return out;
}

/** Every link target in a document. */
function linksOf(tokens: Token[]): string[] {
  const out: string[] = [];
  for (const t of tokens)
    for (const c of t.children ?? []) if (c.type === 'link_open') out.push(c.attrGet('href') ?? '');
  return out;
}

/** Hosts a reader may copy: documentation names and ranges (RFC 2606, RFC 5737) and loopback. */
const EXAMPLE_IP = /^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$|^127\.0\.0\.1$/;
/** The two outside services SMART itself talks to; a command may name them (e.g. to test the way out). */
const SERVICE_HOSTS = new Set(['github.com', 'api.github.com', 'api.telegram.org']);
const NET_COMMANDS =
  /^(?:sudo\s+)?(ping|nslookup|dig|host|curl|curl\.exe|wget|tracert|traceroute|mtr|nc|telnet|ssh|Test-NetConnection|Resolve-DnsName|openssl|usbip)\b/i;
/** Endings of real top-level domains a client's host would have (a file name like status.xml is not one). */
const REAL_TLD =
  /\.(ru|su|com|net|org|io|info|biz|pro|me|cloud|online|site|tech|dev|app|kz|by|ua|рф|xn--p1ai)$/i;

function allowedHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!/[\p{L}\p{N}]/u.test(h)) return true; // a placeholder such as https://…
  if (/^\d+(\.\d+){3}$/.test(h)) return EXAMPLE_IP.test(h);
  return h === 'localhost' || h === 'example' || h.endsWith('.example') || SERVICE_HOSTS.has(h);
}

/** Hosts and IPv4 addresses in a command text that are not examples. */
function foreignHosts(code: string): string[] {
  const found = new Set<string>();
  const check = (h: string) => {
    if (h && !allowedHost(h)) found.add(h);
  };
  for (const m of code.matchAll(/(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?![\w.]*\d)/g)) check(m[1]!);
  for (const m of code.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/([^/\s:'"`<>)\]]+)/gi)) check(m[1]!);
  for (const m of code.matchAll(/(?:@|--resolve\s+)([a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi)) check(m[1]!);
  for (const m of code.matchAll(/(?<![\w.@/-])((?:[a-z0-9а-я-]+\.)+[a-zа-я0-9-]{2,})(?![\w.-])/giu))
    if (REAL_TLD.test(m[1]!)) check(m[1]!);
  for (const line of code.split('\n')) {
    if (!NET_COMMANDS.test(line.trim())) continue;
    for (const word of line.trim().split(/\s+/).slice(1)) {
      const host = word.replace(/^['"]|['"]$/g, '').replace(/:\d+$/, '');
      if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(host) && !/\.(exe|xml|json|ya?ml|md|txt|log)$/i.test(host))
        check(host);
    }
  }
  return [...found].sort();
}

async function catalog(): Promise<RunbookEntry[]> {
  const result = await loadCatalog(ERRORS);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.file}: ${d.message}`).join('\n'));
  return [...result.runbooks.values()];
}

const entries = await catalog();

describe('runbooks', () => {
  it('exist for every alert the checker can raise, and every raised_by: checker runbook is one of them', () => {
    const raised = entries.filter((e) => e.raised_by === 'checker').map((e) => e.alert);
    expect(raised.sort()).toEqual([...ALERT_NAMES].sort());
  });

  describe.each(entries.map((e) => [e.alert, e] as const))('%s', (alert, entry) => {
    const tokens = md.parse(entry.body, {});

    it('starts with one H1 that names the alert exactly, case kept, and its title', () => {
      const h1 = headings(tokens, 'h1');
      expect(h1.map((h) => h.text)).toEqual([`${alert}: ${entry.title}`]);
      expect(tokens.find((t) => t.type.endsWith('_open'))?.tag).toBe('h1');
    });

    it('has exactly the six sections, in order, none empty', () => {
      const sections = sectionsOf(entry.body);
      expect([...sections.keys()]).toEqual(SECTIONS);
      for (const [title, text] of sections)
        expect(text.replace(/\s+/g, ' ').trim().length, `section «${title}»`).toBeGreaterThan(40);
    });

    it('gives numbered diagnostic steps with commands to copy, and numbered actions', () => {
      const sections = sectionsOf(entry.body);
      const diag = md.parse(sections.get('Диагностика')!, {});
      expect(diag.some((t) => t.type === 'ordered_list_open')).toBe(true);
      expect(diag.some((t) => t.type === 'fence')).toBe(true);
      const todo = md.parse(sections.get('Что делать')!, {});
      expect(todo.some((t) => t.type === 'ordered_list_open')).toBe(true);
    });

    it('names who to escalate to', () => {
      expect(sectionsOf(entry.body).get('Эскалация')).toMatch(/\*\*[^*]+\*\*/);
    });
  });

  it.each([
    ['KodeksXmlSensLockStatus', ['21:00', 'TestSlKey', 'лиценз']],
    ['KodeksUsbKeyMissing', ['21:00', 'TestSlKey', 'лиценз']],
    ['KodeksDnsResolve', ['06:00', '08:00', 'Техэксперт.Облако', 'по IP']],
    ['KodeksBehindProxyDown', ['06:00', '08:00', 'Техэксперт.Облако', 'по IP']],
    ['KodeksIcmp', ['06:00', '08:00', 'Техэксперт.Облако', 'по IP']],
  ])('%s tells the real incident it concerns: times, what helped, what to do better', (alert, words) => {
    const cases = sectionsOf(entries.find((e) => e.alert === alert)!.body).get('Случаи из практики')!;
    for (const w of [...words, 'Что помогло', 'Что делать лучше']) expect(cases).toContain(w);
  });
});

describe('links between the docs', () => {
  it.each(OWN_DOCS)('%s: every relative link and anchor resolves', (rel) => {
    const broken: string[] = [];
    for (const href of linksOf(md.parse(bodyOf(read(rel)), {}))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue;
      const [path, anchor] = href.split('#') as [string, string | undefined];
      const target = path ? join(dirname(join(ROOT, rel)), decodeURIComponent(path)) : join(ROOT, rel);
      if (!existsSync(target)) {
        broken.push(`${href}: no such file`);
        continue;
      }
      if (anchor && target.endsWith('.md')) {
        const tokens = md.parse(bodyOf(readFileSync(target, 'utf8')), {});
        const anchors = tokens.flatMap((t, i) =>
          t.type === 'heading_open' ? [slug(tokens[i + 1]!.content)] : [],
        );
        if (!anchors.includes(decodeURIComponent(anchor))) broken.push(`${href}: no heading #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('commands in the docs name only example hosts', () => {
  it.each([
    ['ping 8.8.8.8', ['8.8.8.8']],
    ['curl -sv https://kodeks.client.ru/', ['kodeks.client.ru']],
    ['dig @ns1.hosting.ru kodeks.example', ['ns1.hosting.ru']],
    ['nslookup kodeks.acme.com 198.51.100.53', ['kodeks.acme.com']],
    ['curl -sv --resolve kodeks.example:443:10.0.0.5 https://kodeks.example/', ['10.0.0.5']],
    ['Test-NetConnection portal.internal -Port 443', ['portal.internal']],
    ['curl.exe -sv --resolve kodeks.example:443:203.0.113.10 https://kodeks.example/ -o NUL', []],
    ['dig @198.51.100.53 kodeks.example +short; curl -s http://127.0.0.1/status.xml', []],
    ['npx smart validate --config installations.yaml; gh workflow run check.yml', []],
  ])('%s → %j', (code, expected) => {
    expect(foreignHosts(code)).toEqual(expected);
  });

  it.each(OWN_DOCS)('%s', (rel) => {
    const code = codeOf(md.parse(bodyOf(read(rel)), {}));
    expect(code.flatMap(foreignHosts)).toEqual([]);
  });
});

describe('docs/errors/README.md', () => {
  it('lists every runbook with its priority, importance, who raises it and its suppressing parents, as the front matter says', () => {
    const rows = new Map<string, string[]>();
    for (const m of read('docs/errors/README.md').matchAll(/^\| \[(\w+)\]\(\.\/\1\.md\)\s*\|(.*)\|\s*$/gm))
      rows.set(
        m[1]!,
        m[2]!.split('|').map((c) => c.trim()),
      );
    const importance = { critical: 'критичная', info: 'информационная' };
    const raisedBy = { checker: 'проверяющий', smart: 'SMART' };
    for (const e of entries) {
      const row = rows.get(e.alert);
      expect(row, `${e.alert} is in the table`).toBeDefined();
      expect(row!.slice(1), e.alert).toEqual([
        `К${e.priority}`,
        importance[e.importance],
        raisedBy[e.raised_by],
        e.raised_by === 'checker' && e.suppressed_by.length ? e.suppressed_by.join(', ') : '—',
      ]);
    }
    expect([...rows.keys()].sort()).toEqual(entries.map((e) => e.alert).sort());
  });
});

describe('docs/installations.md', () => {
  const doc = read('docs/installations.md');

  it('describes every field of installations.yaml (checker/config/schema.ts)', () => {
    const fields = new Set<string>();
    const walk = (s: unknown): void => {
      const def = (s as { _zod: { def: Record<string, never> & { type: string } } })._zod.def;
      if (def.type === 'object')
        for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) {
          fields.add(k);
          walk(v);
        }
      else if (['optional', 'default', 'prefault', 'nullable', 'readonly'].includes(def.type))
        walk(def.innerType);
      else if (def.type === 'array') walk(def.element);
      else if (def.type === 'record') walk(def.valueType);
      else if (def.type === 'union') for (const o of def.options as unknown[]) walk(o);
      else if (def.type === 'pipe') walk(def.in);
    };
    walk(configSchema);
    expect(fields.size).toBeGreaterThan(50);
    const missing = [...fields].filter(
      (f) => !new RegExp(`\`[^\`\\n]*\\b${f}\\b[^\`\\n]*\`|^#+ ${f}\\b`, 'm').test(doc),
    );
    expect(missing).toEqual([]);
  });

  it('opens with a complete example that `smart validate` accepts', () => {
    const example = md.parse(doc, {}).find((t) => t.type === 'fence' && t.info === 'yaml');
    const result = parseConfig('docs/installations.md', example!.content);
    expect(result.ok ? [] : result.diagnostics.map((d) => `${d.path}: ${d.message}`)).toEqual([]);
    expect(result.ok && result.config.clients[0]!.installations[0]!.probes.sysinfo?.path).toBe(
      '/sysinfo/si_save_request',
    );
  });
});

describe('docs/deploy.md', () => {
  const doc = read('docs/deploy.md');
  const workflows = readdirSync(join(ROOT, '.github/workflows')).filter((n) => /\.ya?ml$/.test(n));

  it('names every workflow and every secret and variable they use', () => {
    expect(workflows.length).toBeGreaterThan(0);
    for (const wf of workflows) {
      expect(doc).toContain(wf);
      const text = read(`.github/workflows/${wf}`);
      for (const m of text.matchAll(/\$\{\{\s*(?:secrets|vars)\.(\w+)/g))
        if (m[1] !== 'GITHUB_TOKEN') expect(doc, `${wf} uses ${m[1]}`).toContain(m[1]);
    }
  });

  it('lists the permissions each workflow asks for', () => {
    for (const wf of workflows) {
      const text = read(`.github/workflows/${wf}`);
      for (const m of text.matchAll(/^\s+([a-z-]+): (read|write)\b/gm))
        expect(doc).toContain(`${m[1]}: ${m[2]}`);
    }
  });
});
