import { judgeXml } from '../probes/kodeks-xml.ts';
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

const MAX_BYTES = 1024 * 1024;

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

/** The key state in the local XML status document, read with the installation's `select` and `ok`. */
export async function probeLocalXml(
  target: LocalTarget,
  xml: { path: string; select: string; ok: readonly string[] },
  opts: LocalProbeOptions,
): Promise<LocalCheck> {
  let res: Awaited<ReturnType<typeof fetchLocal>>;
  try {
    res = await fetchLocal(target, xml.path, {
      timeoutMs: opts.timeoutMs,
      maxBytes: opts.maxBytes ?? MAX_BYTES,
    });
  } catch (err) {
    return connectionFailure(err, target);
  }
  if (res.statusCode !== 200) {
    return {
      status: 'fail',
      code: 'HTTP_STATUS',
      message: `Статус Кодекса на этой машине не получен: ответ ${res.statusCode}.`,
    };
  }
  if (res.truncated) {
    return {
      status: 'fail',
      code: 'HTTP_BODY_TOO_LARGE',
      message: 'Статус Кодекса на этой машине слишком большой, он не прочитан.',
    };
  }
  // The central kodeks_xml probe's own judgement (encoding, DOCTYPE refused, no entity expansion), so
  // the agent and the checker read the same document the same way.
  const judged = judgeXml(res.body, { select: xml.select, ok: [...xml.ok] });
  return { status: judged.status, code: judged.code, message: judged.message };
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
