import { describe, expect, it } from 'vitest';
import type { AlertName } from '../alerts/names.ts';
import type { CheckId, ProbeCode, ProbeResult } from '../probes/types.ts';
import { alertSignals, componentStatuses, diagnose, EXPLANATIONS, explain } from './index.ts';

/**
 * 'ok', 'unknown', a failure code, `HTTP_STATUS:500` (with the HTTP status as evidence) or
 * `KODEKS_NEED_SUPPORT:Требуется обслуживание` (with the text the page showed).
 */
type Spec = Partial<Record<CheckId, string>>;

/** Russian messages the probes give for these codes (what the state and the page would carry). */
const MESSAGE: Partial<Record<string, string>> = {
  CONN_REFUSED: 'Сервер отклонил соединение: порт закрыт.',
  CONN_TIMEOUT: 'Не удалось установить соединение за отведённое время.',
  TIMEOUT: 'Сервер не ответил за отведённое время.',
  HTTP_STATUS: 'Сервер ответил с кодом 500, ожидался другой.',
};

function checks(spec: Spec): Partial<Record<CheckId, ProbeResult>> {
  return Object.fromEntries(
    Object.entries(spec).map(([id, v]) => {
      if (v === 'ok') return [id, { status: 'ok', code: 'OK', latencyMs: 1, message: 'ок' }];
      if (v === 'unknown')
        return [id, { status: 'unknown', code: 'ICMP_UNAVAILABLE', latencyMs: 0, message: 'неизвестно' }];
      const [code, extra] = v!.split(':') as [ProbeCode, string | undefined];
      const evidence =
        extra === undefined
          ? undefined
          : code === 'KODEKS_NEED_SUPPORT'
            ? { need_support: extra }
            : { http_status: Number(extra) };
      return [
        id,
        {
          status: 'fail',
          code,
          latencyMs: 1,
          message: MESSAGE[code] ?? 'сбой',
          ...(evidence ? { evidence } : {}),
        },
      ];
    }),
  );
}

const healthy: Spec = {
  icmp: 'ok',
  tcp: 'ok',
  http: 'ok',
  http_ip: 'ok',
  dns: 'ok',
  tls: 'ok',
  sysinfo: 'ok',
  agent: 'ok',
};

const CLOUD = { hosting: 'Техэксперт.Облако' };

