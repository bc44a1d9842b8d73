import { ProbeError } from './result.ts';
import type { ProbeCode } from './types.ts';

/** Russian sentences for the outcome codes that several probes share; never with addresses. */
export const MESSAGES: Partial<Record<ProbeCode, string>> = {
  DNS_NXDOMAIN: 'Доменное имя не найдено (NXDOMAIN).',
  DNS_SERVFAIL: 'DNS-сервер не смог ответить на запрос (SERVFAIL).',
  DNS_REFUSED: 'DNS-сервер отказал в ответе (REFUSED).',
  DNS_TIMEOUT: 'DNS-сервер не ответил вовремя.',
  DNS_NODATA: 'Для имени нет адресов нужного типа.',
  DNS_ERROR: 'Ошибка при обращении к DNS-серверу.',
  CONN_REFUSED: 'Сервер отклонил соединение: порт закрыт.',
  CONN_TIMEOUT: 'Не удалось установить соединение за отведённое время.',
  CONN_RESET: 'Сервер оборвал соединение.',
  CONN_ERROR: 'Ошибка соединения с сервером.',
  HOST_UNREACHABLE: 'Сервер недоступен по сети (нет маршрута).',
  TIMEOUT: 'Сервер не ответил за отведённое время.',
  TLS_ERROR: 'Ошибка установления защищённого соединения (TLS).',
  HTTP_ERROR: 'Ошибка HTTP-обмена с сервером.',
  INTERNAL: 'Внутренняя ошибка проверки.',
};

/** The Russian message for a code, with a fallback. */
export function messageFor(code: ProbeCode): string {
  return MESSAGES[code] ?? 'Проверка не удалась.';
}

/** Where a network operation was when it failed: decides CONN_TIMEOUT vs TIMEOUT on abort. */
export type Phase = 'resolve' | 'connect' | 'exchange';

/**
 * Turns any error thrown by node:net / node:tls / node:dns / undici into a ProbeError with a stable code.
 * `aborted` says whether the check's hard timeout has fired (then the phase decides the code).
 */
export function toProbeError(err: unknown, phase: Phase, aborted: boolean): ProbeError {
  if (err instanceof ProbeError) return err;
  const e = err as { code?: string; message?: string; cause?: unknown };
  const raw = `${e?.code ?? ''} ${e?.message ?? String(err)}`.trim().slice(0, 300);
  if (aborted) {
    const code: ProbeCode =
      phase === 'resolve' ? 'DNS_TIMEOUT' : phase === 'connect' ? 'CONN_TIMEOUT' : 'TIMEOUT';
    return new ProbeError(code, messageFor(code), { error: raw, phase });
  }
  const code = errorCode(e) ?? (e?.cause ? errorCode(e.cause as { code?: string }) : undefined);
  const mapped = mapCode(code, phase);
  return new ProbeError(mapped, messageFor(mapped), { error: raw, phase });
}

function errorCode(e: { code?: string } | undefined): string | undefined {
  return typeof e?.code === 'string' ? e.code : undefined;
}

function mapCode(code: string | undefined, phase: Phase): ProbeCode {
  switch (code) {
    case 'ECONNREFUSED':
      return 'CONN_REFUSED';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return 'CONN_RESET';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'CONN_TIMEOUT';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ABORT_ERR':
    case 'UND_ERR_ABORTED':
      return 'TIMEOUT';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return 'HOST_UNREACHABLE';
    case 'ENOTFOUND':
      return 'DNS_NXDOMAIN';
    case 'ESERVFAIL':
    case 'EAI_AGAIN':
      return 'DNS_SERVFAIL';
    case 'ETIMEOUT':
      return 'DNS_TIMEOUT';
    case 'EREFUSED':
      return 'DNS_REFUSED';
    case 'ENODATA':
      return 'DNS_NODATA';
    default:
      if (code?.startsWith('ERR_TLS') || code?.startsWith('ERR_SSL') || code?.includes('CERT'))
        return 'TLS_ERROR';
      if (code?.startsWith('UND_ERR')) return 'HTTP_ERROR';
      return phase === 'resolve' ? 'DNS_ERROR' : phase === 'connect' ? 'CONN_ERROR' : 'HTTP_ERROR';
  }
}
