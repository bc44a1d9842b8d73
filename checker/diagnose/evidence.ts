/**
 * What one run's checks prove about an installation, read the way a technician would: a refused connection
 * proves the host is up and nothing listens on the port; a connection that opens and then gets no HTTP
 * answer proves the port is open; an HTTP error code proves the web server runs; only silence (timeouts, no
 * route) leaves the host itself in doubt. The explanations in explain-*.ts are written over this view.
 */
import type { AlertName } from '../alerts/names.ts';
import type { CheckId, ProbeResult } from '../probes/types.ts';

/** Results of one installation's checks in a run. */
export type Checks = Partial<Record<CheckId, ProbeResult>>;

/** Facts about the installation the explanations may name (never addresses). */
export interface InstallationFacts {
  /** The hosting's public title, when the installation runs at one. */
  hosting?: string;
  /** The installation has a direct address (`ip`): tcp and http_ip go there, not to the name. */
  ip?: boolean;
  /** Duration alerts found failing by the engine, with the threshold they crossed (ms). */
  sustained?: Partial<Record<AlertName, number>>;
}

/** What one check of a path (tcp, http, http_ip) saw, in the terms the explanations need. */
export type PathOutcome =
  | 'ok'
  /** No sign of the host: the connection timed out or there is no route. */
  | 'silent'
  /** The host answered the connection with a refusal: nothing listens on the port. */
  | 'refused'
  /** A connection was made and then broken by the other side. */
  | 'reset'
  /** The connection opened, but no HTTP answer came in time. */
  | 'no_answer'
  /** The web server answered with a status code that is not expected. */
  | 'http_status'
  /** The web server answered, but the exchange failed (TLS handshake, redirect loop, oversized body …). */
  | 'protocol'
  /** The PK answered 503: its maintenance mode. */
  | 'maintenance'
  /** The PK's page shows its «service required» message. */
  | 'need_support'
  /** The name did not resolve. */
  | 'dns'
  /** The check could not be made from here (unknown) or failed for a reason of its own. */
  | 'unknown';

const SILENT = new Set(['CONN_TIMEOUT', 'HOST_UNREACHABLE']);
const PROTOCOL = new Set([
  'HTTP_REDIRECT_LOOP',
  'HTTP_BODY_TOO_LARGE',
  'HTTP_ERROR',
  'TLS_ERROR',
  'TLS_EXPIRED',
  'TLS_EXPIRING',
  'TLS_NOT_YET_VALID',
  'TLS_HOSTNAME',
  'TLS_UNTRUSTED',
]);

/** Classifies one check's result (a probe's, or a check state the status data kept). */
export function outcomeOf(
  r: (Pick<ProbeResult, 'status'> & { code: string }) | undefined,
): PathOutcome | undefined {
  if (!r) return undefined;
  if (r.status === 'ok') return 'ok';
  if (r.status === 'unknown') return 'unknown';
  if (r.code.startsWith('DNS_')) return 'dns';
  if (SILENT.has(r.code)) return 'silent';
  if (r.code === 'CONN_REFUSED') return 'refused';
  if (r.code === 'CONN_RESET') return 'reset';
  if (r.code === 'TIMEOUT') return 'no_answer';
  if (r.code === 'HTTP_STATUS') return 'http_status';
  if (r.code === 'KODEKS_MAINTENANCE') return 'maintenance';
  if (r.code === 'KODEKS_NEED_SUPPORT') return 'need_support';
  if (PROTOCOL.has(r.code)) return 'protocol';
  return 'unknown';
}

/** Outcomes that prove something at the address answered (the host is up). */
const ANSWERED: ReadonlySet<PathOutcome> = new Set([
  'ok',
  'refused',
  'reset',
  'no_answer',
  'http_status',
  'protocol',
  'maintenance',
  'need_support',
]);

/** Whether an outcome proves something at the address answered. */
export function answered(o: PathOutcome | undefined): boolean {
  return o !== undefined && ANSWERED.has(o);
}

/** One installation's checks as evidence. */
export interface View extends InstallationFacts {
  /** The check failed (with one of `codes`, when given). */
  fails(id: CheckId, ...codes: string[]): boolean;
  oks(id: CheckId): boolean;
  /** The check is configured (whatever its result). */
  has(id: CheckId): boolean;
  code(id: CheckId): string | undefined;
  /** The check's Russian message (never holds addresses). */
  message(id: CheckId): string | undefined;
  outcome(id: CheckId): PathOutcome | undefined;
  /** The HTTP status the check received, when it got one. */
  httpStatus(id: CheckId): number | undefined;
  /** A text field of the check's operator evidence (e.g. the «service required» text the page showed). */
  said(id: CheckId, key: string): string | undefined;
  /** The check that asks the PK's own address for its main page: http_ip when there is an ip, else http. */
  page?: CheckId;
  /** The checks of the direct path (by the ip: tcp and http_ip) that were made. */
  direct: CheckId[];
  /** The Russian explanation a check (sysinfo, metrics) gave for one alert it decides, when it gave one. */
  finding(alert: string): string | undefined;
}