describe('what the manager reads: each alert explains itself from the evidence (issue 17.6)', () => {
  // [case, checks, facts, alert, rule, cause (golden), hint (golden)]
  const golden: [string, Spec, { hosting?: string }, AlertName, string, string, string][] = [
    [
      'refused without an icmp probe: the host is up, the service is down (not «сеть недоступна»)',
      { tcp: 'CONN_REFUSED', http: 'CONN_REFUSED', http_ip: 'CONN_REFUSED' },
      {},
      'KodeksTcpStatus',
      'service_down',
      'Сервер в сети, но служба ПК не принимает соединения: порт закрыт (соединение отклонено и по IP-адресу, и по доменному имени).',
      'Запустите или перезапустите службу Кодекс/Техэксперт (веб-сервер ПК) на сервере и проверьте, что она слушает свой порт.',
    ],
    [
      'HTTP 500: the web server runs and answers with an error (no firewall hint)',
      { icmp: 'ok', http: 'HTTP_STATUS:500', http_ip: 'HTTP_STATUS:500' },
      {},
      'KodeksHttp200Status',
      'server_error',
      'Веб-сервер ПК отвечает по IP-адресу, но с ошибкой: код 500 — внутренняя ошибка сервера.',
      'Служба ПК запущена, но отвечает ошибкой: посмотрите журнал веб-сервера ПК и страницу /admin, при необходимости перезапустите службу.',
    ],
    [
      'HTTP 500 by name too: the proxy alert blames the server, with the code',
      { icmp: 'ok', http: 'HTTP_STATUS:500', http_ip: 'HTTP_STATUS:500' },
      {},
      'KodeksBehindProxyDown',
      'server_down',
      'Установка не открывается по доменному адресу, потому что не отвечает сам сервер ПК: по IP-адресу код 500 — внутренняя ошибка сервера.',
      'Служба ПК запущена, но отвечает ошибкой: посмотрите журнал веб-сервера ПК и страницу /admin, при необходимости перезапустите службу.',
    ],
    [
      'the port accepts TCP, HTTP never answers: a hung service (no firewall hint)',
      { icmp: 'ok', tcp: 'ok', http: 'TIMEOUT', http_ip: 'TIMEOUT' },
      {},
      'KodeksHttp200Status',
      'no_http_answer',
      'Порт ПК открыт, но веб-сервер не отвечает на запросы: соединение устанавливается, ответа нет.',
      'Служба ПК, вероятно, зависла или перегружена: проверьте загрузку сервера и перезапустите службу ПК.',
    ],
    [
      'NXDOMAIN on-premise: the name is missing, the client’s domain is to check (no hosting support)',
      { dns: 'DNS_NXDOMAIN', http: 'DNS_NXDOMAIN', http_ip: 'ok' },
      {},
      'KodeksDnsResolve',
      'dns_nxdomain',
      'Доменное имя установки не найдено: DNS отвечает, что такого имени нет (NXDOMAIN); по IP-адресу установка доступна.',
      'Проверьте, не истёк ли срок регистрации домена и на месте ли запись имени у регистратора или DNS-провайдера клиента.',
    ],
    [
      'NXDOMAIN at a hosting: its support, by name',
      { dns: 'DNS_NXDOMAIN', http: 'DNS_NXDOMAIN' },
      CLOUD,
      'KodeksDnsResolve',
      'dns_nxdomain',
      'Доменное имя установки не найдено: DNS отвечает, что такого имени нет (NXDOMAIN).',
      'Именем, вероятно, управляет хостинг «Техэксперт.Облако»: сообщите в его поддержку, что имя пропало из DNS.',
    ],
    [
      'case 2: the hosting’s DNS is silent, the IP answers',
      { dns: 'DNS_SERVFAIL', http: 'DNS_SERVFAIL', http_ip: 'ok' },
      CLOUD,
      'KodeksDnsResolve',
      'dns_down_ip_ok',
      'DNS не отвечает, установка доступна по IP-адресу.',
      'Имя установки не разрешается: вероятен сбой DNS у хостинга «Техэксперт.Облако» — обратитесь в его поддержку.',
    ],
    [
      'DNS silent on-premise: no hosting to blame',
      { dns: 'DNS_TIMEOUT', http: 'DNS_TIMEOUT', http_ip: 'ok' },
      {},
      'KodeksDnsResolve',
      'dns_down_ip_ok',
      'DNS не отвечает, установка доступна по IP-адресу.',
      'Имя установки не разрешается: проверьте DNS-серверы, обслуживающие домен (у регистратора или DNS-провайдера клиента).',
    ],
    [
      'nothing answers, no icmp probe: the server or its network',
      { http: 'CONN_TIMEOUT', http_ip: 'CONN_TIMEOUT' },
      {},
      'KodeksTcpStatus',
      'host_down',
      'Сервер или его сеть недоступны: нет ответа ни по IP-адресу, ни по доменному имени.',
      'Проверьте, включён ли сервер и работает ли канал связи до него. Сервер стоит у клиента: узнайте у его администратора, не было ли работ, отключения питания или сбоя канала.',
    ],
    [
      'nothing answers, ping neither, at a hosting',
      { icmp: 'ICMP_LOSS', http: 'CONN_TIMEOUT', http_ip: 'CONN_TIMEOUT' },
      CLOUD,
      'KodeksIcmp',
      'host_down',
      'Сервер или его сеть недоступны: нет ответа ни на ping, ни по IP-адресу, ни по доменному имени.',
      'Проверьте, включён ли сервер и работает ли канал связи до него. Установка на хостинге «Техэксперт.Облако»: сравните с другими его установками и при необходимости обратитесь в его поддержку.',
    ],
    [
      'ping answers, the port drops packets: here the firewall is the likely cause',
      { icmp: 'ok', tcp: 'CONN_TIMEOUT', http: 'CONN_TIMEOUT' },
      {},
      'KodeksTcpStatus',
      'port_filtered',
      'Сервер отвечает на ping, но порт ПК не принимает соединения: ответа нет, пакеты отбрасываются.',
      'Порт, вероятно, закрыт межсетевым экраном или не проброшен до сервера; если с ним всё в порядке — проверьте, запущена ли служба ПК.',
    ],
    [
      'the direct path is closed while the name works',
      { ...healthy, http_ip: 'CONN_TIMEOUT', tcp: 'CONN_TIMEOUT' },
      {},
      'KodeksTcpStatus',
      'direct_blocked',
      'По IP-адресу сервер не отвечает (соединение не устанавливается), хотя по доменному имени установка открывается.',
      'Проверьте межсетевой экран и проброс порта до сервера: прямой путь закрыт, а прокси, видимо, ходит к серверу другим путём.',
    ],
    [
      'proxy answers 502 while the server answers by IP',
      { ...healthy, http: 'HTTP_STATUS:502' },
      CLOUD,
      'KodeksBehindProxyDown',
      'proxy_down',
      'Прокси или балансировщик не пропускает запросы: по IP-адресу сервер ПК отвечает, по доменному имени — нет (код 502 — прокси не получил ответа от сервера ПК).',
      'Проверьте обратный прокси (nginx или балансировщик перед сервером ПК), его сертификат и правила для этого имени. Прокси стоит у хостинга «Техэксперт.Облако» — обратитесь в его поддержку.',
    ],
  ];

  it.each(golden)('%s', (_name, spec, facts, alert, rule, cause, hint) => {
    const d = diagnose(checks(spec), facts)[alert];
    expect(d).toMatchObject({ alert, rule });
    expect(d?.cause).toBe(cause);
    expect(d?.hint).toBe(hint);
  });

  it('a refusal never reads as a dead network, an answer never gets the firewall hint', () => {
    const refused = diagnose(checks({ tcp: 'CONN_REFUSED', http: 'CONN_REFUSED', http_ip: 'CONN_REFUSED' }));
    const error = diagnose(checks({ http: 'HTTP_STATUS:500', http_ip: 'HTTP_STATUS:500' }));
    const hung = diagnose(checks({ tcp: 'ok', http: 'TIMEOUT', http_ip: 'TIMEOUT' }));
    for (const d of [...Object.values(refused), ...Object.values(error), ...Object.values(hung)]) {
      expect(d?.cause).not.toMatch(/сеть недоступн/);
      expect(`${d?.cause} ${d?.hint}`).not.toMatch(/брандмауэр|межсетев/);
    }
  });

  it('no hosting, no «поддержка хостинга» anywhere', () => {
    const specs: Spec[] = [
      { dns: 'DNS_NXDOMAIN', http: 'DNS_NXDOMAIN', http_ip: 'ok' },
      { dns: 'DNS_SERVFAIL', http: 'DNS_SERVFAIL' },
      { icmp: 'ICMP_LOSS', http: 'CONN_TIMEOUT', http_ip: 'CONN_TIMEOUT' },
      { ...healthy, http: 'HTTP_STATUS:502' },
    ];
    for (const spec of specs)
      for (const d of Object.values(diagnose(checks(spec))))
        expect(`${d?.cause} ${d?.hint}`).not.toMatch(/хостинг/);
  });

  it('case 2 offers the IP workaround but never an address', () => {
    const d = diagnose(checks({ dns: 'DNS_SERVFAIL', http: 'DNS_SERVFAIL', http_ip: 'ok' }), CLOUD);
    expect(d.KodeksDnsResolve?.workaround).toMatch(/по её IP-адресу/);
    expect(d.KodeksBehindProxyDown?.workaround).toMatch(/по её IP-адресу/);
    expect(JSON.stringify(d)).not.toMatch(/\d+\.\d+\.\d+\.\d+/);
  });
});

