import { cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type CatalogResult, loadCatalog } from './catalog.ts';
import { ALERT_NAMES } from './names.ts';

const DOCS = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/errors');

/** The catalog every team relies on (docs/errors front matter), written out once more on purpose. */
const EXPECTED = [
  ['KodeksIcmp', 'critical', 'network', 'icmp', 2, 1, [], true],
  ['KodeksDnsResolve', 'critical', 'dns', 'dns', 2, 1, [], true],
  ['KodeksDirectDown', 'critical', 'network', 'http', 2, 1, ['KodeksIcmp'], true],
  [
    'KodeksBehindProxyDown',
    'critical',
    'access',
    'http',
    2,
    1,
    ['KodeksDnsResolve', 'KodeksDirectDown', 'KodeksIcmp'],
    true,
  ],
  [
    'KodeksTlsCertExpiring',
    'warning',
    'tls',
    'tls',
    1,
    1,
    ['KodeksDnsResolve', 'KodeksBehindProxyDown'],
    true,
  ],
  [
    'KodeksXmlStatusUnavailable',
    'warning',
    'license',
    'kodeks_xml',
    2,
    1,
    ['KodeksBehindProxyDown', 'KodeksDnsResolve', 'KodeksDirectDown', 'KodeksIcmp'],
    false,
  ],
  [
    'KodeksXmlSensLockStatus',
    'critical',
    'license',
    'kodeks_xml',
    2,
    1,
    ['KodeksXmlStatusUnavailable', 'KodeksBehindProxyDown', 'KodeksDnsResolve', 'KodeksIcmp'],
    true,
  ],
  ['KodeksUsbKeyMissing', 'critical', 'license', 'agent', 1, 1, ['KodeksAgentSilent'], true],
  ['KodeksAgentSilent', 'warning', 'agent', 'agent', 1, 1, [], false],
  ['SmartCheckerOffline', 'warning', 'checker', 'checker', 1, 1, [], false],
  ['SmartCheckerStale', 'warning', 'checker', 'checker', 1, 1, [], false],
] as const;

const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A copy of docs/errors to break on purpose. */
async function copyOfDocs(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'smart-catalog-'));
  temps.push(dir);
  await cp(DOCS, dir, { recursive: true });
  return dir;
}

function messages(result: CatalogResult): string[] {
  return result.ok ? [] : result.diagnostics.map((d) => `${d.file.split('/').pop()}: ${d.message}`);
}

describe('docs/errors and checker/alerts/names.ts', () => {
  it('match in both directions: one runbook per alert the checker can raise, nothing else', async () => {
    const result = await loadCatalog(DOCS);
    expect(messages(result)).toEqual([]);
    expect(result.ok && [...result.catalog.keys()].sort()).toEqual([...ALERT_NAMES].sort());
  });

  it.each(EXPECTED)(
    '%s: %s, %s, probe %s, for %i, resolve_after %i, parents %j, client_visible %s',
    async (alert, severity, component, probe, forCount, resolveAfter, parents, clientVisible) => {
      const result = await loadCatalog(DOCS);
      const entry = result.ok ? result.catalog.get(alert) : undefined;
      expect(entry).toMatchObject({
        alert,
        severity,
        component,
        probe,
        for: forCount,
        resolve_after: resolveAfter,
        suppressed_by: parents,
        client_visible: clientVisible,
      });
      expect(entry?.file.endsWith(`/${alert}.md`)).toBe(true);
    },
  );

  it('fails when a runbook names an alert the code cannot raise', async () => {
    const dir = await copyOfDocs();
    const icmp = await readFile(join(dir, 'KodeksIcmp.md'), 'utf8');
    await writeFile(
      join(dir, 'KodeksIcmpLoss.md'),
      icmp.replace('alert: KodeksIcmp', 'alert: KodeksIcmpLoss'),
    );
    expect(messages(await loadCatalog(dir))).toEqual([
      'KodeksIcmpLoss.md: the checker cannot raise "KodeksIcmpLoss" (did you mean "KodeksIcmp"?): add it to checker/alerts/names.ts with the code that raises it',
    ]);
  });

  it('fails when an alert the code can raise has no runbook', async () => {
    const dir = await copyOfDocs();
    await rm(join(dir, 'SmartCheckerStale.md'));
    expect(messages(await loadCatalog(dir))).toEqual([
      'SmartCheckerStale.md: the checker can raise SmartCheckerStale but it has no runbook: add docs/errors/SmartCheckerStale.md',
    ]);
  });

  it('keeps the case of the name: a file renamed to lower case no longer counts', async () => {
    const dir = await copyOfDocs();
    await rename(join(dir, 'KodeksIcmp.md'), join(dir, 'kodeksIcmp.md'));
    const got = messages(await loadCatalog(dir));
    expect(got).toContain(
      'kodeksIcmp.md: "KodeksIcmp" does not match the file name: rename the file to KodeksIcmp.md or the alert to kodeksIcmp',
    );
    expect(got).toContain(
      'KodeksIcmp.md: the checker can raise KodeksIcmp but it has no runbook: add docs/errors/KodeksIcmp.md',
    );
  });

  it('fails on a suppression cycle, which would hide both alerts forever', async () => {
    const dir = await copyOfDocs();
    const file = join(dir, 'KodeksIcmp.md');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('suppressed_by: []', 'suppressed_by: [KodeksDirectDown]'));
    expect(messages(await loadCatalog(dir))).toEqual([
      expect.stringMatching(/suppression cycle: .*KodeksIcmp.*KodeksDirectDown|KodeksDirectDown.*KodeksIcmp/),
    ]);
  });

  it('ignores README.md, which documents the catalog', async () => {
    const result = await loadCatalog(DOCS);
    expect(result.ok && [...result.catalog.values()].some((e) => e.file.endsWith('README.md'))).toBe(false);
  });
});
