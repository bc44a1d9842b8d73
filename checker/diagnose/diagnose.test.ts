import { describe, expect, it } from 'vitest';
import type { CheckId, ProbeCode, ProbeResult } from '../probes/types.ts';
import { alertSignals, componentStatuses, diagnose } from './index.ts';

type Spec = Partial<Record<CheckId, 'ok' | 'unknown' | ProbeCode>>;

/** Builds checks from a compact spec: 'ok', 'unknown', or a failure code. */
function checks(spec: Spec): Partial<Record<CheckId, ProbeResult>> {
  return Object.fromEntries(
    Object.entries(spec).map(([id, v]) => [
      id,
      v === 'ok'
        ? { status: 'ok', code: 'OK', latencyMs: 1, message: 'ок' }
        : v === 'unknown'
          ? { status: 'unknown', code: 'ICMP_UNAVAILABLE', latencyMs: 0, message: 'неизвестно' }
          : { status: 'fail', code: v, latencyMs: 1, message: 'сбой' },
    ]),
  );
}

const healthy: Spec = {
  icmp: 'ok',
  tcp: 'ok',
  http: 'ok',
  http_ip: 'ok',
  dns: 'ok',
  tls: 'ok',
  kodeks_xml: 'ok',
  agent: 'ok',
};

describe('diagnose', () => {
  const cases: [string, Spec, string | undefined, string | undefined][] = [
    ['everything works', healthy, undefined, undefined],
    // Case 2: the hosting's DNS server is down, the installation answers by IP.
    [
      'DNS fails, IP answers (case 2)',
      {
        ...healthy,
        dns: 'DNS_SERVFAIL',
        http: 'DNS_SERVFAIL',
        tls: 'DNS_SERVFAIL',
        kodeks_xml: 'DNS_SERVFAIL',
      },
      'dns_down_ip_ok',
      'KodeksDnsResolve',
    ],
    [
      'DNS check fails, only ping answers',
      { dns: 'DNS_TIMEOUT', icmp: 'ok' },
      'dns_down_ip_ok',
      'KodeksDnsResolve',
    ],
    [
      'request by domain fails on DNS without a dns check',
      { http: 'DNS_NXDOMAIN', http_ip: 'ok' },
      'dns_down_ip_ok',
      'KodeksDnsResolve',
    ],
    [
      'DNS fails and nothing else is known',
      { dns: 'DNS_NXDOMAIN', http: 'DNS_NXDOMAIN' },
      'dns_down',
      'KodeksDnsResolve',
    ],
    [
      'no ping, no HTTP by IP, no HTTP by name',
      {
        ...healthy,
        icmp: 'ICMP_LOSS',
        http_ip: 'CONN_TIMEOUT',
        tcp: 'CONN_TIMEOUT',
        http: 'CONN_TIMEOUT',
        tls: 'CONN_TIMEOUT',
        kodeks_xml: 'CONN_TIMEOUT',
      },
      'host_down',
      'KodeksIcmp',
    ],
    [
      'host down where ICMP is not observable',
      { ...healthy, icmp: 'unknown', http_ip: 'CONN_TIMEOUT', http: 'TIMEOUT' },
      'host_down',
      'KodeksDirectDown',
    ],
    [
      'host down even though DNS also fails',
      { ...healthy, icmp: 'ICMP_LOSS', http_ip: 'CONN_TIMEOUT', http: 'DNS_SERVFAIL', dns: 'DNS_SERVFAIL' },
      'host_down',
      'KodeksIcmp',
    ],
    [
      'ping answers, but the web server refuses by name and by IP: the Kodeks service',
      {
        ...healthy,
        http: 'CONN_REFUSED',
        http_ip: 'CONN_REFUSED',
        tcp: 'CONN_REFUSED',
        kodeks_xml: 'CONN_REFUSED',
      },
      'service_down',
      'KodeksDirectDown',
    ],
    [
      'HTTP by name fails, by IP works: proxy',
      { ...healthy, http: 'HTTP_STATUS' },
      'proxy_down',
      'KodeksBehindProxyDown',
    ],
    [
      'HTTP by name fails, no IP configured',
      { http: 'CONN_REFUSED', dns: 'ok' },
      'access_down',
      'KodeksBehindProxyDown',
    ],
    // Case 1: the USB-over-network software's licence expired.
    [
      'key missing in XML, agent: not on USB (case 1)',
      { ...healthy, kodeks_xml: 'KEY_MISSING', agent: 'USB_KEY_ABSENT' },
      'key_usb_absent',
      'KodeksXmlSensLockStatus',
    ],
    [
      'key missing in XML, agent sees it on USB',
      { ...healthy, kodeks_xml: 'KEY_MISSING' },
      'key_not_seen_by_kodeks',
      'KodeksXmlSensLockStatus',
    ],
    [
      'key missing in XML, agent silent',
      { ...healthy, kodeks_xml: 'KEY_MISSING', agent: 'AGENT_STALE' },
      'key_missing',
      'KodeksXmlSensLockStatus',
    ],
    [
      'key missing in XML, no agent',
      { http: 'ok', kodeks_xml: 'KEY_MISSING' },
      'key_missing',
      'KodeksXmlSensLockStatus',
    ],
    [
      'agent: key not on USB, XML still fine',
      { ...healthy, agent: 'USB_KEY_ABSENT' },
      'usb_key_absent',
      'KodeksUsbKeyMissing',
    ],
    [
      'XML status unreadable',
      { ...healthy, kodeks_xml: 'XML_INVALID' },
      'xml_unavailable',
      'KodeksXmlStatusUnavailable',
    ],
    ['TLS expired', { ...healthy, tls: 'TLS_EXPIRED' }, 'tls_expired', 'KodeksTlsCertExpiring'],
    ['TLS expiring', { ...healthy, tls: 'TLS_EXPIRING' }, 'tls_expiring', 'KodeksTlsCertExpiring'],
    ['TLS wrong host', { ...healthy, tls: 'TLS_HOSTNAME' }, 'tls_invalid', 'KodeksTlsCertExpiring'],
    [
      'key missing beats TLS expiring',
      { ...healthy, tls: 'TLS_EXPIRING', kodeks_xml: 'KEY_MISSING' },
      'key_not_seen_by_kodeks',
      'KodeksXmlSensLockStatus',
    ],
    [
      'proxy down beats key state',
      { ...healthy, http: 'HTTP_STATUS', kodeks_xml: 'HTTP_STATUS' },
      'proxy_down',
      'KodeksBehindProxyDown',
    ],
    ['agent silent alone', { ...healthy, agent: 'AGENT_MISSING' }, 'agent_silent', 'KodeksAgentSilent'],
    ['ping blocked, server works', { ...healthy, icmp: 'ICMP_LOSS' }, 'icmp_blocked', 'KodeksIcmp'],
    ['only ping configured, fails', { icmp: 'ICMP_LOSS' }, 'icmp_down', 'KodeksIcmp'],
    [
      'direct path closed, proxy works',
      { ...healthy, http_ip: 'CONN_REFUSED' },
      'direct_down',
      'KodeksDirectDown',
    ],
    ['unknown checks blame nobody', { icmp: 'unknown', agent: 'unknown' }, undefined, undefined],
  ];
  it.each(cases)('%s', (_name, spec, rule, alert) => {
    const d = diagnose(checks(spec));
    expect(d?.rule).toBe(rule);
    expect(d?.alert).toBe(alert);
    if (d) {
      expect(d.cause).toMatch(/[А-Яа-я]/);
      expect(d.hint).toMatch(/[А-Яа-я]/);
    }
  });

  it('case 2 says what the product promises, with the IP workaround but no address', () => {
    const d = diagnose(checks({ dns: 'DNS_SERVFAIL', http: 'DNS_SERVFAIL', http_ip: 'ok' }));
    expect(d?.cause).toBe('DNS не отвечает, установка доступна по IP-адресу.');
    expect(d?.workaround).toMatch(/по её IP-адресу/);
    expect(JSON.stringify(d)).not.toMatch(/\d+\.\d+\.\d+\.\d+/);
  });

  it('case 1 points at the USB forwarding software and its licence', () => {
    const d = diagnose(checks({ http: 'ok', kodeks_xml: 'KEY_MISSING', agent: 'USB_KEY_ABSENT' }));
    expect(d?.hint).toMatch(/проброса USB.*лицензии/);
  });
});