/** Builds the view over one run's checks. */
export function view(checks: Checks, facts: InstallationFacts = {}): View {
  const get = (id: CheckId) => checks[id];
  return {
    ...facts,
    fails: (id, ...codes) => {
      const r = get(id);
      return r?.status === 'fail' && (codes.length === 0 || codes.includes(r.code));
    },
    oks: (id) => get(id)?.status === 'ok',
    has: (id) => get(id) !== undefined,
    code: (id) => get(id)?.code,
    message: (id) => get(id)?.message,
    outcome: (id) => outcomeOf(get(id)),
    httpStatus: (id) => {
      const s = get(id)?.evidence?.http_status;
      return typeof s === 'number' && s > 0 ? s : undefined;
    },
    said: (id, key) => {
      const v = get(id)?.evidence?.[key];
      return typeof v === 'string' ? v : undefined;
    },
    direct: (['http_ip', 'tcp'] as const).filter((id) => get(id) !== undefined),
    finding: (alert) =>
      [checks.sysinfo, checks.metrics].flatMap((r) => r?.findings ?? []).find((f) => f.alert === alert)
        ?.message,
    ...(get('http_ip') ? { page: 'http_ip' as const } : get('http') ? { page: 'http' as const } : {}),
  };
}

/** The server itself answered in this run: ping, or any answer on the direct path (a refusal included). */
export function serverAnswers(v: View): boolean {
  if (v.oks('icmp')) return true;
  return v.direct.some((id) => ANSWERED.has(v.outcome(id) ?? 'unknown'));
}

/**
 * Nothing answered at all: ping did not, and every connection that was tried (by ip, and by name when the
 * name resolved) got silence. Only then is «the server or its network is unreachable» what the evidence says.
 */
export function hostSilent(v: View): boolean {
  if (v.oks('icmp')) return false;
  const paths: CheckId[] = [...v.direct];
  if (v.has('http') && v.outcome('http') !== 'dns') paths.push('http');
  return paths.length > 0 && paths.every((id) => v.outcome(id) === 'silent');
}

/** The direct path works: the web server answers by ip, or (without an http check by ip) the port is open. */
export function directWorks(v: View): boolean {
  return v.has('http_ip') ? v.oks('http_ip') : v.oks('tcp');
}

/** The name of the installation does not resolve (dns check, or the request by name failed on DNS). */
export function nameFails(v: View): boolean {
  return v.fails('dns') || v.outcome('http') === 'dns';
}

/** The first direct check that failed, with its outcome (http_ip before tcp: it says more). */
export function directFailure(v: View): { id: CheckId; outcome: PathOutcome } | undefined {
  for (const id of v.direct) {
    const outcome = v.outcome(id);
    if (v.fails(id) && outcome) return { id, outcome };
  }
  return undefined;
}

/** The checks by ip speak of the server's own address (with no ip, tcp goes to the name). */
export function byIp(v: View): boolean {
  return v.ip ?? v.has('http_ip');
}

/**
 * The first check that shows the PK's port not taking connections (tcp, else the page check), with its
 * outcome: silent or refused.
 */
export function portFailure(v: View): { id: CheckId; outcome: 'silent' | 'refused' } | undefined {
  for (const id of ['tcp', v.page] as const) {
    if (!id || !v.fails(id)) continue;
    const o = v.outcome(id);
    if (o === 'silent' || o === 'refused') return { id, outcome: o };
  }
  return undefined;
}

/** How the page check reached the server, for a cause: «по IP-адресу» or «по доменному имени». */
export function pageWay(v: View): string {
  return v.page === 'http_ip' ? 'по IP-адресу' : 'по доменному имени';
}

/** «код 500 — внутренняя ошибка сервера»: an HTTP status with its meaning, for a manager. */
export function statusText(status: number | undefined): string {
  if (status === undefined) return 'неожиданный код ответа';
  const meaning =
    status === 500
      ? 'внутренняя ошибка сервера'
      : status === 502
        ? 'прокси не получил ответа от сервера ПК'
        : status === 503
          ? 'сервис недоступен'
          : status === 504
            ? 'прокси не дождался ответа сервера ПК'
            : status >= 500
              ? 'ошибка на стороне сервера'
              : status === 404
                ? 'страница не найдена'
                : status === 401 || status === 403
                  ? 'доступ запрещён'
                  : status >= 400
                    ? 'запрос отклонён'
                    : status >= 300
                      ? 'перенаправление'
                      : 'неожиданный ответ';
  return `код ${status} — ${meaning}`;
}
