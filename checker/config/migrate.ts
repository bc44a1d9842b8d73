import { stringify } from 'yaml';

const OLD_DEFAULTS = {
  path: '/status.xml',
  select: 'status/senselock/@state',
  ok: ['present', 'ok', '1', 'true'],
};

/**
 * What `smart validate` says about a `kodeks_xml` probe (replaced by `sysinfo` in issue 13): the old probe read
 * an invented XML status page that a Kodeks server does not serve, so it is not kept running silently; the
 * message gives the exact YAML to write instead, built from the user's own settings.
 */
export function kodeksXmlReplacement(value: unknown): string {
  const old =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  const path = typeof old.path === 'string' ? old.path : OLD_DEFAULTS.path;
  const select = typeof old.select === 'string' ? old.select : OLD_DEFAULTS.select;
  const ok =
    Array.isArray(old.ok) && old.ok.every((v) => typeof v === 'string')
      ? (old.ok as string[])
      : OLD_DEFAULTS.ok;
  const custom =
    path !== OLD_DEFAULTS.path || select !== OLD_DEFAULTS.select || ok.join() !== OLD_DEFAULTS.ok.join();
  const real =
    'write `sysinfo: {}` instead: it reads the Kodeks sysinfo report (POST /sysinfo/si_save_request, docs/sysinfo.md)';
  if (!custom) return `kodeks_xml was replaced by sysinfo; ${real}`;
  const same = `sysinfo: ${stringify(
    { method: 'GET', type: 'xml', path, every: '0s', mapping: { key: { select, ok } } },
    { collectionStyle: 'flow', lineWidth: 0 },
  ).trim()}`;
  return `kodeks_xml was replaced by sysinfo; ${real}, or, to keep reading the same document, \`${same}\``;
}