describe('alertSignals', () => {
  const cases: [string, Spec, Record<string, string>][] = [
    [
      'healthy',
      healthy,
      {
        KodeksIcmp: 'ok',
        KodeksDirectDown: 'ok',
        KodeksDnsResolve: 'ok',
        KodeksBehindProxyDown: 'ok',
        KodeksTlsCertExpiring: 'ok',
        KodeksXmlStatusUnavailable: 'ok',
        KodeksXmlSensLockStatus: 'ok',
        KodeksUsbKeyMissing: 'ok',
        KodeksAgentSilent: 'ok',
      },
    ],
    ['tcp fails: direct down', { tcp: 'CONN_REFUSED', http_ip: 'ok' }, { KodeksDirectDown: 'fail' }],
    [
      'key missing: only the SensLock alert',
      { kodeks_xml: 'KEY_MISSING' },
      { KodeksXmlStatusUnavailable: 'ok', KodeksXmlSensLockStatus: 'fail' },
    ],
    [
      'XML unreadable: key state unknown',
      { kodeks_xml: 'TIMEOUT' },
      { KodeksXmlStatusUnavailable: 'fail', KodeksXmlSensLockStatus: 'unknown' },
    ],
    [
      'agent silent: USB unknown',
      { agent: 'AGENT_STALE' },
      { KodeksAgentSilent: 'fail', KodeksUsbKeyMissing: 'unknown' },
    ],
    ['USB absent', { agent: 'USB_KEY_ABSENT' }, { KodeksAgentSilent: 'ok', KodeksUsbKeyMissing: 'fail' }],
    ['ICMP unknown raises nothing', { icmp: 'unknown' }, { KodeksIcmp: 'unknown' }],
  ];
  it.each(cases)('%s', (_name, spec, expected) => {
    expect(alertSignals(checks(spec))).toEqual(expected);
  });
});

describe('componentStatuses', () => {
  it('folds checks into status-page rows; an unobservable check does not hide a good one', () => {
    expect(
      componentStatuses(
        checks({ icmp: 'unknown', http_ip: 'ok', http: 'HTTP_STATUS', dns: 'ok', agent: 'unknown' }),
      ),
    ).toEqual({ network: 'ok', access: 'fail', dns: 'ok', agent: 'unknown' });
    expect(
      componentStatuses(checks({ icmp: 'ok', tcp: 'CONN_REFUSED', kodeks_xml: 'KEY_MISSING', tls: 'ok' })),
    ).toEqual({
      network: 'fail',
      license: 'fail',
      tls: 'ok',
    });
  });
});