describe('one diagnosis per alert, never one pasted into all (issue 17.5)', () => {
  it('«Агент молчит» is about the agent even while the key is missing', () => {
    const d = diagnose(checks({ ...healthy, sysinfo: 'KEY_MISSING', agent: 'AGENT_STALE' }));
    expect(d.KodeksAgentSilent).toMatchObject({ alert: 'KodeksAgentSilent', rule: 'agent_silent' });
    expect(d.KodeksAgentSilent?.cause).toBe(
      'Агент на сервере давно не присылал отчёт: наличие ключа SenseLock на USB не отслеживается.',
    );
    expect(d.KodeksXmlSensLockStatus).toMatchObject({ rule: 'key_missing' });
    expect(d.KodeksAgentSilent?.cause).not.toMatch(/не видит ключ/);
  });

  it('the proxy alert has its own cause while the direct path fails too', () => {
    const d = diagnose(checks({ icmp: 'ok', http: 'CONN_REFUSED', http_ip: 'CONN_REFUSED' }));
    expect(d.KodeksTcpStatus?.rule).toBe('service_down');
    expect(d.KodeksBehindProxyDown).toMatchObject({ alert: 'KodeksBehindProxyDown', rule: 'server_down' });
    expect(d.KodeksBehindProxyDown?.cause).toBe(
      'Установка не открывается по доменному адресу, потому что не отвечает сам сервер ПК: по IP-адресу соединение отклонено: порт закрыт.',
    );
  });

  it('every failing alert gets its own, and only failing alerts get one', () => {
    const spec: Spec = { ...healthy, icmp: 'ICMP_LOSS', tls: 'TLS_EXPIRING', agent: 'AGENT_MISSING' };
    const d = diagnose(checks(spec));
    expect(Object.keys(d).sort()).toEqual(['KodeksAgentSilent', 'KodeksIcmp', 'KodeksTlsCertExpiring']);
    for (const [alert, x] of Object.entries(d)) expect(x?.alert).toBe(alert);
    expect(d.KodeksIcmp?.rule).toBe('icmp_blocked');
  });

  it('every alert with an explanation always finds a case (the last one matches anything)', () => {
    for (const [alert, cases] of Object.entries(EXPLANATIONS)) {
      const d = explain(alert as AlertName, {});
      expect(d?.rule, alert).toBe(cases?.at(-1)?.id);
      expect(d?.cause).toMatch(/[А-Яа-я]/);
      expect(d?.hint).toMatch(/[А-Яа-я]/);
    }
  });
});

