import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { minimalConfigYaml } from '../testing/config.ts';
import { formatDiagnostic, suggest } from './diagnostics.ts';
import { formatDuration, parseDuration } from './duration.ts';
import { installationsJsonSchema } from './json-schema.ts';
import { loadConfig, parseConfig } from './load.ts';

const root = join(import.meta.dirname, '..', '..');

const minimal = minimalConfigYaml;

describe('the sample installations.yaml', () => {
  it('is valid and uses every probe type and visibility', async () => {
    const result = await loadConfig(join(root, 'installations.yaml'));
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    const installations = result.config.clients.flatMap((c) => c.installations);
    const probeTypes = new Set(installations.flatMap((i) => Object.keys(i.probes)));
    expect([...probeTypes].sort()).toEqual([
      'agent',
      'dns',
      'http',
      'icmp',
      'licman',
      'metrics',
      'sysinfo',
      'tcp',
      'tls',
    ]);
    expect(new Set(result.config.clients.map((c) => c.visibility))).toEqual(
      new Set(['public', 'unlisted', 'private']),
    );
    expect(installations.some((i) => i.hosting) && installations.some((i) => !i.hosting)).toBe(true);
  });

  it('only uses fictional addresses that nothing probes', async () => {
    const text = await readFile(join(root, 'installations.yaml'), 'utf8');
    for (const host of text.matchAll(/https?:\/\/([^/:\s"]+)/g)) expect(host[1]).toMatch(/\.example$/);
    for (const ip of text.matchAll(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g))
      expect(ip[0]).toMatch(/^(192\.0\.2|198\.51\.100|203\.0\.113)\./);
  });
});

describe('parseConfig', () => {
  it('applies documented defaults', () => {
    const result = parseConfig('t.yaml', minimal());
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    expect(result.config.checker).toMatchObject({
      interval: 300_000,
      timeout: 10_000,
      concurrency: 64,
      timezone: 'Europe/Moscow',
      resolvers: ['system'],
    });
    expect(result.config.clients[0]).toMatchObject({ visibility: 'public' });
    expect(result.config.clients[0]!.installations[0]!.probes.http).toEqual({
      expect: [200],
      by_ip: true,
      max_redirects: 5,
      need_support: 'Требуется\\s+обслуживание',
    });
    expect(result.config.alerts).toEqual({});
  });

  it('accepts hostile but legal strings: escaping is the renderers job', () => {
    const result = parseConfig('t.yaml', minimal().replace('"Акме"', '"<script>alert(1)</script> & «Рога»"'));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.config.clients[0]!.title).toBe('<script>alert(1)</script> & «Рога»');
  });

  it('reports every problem at once, in file order, with file:line:col and key path', () => {
    const text = minimal()
      .replace('url: https://smart.example', 'url: nope')
      .replace('id: main', 'id: "Main One"');
    const result = parseConfig('installations.yaml', text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      'installations.yaml:2:8 site.url: "nope" is not an http(s) URL',
      'installations.yaml:7:13 clients[0].installations[0].id: an id is lowercase letters, digits and dashes ([a-z0-9-]) (got "Main One")',
    ]);
  });

  it('reads maintenance windows into UTC instants', () => {
    const result = parseConfig(
      't.yaml',
      minimal(`maintenance:
  - { installations: [acme/main], start: 2026-12-01T20:00+03:00, end: "2026-12-01T22:00+03:00", reason: "Обновление ПК" }
`),
    );
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    expect(result.config.maintenance[0]).toMatchObject({
      start: '2026-12-01T17:00:00.000Z',
      end: '2026-12-01T19:00:00.000Z',
    });
  });
});

describe('vantages and quorum', () => {
  const withChecker = (checker: string) => minimal().replace('clients:', `checker:\n${checker}\nclients:`);

  it('default to no vantages listed and a majority quorum', () => {
    const result = parseConfig('t.yaml', minimal());
    expect(result.ok && result.config.checker).toMatchObject({ vantages: [], quorum: 'majority' });
  });

  it.each([
    [
      '  vantages: [github-hosted, self-hosted]\n  quorum: 2',
      { vantages: ['github-hosted', 'self-hosted'], quorum: 2 },
    ],
    ['  vantages: [a, b, c]\n  quorum: all', { vantages: ['a', 'b', 'c'], quorum: 'all' }],
  ])('%j is read', (checker, want) => {
    const result = parseConfig('t.yaml', withChecker(checker));
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    expect(result.config.checker).toMatchObject(want);
  });

  it.each([
    [
      '  vantages: [github-hosted, github-hosted]',
      't.yaml:4:29 checker.vantages[1]: duplicate vantage "github-hosted" (first at vantages[0])',
    ],
    [
      '  vantages: [a, b]\n  quorum: 3',
      't.yaml:5:11 checker.quorum: quorum 3 is more than the 2 vantages listed: no check could ever fail',
    ],
    [
      '  vantages: [GitHub Hosted]',
      't.yaml:4:14 checker.vantages[0]: an id is lowercase letters, digits and dashes ([a-z0-9-]) (got "GitHub Hosted")',
    ],
  ])('%j is refused', (checker, message) => {
    const result = parseConfig('t.yaml', withChecker(checker));
    expect(result.ok ? [] : result.diagnostics.map(formatDiagnostic)).toEqual([message]);
  });

  it('refuses a quorum that is not majority, all or a number', () => {
    const result = parseConfig('t.yaml', withChecker('  quorum: most'));
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(formatDiagnostic(result.diagnostics[0]!)).toMatch(/^t\.yaml:4:11 checker\.quorum: /);
  });
});

describe('durations', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['4h', 14_400_000],
    ['1d', 86_400_000],
    ['500ms', 500],
    ['1.5m', 90_000],
    ['5 m', undefined],
    ['5', undefined],
    ['-5s', undefined],
    ['5min', undefined],
  ])('%s → %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('formats back to the shortest exact unit', () => {
    expect([300_000, 14_400_000, 90_000, 1500].map(formatDuration)).toEqual(['5m', '4h', '90s', '1500ms']);
  });
});

describe('did-you-mean hints', () => {
  it.each([
    ['clinets', ['site', 'clients', 'checker'], 'clients'],
    ['visibilty', ['id', 'visibility', 'slug'], 'visibility'],
    ['zzzzzz', ['site', 'clients'], undefined],
  ])('%s → %s', (word, known, hint) => expect(suggest(word, known)).toBe(hint));
});

describe('the JSON Schema for editors', () => {
  it('is committed and up to date (run `npx smart schema` after changing checker/config/schema.ts)', async () => {
    const committed = await readFile(join(root, 'checker/config/installations.schema.json'), 'utf8');
    expect(committed).toBe(installationsJsonSchema());
  });
});
