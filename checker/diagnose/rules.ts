import type { CheckId, ProbeResult } from '../probes/types.ts';
import type { InstallationResults } from '../probing/types.ts';
import type { Diagnosis } from '../status/schema.ts';

type Checks = InstallationResults['checks'];

/** One diagnosis rule: when it matches an installation's results, and what it says. */
export interface Rule {
  /** Stable id stored in Diagnosis.rule. */
  id: string;
  when: (c: View) => boolean;
  diagnosis: Omit<Diagnosis, 'rule'> | ((c: View) => Omit<Diagnosis, 'rule'>);
}

/** Helpers over one installation's checks used by the rules. */
export interface View {
  fails: (id: CheckId, ...codes: string[]) => boolean;
  oks: (id: CheckId) => boolean;
  notOk: (id: CheckId) => boolean;
  has: (id: CheckId) => boolean;
  code: (id: CheckId) => string | undefined;
}

/** Builds the View over a set of checks. */
export function view(checks: Checks): View {
  const get = (id: CheckId): ProbeResult | undefined => checks[id];
  return {
    fails: (id, ...codes) => {
      const r = get(id);
      return r?.status === 'fail' && (codes.length === 0 || codes.includes(r.code));
    },
    oks: (id) => get(id)?.status === 'ok',
    notOk: (id) => get(id) !== undefined && get(id)?.status !== 'ok',
    has: (id) => get(id) !== undefined,
    code: (id) => get(id)?.code,
  };
}

const DNS_CODES = ['DNS_NXDOMAIN', 'DNS_SERVFAIL', 'DNS_REFUSED', 'DNS_TIMEOUT', 'DNS_NODATA', 'DNS_ERROR'];
const IP_WORKAROUND =
  'Пока имя не работает, пользователи могут открыть установку по её IP-адресу (адрес сообщит менеджер).';

const directFails = (c: View) => c.fails('http_ip') || c.fails('tcp');
const directWorks = (c: View) => c.oks('http_ip') || c.oks('tcp');
const nameFails = (c: View) => c.fails('dns') || c.fails('http', ...DNS_CODES);

/**
 * The rules, most specific first; the first that matches gives the diagnosis. Order matters: a dead host
 * explains everything after it, a DNS failure explains the failing request by domain, and so on.
 */