describe('diagnose, case by case', () => {
  const cases: [string, Spec, AlertName, string][] = [
    [
      'DNS fails, IP answers (case 2)',
      { ...healthy, dns: 'DNS_SERVFAIL', http: 'DNS_SERVFAIL', tls: 'DNS_SERVFAIL' },
      'KodeksDnsResolve',
      'dns_down_ip_ok',
    ],
    [
      'DNS check fails, only ping answers',
      { dns: 'DNS_TIMEOUT', icmp: 'ok' },
      'KodeksDnsResolve',
      'dns_down',
    ],
    [
      'request by domain fails on DNS without a dns check',
      { http: 'DNS_NXDOMAIN', http_ip: 'ok' },
      'KodeksBehindProxyDown',
      'name_unresolved',
    ],
    ['DNS: no address record', { dns: 'DNS_NODATA', http: 'DNS_NODATA' }, 'KodeksDnsResolve', 'dns_nodata'],
    [
      'host down even though DNS also fails',
      { icmp: 'ICMP_LOSS', http_ip: 'CONN_TIMEOUT', http: 'DNS_SERVFAIL', dns: 'DNS_SERVFAIL' },
      'KodeksIcmp',
      'host_down',
    ],
    [
      'direct path refused, the name works',
      { ...healthy, http_ip: 'CONN_REFUSED' },
      'KodeksTcpStatus',
      'direct_refused_name_ok',
    ],
    [
      'direct silent, the proxy accepts and gets nothing',
      { http_ip: 'CONN_TIMEOUT', http: 'TIMEOUT' },
      'KodeksTcpStatus',
      'port_silent',
    ],
    ['TLS broken by IP', { http_ip: 'TLS_ERROR' }, 'KodeksHttp200Status', 'page_protocol'],
    [
      'HTTP by name fails, no IP configured',
      { http: 'CONN_REFUSED', dns: 'ok' },
      'KodeksBehindProxyDown',
      'access_down',
    ],
    [
      'key missing in XML, agent: not on USB (case 1)',
      { ...healthy, sysinfo: 'KEY_MISSING', agent: 'USB_KEY_ABSENT' },
      'KodeksXmlSensLockStatus',
      'key_usb_absent',
    ],
    [
      'the key watched by the agent alone: not on USB',
      { icmp: 'ok', http: 'ok', agent: 'USB_KEY_ABSENT' },
      'KodeksUsbKeyMissing',
      'usb_key_absent',
    ],
    [
      'key missing in XML, agent sees it on USB',
      { ...healthy, sysinfo: 'KEY_MISSING' },
      'KodeksXmlSensLockStatus',
      'key_not_seen_by_kodeks',
    ],
    [
      'key missing in XML, no agent',
      { http: 'ok', sysinfo: 'KEY_MISSING' },
      'KodeksXmlSensLockStatus',
      'key_missing',
    ],
    [
      'sysinfo report unreadable',
      { ...healthy, sysinfo: 'XML_INVALID' },
      'KodeksXmlStatusUnavailable',
      'report_invalid',
    ],
    [
      'sysinfo report not there',
      { ...healthy, sysinfo: 'HTTP_STATUS' },
      'KodeksXmlStatusUnavailable',
      'report_unavailable',
    ],
    [
      'sysinfo report with the server refusing',
      { sysinfo: 'CONN_REFUSED' },
      'KodeksXmlStatusUnavailable',
      'report_unavailable',
    ],
    ['TLS expired', { ...healthy, tls: 'TLS_EXPIRED' }, 'KodeksTlsCertExpiring', 'tls_expired'],
    ['TLS expiring', { ...healthy, tls: 'TLS_EXPIRING' }, 'KodeksTlsCertExpiring', 'tls_expiring'],
    ['TLS wrong host', { ...healthy, tls: 'TLS_HOSTNAME' }, 'KodeksTlsCertExpiring', 'tls_invalid'],
    ['agent never reported', { ...healthy, agent: 'AGENT_MISSING' }, 'KodeksAgentSilent', 'agent_missing'],
    ['agent report refused', { ...healthy, agent: 'AGENT_INVALID' }, 'KodeksAgentSilent', 'agent_invalid'],
    ['ping blocked, server works', { ...healthy, icmp: 'ICMP_LOSS' }, 'KodeksIcmp', 'icmp_blocked'],
    ['only ping configured, fails', { icmp: 'ICMP_LOSS' }, 'KodeksIcmp', 'icmp_down'],
  ];
  it.each(cases)('%s', (_name, spec, alert, rule) => {
    const d = diagnose(checks(spec))[alert];
    expect(d?.rule).toBe(rule);
    expect(d?.cause).toMatch(/[А-Яа-я]/);
    expect(d?.hint).toMatch(/[А-Яа-я]/);
  });

  it('unknown checks blame nobody', () => {
    expect(diagnose(checks({ icmp: 'unknown', agent: 'unknown' }))).toEqual({});
  });

  it('case 1 points at the USB forwarding software and its licence', () => {
    const d = diagnose(checks({ http: 'ok', sysinfo: 'KEY_MISSING', agent: 'USB_KEY_ABSENT' }));
    expect(d.KodeksXmlSensLockStatus?.hint).toMatch(/проброса USB.*лицензии/);
  });
});

