/**
 * Causes of the network and web alerts: ping, the server's own port and web server (by ip), the request by
 * name (proxy) and DNS. Each reads the evidence (evidence.ts) before it blames anything: a refusal is a
 * stopped service, not a dead network; an HTTP 500 is a web server that runs; a port that opens and never
 * answers is a hung service, not a firewall; NXDOMAIN is a missing name, not a silent DNS server.
 */
import type { CheckId } from '../probes/types.ts';
import {
  byIp,
  directFailure,
  directWorks,
  hostSilent,
  type PathOutcome,
  pageWay,
  portFailure,
  serverAnswers,
  statusText,
  type View,
} from './evidence.ts';
import { type Case, clause, IP_WORKAROUND, lower, neither, type Said, whoToAsk } from './explain.ts';

/** What a path saw, as the end of a Russian sentence. */
export function pathText(v: View, id: CheckId): string {
  const o = v.outcome(id);
  switch (o) {
    case 'ok':
      return 'работает';
    case 'silent':
      return 'нет ответа (соединение не устанавливается)';
    case 'refused':
      return 'соединение отклонено: порт закрыт';
    case 'reset':
      return 'сервер обрывает соединение';
    case 'no_answer':
      return 'соединение устанавливается, но ответа на запрос нет';
    case 'http_status':
      return statusText(v.httpStatus(id));
    case 'dns':
      return 'имя не разрешается (DNS)';
    case 'maintenance':
      return statusText(503);
    case 'need_support':
      return `служебное сообщение «${v.said(id, 'need_support') ?? 'Требуется обслуживание'}»`;
    default:
      return lower(clause(v.message(id) ?? 'проверка не прошла'));
  }
}

/** What to do first about a server whose direct path shows `outcome`. */
export function serverHint(v: View, outcome: PathOutcome, status?: number): string {
  switch (outcome) {
    case 'silent':
      return `Проверьте, включён ли сервер и работает ли канал связи до него. ${whoToAsk(v)}`;
    case 'refused':
      return 'Запустите или перезапустите службу Кодекс/Техэксперт (веб-сервер ПК) на сервере и проверьте, что она слушает свой порт.';
    case 'no_answer':
      return 'Служба ПК, вероятно, зависла или перегружена: проверьте загрузку сервера и перезапустите службу ПК.';
    case 'http_status':
      return status !== undefined && status < 500
        ? 'Проверьте путь проверки http в installations.yaml и что по этому адресу отвечает именно ПК.'
        : 'Служба ПК запущена, но отвечает ошибкой: посмотрите журнал веб-сервера ПК и страницу /admin, при необходимости перезапустите службу.';
    case 'reset':
    case 'protocol':
      return 'Проверьте порт и протокол веб-сервера ПК (HTTP или HTTPS, сертификат) и журнал службы ПК.';
    default:
      return 'Проверьте сервер ПК и его службу.';
  }
}

/** Nothing answered: ping, the address, the name. Shared by KodeksIcmp and the direct-path alert. */
const HOST_DOWN: Case = {
  id: 'host_down',
  when: hostSilent,
  say: (v) => {
    const tried: string[] = [];
    if (v.fails('icmp')) tried.push('на ping');
    if (v.direct.length > 0) tried.push(byIp(v) ? 'по IP-адресу' : 'на соединения с портом ПК');
    if (v.has('http') && v.outcome('http') !== 'dns') tried.push('по доменному имени');
    return {
      cause: `Сервер или его сеть недоступны: ${neither(tried)}.`,
      hint: serverHint(v, 'silent'),
    };
  },
};

const portIs = (v: View, ...outcomes: PathOutcome[]) => {
  const f = portFailure(v);
  return f !== undefined && outcomes.includes(f.outcome);
};

const pageIs = (v: View, ...outcomes: PathOutcome[]) =>
  v.page !== undefined && v.fails(v.page) && outcomes.includes(v.outcome(v.page) ?? 'unknown');

/** KodeksIcmp: the server does not answer ping. */
export const ICMP_CASES: Case[] = [
  HOST_DOWN,
  {
    id: 'icmp_blocked',
    when: (v) => serverAnswers(v) || v.oks('http'),
    say: () => ({
      cause:
        'Сервер не отвечает на ping, но в сети и отвечает на соединения: вероятно, ping закрыт межсетевым экраном.',
      hint: 'Если ping закрыли намеренно, уберите проверку icmp для этой установки; иначе попросите администратора разрешить ICMP с адреса проверяющего.',
    }),
  },
  {
    id: 'icmp_down',
    when: () => true,
    say: (v) => ({ cause: 'Сервер не отвечает на ping.', hint: serverHint(v, 'silent') }),
  },
];

