import type { Probes } from '../config/schema.ts';
import type { SysinfoFacts } from '../status/sysinfo.ts';
import type { ParsePool } from '../sysinfo/parse-pool.ts';
import { resolveProfile } from '../sysinfo/profile.ts';
import { fetchLocal, type LocalTarget } from './local-fetch.ts';
import type { LocalCheck } from './types.ts';
import { describeError } from './usb-inspect.ts';

/** Limits of the local requests. */
export interface LocalProbeOptions {
  /** Hard timeout per request, ms. */
  timeoutMs: number;
  /** Bytes of body read at most. */
  maxBytes?: number;
}

/** Does the Kodeks web server on this machine answer? Any status below 500 means it does. */
export async function probeLocalHttp(
  target: LocalTarget,
  path: string,
  opts: LocalProbeOptions,
): Promise<LocalCheck> {
  try {
    const res = await fetchLocal(target, path, { timeoutMs: opts.timeoutMs, maxBytes: 64 * 1024 });
    if (res.statusCode >= 500) {
      return {
        status: 'fail',
        code: 'HTTP_STATUS',
        message: `Веб-сервер Кодекса на этой машине отвечает ошибкой ${res.statusCode}.`,
      };
    }
    return {
      status: 'ok',
      code: 'OK',
      message: `Веб-сервер Кодекса на этой машине отвечает (${res.statusCode}).`,
    };
  } catch (err) {
    return connectionFailure(err, target);
  }
}

/** What reading the sysinfo report on this machine gave: the local check and, when it was read, its facts. */
export interface LocalSysinfo {
  check: LocalCheck;
  facts?: SysinfoFacts;
}

/**
 * Fetches the sysinfo report from the Kodeks server on this machine and reads it into facts (in a worker
 * thread, with the same limits as the central probe). Only the facts go into the agent's report: user names,
 * search queries and addresses in the report never leave the server.
 */
export async function readLocalSysinfo(
  target: LocalTarget,
  settings: Pick<NonNullable<Probes['sysinfo']>, 'path' | 'method' | 'type' | 'max_bytes' | 'mapping'>,
  opts: LocalProbeOptions & { pool: ParsePool; now: () => Date; timezone: string },
): Promise<LocalSysinfo> {
  let res: Awaited<ReturnType<typeof fetchLocal>>;
  try {
    res = await fetchLocal(target, settings.path, {
      timeoutMs: opts.timeoutMs,
      maxBytes: settings.max_bytes,
      method: settings.method,
      form: { type: settings.type },
    });
  } catch (err) {
    return { check: connectionFailure(err, target) };
  }
  if (res.statusCode !== 200)
    return {
      check: {
        status: 'fail',
        code: 'HTTP_STATUS',
        message: `Отчёт sysinfo на этой машине не получен: ответ ${res.statusCode}.`,
      },
    };
  if (res.truncated)
    return {
      check: {
        status: 'fail',
        code: 'REPORT_TOO_LARGE',
        message: 'Отчёт sysinfo на этой машине больше допустимого, он не прочитан.',
      },
    };
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const reply = await opts.pool.parse(
    {
      bytes: res.body,
      profile: resolveProfile(settings.mapping),
      limits: {},
      fetchedAt: opts.now().toISOString(),
      timezone: opts.timezone,
    },
    signal,
  );
  if (!reply.ok) return { check: { status: 'fail', code: reply.code, message: reply.message.slice(0, 500) } };
  const key = reply.facts.key;
  return {
    facts: reply.facts,
    check:
      key.state === 'ok'
        ? { status: 'ok', code: 'OK', message: 'Отчёт sysinfo прочитан: ключ SenseLock работает.' }
        : key.state === 'missing'
          ? { status: 'fail', code: 'KEY_MISSING', message: 'По отчёту sysinfo ключ SenseLock не работает.' }
          : {
              status: 'unknown',
              code: 'KEY_UNKNOWN',
              message: `Отчёт sysinfo прочитан, но ${key.reason ?? 'состояние ключа неизвестно'}.`.slice(
                0,
                500,
              ),
            },
  };
}

/** Maps a failed connection to a code the central probes also use. */
function connectionFailure(err: unknown, target: LocalTarget): LocalCheck {
  const code = errorCode(err);
  const port = target.base.port || (target.base.protocol === 'https:' ? '443' : '80');
  if (code === 'ECONNREFUSED') {
    return {
      status: 'fail',
      code: 'CONN_REFUSED',
      message: `На этой машине порт ${port} не принимает соединения.`,
    };
  }
  if (
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'ABORT_ERR' ||
    code === 'TimeoutError'
  ) {
    return {
      status: 'fail',
      code: 'TIMEOUT',
      message: `Веб-сервер Кодекса на порту ${port} не ответил вовремя.`,
    };
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') {
    return {
      status: 'fail',
      code: 'CONN_RESET',
      message: `Веб-сервер Кодекса на порту ${port} оборвал соединение.`,
    };
  }
  return {
    status: 'fail',
    code: 'CONN_ERROR',
    message: `Веб-сервер Кодекса на порту ${port} недоступен: ${describeError(err)}`.slice(0, 500),
  };
}

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    const rec = e as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof rec.code === 'string') return rec.code;
    if (rec.name === 'TimeoutError' || rec.name === 'AbortError') return 'TimeoutError';
    e = rec.cause;
  }
  return undefined;
}