describe('alertSignals', () => {
  const cases: [string, Spec, Record<string, string>][] = [
    [
      'healthy',
      healthy,
      {
        KodeksIcmp: 'ok',
        KodeksTcpStatus: 'ok',
        KodeksHttp200Status: 'ok',
        KodeksMaintenance: 'ok',
        KodeksNeedSupport: 'ok',
        KodeksDnsResolve: 'ok',
        KodeksBehindProxyDown: 'ok',
        KodeksTlsCertExpiring: 'ok',
        KodeksXmlStatusUnavailable: 'ok',
        KodeksXmlSensLockStatus: 'ok',
        KodeksUsbKeyMissing: 'ok',
        KodeksAgentSilent: 'ok',
      },
    ],
    [
      'tcp refused while the page answers: the port alert only',
      { tcp: 'CONN_REFUSED', http_ip: 'ok' },
      {
        KodeksTcpStatus: 'fail',
        KodeksHttp200Status: 'ok',
        KodeksMaintenance: 'ok',
        KodeksNeedSupport: 'ok',
      },
    ],
    [
      'key missing: only the SensLock alert',
      { sysinfo: 'KEY_MISSING' },
      { KodeksXmlStatusUnavailable: 'ok', KodeksXmlSensLockStatus: 'fail' },
    ],
    [
      'XML unreadable: key state unknown',
      { sysinfo: 'TIMEOUT' },
      { KodeksXmlStatusUnavailable: 'fail', KodeksXmlSensLockStatus: 'unknown' },
    ],
    [
      'agent silent: USB unknown',
      { agent: 'AGENT_STALE' },
      { KodeksAgentSilent: 'fail', KodeksUsbKeyMissing: 'unknown' },
    ],
    ['USB absent', { agent: 'USB_KEY_ABSENT' }, { KodeksAgentSilent: 'ok', KodeksUsbKeyMissing: 'fail' }],
    [
      'case 1, the key lost with sysinfo and the agent both watching: one alert, the USB finding is its cause (17.4)',
      { sysinfo: 'KEY_MISSING', agent: 'USB_KEY_ABSENT' },
      {
        KodeksXmlStatusUnavailable: 'ok',
        KodeksXmlSensLockStatus: 'fail',
        KodeksAgentSilent: 'ok',
        KodeksUsbKeyMissing: 'ok',
      },
    ],
    ['ICMP unknown raises nothing', { icmp: 'unknown' }, { KodeksIcmp: 'unknown' }],
    [
      'a certificate that could not be fetched is not known to be bad',
      { tls: 'CONN_REFUSED' },
      { KodeksTlsCertExpiring: 'unknown' },
    ],
    ['a bad certificate fails', { tls: 'TLS_UNTRUSTED' }, { KodeksTlsCertExpiring: 'fail' }],
  ];
  it.each(cases)('%s', (_name, spec, expected) => {
    expect(alertSignals(checks(spec))).toEqual(expected);
  });
});

