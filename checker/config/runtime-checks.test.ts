import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.ts';
import { parseConfig } from './load.ts';
import { isHostName } from './runtime-checks.ts';

// The invalid side is the corpus (testdata/invalid/49-… to 58-…, run through `smart validate`); here, the
// settings next to each check that must stay valid.
const config = (checker: string, client: string, inst: string, probes: string) => `site:
  url: https://smart.example
checker:
${checker || '  interval: 5m'}
notify:
  telegram: { chat: "-1001234567890" }
clients:
  - id: acme
    title: "Акме"
${client}
    installations:
      - id: main
        title: "Кодекс"
${inst}
        probes:
${probes}
`;

describe('what stays valid beside the run-time checks', () => {
  it.each([
    [
      'resolvers with ports in range and a bare IPv6',
      '  resolvers: ["system", "127.0.0.1:5353", "[::1]:53", "::1"]\n  interval: 5m',
      '',
      '        url: https://k.example/',
      '          http: {}',
    ],
    [
      'a timeout just under the interval',
      '  timeout: 9s\n  interval: 10s',
      '',
      '        url: https://k.example/',
      '          http: {}',
    ],
    [
      'dns on a named url',
      '',
      '',
      '        url: https://k.example/\n        ip: 127.0.1.1',
      '          dns: {}',
    ],
    [
      'ping to a host name with a trailing dot',
      '',
      '',
      '        url: https://k.example/',
      '          icmp: { host: "k.example." }',
    ],
    [
      'the same client chat for the client and its administrator',
      '',
      '    notify: { client_telegram: { chat: "-100555" } }\n    administrator: { telegram: { chat: "-100555" } }',
      '        url: https://k.example/',
      '          http: {}',
    ],
    [
      'working hours of one day',
      '',
      '    notify: { working_hours: { from: "08:00", to: "20:00" } }',
      '        url: https://k.example/',
      '          http: {}',
    ],
    [
      'sysinfo pulled more often than its max_age',
      '',
      '',
      '        url: https://k.example/',
      '          sysinfo: { every: 1d, max_age: 2d }',
    ],
    [
      'sysinfo pushed by the agent whatever its every',
      '',
      '',
      '        url: https://k.example/',
      '          sysinfo: { source: agent, every: 3d }',
    ],
  ])('%s', (_name, checker, client, inst, probes) => {
    const r = parseConfig('installations.yaml', config(checker, client, inst, probes));
    if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  });

  it.each([
    ['kodeks.acme.example', true],
    ['127.0.1.10', true],
    ['2001:db8::1', true],
    ['kodeks acme', false],
    ['-rf', false],
    ['a..b', false],
    ['host;reboot', false],
  ])('isHostName(%j) is %s', (host, ok) => {
    expect(isHostName(host)).toBe(ok);
  });
});