/** KodeksTcpStatus: the PK's port takes no connection (the tcp check, or the main page's connection). */
export const TCP_CASES: Case[] = [
  HOST_DOWN,
  {
    id: 'direct_blocked',
    when: (v) => portIs(v, 'silent') && byIp(v) && v.oks('http'),
    say: () => ({
      cause:
        'По IP-адресу сервер не отвечает (соединение не устанавливается), хотя по доменному имени установка открывается.',
      hint: 'Проверьте межсетевой экран и проброс порта до сервера: прямой путь закрыт, а прокси, видимо, ходит к серверу другим путём.',
    }),
  },
  {
    id: 'port_filtered',
    when: (v) => portIs(v, 'silent') && v.oks('icmp'),
    say: () => ({
      cause: 'Сервер отвечает на ping, но порт ПК не принимает соединения: ответа нет, пакеты отбрасываются.',
      hint: 'Порт, вероятно, закрыт межсетевым экраном или не проброшен до сервера; если с ним всё в порядке — проверьте, запущена ли служба ПК.',
    }),
  },
  {
    id: 'direct_refused_name_ok',
    when: (v) => portIs(v, 'refused') && byIp(v) && v.oks('http'),
    say: () => ({
      cause:
        'По IP-адресу порт ПК закрыт (соединение отклонено), хотя по доменному имени установка открывается.',
      hint: 'Прокси, видимо, обращается к серверу ПК по другому порту или адресу: проверьте, на каком порту работает веб-сервер ПК, и настройку ip и tcp этой установки в installations.yaml.',
    }),
  },
  {
    id: 'service_down',
    when: (v) => portIs(v, 'refused'),
    say: (v) => ({
      cause: `Сервер в сети, но служба ПК не принимает соединения: порт закрыт (соединение отклонено${byIp(v) && v.fails('http') ? ' и по IP-адресу, и по доменному имени' : ''}).`,
      hint: serverHint(v, 'refused'),
    }),
  },
  {
    id: 'port_silent',
    when: (v) => portIs(v, 'silent'),
    say: (v) => ({
      cause: `Порт ПК не принимает соединения: ответа нет${byIp(v) && v.fails('http') ? `; по доменному имени — ${pathText(v, 'http')}` : ''}.`,
      hint: serverHint(v, 'silent'),
    }),
  },
  {
    id: 'port_failed',
    when: () => true,
    say: (v) => {
      const f = portFailure(v);
      return {
        cause: `Порт ПК не принимает соединения${f ? `: ${pathText(v, f.id)}` : ''}.`,
        hint: serverHint(v, 'unknown'),
      };
    },
  },
];

/** KodeksHttp200Status: the PK's main page answers, but not with 200 (or never finishes answering). */
export const HTTP200_CASES: Case[] = [
  {
    id: 'server_error',
    when: (v) => pageIs(v, 'http_status'),
    say: (v) => {
      const status = v.httpStatus(v.page!);
      return {
        cause: `Веб-сервер ПК отвечает ${pageWay(v)}, но с ошибкой: ${statusText(status)}.`,
        hint: serverHint(v, 'http_status', status),
      };
    },
  },
  {
    id: 'no_http_answer',
    when: (v) => pageIs(v, 'no_answer'),
    say: (v) => ({
      cause: 'Порт ПК открыт, но веб-сервер не отвечает на запросы: соединение устанавливается, ответа нет.',
      hint: serverHint(v, 'no_answer'),
    }),
  },
  {
    id: 'page_protocol',
    when: (v) => pageIs(v, 'reset', 'protocol'),
    say: (v) => ({
      cause: `Веб-сервер ПК принимает соединение ${pageWay(v)}, но обмен не удаётся: ${pathText(v, v.page!)}.`,
      hint: serverHint(v, 'protocol'),
    }),
  },
  {
    id: 'page_failed',
    when: () => true,
    say: (v) => ({
      cause: `Главная страница ПК не отвечает кодом 200${v.page ? `: ${pathText(v, v.page)}` : ''}.`,
      hint: serverHint(v, 'unknown'),
    }),
  },
];