describe('componentStatuses: the rows of the public page follow the evidence', () => {
  const rows = (spec: Spec) =>
    Object.fromEntries(Object.entries(componentStatuses(checks(spec))).map(([c, r]) => [c, r?.status]));

  it('a refused connection: «Сеть — работает», «Доступ — сбой» (not «Сеть — Сбой»)', () => {
    const r = componentStatuses(
      checks({ tcp: 'CONN_REFUSED', http_ip: 'CONN_REFUSED', http: 'CONN_REFUSED' }),
    );
    expect(r.network).toEqual({ status: 'ok', message: 'Сервер доступен по сети.' });
    expect(r.access).toEqual({ status: 'fail', message: 'Сервер отклонил соединение: порт закрыт.' });
  });

  it('an HTTP error by IP and a hung port are the service, silence is the network', () => {
    expect(rows({ http_ip: 'HTTP_STATUS:500' })).toEqual({ network: 'ok', access: 'fail' });
    expect(rows({ tcp: 'ok', http_ip: 'TIMEOUT' })).toEqual({ network: 'ok', access: 'fail' });
    expect(rows({ icmp: 'ICMP_LOSS', http_ip: 'CONN_TIMEOUT' })).toEqual({ network: 'fail' });
  });

  it('a certificate or key state that could not be read is unknown, not a failure', () => {
    expect(rows({ tls: 'CONN_REFUSED', sysinfo: 'CONN_REFUSED' })).toEqual({
      tls: 'unknown',
      license: 'unknown',
    });
    expect(rows({ tls: 'TLS_EXPIRED', sysinfo: 'KEY_MISSING' })).toEqual({ tls: 'fail', license: 'fail' });
  });

  it('an unobservable check does not hide a good one', () => {
    expect(
      rows({ icmp: 'unknown', http_ip: 'ok', http: 'HTTP_STATUS:502', dns: 'ok', agent: 'unknown' }),
    ).toEqual({
      network: 'ok',
      access: 'fail',
      dns: 'ok',
      agent: 'unknown',
    });
  });
});