export const RULES: Rule[] = [
  {
    id: 'host_down',
    when: (c) => directFails(c) && !c.oks('icmp') && !c.oks('http'),
    diagnosis: (c) => ({
      alert: c.fails('icmp') ? 'KodeksIcmp' : 'KodeksDirectDown',
      cause: c.fails('icmp')
        ? 'Сервер или его сеть недоступны: нет ответа ни на ping, ни напрямую по IP-адресу.'
        : 'Сервер или его сеть недоступны: нет ответа ни по доменному имени, ни напрямую по IP-адресу.',
      hint:
        'Проверьте, включён ли сервер и работает ли канал связи до площадки; для хостинга — обратитесь в его ' +
        'поддержку. Сравните с другими установками той же площадки.',
    }),
  },
  {
    // The machine answers ping, but the Kodeks web server accepts nothing, by name or by IP.
    id: 'service_down',
    when: (c) => directFails(c) && c.fails('http') && c.oks('icmp'),
    diagnosis: {
      alert: 'KodeksDirectDown',
      cause: 'Сервер в сети (отвечает на ping), но веб-сервер ПК не отвечает ни по имени, ни по IP-адресу.',
      hint:
        'Вероятно, остановлена служба Кодекс/Техэксперт или её веб-сервер: проверьте службу на сервере и ' +
        'перезапустите её; если служба работает — проверьте брандмауэр на порту ПК.',
    },
  },
  {
    id: 'dns_down_ip_ok',
    when: (c) => nameFails(c) && (directWorks(c) || c.oks('icmp')),
    diagnosis: {
      alert: 'KodeksDnsResolve',
      cause: 'DNS не отвечает, установка доступна по IP-адресу.',
      hint:
        'Имя установки не разрешается. Проверьте DNS-серверы зоны (для хостинга — обратитесь в его поддержку: ' +
        'вероятен сбой их DNS-сервера).',
      workaround: IP_WORKAROUND,
    },
  },
  {
    id: 'dns_down',
    when: nameFails,
    diagnosis: {
      alert: 'KodeksDnsResolve',
      cause: 'Доменное имя установки не разрешается.',
      hint: 'Проверьте DNS-записи домена и работу DNS-серверов; если установка на хостинге — обратитесь в его поддержку.',
    },
  },
  {
    id: 'proxy_down',
    when: (c) => c.fails('http') && c.oks('http_ip'),
    diagnosis: {
      alert: 'KodeksBehindProxyDown',
      cause: 'Прокси или балансировщик не пропускает запросы: по IP-адресу сервер отвечает, по имени — нет.',
      hint: 'Проверьте обратный прокси (nginx, балансировщик хостинга), его сертификат и правила для этого имени.',
      workaround: IP_WORKAROUND,
    },
  },
  {
    id: 'access_down',
    when: (c) => c.fails('http'),
    diagnosis: {
      alert: 'KodeksBehindProxyDown',
      cause: 'Установка не открывается по доменному имени.',
      hint: 'Проверьте веб-сервер Кодекс и прокси перед ним; прямой путь по IP не проверялся или тоже не отвечает.',
    },
  },
  {
    id: 'key_usb_absent',
    when: (c) => c.fails('kodeks_xml', 'KEY_MISSING') && c.fails('agent', 'USB_KEY_ABSENT'),
    diagnosis: {
      alert: 'KodeksXmlSensLockStatus',
      cause: 'Ключ SenseLock пропал с USB сервера: его не видят ни Кодекс, ни агент.',
      hint:
        'Если ключ проброшен по сети, проверьте программу проброса USB и срок её лицензии; если вставлен ' +
        'в сервер — проверьте его физически. Проверить ключ на сервере можно утилитой TestSlKey.',
    },
  },
  {
    id: 'key_not_seen_by_kodeks',
    when: (c) => c.fails('kodeks_xml', 'KEY_MISSING') && c.oks('agent'),
    diagnosis: {
      alert: 'KodeksXmlSensLockStatus',
      cause: 'Ключ SenseLock подключён к USB, но сервер Кодекс его не видит.',
      hint: 'Проверьте драйвер SenseLock и службу лицензирования Кодекс (перезапустите её), затем утилиту TestSlKey.',
    },
  },
  {
    id: 'key_missing',
    when: (c) => c.fails('kodeks_xml', 'KEY_MISSING'),
    diagnosis: {
      alert: 'KodeksXmlSensLockStatus',
      cause: 'Сервер Кодекс не видит ключ SenseLock.',
      hint:
        'Проверьте, подключён ли ключ; если он проброшен по сети — программу проброса USB и её лицензию. ' +
        'Агент на сервере не установлен или молчит, поэтому где ключ — неизвестно.',
    },
  },
  {
    id: 'usb_key_absent',
    when: (c) => c.fails('agent', 'USB_KEY_ABSENT'),
    diagnosis: {
      alert: 'KodeksUsbKeyMissing',
      cause: 'Агент не видит ключ SenseLock среди USB-устройств сервера.',
      hint: 'Проверьте ключ и программу проброса USB; Кодекс может ещё работать на кэшированной лицензии.',
    },
  },
  {
    id: 'xml_unavailable',
    when: (c) => c.fails('kodeks_xml'),
    diagnosis: {
      alert: 'KodeksXmlStatusUnavailable',
      cause: 'Документ статуса Кодекс недоступен или не читается: состояние ключа неизвестно.',
      hint: 'Проверьте путь к документу статуса и настройку select в installations.yaml, службу Кодекс.',
    },
  },
  {
    id: 'tls_expired',
    when: (c) => c.fails('tls', 'TLS_EXPIRED', 'TLS_NOT_YET_VALID'),
    diagnosis: {
      alert: 'KodeksTlsCertExpiring',
      cause: 'Сертификат сайта недействителен по сроку: браузеры показывают предупреждение.',
      hint: 'Выпустите и установите новый сертификат на прокси или веб-сервер; проверьте автопродление.',
    },
  },
  {
    id: 'tls_expiring',
    when: (c) => c.fails('tls', 'TLS_EXPIRING'),
    diagnosis: {
      alert: 'KodeksTlsCertExpiring',
      cause: 'Сертификат сайта скоро истекает.',
      hint: 'Продлите сертификат заранее; проверьте, почему не сработало автопродление.',
    },
  },
  {
    id: 'tls_invalid',
    when: (c) => c.fails('tls'),
    diagnosis: {
      alert: 'KodeksTlsCertExpiring',
      cause: 'Сертификат сайта не проходит проверку (чужое имя, недоверенный центр или неполная цепочка).',
      hint: 'Проверьте, какой сертификат отдаёт прокси для этого имени, и полноту цепочки.',
    },
  },
  {
    id: 'agent_silent',
    when: (c) => c.fails('agent', 'AGENT_STALE', 'AGENT_MISSING', 'AGENT_INVALID'),
    diagnosis: {
      alert: 'KodeksAgentSilent',
      cause: 'Агент на сервере не присылает отчёты: наличие ключа на USB не отслеживается.',
      hint: 'Проверьте службу smart agent на сервере, её доступ в сеть и часы сервера.',
    },
  },
  {
    id: 'icmp_blocked',
    when: (c) => c.fails('icmp') && (directWorks(c) || c.oks('http')),
    diagnosis: {
      alert: 'KodeksIcmp',
      cause: 'Сервер не отвечает на ping, но работает: вероятно, ping закрыт межсетевым экраном.',
      hint: 'Если ping закрыли намеренно, уберите проверку icmp для этой установки.',
    },
  },
  {
    id: 'icmp_down',
    when: (c) => c.fails('icmp'),
    diagnosis: {
      alert: 'KodeksIcmp',
      cause: 'Сервер не отвечает на ping.',
      hint: 'Проверьте сервер и канал связи до него.',
    },
  },
  {
    id: 'direct_down',
    when: directFails,
    diagnosis: {
      alert: 'KodeksDirectDown',
      cause: 'Сервер не отвечает напрямую по IP-адресу, хотя по имени установка открывается.',
      hint: 'Проверьте межсетевой экран и проброс портов до сервера; прокси, видимо, ходит другим путём.',
    },
  },
];
