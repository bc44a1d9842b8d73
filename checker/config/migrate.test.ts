import { describe, expect, it } from 'vitest';
import { minimalConfigYaml } from '../testing/config.ts';
import { formatDiagnostic } from './diagnostics.ts';
import { parseConfig } from './load.ts';

const config = (probes: string) => minimalConfigYaml('', `\n${probes}`);

const problems = (probes: string) => {
  const r = parseConfig('installations.yaml', config(probes));
  return r.ok ? [] : r.diagnostics.map(formatDiagnostic);
};

describe('kodeks_xml users are told exactly what to write instead (issue 13.6)', () => {
  it('the default kodeks_xml: write sysinfo: {}', () => {
    expect(problems('          http: {}\n          kodeks_xml: {}')).toEqual([
      'installations.yaml:12:23 clients[0].installations[0].probes.kodeks_xml: kodeks_xml was replaced by sysinfo; ' +
        'write `sysinfo: {}` instead: it reads the Kodeks sysinfo report (POST /sysinfo/si_save_request, docs/sysinfo.md)',
    ]);
  });

  it('a customised kodeks_xml: also the sysinfo settings that read the same document', () => {
    const [line] = problems(
      '          kodeks_xml: { path: /k/status.xml, select: "Status/Key/@state", ok: [yes] }',
    );
    expect(line).toContain('installations.yaml:11:23 clients[0].installations[0].probes.kodeks_xml:');
    expect(line).toContain(
      '`sysinfo: { method: GET, type: xml, path: /k/status.xml, every: 0s, mapping: { key: { select: Status/Key/@state, ok: [ yes ] } } }`',
    );
  });

  it('what it says to write is itself valid', () => {
    const written =
      '          sysinfo: { method: GET, type: xml, path: /k/status.xml, every: 0s, mapping: { key: { select: Status/Key/@state, ok: [ yes ] } } }';
    expect(problems(written)).toEqual([]);
  });

  it('a wrong mapping path is reported at its line and column', () => {
    const [line] = problems('          sysinfo: { mapping: { licenses: { each: "a/b/@c" } } }');
    expect(line).toMatch(
      /^installations\.yaml:11:\d+ clients\[0\]\.installations\[0\]\.probes\.sysinfo\.mapping\.licenses\.each: /,
    );
  });
});
