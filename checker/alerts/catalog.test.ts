import { cp, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type CatalogResult, findRunbook, loadCatalog } from './catalog.ts';
import { isMassName } from './derived.ts';
import { ALERT_NAMES } from './names.ts';

const DOCS = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/errors');

/** The catalog every team relies on (docs/errors front matter), written out once more on purpose. */
const EXPECTED = [
  ['KodeksIcmp', 2, 'critical', ['network'], 'network', 'icmp', 2, 1, [], true],
  ['KodeksDnsResolve', 1, 'critical', ['network'], 'dns', 'dns', 2, 1, [], true],
  [
    'KodeksBehindProxyDown',
    1,
    'critical',
    ['network'],
    'access',
    'http',
    2,
    1,
    [
      'KodeksDnsResolve',
      'KodeksTcpStatus',
      'KodeksHttp200Status',
      'KodeksMaintenance',
      'KodeksNeedSupport',
      'KodeksIcmp',
    ],
    true,
  ],
  [
    'KodeksTlsCertExpiring',
    3,
    'info',
    ['network'],
    'tls',
    'tls',
    1,
    1,
    ['KodeksDnsResolve', 'KodeksBehindProxyDown'],
    true,
  ],
  [
    'KodeksXmlStatusUnavailable',
    3,
    'info',
    ['senselock'],
    'license',
    'sysinfo',
    2,
    1,
    [
      'KodeksBehindProxyDown',
      'KodeksDnsResolve',
      'KodeksTcpStatus',
      'KodeksHttp200Status',
      'KodeksMaintenance',
      'KodeksNeedSupport',
      'KodeksIcmp',
    ],
    false,
  ],
  [
    'KodeksXmlSensLockStatus',
    1,
    'critical',
    ['senselock'],
    'license',
    'sysinfo',
    2,
    1,
    ['KodeksXmlStatusUnavailable', 'KodeksBehindProxyDown', 'KodeksDnsResolve', 'KodeksIcmp'],
    true,
  ],
  [
    'KodeksUsbKeyMissing',
    1,
    'critical',
    ['senselock'],
    'license',
    'agent',
    1,
    1,
    ['KodeksAgentSilent'],
    true,
  ],
  ['KodeksAgentSilent', 3, 'info', ['other'], 'agent', 'agent', 1, 1, [], false],
  ['SmartCheckerOffline', 2, 'critical', ['other'], 'checker', 'checker', 1, 1, [], false],
  ['SmartCheckerStale', 2, 'critical', ['other'], 'checker', 'checker', 1, 1, [], false],
  ['KodeksTcpStatus', 1, 'critical', ['network'], 'network', 'tcp', 2, 1, ['KodeksIcmp'], true],
  ['KodeksTcpStatusCount', 1, 'critical', ['network'], 'network', 'tcp', 1, 1, [], false],
  [
    'KodeksHttp200Status',
    1,
    'critical',
    ['network'],
    'access',
    'http',
    2,
    1,
    ['KodeksIcmp', 'KodeksTcpStatus'],
    true,
  ],
  ['KodeksHttp200StatusCount', 1, 'critical', ['network'], 'access', 'http', 1, 1, [], false],
  ['KodeksIcmpCount', 1, 'critical', ['network'], 'network', 'icmp', 1, 1, [], false],
  [
    'KodeksMaintenance',
    3,
    'info',
    ['availability'],
    'access',
    'http',
    2,
    1,
    ['KodeksIcmp', 'KodeksTcpStatus'],
    false,
  ],
  ['KodeksMaintenanceCount', 2, 'info', ['availability'], 'access', 'http', 1, 1, [], false],
  [
    'KodeksNeedSupport',
    2,
    'critical',
    ['availability'],
    'access',
    'http',
    2,
    1,
    ['KodeksIcmp', 'KodeksTcpStatus'],
    true,
  ],
  ['KodeksMaintenanceToLong', 2, 'critical', ['availability'], 'access', 'http', 1, 1, [], true],
  ['KodeksMaintenanceToLongCount', 1, 'critical', ['availability'], 'access', 'http', 1, 1, [], false],
  ['LicmanIcmp', 2, 'critical', ['licman'], 'license', 'licman', 2, 1, [], false],
  ['LicmanTcpStatus', 1, 'critical', ['licman'], 'license', 'licman', 2, 1, ['LicmanIcmp'], true],
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

/** Rewrites one runbook of a copied docs folder (into another file when `to` is given). */
async function editDoc(dir: string, file: string, edit: (text: string) => string, to = file): Promise<void> {
  await writeFile(join(dir, to), edit(await readFile(join(dir, file), 'utf8')));
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
    '%s: К%i, %s, sections %j, %s, probe %s, for %i, resolve_after %i, parents %j, client_visible %s',
    async (alert, priority, importance, sections, component, probe, forCount, resolveAfter, parents, clientVisible) => {
      const result = await loadCatalog(DOCS);
      const entry = result.ok ? result.catalog.get(alert) : undefined;
      expect(entry).toMatchObject({
        alert,
        priority,
        importance,
        sections,
        raised_by: 'checker',
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
    await editDoc(
      dir,
      'KodeksIcmp.md',
      (t) => t.replace('alert: KodeksIcmp', 'alert: KodeksIcmpLoss'),
      'KodeksIcmpLoss.md',
    );
    expect(messages(await loadCatalog(dir))).toEqual([
      'KodeksIcmpLoss.md: the checker cannot raise "KodeksIcmpLoss" (did you mean "KodeksIcmp"?): add it to checker/alerts/names.ts with the code that raises it, or write raised_by: smart if SMART raises it',
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
    await writeFile(file, text.replace('suppressed_by: []', 'suppressed_by: [KodeksTcpStatus]'));
    expect(messages(await loadCatalog(dir))).toEqual([
      expect.stringMatching(/suppression cycle: .*KodeksIcmp.*KodeksTcpStatus|KodeksTcpStatus.*KodeksIcmp/),
    ]);
  });

  it('a mass alert is exactly one whose name ends in Count (installations.yaml validates count_min by the name)', async () => {
    const result = await loadCatalog(DOCS);
    if (!result.ok) throw new Error(messages(result).join('\n'));
    for (const entry of result.catalog.values())
      expect(entry.count_of !== undefined, entry.alert).toBe(isMassName(entry.alert));
  });

  it('ignores README.md, which documents the catalog', async () => {
    const result = await loadCatalog(DOCS);
    expect(result.ok && [...result.catalog.values()].some((e) => e.file.endsWith('README.md'))).toBe(false);
  });

  it('serves a raised_by: smart runbook that is not in names.ts, and keeps it out of what the checker raises', async () => {
    const dir = await copyOfDocs();
    await writeFile(join(dir, 'OnlineLoginFailed.md'), SMART_DOC);
    const result = await loadCatalog(dir);
    expect(messages(result)).toEqual([]);
    expect(result.ok && result.runbooks.get('OnlineLoginFailed')).toMatchObject({
      raised_by: 'smart',
      source: 'online-billing',
      priority: 3,
      aliases: ['OnlineLoginFail'],
    });
    expect(result.ok && [...result.catalog.keys()].sort()).toEqual([...ALERT_NAMES].sort());
    // Every runbook file is served, the checker's and SMART's alike (docs/errors holds more raised_by: smart ones).
    const files = (await readdir(dir)).filter((n) => n.endsWith('.md') && n !== 'README.md');
    expect(result.ok && result.runbooks.size).toBe(files.length);
    expect(files.length).toBeGreaterThan(ALERT_NAMES.length);
  });

  it('finds a runbook by its name or an alias, in any case and with .md', async () => {
    const dir = await copyOfDocs();
    await writeFile(join(dir, 'OnlineLoginFailed.md'), SMART_DOC);
    const result = await loadCatalog(dir);
    if (!result.ok) throw new Error(messages(result).join('\n'));
    const found = (name: string) => findRunbook(result.runbooks, name)?.alert;
    expect(found('OnlineLoginFailed')).toBe('OnlineLoginFailed');
    expect(found('onlineloginfail')).toBe('OnlineLoginFailed');
    expect(found('OnlineLoginFail.md')).toBe('OnlineLoginFailed');
    expect(found('kodeksicmp.md')).toBe('KodeksIcmp');
    expect(found('KodeksIcmpLoss')).toBeUndefined();
  });

  it('an alias may differ from its own name only in case (a URL of its own), not from another alert', async () => {
    const dir = await copyOfDocs();
    await writeFile(
      join(dir, 'OnlineLoginFailed.md'),
      SMART_DOC.replace('aliases: [OnlineLoginFail]', 'aliases: [OnlineLOGINFailed, OnlineLoginFail]'),
    );
    const ok = await loadCatalog(dir);
    expect(messages(ok)).toEqual([]);
    expect(ok.ok && findRunbook(ok.runbooks, 'OnlineLOGINFailed')?.alert).toBe('OnlineLoginFailed');
    await writeFile(
      join(dir, 'OnlineLoginFailed.md'),
      SMART_DOC.replace(
        'aliases: [OnlineLoginFail]',
        'aliases: [OnlineLoginFail, KodeksICMP, OnlineLoginFail]',
      ),
    );
    expect(messages(await loadCatalog(dir))).toEqual([
      'OnlineLoginFailed.md: KodeksICMP already opens KodeksIcmp: names and aliases are served case-insensitively',
      'OnlineLoginFailed.md: OnlineLoginFail is listed twice',
    ]);
  });

  it('a mass alert gets count_min 10 unless it sets one; count_min alone is refused', async () => {
    const dir = await copyOfDocs();
    await editDoc(dir, 'KodeksIcmpCount.md', (t) => t.replace(/^count_min: .*\n/m, ''));
    const result = await loadCatalog(dir);
    expect(result.ok && result.catalog.get('KodeksIcmpCount')).toMatchObject({
      count_of: 'KodeksIcmp',
      count_min: 10,
    });
    expect(result.ok && result.catalog.get('KodeksMaintenanceCount')?.count_min).toBe(31);
    expect(result.ok && 'count_min' in result.catalog.get('KodeksIcmp')!).toBe(false);
    await editDoc(dir, 'KodeksDnsResolve.md', (t) =>
      t.replace('client_visible: true', 'client_visible: true\ncount_min: 31'),
    );
    expect(messages(await loadCatalog(dir))).toEqual([
      'KodeksDnsResolve.md: count_min belongs to a mass alert: add count_of naming the single alert it counts',
    ]);
  });

  it('a mass alert counts a single alert, never another mass alert', async () => {
    const dir = await copyOfDocs();
    await editDoc(dir, 'KodeksTcpStatusCount.md', (t) =>
      t.replace('count_of: KodeksTcpStatus', 'count_of: KodeksIcmpCount'),
    );
    expect(messages(await loadCatalog(dir))).toEqual([
      'KodeksTcpStatusCount.md: KodeksIcmpCount is itself a mass alert: count the single alert (KodeksIcmp)',
    ]);
  });
});

const SMART_DOC = `---
alert: OnlineLoginFailed
title: Не удаётся войти в онлайн-версию
summary: Клиент не может войти в онлайн-доступ.
priority: 3
importance: critical
sections: [online]
raised_by: smart
aliases: [OnlineLoginFail]
source: online-billing
---
# OnlineLoginFailed: Не удаётся войти в онлайн-версию
`;