describe('the PK’s own states and the licence manager (issue 12.5)', () => {
  const signals: [string, Spec, Record<string, string>][] = [
    [
      '503 by IP and by name: maintenance mode, not a proxy or a page error',
      { tcp: 'ok', http_ip: 'KODEKS_MAINTENANCE', http: 'KODEKS_MAINTENANCE' },
      {
        KodeksTcpStatus: 'ok',
        KodeksHttp200Status: 'ok',
        KodeksMaintenance: 'fail',
        KodeksNeedSupport: 'ok',
        KodeksBehindProxyDown: 'ok',
      },
    ],
    [
      '503 by name while the server answers by IP: the proxy',
      { http_ip: 'ok', http: 'KODEKS_MAINTENANCE' },
      {
        KodeksTcpStatus: 'ok',
        KodeksHttp200Status: 'ok',
        KodeksMaintenance: 'ok',
        KodeksNeedSupport: 'ok',
        KodeksBehindProxyDown: 'fail',
      },
    ],
    [
      '503 with no ip: the name is the PK’s own address',
      { http: 'KODEKS_MAINTENANCE' },
      {
        KodeksTcpStatus: 'ok',
        KodeksHttp200Status: 'ok',
        KodeksMaintenance: 'fail',
        KodeksNeedSupport: 'ok',
        KodeksBehindProxyDown: 'ok',
      },
    ],
    [
      '«Требуется обслуживание» by name',
      { http_ip: 'ok', http: 'KODEKS_NEED_SUPPORT' },
      {
        KodeksTcpStatus: 'ok',
        KodeksHttp200Status: 'ok',
        KodeksMaintenance: 'ok',
        KodeksNeedSupport: 'fail',
        KodeksBehindProxyDown: 'ok',
      },
    ],
    [
      '500 by IP: the page, not the port',
      { http_ip: 'HTTP_STATUS:500', http: 'HTTP_STATUS:500' },
      {
        KodeksTcpStatus: 'ok',
        KodeksHttp200Status: 'fail',
        KodeksMaintenance: 'ok',
        KodeksNeedSupport: 'ok',
        KodeksBehindProxyDown: 'fail',
      },
    ],
    [
      'refused: the port; the page cannot be judged',
      { http_ip: 'CONN_REFUSED', http: 'CONN_REFUSED' },
      {
        KodeksTcpStatus: 'fail',
        KodeksHttp200Status: 'unknown',
        KodeksMaintenance: 'unknown',
        KodeksNeedSupport: 'unknown',
        KodeksBehindProxyDown: 'fail',
      },
    ],
    [
      'licence manager: the host answers ping, its port refuses',
      { licman_icmp: 'ok', licman_tcp: 'CONN_REFUSED' },
      { LicmanIcmp: 'ok', LicmanTcpStatus: 'fail' },
    ],
  ];
  it.each(signals)('signals: %s', (_name, spec, expected) => {
    expect(alertSignals(checks(spec))).toEqual(expected);
  });

  const golden: [string, Spec, AlertName, string, string][] = [
    [
      'maintenance mode',
      { http_ip: 'KODEKS_MAINTENANCE', http: 'KODEKS_MAINTENANCE' },
      'KodeksMaintenance',
      'maintenance_mode',
      'ПК в режиме технического обслуживания: сервер отвечает по IP-адресу кодом 503. Так бывает во время плановых работ — обновления, резервного копирования, перезапуска.',
    ],
    [
      'a proxy answering 503 is the proxy, not maintenance',
      { http_ip: 'ok', http: 'KODEKS_MAINTENANCE' },
      'KodeksBehindProxyDown',
      'proxy_down',
      'Прокси или балансировщик не пропускает запросы: по IP-адресу сервер ПК отвечает, по доменному имени — нет (код 503 — сервис недоступен).',
    ],
    [
      '«Требуется обслуживание» on the page',
      { http: 'KODEKS_NEED_SUPPORT:Требуется обслуживание' },
      'KodeksNeedSupport',
      'need_support',
      'ПК сообщает, что требуется обслуживание: на его странице служебное сообщение «Требуется обслуживание».',
    ],
    [
      'licence manager port refused',
      { licman_icmp: 'ok', licman_tcp: 'CONN_REFUSED' },
      'LicmanTcpStatus',
      'licman_refused',
      'Сервер менеджера лицензий в сети, но сам менеджер лицензий не принимает соединения: порт закрыт (соединение отклонено).',
    ],
    [
      'licence manager host silent',
      { licman_icmp: 'ICMP_LOSS', licman_tcp: 'CONN_TIMEOUT' },
      'LicmanIcmp',
      'licman_host_down',
      'Менеджер лицензий недоступен: его сервер не отвечает ни на ping, ни на соединения с портом.',
    ],
    [
      'licence manager: ping closed, port open',
      { licman_icmp: 'ICMP_LOSS', licman_tcp: 'ok' },
      'LicmanIcmp',
      'licman_icmp_blocked',
      'Сервер менеджера лицензий не отвечает на ping, но в сети: вероятно, ping закрыт межсетевым экраном.',
    ],
  ];
  it.each(golden)('what the manager reads: %s', (_name, spec, alert, rule, cause) => {
    const d = diagnose(checks(spec))[alert];
    expect(d).toMatchObject({ alert, rule });
    expect(d?.cause).toBe(cause);
  });

  it('maintenance too long names the configured threshold; only the engine says it fails', () => {
    const spec = checks({ http: 'KODEKS_MAINTENANCE' });
    expect(diagnose(spec).KodeksMaintenanceToLong).toBeUndefined();
    const d = diagnose(spec, { sustained: { KodeksMaintenanceToLong: 3 * 3_600_000 } });
    expect(d.KodeksMaintenanceToLong?.cause).toBe(
      'ПК в режиме технического обслуживания дольше 3 ч подряд: пользователи всё это время не могут работать.',
    );
    expect(d.KodeksMaintenance?.rule).toBe('maintenance_mode');
  });

  it('maintenance is a row of its own on the page, never «Сбой»', () => {
    const r = componentStatuses(checks({ http_ip: 'KODEKS_MAINTENANCE', http: 'KODEKS_MAINTENANCE' }));
    expect(r.network?.status).toBe('ok');
    expect(r.access?.status).toBe('maintenance');
    expect(componentStatuses(checks({ licman_tcp: 'CONN_REFUSED' })).license?.status).toBe('fail');
  });
});