/** The hint about a name that does not resolve: the hosting's support, or the domain's own DNS. */
function dnsHint(v: View, what: string): string {
  return v.hosting
    ? `${what}: вероятен сбой DNS у хостинга «${v.hosting}» — обратитесь в его поддержку.`
    : `${what}: проверьте DNS-серверы, обслуживающие домен (у регистратора или DNS-провайдера клиента).`;
}

/** KodeksDnsResolve: the installation's name does not resolve through the configured resolvers. */
export const DNS_CASES: Case[] = [
  {
    id: 'dns_nxdomain',
    when: (v) => v.fails('dns', 'DNS_NXDOMAIN'),
    say: (v) => ({
      cause: `Доменное имя установки не найдено: DNS отвечает, что такого имени нет (NXDOMAIN)${directWorks(v) ? '; по IP-адресу установка доступна' : ''}.`,
      hint: v.hosting
        ? `Именем, вероятно, управляет хостинг «${v.hosting}»: сообщите в его поддержку, что имя пропало из DNS.`
        : 'Проверьте, не истёк ли срок регистрации домена и на месте ли запись имени у регистратора или DNS-провайдера клиента.',
      ...(directWorks(v) ? { workaround: IP_WORKAROUND } : {}),
    }),
  },
  {
    id: 'dns_nodata',
    when: (v) => v.fails('dns', 'DNS_NODATA'),
    say: (v) => ({
      cause: `Для доменного имени установки в DNS нет адреса (нет записи A или AAAA)${directWorks(v) ? '; по IP-адресу установка доступна' : ''}.`,
      hint: 'Проверьте запись имени в DNS-зоне домена (у регистратора, DNS-провайдера или хостинга): её, вероятно, удалили или изменили.',
      ...(directWorks(v) ? { workaround: IP_WORKAROUND } : {}),
    }),
  },
  {
    id: 'dns_down_ip_ok',
    when: directWorks,
    say: (v) => ({
      cause: 'DNS не отвечает, установка доступна по IP-адресу.',
      hint: dnsHint(v, 'Имя установки не разрешается'),
      workaround: IP_WORKAROUND,
    }),
  },
  {
    id: 'dns_down',
    when: () => true,
    say: (v) => ({
      cause: `DNS не отвечает: доменное имя установки не удаётся разрешить${v.oks('icmp') ? ', хотя сервер в сети (отвечает на ping)' : ''}.`,
      hint: dnsHint(v, 'Имя установки не разрешается'),
    }),
  },
];

/** KodeksBehindProxyDown: the installation does not open by the name users use. */
export const PROXY_CASES: Case[] = [
  {
    id: 'name_unresolved',
    when: (v) => v.outcome('http') === 'dns',
    say: (v): Said => ({
      cause: `Установка не открывается по доменному адресу: имя не разрешается (DNS)${directWorks(v) ? ', по IP-адресу она доступна' : ''}.`,
      hint: dnsHint(v, 'Причина в DNS'),
      ...(directWorks(v) ? { workaround: IP_WORKAROUND } : {}),
    }),
  },
  {
    id: 'proxy_down',
    when: directWorks,
    say: (v) => ({
      cause: `Прокси или балансировщик не пропускает запросы: по IP-адресу сервер ПК отвечает, по доменному имени — нет (${pathText(v, 'http')}).`,
      hint: `Проверьте обратный прокси (nginx или балансировщик перед сервером ПК), его сертификат и правила для этого имени.${v.hosting ? ` Прокси стоит у хостинга «${v.hosting}» — обратитесь в его поддержку.` : ''}`,
      workaround: IP_WORKAROUND,
    }),
  },
  {
    id: 'server_down',
    when: (v) => directFailure(v) !== undefined,
    say: (v) => {
      const f = directFailure(v)!;
      return {
        cause: `Установка не открывается по доменному адресу, потому что не отвечает сам сервер ПК: по IP-адресу ${pathText(v, f.id)}.`,
        hint: serverHint(v, f.outcome, v.httpStatus(f.id)),
      };
    },
  },
  {
    id: 'access_down',
    when: () => true,
    say: (v) => ({
      cause: `Установка не открывается по доменному адресу: ${pathText(v, 'http')}.`,
      hint: `${serverHint(v, v.outcome('http') ?? 'unknown', v.httpStatus('http'))} Прямой путь по IP-адресу не проверяется, поэтому неясно, сбой в прокси или в самом сервере ПК.`,
    }),
  },
];
